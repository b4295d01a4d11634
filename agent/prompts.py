"""Prompt loading and rendering from `prompts/*.md` with a strict `{{variable}}` check."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")

# Every prompt the agent uses and exactly the variables it must be rendered with.
PROMPTS: dict[str, frozenset[str]] = {
    "base": frozenset(
        {
            "duration_minutes",
            "candidate_name",
            "session_kind",
            "language_rule",
            "question_title",
            "difficulty",
            "language",
            "signature",
            "statement",
        }
    ),
    "session_hiring": frozenset(),
    "session_practice": frozenset(),
    "language_rule": frozenset({"language_name"}),
    "greeting": frozenset(
        {"candidate_name", "recording_notice", "duration_minutes", "editor_clause", "background"}
    ),
    "background": frozenset(),
    "background_data": frozenset({"resume", "job_description"}),
    "no_background": frozenset(),
    "notice_recorded": frozenset(),
    "notice_practice": frozenset(),
    "notice_unrecorded": frozenset(),
    "problem": frozenset(),
    "approach": frozenset(),
    "coding": frozenset(),
    "testing": frozenset(),
    "complexity": frozenset(),
    "wrap_up": frozenset({"next_steps"}),
    "next_steps_hiring": frozenset(),
    "next_steps_practice": frozenset(),
    "next_steps_unrecorded": frozenset(),
    "rubric": frozenset({"items"}),
    "resumed": frozenset({"phase"}),
    "phase_start": frozenset({"phase"}),
    "turn_context": frozenset({"phase", "remaining_minutes", "hints_given", "hints_total", "editor_status"}),
    "editor_connected": frozenset(),
    "editor_missing": frozenset(),
    "code_view": frozenset({"language", "version", "seconds_since_edit", "view"}),
    "time_warning": frozenset({"minutes"}),
    "time_up": frozenset(),
    "checkin_1": frozenset({"minutes", "avoid"}),
    "checkin_2": frozenset({"minutes", "avoid"}),
    "checkin_avoid": frozenset({"said"}),
    "checkin_fallback_en": frozenset(),
    "checkin_fallback_es": frozenset(),
    "no_show_ping": frozenset(),
    "no_show_mic": frozenset(),
    "no_show_end": frozenset(),
    "end_confirm": frozenset({"minutes"}),
    "end_refused": frozenset(),
    "goodbye": frozenset({"reason"}),
    "paste_note": frozenset({"minute", "chars", "lines"}),
    "turn_classifier": frozenset(),
    "turn_classifier_input": frozenset({"conversation", "latest"}),
    "intent_classifier": frozenset({"question"}),
    "language_ask": frozenset({"heard", "language"}),
}


class PromptError(Exception):
    """A prompt file is missing, or rendered with a missing or unexpected variable."""


@lru_cache(maxsize=64)
def _load(name: str, directory: Path) -> str:
    return _read(name, directory)


def _read(name: str, directory: Path) -> str:
    path = directory / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError as e:
        raise PromptError(f"prompt file {path} does not exist") from e


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def render(name: str, directory: Path = PROMPTS_DIR, /, **variables: object) -> str:
    """Render `prompts/<name>.md`. Raises `PromptError` when a placeholder has no value or a value is unused."""
    text = _load(name, directory)
    wanted = placeholders(text)
    missing = wanted - variables.keys()
    if missing:
        raise PromptError(f"prompt {name!r} is missing variable(s): {', '.join(sorted(missing))}")
    unused = variables.keys() - wanted
    if unused:
        raise PromptError(f"prompt {name!r} got unknown variable(s): {', '.join(sorted(unused))}")
    return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), text)


def validate_all(directory: Path = PROMPTS_DIR) -> None:
    """Check at start-up that every prompt exists and uses exactly its declared variables."""
    problems: list[str] = []
    for name, declared in PROMPTS.items():
        try:
            found = placeholders(_read(name, directory))
        except PromptError as e:
            problems.append(str(e))
            continue
        if found != declared:
            problems.append(f"prompt {name!r} uses {sorted(found)} but is declared with {sorted(declared)}")
    if problems:
        raise PromptError("; ".join(problems))
