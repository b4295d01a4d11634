"""The record after the end (agent/capture.py), through the real AgentSession with the capture attached: a tool call
that began before the end and finished after it (a run at the judge when time ran out, or when End was pressed)
was recorded as a `tool_call` after the END, since livekit-agents reports it (``function_tools_executed``) once it
returns, its outcome withheld (agent.after_end). Fail on the code before the fix."""

from __future__ import annotations

import asyncio

import pytest

from agent.capture import attach_capture
from agent.ending import conclude
from agent.state import Phase
from agent.turns import text_turn
from tests.agent.ending_support import HeldRun
from tests.agent.test_after_end import _end_recorded, _run_in_flight, _running
from tests.agent.test_ending import GOODBYE, Interview
from tests.fakes.llm import call, say


@pytest.mark.parametrize("how", ["time_up", "end_button"])
async def test_a_tool_call_the_end_overtook_is_not_recorded_after_the_end(how: str):
    api = HeldRun()
    iv = _running(api)
    attach_capture(iv.session, iv.sink, iv.state.elapsed_s)
    await _run_in_flight(iv, api)
    for _ in range(300):  # "running it now" is said: the reply now only waits for the run
        if "said:Sure, running it now." in iv.timeline:
            break
        await asyncio.sleep(0.01)
    if how == "time_up":
        assert await conclude(iv.state, "time_up")
    else:
        assert (await iv.request())["status"] == "ending"
        assert iv.ends.task is not None
        await asyncio.wait_for(iv.ends.task, 60)
    end = _end_recorded(iv)

    api.release.set()
    for _ in range(300):
        await asyncio.sleep(0.01)

    after = [(e["type"], e["payload"].get("name")) for e in iv.sink.events[end:]]
    assert ("tool_call", "run_tests") not in after
    assert [kind for kind, _ in after if kind != "transcript"] == []  # only the goodbye may follow the END
    await iv.session.aclose()


async def test_the_call_that_ends_the_interview_is_still_recorded():
    """``end_interview`` records the END itself, before livekit reports the call: that call, the ending's own, is
    kept in the record (with its goodbye instruction as output), while calls the end overtook are not."""
    iv = Interview(
        Phase.WRAP_UP, [say("Any questions?"), call("end_interview", reason="completed"), say(GOODBYE)]
    )
    iv.state.candidate_spoke = True
    attach_capture(iv.session, iv.sink, iv.state.elapsed_s)
    await iv.start()
    await asyncio.wait_for(text_turn(iv.session, "No more questions, thanks, bye"), 30)
    for _ in range(300):
        if iv.sink.of_type("tool_call"):
            break
        await asyncio.sleep(0.01)
    assert [e["payload"]["name"] for e in iv.sink.of_type("tool_call")] == ["end_interview"]
    assert iv.state.ended and iv.sink.of_type("tool_call")[0]["payload"]["is_error"] is False
    await iv.session.aclose()
