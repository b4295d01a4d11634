"""The prompt texts (`prompts/*.md`, beside this module) and their strict `{{variable}}` rendering.

Each consumer (the interviewer in `agent/prompts.py`, the grader in `grader/prompts.py`) declares its own prompts
and exactly the variables each is rendered with, as a `PromptSet`. Values are substituted in one pass: a value that
contains `{{...}}` (a candidate's code, say) stays literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


class PromptError(Exception):
    """A prompt file is missing, or rendered with a missing or unexpected variable."""


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def read(name: str, directory: Path = PROMPTS_DIR) -> str:
    """The text of `<directory>/<name>.md`, read now."""
    path = directory / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError as e:
        raise PromptError(f"prompt file {path} does not exist") from e


@lru_cache(maxsize=128)
def load(name: str, directory: Path = PROMPTS_DIR) -> str:
    """The text of `<directory>/<name>.md`, read once per process."""
    return read(name, directory)


@dataclass(frozen=True)
class PromptSet:
    """A family of prompts and exactly the variables each one is rendered with."""

    declared: Mapping[str, frozenset[str]]

    def render(self, name: str, directory: Path = PROMPTS_DIR, /, **variables: object) -> str:
        """Render `<name>.md`; `PromptError` when a placeholder has no value or a value has no placeholder."""
        text = load(name, directory)
        wanted = placeholders(text)
        missing = wanted - variables.keys()
        if missing:
            raise PromptError(f"prompt {name!r} is missing variable(s): {', '.join(sorted(missing))}")
        unused = variables.keys() - wanted
        if unused:
            raise PromptError(f"prompt {name!r} got unknown variable(s): {', '.join(sorted(unused))}")
        return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), text)

    def validate_all(self, directory: Path = PROMPTS_DIR) -> None:
        """Every declared prompt exists and uses exactly its declared variables (checked when a process starts,
        from the files as they are now)."""
        problems: list[str] = []
        for name, declared in self.declared.items():
            try:
                found = placeholders(read(name, directory))
            except PromptError as e:
                problems.append(str(e))
                continue
            if found != declared:
                problems.append(
                    f"prompt {name!r} uses {sorted(found)} but is declared with {sorted(declared)}"
                )
        if problems:
            raise PromptError("; ".join(problems))
