"""What a JSON value the API stores in PostgreSQL (jsonb) may hold, and its size as PostgreSQL gives it back.

jsonb keeps a number as an exact decimal and writes it back out in full, never in exponent notation: `1e308`, six
bytes sent, is read back as 309 digits, and `1e-300` as 302 characters. A body's size as sent therefore says little
about what is stored and read back (session lists, exports, webhooks). So every stored JSON value is held to:

- integers within the 64-bit range, -2**63 to 2**63 - 1: the widest any reader of ours holds exactly (a PostgreSQL
  bigint, a Java long, a C++ int64_t, the judge's `long`);
- floats finite, below 2**63 in magnitude and, unless zero, at least 1e-18: PostgreSQL writes each such float in at
  most 40 characters;
- its size counted as PostgreSQL writes it back (`stored_bytes`), not as it was sent.

Text and nesting are bounded too: no NUL (PostgreSQL text and jsonb refuse U+0000), nesting at most MAX_JSON_DEPTH.
"""

from __future__ import annotations

import itertools
import json
import math
from decimal import Decimal
from typing import Any

# Nesting of a JSON value the API stores (the agent's deepest, its tool calls' arguments, is bounded at 32).
MAX_JSON_DEPTH = 64
MAX_INT = 2**63 - 1
MIN_INT = -(2**63)
MAX_FLOAT = float(2**63)  # exclusive
MIN_FLOAT = 1e-18  # the smallest non-zero magnitude

_NUL = "must not contain the NUL character (U+0000)"
_NAN = "must not contain NaN or Infinity"
_INT = "must not contain integers outside the 64-bit range (-2**63 to 2**63 - 1)"
_FLOAT = (
    "must not contain numbers of magnitude 2**63 or more, or non-zero ones below 1e-18 "
    "(PostgreSQL stores every decimal digit)"
)


def _number_problem(value: int | float) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if MIN_INT <= value <= MAX_INT else _INT
    if not math.isfinite(value):
        return _NAN
    magnitude = abs(value)
    return None if magnitude == 0 or MIN_FLOAT <= magnitude < MAX_FLOAT else _FLOAT


def unstorable(value: Any) -> str | None:
    """Why PostgreSQL could not store `value` as sent (text and jsonb refuse U+0000; jsonb refuses NaN and Infinity,
    and writes a number past the bounds above out at length), or the API could not read it back (nested past
    MAX_JSON_DEPTH: Python's JSON parser takes about a thousand levels, and the recursive code after it, checks and
    response encoding alike, fails far sooner), or None. Walked without recursion. Checked at the edge so such input
    is a 422 naming the field, not a 500 or a stored value many times its size."""
    if isinstance(value, str):
        return _NUL if "\x00" in value else None
    if isinstance(value, int | float):
        return _number_problem(value)
    if not isinstance(value, dict | list):
        return None
    containers: list[tuple[dict[Any, Any] | list[Any], int]] = [(value, 1)]  # each with its depth
    while containers:
        node, depth = containers.pop()
        if depth > MAX_JSON_DEPTH:
            return f"must not nest arrays and objects more than {MAX_JSON_DEPTH} levels deep"
        for item in itertools.chain(node.keys(), node.values()) if isinstance(node, dict) else node:
            if isinstance(item, str):
                if "\x00" in item:
                    return _NUL
            elif isinstance(item, dict | list):
                containers.append((item, depth + 1))
            elif isinstance(item, int | float) and (problem := _number_problem(item)):
                return problem
    return None


def refuse_unstorable(value: Any) -> Any:
    """A field validator: `value` unchanged, or a ValueError saying why it cannot be stored (`unstorable`)."""
    problem = unstorable(value)
    if problem:
        raise ValueError(problem)
    return value


def numeric_text(value: float) -> str:
    """A float as jsonb writes it back: the exact decimal of the digits Python sends (`repr`), without exponent, and
    zero without a sign."""
    text = repr(value)
    if value == 0:
        return "0.0"
    if "e" not in text:
        return text
    return f"{Decimal(text):f}"


def _floats(value: Any) -> list[float]:
    out: list[float] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, float):
            out.append(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def stored_bytes(value: Any, *, compact: bool = False) -> int:
    """UTF-8 bytes of `value` as PostgreSQL gives a jsonb column back (`column::text`: `", "` and `": "` between
    items, text unescaped but for quotes, backslashes and control characters, numbers as `numeric_text`). With
    `compact`, without the spaces after separators: the measure the agent keeps its payloads under
    (agent/payloads.py), numbers still counted as stored. `value` must have passed `unstorable` (its nesting is
    bounded)."""
    separators = (",", ":") if compact else (", ", ": ")
    size = len(json.dumps(value, ensure_ascii=False, separators=separators).encode("utf-8", "surrogatepass"))
    return size + sum(len(numeric_text(f)) - len(repr(f)) for f in _floats(value))
