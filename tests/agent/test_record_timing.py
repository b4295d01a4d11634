"""The record under timing: what the interviewer does on its own (a time warning, a check-in) when the interview
ends while it waits to speak, through the real AgentSession with the project's fakes. Each test fails on the code
before its fix."""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.agents import AgentSession, ConversationItemAddedEvent, llm

from agent.completion import final_code
from agent.ending import EndRequests
from agent.interview import build_interview
from agent.state import InterviewState, Phase
from agent.timekeeper import TimeKeeper
from tests.agent.test_editor import StubReader
from tests.agent.test_ending import CANDIDATE, GOODBYE, Interview
from tests.agent.test_tools import CODE, REPORT
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeRunClient, make_context, test_settings
from tests.fakes.llm import FakeResponse, FakeToolCall, say

WARNING = "About five minutes left, by the way."
AFTER_END = CODE + "    # typed after pressing End interview\n"


class HeldRun(FakeRunClient):
    """A run the judge is still at until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__(REPORT)
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def run_tests(
        self, session_id: str, language: str, code: str, mode: str = "run", t: float | None = None
    ) -> dict[str, Any]:
        self.started.set()
        await self.release.wait()
        return await super().run_tests(session_id, language, code, mode, t)


class RunningInterview(Interview):
    """``Interview`` (tests/agent/test_ending.py) with a run client, so that ``run_tests`` reaches the API."""

    def __init__(self, script: list[Any], api: FakeRunClient) -> None:
        super().__init__(Phase.CODING, script)
        _, self.state = build_interview(
            make_context(), api=api, recorder=self.sink, clock=ManualClock(), channel=self.channel,
            settings=test_settings(),
        )  # fmt: skip

        async def on_end(reason: str) -> None:
            self.finished.append(reason)

        self.state.on_end = on_end
        self.session = AgentSession[InterviewState](llm=self.llm, userdata=self.state)
        self.ends = EndRequests(self.session, self.state, lambda: self.identity, goodbye_timeout_s=30)

        def on_item(ev: ConversationItemAddedEvent) -> None:
            if isinstance(ev.item, llm.ChatMessage) and ev.item.role == "assistant":
                self.timeline.append(f"said:{(ev.item.text_content or '').strip()}")

        self.session.on("conversation_item_added", on_item)


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
    api = HeldRun()
    iv = RunningInterview(
        [
            say("Let's code."),
            FakeResponse("Sure, running it now.", [FakeToolCall("run_tests")]),
            say(GOODBYE),
        ],
        api,
    )
    await iv.start()
    editor = iv.state.editor
    editor.ingest(CODE, {"version": "2", "language": "python"})
    iv.session.generate_reply(user_input="Please run my code.")
    await asyncio.wait_for(api.started.wait(), 30)

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
