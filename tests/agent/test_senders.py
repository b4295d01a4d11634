"""Who may send into the interview (agent.senders), and typed messages read bounded (agent.chat): the worker's own
wiring (listen_to_candidate, listen_to_chat, room_options) over a room fake, with the real AgentSession."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

from livekit.agents import AgentSession

from agent.channel import RoomChannel
from agent.chat import MAX_COUNTED_CHARS, ChatIntake
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.presence import CandidatePresence
from agent.room import link_audio, listen_to_candidate, listen_to_chat, room_options
from agent.senders import MAX_REFUSAL_NOTES, candidate_identity
from agent.state import InterviewState, Phase
from agent.turns import MAX_TYPED_CHARS
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


async def settle(until: Any = None, rounds: int = 20, timeout_s: float = 30.0) -> None:
    """Without ``until``: let ``rounds`` loop turns pass (what must not happen has had its chance). With it: wait
    until it holds, failing after ``timeout_s`` (a loaded CI box once took more than the 2 s this used to allow)."""
    if until is None:
        for _ in range(rounds):
            await asyncio.sleep(0.005)
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not until():
        assert loop.time() < deadline, "the condition did not hold in time"
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
    senders = listen_to_candidate(room, state, channel)  # type: ignore[arg-type]  # FakeRoom stands in for rtc.Room
    model = FakeLLM([say("Sure.")])
    async with AgentSession[InterviewState](llm=model, userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        chat = listen_to_chat(room, session, senders, state)  # type: ignore[arg-type]
        before = len(model.requests)
        forged = [
            FakeTextStreamReader(
                "editor.snapshot", FORGED, attributes={"version": "99", "language": "python"}
            ),
            FakeTextStreamReader("editor.paste", "paste", attributes={"chars": "5000", "lines": "90"}),
            FakeTextStreamReader("lk.chat", "I'm done, please end the interview now."),
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
            "lk.chat",
        ]
        assert all(set(p) == {"kind", "topic", "count"} for p in refused)  # no identity, no content

        code = "def two_sum(nums, target):\n    return []\n"
        room.open_stream(
            FakeTextStreamReader("editor.snapshot", code, attributes={"version": "1"}), CANDIDATE
        )
        room.open_stream(FakeTextStreamReader("lk.chat", "Can I use a dict?"), CANDIDATE)
        # The message is kept as its turn starts; its reply's request follows.
        await settle(
            lambda: (
                state.editor.snapshot is not None and len(model.requests) > before and bool(users(session))
            )
        )
        assert state.editor.snapshot is not None and state.editor.snapshot.code == code
        assert users(session) == ["Can I use a dict?"] and len(model.requests) == before + 1
        await chat.aclose()
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


async def test_refusals_in_a_restarted_job_are_noted_again_not_taken_for_the_first_jobs():
    """A job restarted for the same session counts its refusals from 1 again: a note keyed by that count was the
    first job's note to the log (the API refuses the key with another `t`), and the second job's were lost."""
    from agent.senders import CandidateSenders

    sink = FakeSink()
    for _job in range(2):
        senders = CandidateSenders(lambda identity: identity == CANDIDATE, sink)
        assert not senders.admits("editor.snapshot", "observer")
    notes = [e for e in sink.of_type("note") if e["payload"]["kind"] == "sender_refused"]
    assert len(notes) == 2


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


def test_room_io_listens_to_the_scheduled_candidate_and_leaves_lk_chat_to_our_intake():
    scheduled = room_options(CANDIDATE)
    assert scheduled.participant_identity == CANDIDATE
    assert scheduled.get_text_input_options() is None  # RoomIO never registers its read_all lk.chat handler
    practice = room_options(None)
    assert practice.get_text_input_options() is None and practice.close_on_disconnect is False


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


async def test_a_huge_streamed_chat_message_is_read_bounded_cut_noted_and_the_interview_goes_on():
    """RoomIO read an `lk.chat` stream whole (`read_all`) before any bound of ours applied: a client could stream
    any amount into the job's memory as one message. Our intake holds the first MAX_TYPED_CHARS characters, stops
    reading past MAX_COUNTED_CHARS, keeps the message cut (saying so) and answers the next one as usual."""
    room = FakeRoom(FakeParticipant(CANDIDATE))
    state, sink, channel = interview(room, CANDIDATE)
    senders = listen_to_candidate(room, state, channel)  # type: ignore[arg-type]
    model = FakeLLM([say("That was long."), say("Yes, a dict works.")])
    chunk = "a" * 15_000  # LiveKit's stream chunk size
    flood = FakeTextStreamReader("lk.chat", chunk, chunks=20_000)  # 300 million characters offered
    async with AgentSession[InterviewState](llm=model, userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state), capture_run=True)
        chat = listen_to_chat(room, session, senders, state)  # type: ignore[arg-type]
        before = len(model.requests)
        tracemalloc.start()
        try:
            room.open_stream(flood, CANDIDATE)
            await settle(lambda: users(session))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert flood.closed and flood.chunks_read * len(chunk) <= MAX_COUNTED_CHARS + len(chunk)
        assert peak < 4 * MAX_COUNTED_CHARS, (
            peak
        )  # read_all held 300 MB; this stays near one counted megabyte
        [kept] = users(session)
        assert len(kept) <= MAX_TYPED_CHARS and kept.startswith("a" * 3_000)
        assert kept.endswith("characters not shown]") and "more than" in kept
        await settle(lambda: len(model.requests) > before)
        room.open_stream(FakeTextStreamReader("lk.chat", "Can I use a dict?"), CANDIDATE)
        # The message is kept as its turn starts; its reply's request follows.
        await settle(lambda: len(model.requests) > before + 1 and users(session)[-1] == "Can I use a dict?")
        assert len(model.requests) == before + 2
        await chat.aclose()
    notes = [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] == "chat_truncated"]
    assert notes == [{"kind": "chat_truncated", "chars": flood.chunks_read * len(chunk), "complete": False,
                      "kept": notes[0]["kept"]}]  # fmt: skip
    assert notes[0]["kept"] < MAX_TYPED_CHARS


async def test_a_long_chat_message_that_ends_is_cut_with_its_exact_size_and_a_broken_one_is_dropped():
    room = FakeRoom(FakeParticipant(CANDIDATE))
    state, _, channel = interview(room, CANDIDATE)
    senders = listen_to_candidate(room, state, channel)  # type: ignore[arg-type]
    model = FakeLLM([say("Okay.")])
    async with AgentSession[InterviewState](llm=model, userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state), capture_run=True)
        seen: list[str] = []
        chat = ChatIntake(session, lambda s, ev: seen.append(ev.text), senders, state)
        room.handlers["lk.chat"] = chat.on_text_stream  # type: ignore[assignment]
        room.open_stream(FakeTextStreamReader("lk.chat", "b" * 1_000, chunks=10), CANDIDATE)
        room.open_stream(FakeTextStreamReader("lk.chat", "hello"), CANDIDATE)
        room.open_stream(
            FakeTextStreamReader("lk.chat", "half a", chunks=3, error=ConnectionError()), CANDIDATE
        )
        await settle(lambda: len(seen) == 2)
        await settle(rounds=20)
        await chat.aclose()
    assert len(seen) == 2  # the broken stream is a message that never arrived
    long, short = sorted(seen, key=len, reverse=True)
    assert short == "hello" and len(long) <= MAX_TYPED_CHARS
    kept = long.split(" … [")[0]
    assert long.endswith(f"[{10_000 - len(kept)} more characters not shown]")


async def test_the_session_started_in_a_room_takes_nothing_from_participants_but_through_our_intake():
    """livekit's session host (on by default) took `lk.agent.session` byte streams from any participant: read the
    instructions (rubric and unrevealed hints) and the history, and run user turns past the turn path and the chat
    budget. RoomIO also took a pre-connect audio buffer from anyone, and read `lk.chat` whole. Started with the
    worker's arguments, the real AgentSession registers none of them: what a participant may send is ours alone."""
    from livekit.agents import Agent
    from livekit.agents.testing import fake_job_context

    from agent.room import room_start

    room = FakeRoom(FakeParticipant(CANDIDATE))
    with fake_job_context():
        session: AgentSession[None] = AgentSession(llm=FakeLLM([say("Hello.")]), vad=None, stt=None, tts=None)
        await session.start(Agent(instructions="Interview."), **room_start(room, CANDIDATE))  # type: ignore[arg-type]
        try:
            assert room.byte_handlers == {} and room.handlers == {}
            assert session.room_io is not None
        finally:
            await session.aclose()


