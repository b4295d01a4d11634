"""The Jinja2 environment for server-rendered pages (reports, analytics): autoescaped HTML, strict undefined
variables, and the filters the templates share. Templates live in api/templates; no HTML is built in Python."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).with_name("templates")

BAND_LABELS = {
    "strong_no_hire": "Strong no hire",
    "no_hire": "No hire",
    "hire": "Hire",
    "strong_hire": "Strong hire",
}
DIMENSION_LABELS = {
    "problem_solving": "Problem solving",
    "coding": "Coding",
    "verification": "Testing and debugging",
    "communication": "Communication",
}
MARK_LABELS = {"met": "Met", "not_met": "Not met", "not_observed": "Not observed"}
EVENT_LABELS = {
    "transcript": "Transcript",
    "editor_snapshot": "Code",
    "test_run": "Run",
    "submission": "Submission",
}
INTEGRITY_LABELS = {
    "paste": "Paste into the editor",
    "focus_lost": "Window lost focus",
    "page_hidden": "Page hidden",
    "fast_insertion": "Text inserted faster than typing",
    "devtools": "Developer tools opened",
    "unknown": "Unrecognised observation",
}
VERDICT_LABELS = {
    "accepted": "Accepted",
    "wrong_answer": "Wrong answer",
    "time_limit": "Time limit",
    "memory_limit": "Memory limit",
    "output_limit": "Output limit",
    "runtime_error": "Runtime error",
    "compile_error": "Compile error",
    "internal_error": "Judge error (not the candidate's)",
}


NONE = "\u2013"  # an en dash for "no value"


def clock(seconds: float | None) -> str:
    """95.2 -> "1:35"; 3725 -> "1:02:05"; None -> an en dash."""
    if seconds is None:
        return NONE
    whole = max(0, int(seconds))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def when(value: datetime | None) -> str:
    if value is None:
        return NONE
    return value.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC")


def label(value: str | None, table: dict[str, str]) -> str:
    if value is None:
        return NONE
    return table.get(value, value.replace("_", " ").capitalize())


@lru_cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False}  # tojson keeps the order figures are given in
    env.filters.update(
        clock=clock,
        when=when,
        band=lambda v: label(v, BAND_LABELS),
        dimension=lambda v: label(v, DIMENSION_LABELS),
        mark=lambda v: label(v, MARK_LABELS),
        event_label=lambda v: label(v, EVENT_LABELS),
        integrity=lambda v: label(v, INTEGRITY_LABELS),
        verdict=lambda v: label(v, VERDICT_LABELS),
    )
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


@lru_cache
def stylesheet(name: str) -> str:
    """A stylesheet under api/templates, inlined into pages (with the response's CSP nonce) and into PDFs."""
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")
