"""The real livekit OpenAI plugin against the local fake server: text, streamed tool calls, usage."""

from __future__ import annotations

from livekit.agents import Agent, AgentSession, RunContext, function_tool
from livekit.plugins import openai

from tests.fakes.openai_server import FakeOpenAIServer, Reply, ToolCall


class _Echo(Agent):
    def __init__(self) -> None:
        super().__init__(instructions="You are a test interviewer.")

    @function_tool
    async def run_tests(self, context: RunContext, language: str) -> str:
        """Run the visible tests.

        Args:
            language: programming language
        """
        return f"2/2 passed ({language})"


async def test_plugin_streams_tool_call_then_text_from_fake_server() -> None:
    replies = [
        Reply(tool_calls=[ToolCall("run_tests", {"language": "python"})]),
        Reply(text="Both tests pass."),
    ]
    async with FakeOpenAIServer(replies) as server:
        llm = openai.LLM(model="fake-model", base_url=server.url, api_key="sk-fake")
        async with llm, AgentSession(llm=llm) as session:
            await session.start(_Echo())
            result = await session.run(user_input="run my tests")
            result.expect.next_event().is_function_call(name="run_tests", arguments={"language": "python"})
            result.expect.next_event().is_function_call_output(output="2/2 passed (python)")
            msg = result.expect.next_event().is_message(role="assistant")
            result.expect.no_more_events()
            assert msg.event().item.text_content == "Both tests pass."
            usage = session.usage.model_usage
    assert len(server.requests) == 2
    assert server.requests[0]["stream"] is True
    assert [t["function"]["name"] for t in server.requests[0]["tools"]] == ["run_tests"]
    tool_msg = server.requests[1]["messages"][-1]
    assert (tool_msg["role"], tool_msg["tool_call_id"]) == ("tool", "call_chatcmpl-1_0")
    assert "2/2 passed (python)" in str(tool_msg["content"])
    assert sum(u.input_tokens for u in usage if hasattr(u, "input_tokens")) == 84


async def test_responder_sees_the_conversation() -> None:
    seen: list[str] = []

    def respond(body: dict) -> Reply:
        seen.append(body["messages"][-1]["content"])
        return Reply(text="echo " + body["messages"][-1]["content"])

    async with FakeOpenAIServer(responder=respond) as server:
        llm = openai.LLM(model="fake-model", base_url=server.url, api_key="sk-fake")
        async with llm, AgentSession(llm=llm) as session:
            await session.start(Agent(instructions="x"))
            result = await session.run(user_input="hello there")
            msg = result.expect.next_event().is_message(role="assistant")
            assert msg.event().item.text_content == "echo hello there"
    assert seen == ["hello there"]