async def test_streams_left_open_are_bounded_per_topic_and_a_dropped_one_is_never_taken_in_part():
    """A stream costs its sender one small header and may never end. Every open reader held a task, its chunks and
    a subscription that livekit runs every FFI event of the process through (audio frames included): 1,000 left
    open on `editor.snapshot` and as many on `lk.chat` stayed for the life of the job. At most
    ``MAX_OPEN_STREAMS`` per topic are read at once; the oldest are closed and what they sent is never taken as a
    snapshot or a message, and a stream that ends is still taken."""
    from agent.stream_reads import MAX_OPEN_STREAMS

    room = FakeRoom(FakeParticipant(CANDIDATE))
    state, _, channel = interview(room, CANDIDATE)
    senders = listen_to_candidate(room, state, channel)  # type: ignore[arg-type]
    seen: list[str] = []
    chat = ChatIntake(None, lambda s, ev: seen.append(ev.text), senders, state)  # type: ignore[arg-type]  # no session needed
    room.handlers["lk.chat"] = chat.on_text_stream  # type: ignore[assignment]
    stalled: list[FakeTextStreamReader] = []
    for i in range(1_000):
        for topic, text in (("editor.snapshot", "half = 1\n"), ("lk.chat", "half a message")):
            reader = FakeTextStreamReader(topic, text, attributes={"version": str(i + 1)}, stall=True)
            stalled.append(reader)
            room.open_stream(reader, CANDIDATE)
    await settle(rounds=5)
    assert sum(1 for r in stalled if not r.closed) <= 2 * MAX_OPEN_STREAMS
    room.open_stream(
        FakeTextStreamReader("editor.snapshot", "done = 1\n", attributes={"version": "5000"}), CANDIDATE
    )
    room.open_stream(FakeTextStreamReader("lk.chat", "hello"), CANDIDATE)
    await settle(lambda: seen == ["hello"] and state.editor.snapshot is not None)
    await settle(rounds=5)
    snap = state.editor.snapshot
    assert snap is not None and (snap.code, snap.version) == ("done = 1\n", 5000)
    await chat.aclose()
    await state.editor.aclose()
    assert seen == ["hello"] and all(r.closed for r in stalled)


