"""The grader's prompts (`prompts/grader_*.md`), exactly the variables each is rendered with, and their version."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from prompts import PROMPTS_DIR, PromptError, PromptSet, load

__all__ = ["PROMPTS", "PromptError", "prompt_version", "render", "validate_all"]

PROMPT_SERIES = "grader-1"  # bump by hand for a change of meaning; the content hash follows every edit
# The grader package: its modules build what the model reads (the bundle, the redaction rules and their word lists,
# the facts) and check what it answers, so a change to any of them is a change of the grading's version.
GRADER_SOURCE = Path(__file__).resolve().parent

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


def prompt_version(schema_text: str, directory: Path = PROMPTS_DIR, source: Path = GRADER_SOURCE) -> str:
    """`grader-1+<hash>`: the series and a hash of every grader prompt, the output schema and the grader's source
    (`source_digest`): a re-grade after a change to a redaction rule or word list carries a version of its own."""
    digest = hashlib.sha256()
    for name in sorted(PROMPTS):
        digest.update(name.encode() + b"\0" + load(name, directory).encode() + b"\0")
    digest.update(schema_text.encode() + b"\0")
    digest.update(source_digest(source).encode())
    return f"{PROMPT_SERIES}+{digest.hexdigest()[:12]}"


@functools.cache
def source_digest(source: Path = GRADER_SOURCE) -> str:
    """A hash of every module of the package at `source`, each by name and bytes in name order: read once a process,
    since a worker grades with the code it started with. A package with no module here (shipped compiled only)
    would have no honest version: an error, not a hash of nothing."""
    modules = sorted(source.glob("*.py"))
    if not modules:
        raise PromptError(f"no grader source under {source} to version the grading with")
    digest = hashlib.sha256()
    for module in modules:
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()
