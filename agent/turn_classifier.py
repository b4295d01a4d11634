"""The small model call that decides, in any language, whether the candidate's words while coding are meant for the
interviewer (agent.turns asks it last); it fails open: ``None`` when the model fails or is too slow."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from livekit.agents import APIError, function_tool, llm

from agent.fence import fence
from agent.prompts import render
from agent.spoken_text import bounded_spoken

logger = logging.getLogger("shadows.agent.turns")


@function_tool
async def reply() -> None:
    """The candidate's latest words are meant for the interviewer."""


@function_tool
async def stay_silent() -> None:
    """The candidate is thinking aloud: the interviewer stays silent."""


@function_tool
async def answer(yes: bool) -> None:
    """Answer the question.

    Args:
        yes: true for yes, false for no
    """


class TurnClassifier:
    """A small model call that is the language-independent part of the decision (fails open: ``None``)."""

    def __init__(self, model: llm.LLM[Any], *, timeout_s: float = 2.0) -> None:
        self.model = model
        self.timeout_s = timeout_s
        self.calls = 0
        self.failures = 0

    async def addressed(self, conversation: str, latest: str, nonce: str) -> bool | None:
        ctx = llm.ChatContext.empty()
        ctx.add_message(role="system", content=render("turn_classifier"))
        ctx.add_message(
            role="user",
            content=render(
                "turn_classifier_input",
                conversation=fence("conversation", conversation, nonce),
                latest=fence("utterance", bounded_spoken(latest), nonce),
            ),
        )
        call = await self._call(ctx, [reply, stay_silent])
        return None if call is None else {"reply": True, "stay_silent": False}.get(call.name)

    async def yes_no(self, question: str, utterance: str, nonce: str) -> bool | None:
        ctx = llm.ChatContext.empty()
        ctx.add_message(role="system", content=render("intent_classifier", question=question))
        ctx.add_message(role="user", content=fence("utterance", bounded_spoken(utterance), nonce))
        call = await self._call(ctx, [answer])
        if call is None or call.name != "answer":
            return None
        try:
            value = json.loads(call.arguments or "{}").get("yes")
        except (ValueError, AttributeError):
            return None
        return value if isinstance(value, bool) else None

    async def _call(self, ctx: llm.ChatContext, tools: list[Any]) -> llm.FunctionToolCall | None:
        self.calls += 1

        async def run() -> llm.FunctionToolCall | None:
            async with self.model.chat(chat_ctx=ctx, tools=tools, tool_choice="required") as stream:
                async for chunk in stream:
                    if chunk.delta is not None and chunk.delta.tool_calls:
                        return chunk.delta.tool_calls[0]
            return None

        try:
            return await asyncio.wait_for(run(), self.timeout_s)
        except (TimeoutError, APIError) as e:
            self.failures += 1
            logger.warning("turn classifier failed (%s); answering the turn", type(e).__name__)
            return None
