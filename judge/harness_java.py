"""java harness generator (not written yet)."""

from __future__ import annotations

from typing import Any

from judge.errors import UnsupportedLanguageError


def build(*args: Any) -> Any:
    raise UnsupportedLanguageError("java is not supported yet")
