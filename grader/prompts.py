"""The grader's prompts (`prompts/grader_*.md`), exactly the variables each is rendered with, and their version."""

from __future__ import annotations

import hashlib
from pathlib import Path

from prompts import PROMPTS_DIR, PromptError, PromptSet, load

__all__ = ["PROMPTS", "PromptError", "prompt_version", "render", "validate_all"]

PROMPT_SERIES = "grader-1"  # bump by hand for a change of meaning; the content hash follows every edit

# Every grader prompt and exactly the variables it is rendered with.
PROMPTS: dict[str, frozenset[str]] = {
    "grader_system": frozenset(),
    "grader_task": frozenset(
        {
            "title",
            "difficulty",
            "signature",
            "duration_minutes",
            "statement",
            "rubric",
            "hints",
            "reference_language",
            "reference_solution",
            "nonce",
            "interview",
        }
    ),
    "grader_repair": frozenset({"problems", "nonce"}),
}


_PROMPTS = PromptSet(PROMPTS)
render = _PROMPTS.render
validate_all = _PROMPTS.validate_all


def prompt_version(schema_text: str, directory: Path = PROMPTS_DIR) -> str:
    """`grader-1+<hash>`: the series and a hash of every grader prompt and the output schema."""
    digest = hashlib.sha256()
    for name in sorted(PROMPTS):
        digest.update(name.encode() + b"\0" + load(name, directory).encode() + b"\0")
    digest.update(schema_text.encode())
    return f"{PROMPT_SERIES}+{digest.hexdigest()[:12]}"
