"""A hint the record counts as given reaches the candidate's page, once. A hint being said when the job's process died
is recorded as given, ``unsettled``, by the restarted job (agent.hints ``presume``); before, the page was never sent
its ``hint`` client event, so its "Hint N of M given" feed said fewer hints than the record and the report. Now the
restarted job tells the page of it once the session runs (``attach_interview``, called once the candidate is in the
room), marked ``unsettled``, and notes it told (``hint_told``): a later job tells of it no more, and one that
restarts after a job presumed it and died before telling does tell. A hint that settled before the death was told
by the job that gave it, and is not told again."""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.agents import AgentSession

from agent.capture import attach_capture
from agent.context import SessionEvent
from agent.interview import attach_interview
from agent.state import InterviewState
from tests.agent.test_hints_died import _answered, _died_mid_hint, _event, _started
from tests.agent.test_resume_restart import Job
from tests.fakes.interview import make_context
from tests.fakes.llm import FakeLLM, say
from tests.fakes.session import settle


async def _run(job: Job) -> None:
    """The restarted job runs (the candidate is in the room: attach_interview) until it is quiet, then stops."""
    async with AgentSession[InterviewState](
        llm=FakeLLM([say("Where were we?")]), userdata=job.state
    ) as session:
        await session.start(job.agent)
        capture = attach_capture(session, job.sink, job.state.elapsed_s)
        tasks = attach_interview(session, job.state)
        await settle(session)
        for _ in range(100):
            if not any(t.get_name() == "hint.told" and not t.done() for t in job.state.tasks):
                break
            await asyncio.sleep(0.01)
        capture.detach()
        await tasks.aclose()


def _then(log: list[SessionEvent], job: Job) -> list[SessionEvent]:
    """``log`` followed by what ``job`` recorded."""
    return log + [
        SessionEvent(
            seq=len(log) + n, type=e["type"], t=e["t"], idempotency_key=e["key"], payload=e["payload"]
        )
        for n, e in enumerate(job.sink.events, 1)
    ]


def _told(job: Job) -> list[dict[str, Any]]:
    return job.channel.of_type("hint")


def _told_notes(job: Job) -> list[int]:
    return [e["payload"]["index"] for e in job.sink.of_type("note") if e["payload"]["kind"] == "hint_told"]


async def test_a_hint_cut_by_the_process_dying_reaches_the_page_once() -> None:
    context = make_context()
    first = Job(context)
    first.state.candidate_spoke = True
    log = await _died_mid_hint(first)
    assert _told(first) == []  # the first job died before telling the page

    second = Job(context, events=log)
    assert [e["payload"]["index"] for e in second.sink.of_type("hint")] == [1]  # recorded as given at build
    assert _told(second) == []  # not before the session runs with the candidate in the room
    await _run(second)
    assert _told(second) == [{"type": "hint", "index": 1, "total": 4, "unsettled": True}]
    assert _told_notes(second) == [1]

    # A job restarted after that one: the record and the page agree already; nothing is told or recorded again.
    third = Job(context, events=_then(log, second))
    await _run(third)
    assert _told(third) == [] and _told_notes(third) == [] and third.sink.of_type("hint") == []
    assert third.state.hints_given == 1


async def test_a_hint_presumed_by_a_job_that_died_before_telling_the_page_is_told_by_the_next() -> None:
    context = make_context()
    first = Job(context)
    first.state.candidate_spoke = True
    log = await _died_mid_hint(first)
    second = Job(context, events=log)  # presumed and recorded the hint, then died before the candidate joined
    third = Job(context, events=_then(log, second))
    assert third.sink.of_type("hint") == []  # the record has it already: not recorded again
    await _run(third)
    assert _told(third) == [{"type": "hint", "index": 1, "total": 4, "unsettled": True}]
    assert _told_notes(third) == [1]


async def test_a_hint_settled_before_the_death_is_not_told_again() -> None:
    said = _event(1, "transcript", {"role": "assistant", "text": "Hi.", "item_id": "a"})
    settled = _event(4, "hint", {"index": 1, "total": 4, "phase": "coding", "text": "x"})
    cases: list[tuple[list[SessionEvent], list[int]]] = [
        ([said, _started(2, "c1"), _answered(3, "c1"), settled], []),  # given and told by the job that gave it
        ([said, _started(2, "c1"), _answered(3, "c1"), settled, _started(5, "c2", 2), _answered(6, "c2", 2)], [2]),
        # Taken back, or died before its reply was made: not given, nothing to tell.
        ([said, _started(2, "c1"), _answered(3, "c1"),
          _event(4, "note", {"kind": "hint_unheard", "index": 1, "phase": "coding", "call_id": "c1"})], []),
        ([said, _started(2, "c1")], []),
        # Recorded unsettled and told (by any job): not told again; a told note naming no hint is nothing.
        ([said, _event(2, "hint", {"index": 1, "total": 4, "unsettled": True}),
          _event(3, "note", {"kind": "hint_told", "index": 1})], []),
        ([said, _event(2, "hint", {"index": 1, "total": 4, "unsettled": True}),
          _event(3, "note", {"kind": "hint_told", "index": "1"})], [1]),
        # A recorded event naming no hint of the question is not told.
        ([said, _event(2, "hint", {"index": 9, "total": 4, "unsettled": True})], []),
    ]  # fmt: skip
    for events, told in cases:
        job = Job(make_context(), events=events)
        await _run(job)
        assert [e["index"] for e in _told(job)] == told, events
        assert all(e["unsettled"] is True and e["total"] == 4 for e in _told(job))
        assert _told_notes(job) == told
