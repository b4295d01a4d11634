"""A spoken message as a model request gets it: at most ``MAX_SPOKEN_CHARS`` characters, its start and its end."""

from __future__ import annotations

MAX_SPOKEN_CHARS = 6_000  # about six minutes of speech; typed messages are cut at 4,000 (agent.turns)
HEAD_CHARS = 1_500  # of a cut message, its start; the rest of the room goes to its end
MARKER_ROOM = 64


def bounded_spoken(text: str, limit: int = MAX_SPOKEN_CHARS) -> str:
    """``text`` when it fits in ``limit`` characters, else its start and its end, saying how much was left out."""
    if len(text) <= limit:
        return text
    head = min(HEAD_CHARS, limit // 4)
    tail = limit - head - MARKER_ROOM
    left = len(text) - head - tail
    return f"{text[:head]} … [{left} characters not shown] … {text[-tail:]}"
