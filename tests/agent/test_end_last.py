"""The END is the last of the record, and nothing queued before the end is said after it, through the real
AgentSession with the capture attached. Each test fails on the code before its fix.

- ``end_interview`` recorded the END itself, and livekit-agents reports the tool call once the step returns: the
  capture recorded the ending's own `tool_call` after the END (agent.after_end ``record_ending_call``).
- A reply of the interviewer's own (a check-in, a time warning) queued before the end, behind the reply the end came
  in, passed the guard after the end as one of its own replies, which after the end are the goodbye: it was said
  after the end (agent.after_end ``hold_queued``).
"""

from __future__ import annotations

import asyncio

import pytest
from livekit.agents import AgentSession, llm

from agent.capture import attach_capture
from agent.ending import conclude
from agent.state import InterviewState, Phase
from agent.turns import reply_after_handoff, text_turn
from tests.agent.ending_support import RUNNING, HeldRun, RunningInterview
from tests.agent.test_after_end import _end_recorded
from tests.agent.test_ending import GOODBYE, Interview
from tests.agent.test_tools import CODE
from tests.fakes.llm import FakeLLM, FakeResponse, FakeToolCall, call, say


async def test_the_call_that_ends_the_interview_is_recorded_before_the_end():
    iv = Interview(
        Phase.WRAP_UP, [say("Any questions?"), call("end_interview", reason="completed"), say(GOODBYE)]
    )
    iv.state.candidate_spoke = True
    attach_capture(iv.session, iv.sink, iv.state.elapsed_s)
    await iv.start()
    handle = await asyncio.wait_for(text_turn(iv.session, "No more questions, thanks, bye"), 30)
    assert handle is not None
    await asyncio.wait_for(handle.wait_for_playout(), 30)
    for _ in range(50):  # anything livekit reports after the goodbye played
        await asyncio.sleep(0.01)

    assert iv.state.ended and f"said:{GOODBYE}" in iv.timeline
    end = _end_recorded(iv)
    after = [(e["type"], e["payload"].get("role")) for e in iv.sink.events[end:]]
    assert after and set(after) == {("transcript", "assistant")}  # only the goodbye's words follow the END
    calls = [(i, e["payload"]) for i, e in enumerate(iv.sink.events) if e["type"] == "tool_call"]
    assert [(p["name"], p["arguments"], p["is_error"]) for _, p in calls] == [
        ("end_interview", {"reason": "completed"}, False)
    ]
    assert calls[0][0] < end - 1  # before the END, once
    assert "goodbye" in calls[0][1]["output"].lower()
    await iv.session.aclose()


CHECK_IN = "Still with me? Take your time."
CHECK_IN_ASKED = "Check in with the candidate."


async def _queue_own_reply(session: AgentSession[InterviewState]) -> None:
    """A reply of the interviewer's own (a check-in, a time warning) asked for now, queued behind the current one."""
    handle = await reply_after_handoff(session, instructions=CHECK_IN_ASKED)
    assert handle is not None and not handle.done()


async def _said_nothing_after(iv: Interview) -> None:
    """The check-in is neither said nor in the conversation: the last thing said is the goodbye (or, when time ran
    out, which has no goodbye, the words before the run)."""
    for _ in range(300):  # what livekit would run after the end: the queued reply's turn
        await asyncio.sleep(0.01)
    said = [t for t in iv.timeline if t.startswith("said:")]
    assert said[-1] in (f"said:{GOODBYE}", f"said:{RUNNING}") and f"said:{CHECK_IN}" not in said
    texts = [m.text_content for m in iv.session.history.items if isinstance(m, llm.ChatMessage)]
    assert CHECK_IN not in texts


def _model(*script: FakeResponse) -> FakeLLM:
    """An interviewer that says ``script`` in turn, and ``CHECK_IN`` when asked for the check-in: livekit asks the
    model for a queued reply when it is asked for, so the order of requests is not the order of the speeches."""
    rest = list(script)

    def respond(chat_ctx: llm.ChatContext, tools: list[str]) -> FakeResponse:
        if any(
            CHECK_IN_ASKED in (m.text_content or "") for m in chat_ctx.items if isinstance(m, llm.ChatMessage)
        ):
            return say(CHECK_IN)
        return rest.pop(0) if len(rest) > 1 else rest[0]

    return FakeLLM(responder=respond)


@pytest.mark.parametrize("how", ["time_up", "end_button"])
async def test_a_reply_queued_before_the_end_is_not_said_after_it(how: str):
    """A check-in queued behind a reply waiting for a run when time ran out (or End was pressed). livekit-agents asks
    the model for a reply as soon as it is asked for and plays it when its turn comes: the guard passed it before the
    end, and once the run came back (its outcome withheld) "Still with me?" was said after the END. The End button
    interrupts queued speeches itself: that case passed before too, and is kept beside time up."""
    api = HeldRun()
    model = _model(say("Let's code."), FakeResponse(RUNNING, [FakeToolCall("run_tests")]), say(GOODBYE))
    iv = RunningInterview([say("unused")], api, model=model)
    await iv.start()
    iv.state.editor.ingest(CODE, {"version": "2", "language": "python"})
    running = iv.session.generate_reply(user_input="Please run my code.")
    await asyncio.wait_for(api.started.wait(), 30)
    await _queue_own_reply(iv.session)

    if how == "time_up":
        assert await conclude(iv.state, "time_up")
    else:
        assert (await iv.request())["status"] == "ending"
        assert iv.ends.task is not None
        await asyncio.wait_for(iv.ends.task, 60)
    api.release.set()
    await asyncio.wait_for(running.wait_for_playout(), 30)
    await _said_nothing_after(iv)
    await iv.session.aclose()


async def test_a_reply_queued_behind_the_candidate_leaving_is_not_said_after_the_goodbye():
    """The candidate leaves in wrap-up ("I gotta go, my kid's crying"), and a check-in is asked for while the reply
    to it is still to come: that reply ends the interview with its goodbye (``end_interview``), and the check-in
    queued behind it was said after the goodbye."""
    model = _model(say("Any questions?"), call("end_interview", reason="candidate_request"), say(GOODBYE))
    iv = RunningInterview([say("unused")], None, phase=Phase.WRAP_UP, model=model)
    iv.state.candidate_spoke = True
    await iv.start()
    leaving = await asyncio.wait_for(text_turn(iv.session, "I gotta go, my kid's crying"), 30)
    assert leaving is not None
    await _queue_own_reply(iv.session)
    await asyncio.wait_for(leaving.wait_for_playout(), 30)
    assert iv.state.ended
    await _said_nothing_after(iv)
    await iv.session.aclose()
