"""Notes bounded per interview stay bounded across a restart: a cut typed message (agent.chat) is noted once, and
refusals of streams from others than the candidate (agent.senders) a few times per topic. The first job runs
through the worker's own wiring (listen_to_candidate, listen_to_chat); its record is the stored log; the second
job is built from that log as the worker builds it (agent.resume, agent.interview)."""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.agents import AgentSession

from agent.channel import RoomChannel
from agent.context import SessionEvent
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.resume import build_resume
from agent.room import listen_to_candidate, listen_to_chat
from agent.senders import MAX_REFUSAL_NOTES, candidate_identity
from agent.state import InterviewState, Phase
from agent.turns import MAX_TYPED_CHARS
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, say
from tests.fakes.room import FakeParticipant, FakeRoom, FakeTextStreamReader

CANDIDATE = candidate_identity("ses_test")


class Job:
    """One job of the interview in ``room``, built from ``log`` when it is a restart."""

    def __init__(self, room: FakeRoom, log: list[SessionEvent] | None = None) -> None:
        self.room = room
        self.sink = FakeSink()
        channel = RoomChannel(room)  # type: ignore[arg-type]  # FakeRoom stands in for rtc.Room
        channel.candidate_identity = CANDIDATE
        resume = build_resume(log) if log is not None else None
        assert (resume is None) == (log is None)
        _, self.state = build_interview(make_context(), api=None, recorder=self.sink, clock=ManualClock(),
                                        channel=channel, settings=test_settings(), classifier=None,
                                        resume=resume)  # fmt: skip
        self.state.candidate_spoke = True
        self.senders = listen_to_candidate(room, self.state, channel)  # type: ignore[arg-type]

    def notes(self, kind: str) -> list[dict[str, Any]]:
        return [e["payload"] for e in self.sink.of_type("note") if e["payload"]["kind"] == kind]


def _log(*sinks: FakeSink) -> list[SessionEvent]:
    """What the API holds after the jobs that wrote to ``sinks``, with a candidate's turn (a log without one does not
    resume)."""
    events = [e for sink in sinks for e in sink.events]
    events.append({"type": "transcript", "t": 1.0, "key": "turn", "payload": {"role": "user", "text": "Hi."}})
    return [
        SessionEvent(seq=i, type=e["type"], t=e["t"], idempotency_key=e["key"], payload=e["payload"])
        for i, e in enumerate(events, 1)
    ]


async def _settle(until: Any, timeout_s: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not until():
        assert loop.time() < deadline, "the condition did not hold in time"
        await asyncio.sleep(0.005)


async def _type_long_message(job: Job, size: int) -> None:
    model = FakeLLM([say("That was long.")])
    async with AgentSession[InterviewState](llm=model, userdata=job.state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, job.state), capture_run=True)
        chat = listen_to_chat(job.room, session, job.senders, job.state)  # type: ignore[arg-type]
        job.room.open_stream(FakeTextStreamReader("lk.chat", "a" * size), CANDIDATE)
        await _settle(lambda: any(i.type == "message" and i.role == "user" for i in session.history.items))
        await chat.aclose()


async def test_a_cut_typed_message_is_noted_once_per_interview_across_a_restart():
    first = Job(FakeRoom(FakeParticipant(CANDIDATE)))
    await _type_long_message(first, MAX_TYPED_CHARS * 3)
    assert len(first.notes("chat_truncated")) == 1

    second = Job(FakeRoom(FakeParticipant(CANDIDATE)), _log(first.sink))
    await _type_long_message(second, MAX_TYPED_CHARS * 2)
    assert second.notes("chat_truncated") == []  # the first job's note stands for the interview


async def test_a_restarted_job_that_had_no_cut_message_notes_its_first():
    first = Job(FakeRoom(FakeParticipant(CANDIDATE)))
    second = Job(FakeRoom(FakeParticipant(CANDIDATE)), _log(first.sink))
    await _type_long_message(second, MAX_TYPED_CHARS * 2)
    assert len(second.notes("chat_truncated")) == 1


def _refuse(job: Job, topic: str, times: int) -> None:
    for i in range(times):
        job.room.open_stream(FakeTextStreamReader(topic, f"x = {i}"), "observer")


async def test_refusals_are_noted_a_bounded_number_of_times_per_topic_across_restarts():
    room = FakeRoom(FakeParticipant("observer"), FakeParticipant(CANDIDATE))
    first = Job(room)
    _refuse(first, "editor.snapshot", 3)
    second = Job(FakeRoom(FakeParticipant("observer"), FakeParticipant(CANDIDATE)), _log(first.sink))
    _refuse(second, "editor.snapshot", 50)
    _refuse(second, "editor.paste", 50)
    counts = [n["count"] for n in second.notes("sender_refused") if n["topic"] == "editor.snapshot"]
    assert counts == list(
        range(4, MAX_REFUSAL_NOTES + 1)
    )  # the interview's count goes on from the first job's
    pastes = [n["count"] for n in second.notes("sender_refused") if n["topic"] == "editor.paste"]
    assert pastes == list(range(1, MAX_REFUSAL_NOTES + 1))  # another topic has its own bound

    third = Job(
        FakeRoom(FakeParticipant("observer"), FakeParticipant(CANDIDATE)), _log(first.sink, second.sink)
    )
    _refuse(third, "editor.snapshot", 10)
    _refuse(third, "editor.paste", 10)
    assert third.notes("sender_refused") == []
    assert third.senders.refused == {
        "editor.snapshot": 10,
        "editor.paste": 10,
    }  # still refused, only not noted
    assert third.state.editor.snapshot is None


def test_the_refusal_counts_a_log_can_carry_are_bounded():
    """A log is stored data: refusal notes under thousands of topics come back as a bounded map."""
    events = [
        SessionEvent(seq=i, type="note", t=1.0, idempotency_key=f"k{i}",
                     payload={"kind": "sender_refused", "topic": f"topic-{i}-" + "t" * 500, "count": 1})
        for i in range(5_000)
    ]  # fmt: skip
    events.append(SessionEvent(seq=9_999, type="transcript", t=2.0, idempotency_key="turn",
                               payload={"role": "user", "text": "Hi."}))  # fmt: skip
    point = build_resume(events)
    assert point is not None
    assert 0 < len(point.sender_refusals) <= 16 and all(len(t) <= 64 for t in point.sender_refusals)
