"""The grader's prompt text, from `prompts/grader_*.md`, rendered with a strict `{{variable}}` check.

Values are substituted in one pass: a value that contains `{{...}}` (a candidate's code, say) stays literal.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
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
    "grader_repair": frozenset({"problems"}),
}


class PromptError(Exception):
    """A prompt file is missing, or rendered with a missing or unexpected variable."""


@lru_cache(maxsize=16)
def load(name: str, directory: Path = PROMPTS_DIR) -> str:
    path = directory / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError as e:
        raise PromptError(f"prompt file {path} does not exist") from e


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def render(name: str, directory: Path = PROMPTS_DIR, /, **variables: object) -> str:
    """Render `prompts/<name>.md`; `PromptError` when a placeholder has no value or a value has no placeholder."""
    text = load(name, directory)
    wanted = placeholders(text)
    missing = wanted - variables.keys()
    if missing:
        raise PromptError(f"prompt {name!r} is missing variable(s): {', '.join(sorted(missing))}")
    unused = variables.keys() - wanted
    if unused:
        raise PromptError(f"prompt {name!r} got unknown variable(s): {', '.join(sorted(unused))}")
    return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), text)


def validate_all(directory: Path = PROMPTS_DIR) -> None:
    """Every grader prompt exists and uses exactly its declared variables (checked when the worker starts)."""
    problems: list[str] = []
    for name, declared in PROMPTS.items():
        try:
            found = placeholders(load(name, directory))
        except PromptError as e:
            problems.append(str(e))
            continue
        if found != declared:
            problems.append(f"prompt {name!r} uses {sorted(found)} but is declared with {sorted(declared)}")
    if problems:
        raise PromptError("; ".join(problems))


def prompt_version(schema_text: str, directory: Path = PROMPTS_DIR) -> str:
    """`grader-1+<hash>`: the series and a hash of every grader prompt and the output schema."""
    digest = hashlib.sha256()
    for name in sorted(PROMPTS):
        digest.update(name.encode() + b"\0" + load(name, directory).encode() + b"\0")
    digest.update(schema_text.encode())
    return f"{PROMPT_SERIES}+{digest.hexdigest()[:12]}"