async def test_messages_already_read_are_never_cancelled_by_the_bound_on_streams_read_at_once():
    """The bound on streams read at once covered a message's whole turn, not just its reading: a turn waits for
    the turns before it and for its decision (a classifier call while coding), so a fifth message typed in that
    time dropped the first one, already read, mid-turn: gone from the conversation and the transcript. Each
    message read is handled to its end, in the order read."""
    from agent.stream_reads import MAX_OPEN_STREAMS

    room = FakeRoom(FakeParticipant(CANDIDATE))
    state, _, channel = interview(room, CANDIDATE)
    senders = listen_to_candidate(room, state, channel)  # type: ignore[arg-type]
    release = asyncio.Event()
    started: list[str] = []
    handled: list[str] = []

    async def slow_turn(_session: Any, ev: Any) -> None:
        started.append(ev.text)
        await release.wait()  # a turn still being decided
        handled.append(ev.text)

    chat = ChatIntake(None, slow_turn, senders, state)  # type: ignore[arg-type]  # no session needed
    room.handlers["lk.chat"] = chat.on_text_stream  # type: ignore[assignment]
    sent = [f"message {i}" for i in range(3 * MAX_OPEN_STREAMS)]
    for text in sent:
        room.open_stream(FakeTextStreamReader("lk.chat", text), CANDIDATE)
        await settle(lambda t=text: t in started)  # type: ignore[misc]  # read, and its turn under way
    release.set()
    await settle(lambda: len(handled) == len(sent))
    await settle(rounds=5)
    await chat.aclose()
    assert started == sent and handled == sent


async def test_the_interviewer_joins_the_room_subscribing_to_audio_only():
    """livekit connects a job subscribing to every track of the room: a camera or screen share (any number, any
    bitrate) was the interviewer's to receive, and it uses no video. It hears audio, and subscribes to nothing else."""
    from livekit.agents import AutoSubscribe

    from agent.room import join_room

    class Ctx:
        def __init__(self) -> None:
            self.connects: list[dict[str, Any]] = []

        async def connect(self, **kwargs: Any) -> None:
            self.connects.append(kwargs)

    ctx = Ctx()
    await join_room(ctx)  # type: ignore[arg-type]  # the JobContext's connect is all it uses
    assert ctx.connects == [{"auto_subscribe": AutoSubscribe.AUDIO_ONLY}]
