"""The record under timing: what the interviewer does on its own (a time warning, a check-in) when the interview
ends while it waits to speak, through the real AgentSession with the project's fakes. Each test fails on the code
before its fix."""

from __future__ import annotations

import asyncio

from agent.completion import final_code
from agent.state import Phase
from agent.timekeeper import TimeKeeper
from tests.agent.ending_support import run_in_flight
from tests.agent.test_editor import StubReader
from tests.agent.test_ending import CANDIDATE, GOODBYE, Interview
from tests.agent.test_tools import CODE
from tests.fakes.clock import ManualClock
from tests.fakes.llm import say

WARNING = "About five minutes left, by the way."
AFTER_END = CODE + "    # typed after pressing End interview\n"


async def test_a_time_warning_waiting_for_quiet_is_not_said_after_the_interview_ended():
    """The time warning waits (up to 20 s) for the candidate to stop speaking before its reply. The End button
    pressed in that wait ended the interview, and the warning's reply was still asked for once the candidate
    stopped: "About five minutes left" said after the goodbye, recorded after the END, a model request paid for."""
    iv = Interview(Phase.CODING, [say("Let's code."), say(GOODBYE), say(WARNING)])
    await iv.start()
    clock = iv.state.clock
    assert isinstance(clock, ManualClock)
    iv.session._update_user_state("speaking")  # the candidate is talking: the warning waits for quiet
    warning = asyncio.create_task(TimeKeeper(iv.session, iv.state, clock)._warn(5))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not warning.done()

    assert (await iv.request())["status"] == "ending"
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    requests = len(iv.llm.requests)

    iv.session._update_user_state("listening")  # they stop: the wait is over
    await clock.advance(1, step=0.5)
    await asyncio.wait_for(warning, 30)
    for _ in range(50):
        await asyncio.sleep(0.01)

    said = [t for t in iv.timeline if t.startswith("said:")]
    assert said[-1] == f"said:{GOODBYE}"  # the goodbye stays the last thing said
    assert f"said:{WARNING}" not in said
    assert len(iv.llm.requests) == requests  # no reply asked for after the end
    await iv.session.aclose()


async def test_code_typed_after_the_end_button_while_a_run_is_in_flight_is_not_the_final_code():
    """The End button claims the end at once, but its END (which freezes the code) waited for the interviewer's
    speech to stop, and a speech waiting for a run's result stops only when livekit gives up on it (5 s). The code
    the page sent in those seconds, after the candidate pressed End, was recorded and became the final code the
    session was completed with."""
    api, iv, _ = await run_in_flight(say(GOODBYE))
    editor = iv.state.editor

    assert (await iv.request())["status"] == "ending"
    editor.on_text_stream(StubReader(AFTER_END, {"version": "3", "language": "python"}), CANDIDATE)  # type: ignore[arg-type]  # stub reader
    for _ in range(20):
        await asyncio.sleep(0)
    editor.settle()
    assert iv.ends.task is not None
    await asyncio.wait_for(iv.ends.task, 60)
    api.release.set()

    assert final_code(iv.state).code == CODE
    codes = [e["payload"]["code"] for e in iv.sink.of_type("editor_snapshot")]
    assert codes == [CODE]
    await iv.session.aclose()
