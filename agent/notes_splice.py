"""One text with readings put in place of what they read (the families of agent.notes_readings)."""

from __future__ import annotations

from collections.abc import Iterable


def spliced(text: str, found: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, reading) of ``found`` (in order, none overlapping) in place of
    ``text[start:end]``."""
    out: list[str] = []
    at = 0
    for start, end, reading in found:
        out += [text[at:start], reading]
        at = end
    out.append(text[at:])
    return "".join(out)
