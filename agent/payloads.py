"""Event payloads as the API stores them: the size caps both sides agree on, and values PostgreSQL cannot store.

The caps are in UTF-8 bytes of compact JSON, exactly as ``api/routers/internal.py`` measures them, and numbers are
held to the API's bounds (``clean``); a test checks that both sides use the same numbers. Code larger than
``MAX_CODE_BYTES`` is never cut silently: the stored copy keeps the first ``MAX_CODE_BYTES`` bytes (at a character
boundary) and says so (``truncated: true`` with the full size and hash), and the final code is completed the same
way with a ``note`` event naming the cut.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

MAX_PAYLOAD_BYTES = 256 * 1024  # one event's payload (API: EventBody)
MAX_CODE_BYTES = (
    200_000  # code in an editor_snapshot payload and the session's final_code (API: CompleteBody)
)

# Lone UTF-16 surrogates cannot be encoded as UTF-8; NUL cannot be stored in PostgreSQL text or jsonb.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    """``text`` with lone surrogates and NUL replaced by U+FFFD (what a speech or editor glitch can produce)."""
    return _UNSTORABLE.sub(REPLACEMENT, text) if _UNSTORABLE.search(text) else text


# Numbers the API stores (api/stored_json.py: PostgreSQL writes a number out in full, so `1e308` is 309 digits there);
# a test checks that both sides use the same bounds.
MIN_INT, MAX_INT = -(2**63), 2**63 - 1
MAX_FLOAT = float(2**63)  # exclusive
MIN_FLOAT = 1e-18  # the smallest non-zero magnitude


def _number(value: int | float) -> int | float | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if MIN_INT <= value <= MAX_INT else None
    if not math.isfinite(value) or abs(value) >= MAX_FLOAT:
        return None
    return 0.0 if abs(value) < MIN_FLOAT else value


def clean(value: Any) -> Any:
    """A JSON value the API will accept: strings cleaned; NaN, infinities and numbers past the API's bounds replaced
    by null, and a non-zero float too small to store by 0.0 (what it rounds to)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def json_bytes(value: Any) -> int:
    """Size of ``value`` as compact UTF-8 JSON (the measure both sides use)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


@dataclass(frozen=True)
class CappedCode:
    code: str
    truncated: bool
    original_bytes: int
    sha256: str  # of the full code


def cap_code(code: str, limit: int = MAX_CODE_BYTES) -> CappedCode:
    """``code`` cut to at most ``limit`` UTF-8 bytes at a character boundary, with what was cut."""
    code = clean_text(code)
    raw = code.encode("utf-8")
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) <= limit:
        return CappedCode(code, False, len(raw), digest)
    kept = raw[:limit].decode("utf-8", "ignore")
    return CappedCode(kept, True, len(raw), digest)
