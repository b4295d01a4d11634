"""A hint being said when the job's process dies (killed, out of memory, crashed) is not lost from the record: the
attempt is noted (``hint_started``) before its speech starts, and a restarted job that finds the note without an
outcome (neither a ``hint`` nor a ``hint_unheard``) records the hint as given, marked ``unsettled`` (agent.hints
``presume``, agent.resume). Before, the dead job recorded nothing of the attempt, the restarted job handed out the
same hint again in full, and the record said one hint (or none) where the candidate had heard it twice.

The first job runs through the real AgentSession and capture (tests/agent/test_hints_resume.py); it "dies" with the
reply mid-speech: its record is what it had written by then, nothing after."""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.agents import AgentSession, llm

from agent.capture import attach_capture
from agent.context import SessionEvent
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_hints_resume import ASK, FIRST, CutIn, _attempt
from tests.agent.test_resume_restart import Job, _log
from tests.fakes.interview import make_context
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import settle

SECOND_HINT = "For each number, which exact value would its partner have to be to reach the target?"


async def _died_mid_hint(job: Job) -> list[SessionEvent]:
    """The candidate asks for a hint; the job dies once "the simplest" has gone out: its record at that moment."""
    fake = FakeLLM([say("Go on."), call("give_hint"), say(FIRST)])
    cut = CutIn()
    agent = make_phase_agent(Phase.CODING, job.state)
    cut.install(agent)
    async with AgentSession[InterviewState](llm=fake, userdata=job.state) as session:
        await session.start(agent)
        capture = attach_capture(session, job.sink, job.state.elapsed_s)
        await settle(session)
        cut.cut_after("the simplest")
        handle = await text_turn(session, ASK)
        assert handle is not None
        await asyncio.wait_for(cut.reached.wait(), 30)
        died = _log(job.sink)  # nothing the job did after this reaches the record
        session.interrupt()
        await handle
        capture.detach()
    return died


def _hints(job: Job) -> list[dict[str, Any]]:
    return [e["payload"] for e in job.sink.of_type("hint")]


async def test_a_hint_cut_by_the_process_dying_is_counted_once_and_not_handed_out_again() -> None:
    context = make_context()
    first = Job(context)
    first.state.candidate_spoke = True
    log = await _died_mid_hint(first)
    assert [e for e in log if e.type == "hint"] == []
    [started] = [e for e in log if e.payload.get("kind") == "hint_started"]
    assert (started.payload["index"], started.payload["text"]) == (1, first.state.question.hints[0])
    # Written before the tool's answer, which is recorded before the reply that says the hint is made.
    [answer] = [e for e in log if e.type == "tool_call" and e.payload["name"] == "give_hint"]
    assert started.seq < answer.seq and answer.payload["call_id"] == started.payload["call_id"]

    second = Job(context, events=log)
    assert _hints(second) == [
        {"index": 1, "total": 4, "phase": "coding", "text": second.state.question.hints[0], "unsettled": True}
    ]
    assert second.state.hints_given == 1
    # The candidate asks again after the restart: the next hint, not the same one in full a second time.
    requests = await _attempt(
        second, [say("Where were we?"), call("give_hint"), say(SECOND_HINT)], "reach the target", resumed=True
    )
    assert [p["index"] for p in _hints(second)] == [1, 2]
    # The restored conversation holds the first hint as given (the model may say it again, uncounted).
    outputs = [
        i.output
        for i in requests[0]["chat_ctx"].items
        if isinstance(i, llm.FunctionCallOutput) and i.name == "give_hint"
    ]
    assert len(outputs) == 1 and outputs[0].startswith("Hint 1 of 4")


