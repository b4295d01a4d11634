"""Check-in wording: never the same words twice in one interview.

The check-in instructions list what was already said and ask for different words; as a guarantee, the
generated check-in is buffered (one or two sentences) and, if it repeats an earlier one, replaced by the first
unused scripted line for its stage in the interview's language (``prompts/checkin_fallback_<lang>.md``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable
from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.prompts import render

if TYPE_CHECKING:
    from agent.state import InterviewState


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def fallback_lines(language: str) -> list[str]:
    name = f"checkin_fallback_{language}" if language in ("en", "es") else "checkin_fallback_en"
    return [line.strip() for line in render(name).splitlines() if line.strip()]


def pick_fallback(state: InterviewState, stage: int) -> str:
    lines = fallback_lines(state.interview_language)
    said = {_norm(s) for s in state.checkins_said}
    ordered = lines[2:] + lines[:2] if stage >= 2 else lines  # stage 2 offers help first
    for line in ordered:
        if _norm(line) not in said:
            return line
    return f"{ordered[-1]} ({len(state.checkins_said) + 1})"


def chunk_text(chunk: Any) -> str | None:
    """The spoken text a chunk of a reply's stream carries ("" for none), or None for a chunk that is not text (a
    tool call, anything else), which passes through as it is."""
    if isinstance(chunk, str):
        return chunk
    if isinstance(chunk, llm.ChatChunk) and chunk.delta is not None and not chunk.delta.tool_calls:
        return chunk.delta.content or ""
    return None


async def dedupe_checkin(state: InterviewState, stage: int, stream: Any) -> AsyncIterable[Any]:
    """Pass the check-in's text through once complete, replaced when it repeats an earlier check-in."""
    parts: list[str] = []
    others: list[Any] = []
    if hasattr(stream, "__aiter__"):
        async for chunk in stream:
            text = chunk_text(chunk)
            if text is None:
                others.append(chunk)
            else:
                parts.append(text)
    else:
        result = await stream
        if result is not None:
            parts.append(str(result))
    said = "".join(parts).strip()
    if said and _norm(said) in {_norm(s) for s in state.checkins_said}:
        state.record("note", {"kind": "checkin_reworded", "stage": stage})
        said = pick_fallback(state, stage)
    if said:
        state.checkins_said.append(said)
        yield said
    for chunk in others:
        yield chunk
