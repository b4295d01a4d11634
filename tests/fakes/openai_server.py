"""Local OpenAI-compatible chat-completions server (aiohttp SSE on 127.0.0.1) with scripted replies."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve


@dataclass
class ToolCall:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    """One scripted completion: optional tool calls, then optional text; ``delay`` s before the first byte."""

    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    delay: float = 0.0


Responder = Callable[[dict[str, Any]], Reply]


def last_message(body: dict[str, Any]) -> dict[str, Any]:
    return dict(body["messages"][-1]) if body.get("messages") else {}


def tool_names(body: dict[str, Any]) -> list[str]:
    return [t["function"]["name"] for t in body.get("tools") or []]


def message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # content parts
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""


class FakeOpenAIServer:
    """Speaks ``POST /v1/chat/completions`` (stream=True, include_usage) and ``GET /v1/models``.

    Replies come from the ``replies`` queue first, then from ``responder(request_body)``, else a default
    text. Every request body is kept in ``requests``. ``latency`` adds a fixed delay before each reply's
    first chunk (benchmarks); ``fail_statuses`` makes the next requests fail with those HTTP statuses.
    A tool call always ends with ``finish_reason="tool_calls"``: without it the plugin drops the call.
    """

    def __init__(
        self,
        replies: list[Reply] | None = None,
        *,
        responder: Responder | None = None,
        latency: float = 0.0,
        usage: tuple[int, int] = (42, 7),
    ) -> None:
        self.replies = list(replies or [])
        self.responder = responder
        self.latency = latency
        self.usage = usage
        self.requests: list[dict[str, Any]] = []
        self.fail_statuses: list[int] = []
        self.url = ""  # base_url for openai.LLM: http://127.0.0.1:<port>/v1
        self._runner: web.AppRunner | None = None
        self._ids = itertools.count(1)

    async def start(self) -> FakeOpenAIServer:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner, port = await serve(app, access_log=None)
        self.url = f"http://127.0.0.1:{port}/v1"
        return self

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAIServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        if self.replies:
            return self.replies.pop(0)
        if self.responder is not None:
            return self.responder(body)
        return Reply(text="OK.")

    async def _models(self, _: web.Request) -> web.Response:
        return web.json_response(
            {"object": "list", "data": [{"id": "fake", "object": "model", "created": 0, "owned_by": "tests"}]}
        )

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        if self.fail_statuses:
            status = self.fail_statuses.pop(0)
            return web.json_response(
                {"error": {"message": "injected", "type": "server_error"}}, status=status
            )
        reply = self._next_reply(body)
        cid, model = f"chatcmpl-{next(self._ids)}", body.get("model", "fake")
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await resp.prepare(request)
        if self.latency or reply.delay:
            await asyncio.sleep(self.latency + reply.delay)
        for chunk in _reply_chunks(reply, cid, model):
            await resp.write(chunk)
        prompt, completion = self.usage
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        await resp.write(_sse({"id": cid, "object": "chat.completion.chunk", "created": 0, "model": model,
                               "choices": [], "usage": usage}))  # fmt: skip
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


def _sse(obj: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def _chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    return _sse({"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})  # fmt: skip


def _reply_chunks(reply: Reply, cid: str, model: str) -> list[bytes]:
    out: list[bytes] = []
    if reply.text:
        out.append(_chunk(cid, model, {"role": "assistant", "content": ""}))
        words = reply.text.split(" ")
        for i, word in enumerate(words):
            out.append(_chunk(cid, model, {"content": word + (" " if i < len(words) - 1 else "")}))
    for index, call in enumerate(reply.tool_calls):
        args = json.dumps(call.arguments)
        head = {"index": index, "id": f"call_{cid}_{index}", "type": "function",
                "function": {"name": call.name, "arguments": ""}}  # fmt: skip
        delta: dict[str, Any] = {"tool_calls": [head]}
        if index == 0 and not reply.text:
            delta = {"role": "assistant", "content": None, **delta}
        out.append(_chunk(cid, model, delta))
        half = len(args) // 2  # arguments arrive in fragments, as from the real API
        for piece in (args[:half], args[half:]):
            out.append(
                _chunk(cid, model, {"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            )
    out.append(_chunk(cid, model, {}, finish="tool_calls" if reply.tool_calls else "stop"))
    return out


async def _serve(text: str, latency: float) -> None:
    server = await FakeOpenAIServer(responder=lambda body: Reply(text=text), latency=latency).start()
    print(server.url, flush=True)  # the parent reads the base_url from the first line
    try:
        await asyncio.Event().wait()
    finally:
        await server.aclose()


if (
    __name__ == "__main__"
):  # a separate process for benchmarks: python -m tests.fakes.openai_server TEXT LATENCY
    import sys

    asyncio.run(_serve(sys.argv[1], float(sys.argv[2])))
