"""FakeLLM: a scripted `livekit.agents.llm.LLM` for text-mode agent tests (records every request)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr


@dataclass
class FakeToolCall:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    raw: str | None = None  # the arguments exactly as the model streams them (malformed ones included)


@dataclass
class FakeResponse:
    text: str = ""
    tool_calls: list[FakeToolCall] = field(default_factory=list)


Responder = Callable[[llm.ChatContext, list[str]], FakeResponse]


def say(text: str) -> FakeResponse:
    return FakeResponse(text=text)


def call(name: str, **arguments: Any) -> FakeResponse:
    return FakeResponse(tool_calls=[FakeToolCall(name, arguments)])


class FakeLLM(llm.LLM):
    """Each `chat()` pops the next scripted response (the last one repeats) or asks `responder`.

    `requests` holds, per call, a copy of the chat context, the tool names offered and the tool choice.
    `ttft_s` delays the first chunk (fixed latency for timing tests and benchmarks); `slow` delays the first chunk of
    the calls it names (call index -> extra real seconds), as on a loaded box.
    """

    def __init__(
        self,
        responses: list[FakeResponse] | None = None,
        *,
        responder: Responder | None = None,
        ttft_s: float = 0.0,
        slow: dict[int, float] | None = None,
    ) -> None:
        super().__init__()
        if not responses and responder is None:
            raise ValueError("FakeLLM needs responses or a responder")
        self._responses = list(responses or [])
        self._responder = responder
        self.ttft_s = ttft_s
        self.slow = dict(slow or {})
        self.requests: list[dict[str, Any]] = []

    @property
    def model(self) -> str:
        return "fake-llm"

    @property
    def provider(self) -> str:
        return "fake"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> FakeLLMStream:
        names = [getattr(t, "id", None) or str(t) for t in (tools or [])]
        delay = self.ttft_s + self.slow.get(len(self.requests), 0.0)
        self.requests.append({"chat_ctx": chat_ctx.copy(), "tools": names, "tool_choice": tool_choice})
        if self._responder is not None:
            resp = self._responder(chat_ctx, names)
        else:
            resp = self._responses.pop(0) if len(self._responses) > 1 else self._responses[0]
        return FakeLLMStream(
            self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options, response=resp, ttft_s=delay
        )

    def texts(self, index: int) -> list[str]:
        """All text (system, user, assistant, tool outputs) of request `index`, for leak checks."""
        out: list[str] = []
        for item in self.requests[index]["chat_ctx"].items:
            if item.type == "message":
                out.append(item.text_content or "")
            elif item.type == "function_call_output":
                out.append(item.output)
        return out


class FakeLLMStream(llm.LLMStream):
    def __init__(
        self,
        llm_: FakeLLM,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        conn_options: APIConnectOptions,
        response: FakeResponse,
        ttft_s: float | None = None,
    ) -> None:
        super().__init__(llm_, chat_ctx=chat_ctx, tools=tools, conn_options=conn_options)
        self._response = response
        self._ttft_s = llm_.ttft_s if ttft_s is None else ttft_s

    async def _run(self) -> None:
        if self._ttft_s:
            await asyncio.sleep(self._ttft_s)
        rid = "fake-" + uuid.uuid4().hex[:8]
        if self._response.tool_calls:
            self._event_ch.send_nowait(
                llm.ChatChunk(
                    id=rid,
                    delta=llm.ChoiceDelta(
                        role="assistant",
                        tool_calls=[
                            llm.FunctionToolCall(
                                name=tc.name,
                                arguments=tc.raw if tc.raw is not None else json.dumps(tc.arguments),
                                call_id=f"call_{uuid.uuid4().hex[:8]}",
                            )
                            for tc in self._response.tool_calls
                        ],
                    ),
                )
            )
        for word in self._response.text.split(" ") if self._response.text else []:
            self._event_ch.send_nowait(
                llm.ChatChunk(id=rid, delta=llm.ChoiceDelta(role="assistant", content=word + " "))
            )
        self._event_ch.send_nowait(
            llm.ChatChunk(
                id=rid, usage=llm.CompletionUsage(completion_tokens=5, prompt_tokens=10, total_tokens=15)
            )
        )
