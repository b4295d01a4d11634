"""Who may send into the interview (agent.senders): the worker's own wiring (listen_to_candidate, room_options)
over a room fake, with the real AgentSession."""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.agents import AgentSession

from agent.channel import RoomChannel
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.presence import CandidatePresence
from agent.senders import MAX_REFUSAL_NOTES, candidate_identity
from agent.state import InterviewState, Phase
from agent.worker import link_audio, listen_to_candidate, room_options
from api.tokens import candidate_identity as minted_identity
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, say
from tests.fakes.room import FakeParticipant, FakeRoom, FakeTextStreamReader

SID = "ses_test"
CANDIDATE = candidate_identity(SID)
FORGED = "def two_sum(nums, target):\n    return sorted(nums)  # forged by someone else\n"


def interview(room: FakeRoom, expected: str | None) -> tuple[InterviewState, FakeSink, RoomChannel]:
    sink = FakeSink()
    channel = RoomChannel(room)  # type: ignore[arg-type]  # FakeRoom stands in for rtc.Room
    channel.candidate_identity = expected
    _, state = build_interview(make_context(), api=None, recorder=sink, clock=ManualClock(), channel=channel,
                               settings=test_settings(), classifier=None)  # fmt: skip
    state.candidate_spoke = True
    return state, sink, channel


async def settle(until: Any = lambda: False, rounds: int = 400) -> None:
    for _ in range(rounds):
        if until():
            return
        await asyncio.sleep(0.005)


def users(session: AgentSession[Any]) -> list[str]:
    return [i.text_content or "" for i in session.history.items if i.type == "message" and i.role == "user"]


def test_the_agent_expects_the_identity_the_api_mints_into_the_candidates_token():
    assert candidate_identity(SID) == minted_identity(SID)


async def test_code_pastes_and_typed_messages_are_taken_only_from_the_scheduled_candidate():
    """Any participant could stream `editor.snapshot`, and the code went into the event log, the model's view and
    the grade as the candidate's. Another participant's streams (a second token, an observer, a person who joined
    first) are closed unread, noted without identity or content, and change nothing."""
    observer = FakeParticipant("observer")
    room = FakeRoom(observer, FakeParticipant(CANDIDATE))
    state, sink, channel = interview(room, CANDIDATE)
    listen_to_candidate(room, state, channel)  # type: ignore[arg-type]  # FakeRoom stands in for rtc.Room
    model = FakeLLM([say("Sure.")])
    async with AgentSession[InterviewState](llm=model, userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        before = len(model.requests)
        forged = [
            FakeTextStreamReader(
                "editor.snapshot", FORGED, attributes={"version": "99", "language": "python"}
            ),
            FakeTextStreamReader("editor.paste", "paste", attributes={"chars": "5000", "lines": "90"}),
        ]
        for reader in forged:
            room.open_stream(reader, "observer")
        room.open_stream(FakeTextStreamReader("editor.snapshot", FORGED), "not-in-the-room")
        await settle(rounds=20)
        assert state.editor.snapshot is None and not state.paste_noted and state.pending_notes == []
        assert users(session) == [] and len(model.requests) == before
        assert all(r.closed and r.chunks_read == 0 for r in forged)  # never read into the job's memory
        refused = [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] == "sender_refused"]
        assert sorted(p["topic"] for p in refused) == [
            "editor.paste",
            "editor.snapshot",
            "editor.snapshot",
        ]
        assert all(set(p) == {"kind", "topic", "count"} for p in refused)  # no identity, no content

        code = "def two_sum(nums, target):\n    return []\n"
        room.open_stream(
            FakeTextStreamReader("editor.snapshot", code, attributes={"version": "1"}), CANDIDATE
        )
        await settle(lambda: state.editor.snapshot is not None)
        assert state.editor.snapshot is not None and state.editor.snapshot.code == code
    await state.editor.aclose()


async def test_refusals_are_noted_a_bounded_number_of_times():
    room = FakeRoom(FakeParticipant("observer"), FakeParticipant(CANDIDATE))
    state, sink, channel = interview(room, CANDIDATE)
    senders = listen_to_candidate(room, state, channel)  # type: ignore[arg-type]
    for i in range(200):
        room.open_stream(FakeTextStreamReader("editor.snapshot", f"x = {i}"), "observer")
    notes = [e for e in sink.of_type("note") if e["payload"]["kind"] == "sender_refused"]
    assert len(notes) == MAX_REFUSAL_NOTES and senders.refused == {"editor.snapshot": 200}
    assert state.editor.snapshot is None


async def test_a_practice_job_serves_the_first_person_and_a_second_one_never_takes_over():
    """A practice job has no minted identity: it links the first person in the room. Someone joining while that
    candidate is present neither becomes the candidate (presence handed them the room) nor may send."""
    first = FakeParticipant("me")
    room = FakeRoom(first)
    state, _, channel = interview(room, None)
    listen_to_candidate(room, state, channel)  # type: ignore[arg-type]
    linked: list[str] = []

    async def gone() -> None:
        return None

    def rejoined(identity: str) -> None:
        channel.candidate_identity = identity
        linked.append(identity)

    channel.candidate_identity = "me"  # what the entrypoint does once wait_for_participant returns
    presence = CandidatePresence(room, state.clock, grace_s=120, on_gone=gone, on_rejoin=rejoined)  # type: ignore[arg-type]
    presence.candidate = "me"
    room.join(FakeParticipant("intruder"))
    assert linked == [] and channel.candidate_identity == "me"
    room.open_stream(FakeTextStreamReader("editor.snapshot", FORGED), "intruder")
    await settle(rounds=20)
    assert state.editor.snapshot is None
    # While the candidate is away nobody may send (who joins then may continue: test_worker's rejoin test).
    room.leave("me")
    room.open_stream(FakeTextStreamReader("editor.snapshot", FORGED), "intruder")
    await settle(rounds=20)
    assert state.editor.snapshot is None
    await presence.aclose()
    await state.editor.aclose()


async def test_a_scheduled_session_links_only_its_candidate_even_while_the_candidate_is_away():
    room = FakeRoom(FakeParticipant(CANDIDATE))
    clock = ManualClock()
    linked: list[str] = []
    gone: list[bool] = []

    async def on_gone() -> None:
        gone.append(True)

    presence = CandidatePresence(
        room, clock, grace_s=120, on_gone=on_gone, on_rejoin=linked.append, expected=CANDIDATE
    )  # type: ignore[arg-type]
    room.leave(CANDIDATE)
    room.join(FakeParticipant("someone-else"))  # joins in the grace period: not the candidate back
    await clock.advance(100, step=10)
    assert linked == [] and presence.candidate == CANDIDATE
    room.join(FakeParticipant(CANDIDATE))
    await clock.advance(200, step=10)
    assert linked == [CANDIDATE] and not gone
    await presence.aclose()


def test_room_io_listens_to_the_scheduled_candidate_only():
    assert room_options(CANDIDATE).participant_identity == CANDIDATE
    assert room_options(None).close_on_disconnect is False


class _RoomIO:
    def __init__(self, linked: str | None) -> None:
        self.linked_participant = FakeParticipant(linked) if linked else None
        self.set: list[str] = []

    def set_participant(self, identity: str) -> None:
        self.set.append(identity)


def test_audio_follows_the_candidate_the_job_serves():
    for linked, expected in ((None, ["me"]), ("me", []), ("someone-else", ["me"])):
        session = type("S", (), {"room_io": _RoomIO(linked)})()
        link_audio(session, "me")  # type: ignore[arg-type]  # only room_io is used
        assert session.room_io.set == expected