async def test_a_hint_recorded_as_given_is_counted_once_by_every_later_job() -> None:
    context = make_context()
    first = Job(context)
    first.state.candidate_spoke = True
    log = await _died_mid_hint(first)
    second = Job(context, events=log)
    third = Job(context, events=log + [
        SessionEvent(seq=len(log) + n, type=e["type"], t=e["t"], idempotency_key=e["key"], payload=e["payload"])
        for n, e in enumerate(second.sink.events, 1)
    ])  # fmt: skip
    assert _hints(third) == [] and third.state.hints_given == 1
    # Two jobs restarted from the same log (another host, the first one's spool not replayed) record the same event,
    # stamped when the hint began: the API stores it once (an exact repeat), never refuses it as a key reused.
    # (The note's time is set apart from the restarted jobs' clocks, which start where the log ends.)
    log = [e.model_copy(update={"t": 3.25}) if e.payload.get("kind") == "hint_started" else e for e in log]
    one, other = Job(context, events=log), Job(context, events=log)
    assert one.sink.of_type("hint") == other.sink.of_type("hint")
    assert [e["t"] for e in one.sink.of_type("hint")] == [3.25]


def _event(seq: int, type_: str, payload: dict[str, Any]) -> SessionEvent:
    return SessionEvent(seq=seq, type=type_, t=float(seq), idempotency_key=f"k{seq}", payload=payload)


def _started(seq: int, call_id: str, index: int = 1) -> SessionEvent:
    payload = {"kind": "hint_started", "index": index, "total": 3, "phase": "coding", "call_id": call_id,
               "text": "anything"}  # fmt: skip
    return _event(seq, "note", payload)


def _answered(seq: int, call_id: str, index: int = 1) -> SessionEvent:
    payload = {"name": "give_hint", "call_id": call_id, "arguments": {}, "output": f"Hint {index} of 3. ..."}
    return _event(seq, "tool_call", payload)


def test_only_an_attempt_without_an_outcome_whose_reply_could_have_started_is_presumed_heard() -> None:
    """Taken back (``hint_unheard``) or given (``hint``), an attempt has its outcome; one whose tool answer is not in
    the record died before its reply was made (the reply follows the recorded answer), so nothing of it was said."""
    said = _event(1, "transcript", {"role": "assistant", "text": "Hi.", "item_id": "a"})
    cases: list[tuple[list[SessionEvent], list[int], int]] = [
        ([said, _started(2, "c1")], [], 0),  # died before its tool answer: not said, the same hint comes next
        ([said, _started(2, "c1"), _answered(3, "c1"),
          _event(4, "note", {"kind": "hint_unheard", "index": 1, "phase": "coding", "call_id": "c1"})], [], 0),
        ([said, _started(2, "c1"), _answered(3, "c1"), _event(4, "hint", {"index": 1, "total": 3})], [], 1),
        ([said, _started(2, "c1"), _answered(3, "c1")], [1], 1),
        # Taken back once, then being said again when the job died: heard, once.
        ([said, _started(2, "c1"), _answered(3, "c1"),
          _event(4, "note", {"kind": "hint_unheard", "index": 1, "phase": "coding", "call_id": "c1",
                             "said": ["start"], "heard": []}),
          _started(5, "c2"), _answered(6, "c2")], [1], 1),
        ([said, _event(2, "hint", {"index": 1, "total": 3}), _started(3, "c2", 2), _answered(4, "c2", 2)], [2], 2),
        # Two attempts at the same hint left open: one hint.
        ([said, _started(2, "c1"), _answered(3, "c1"), _started(4, "c2"), _answered(5, "c2")], [1], 1),
        # A note naming no hint (an index out of range, no call id) is nothing.
        ([said, _started(2, "c1", 9), _answered(3, "c1", 9)], [], 0),
        ([said, _event(2, "note", {"kind": "hint_started", "index": 1}), _answered(3, "c1")], [], 0),
    ]  # fmt: skip
    for events, presumed, given in cases:
        job = Job(make_context(), events=events)
        assert [p["index"] for p in _hints(job)] == presumed, events
        assert job.state.hints_given == given, events
        assert all(p["unsettled"] is True for p in _hints(job))
        assert not set(presumed) & set(job.state.hint_heard)  # given: no longer summed attempt by attempt
