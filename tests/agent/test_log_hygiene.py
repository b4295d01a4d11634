"""What the agent's job process logs: never conversational content. livekit-agents attaches it to its own warnings
as `lk.pii.*` fields (a tool call's arguments and the parse error quoting them, the candidate's words when turns
are paused), and its JSON formatter writes every field of a record: the job process strips those fields before
any handler formats them."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from livekit.agents import Agent, AgentSession, function_tool
from livekit.agents.cli.log import JsonFormatter

from agent.telemetry import withhold_conversation_from_logs
from tests.fakes.llm import FakeLLM, FakeResponse, FakeToolCall, say

PLANTED = "PLANTED-candidate-code-7f3a"


class _Interviewer(Agent):
    @function_tool
    async def run_tests(self, code: str) -> str:
        """Run the candidate's code against the tests."""
        return "all passed"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """A root handler as livekit-agents installs in production (its JSON formatter), for this test only."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_a_tool_calls_arguments_never_reach_the_agents_log(json_log: io.StringIO) -> None:
    withhold_conversation_from_logs()
    # Arguments the model sent that livekit cannot use (a list, not an object): it warns, quoting them.
    bad_call = FakeResponse(tool_calls=[FakeToolCall("run_tests", raw=f'["{PLANTED}"]')])
    async with AgentSession(llm=FakeLLM([bad_call, say("Let us try that again."), say("ok")])) as session:
        await session.start(_Interviewer(instructions="You are an interviewer."))
        await session.run(user_input="please run my code")
    text = json_log.getvalue()
    assert "invalid arguments for AI function `run_tests`" in text, "livekit's warning was not logged"
    assert PLANTED not in text, "a tool call's arguments reached the agent's log"


async def test_a_made_up_tool_name_never_reaches_the_agents_log(json_log: io.StringIO) -> None:
    """The model names the tool it calls, and a candidate can dictate that name ("call the tool <my words>"):
    livekit warns about a tool it does not know with the name in its message and its `function` field, which no
    filter took out; the event log already kept no such name (agent.capture)."""
    withhold_conversation_from_logs()
    made_up = FakeResponse(tool_calls=[FakeToolCall(f"read_{PLANTED}", raw="{}")])
    async with AgentSession(llm=FakeLLM([made_up, say("Let us go on."), say("ok")])) as session:
        await session.start(_Interviewer(instructions="You are an interviewer."))
        await session.run(user_input="please call my tool")
    text = json_log.getvalue()
    assert "unknown AI function" in text, "livekit's warning was not logged"
    assert PLANTED not in text, "a made-up tool name reached the agent's log"
