"""Tool-call arguments the framework can parse: nesting bounded before livekit-agents reads them.

livekit-agents 1.8.9 parses a tool call's arguments with ``json`` and pydantic, and catches ``ValueError`` only: a
model talked into emitting arguments nested a few thousand levels deep raises ``RecursionError`` there, which
escapes the tool execution and loses the whole reply to the candidate's turn. None of our tools takes arguments
nested deeper than two levels, so arguments past ``MAX_DEPTH`` are replaced by a JSON string, which the framework
refuses as arguments like any other malformed call (an error the model sees and talks around).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable
from typing import Any, TypeVar

from livekit.agents import llm

_Call = TypeVar("_Call", llm.FunctionToolCall, llm.FunctionCall)

MAX_DEPTH = 32
REFUSED = json.dumps("refused: arguments nested too deeply")


def nesting_depth(raw: str) -> int:
    """The deepest nesting of objects and arrays in JSON text ``raw`` (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for c in raw:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def bounded_arguments(raw: str) -> str:
    """``raw`` itself, or ``REFUSED`` when it nests deeper than ``MAX_DEPTH``."""
    if raw.count("[") + raw.count("{") <= MAX_DEPTH:  # the common case: nothing to scan
        return raw
    return raw if nesting_depth(raw) <= MAX_DEPTH else REFUSED


async def bounded_tool_calls(stream: AsyncIterable[Any]) -> AsyncIterable[Any]:
    """An LLM node's stream with every tool call's arguments bounded (``bounded_arguments``)."""
    async for chunk in stream:
        delta = chunk.delta if isinstance(chunk, llm.ChatChunk) else None
        if delta is not None and delta.tool_calls:
            calls = [_bounded_call(tc) for tc in delta.tool_calls]
            chunk = chunk.model_copy(update={"delta": delta.model_copy(update={"tool_calls": calls})})
        yield chunk


async def bounded_function_calls(stream: AsyncIterable[llm.FunctionCall]) -> AsyncIterable[llm.FunctionCall]:
    """A realtime generation's function calls with their arguments bounded (``bounded_arguments``)."""
    async for call in stream:
        yield _bounded_call(call)


def _bounded_call(call: _Call) -> _Call:
    arguments = bounded_arguments(call.arguments)
    return call if arguments is call.arguments else call.model_copy(update={"arguments": arguments})
