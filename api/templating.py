"""The Jinja2 environment for server-rendered pages (reports, analytics): autoescaped HTML, strict undefined
variables, and the filters the templates share. Templates live in api/templates; no HTML is built in Python."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from grader.invisible import Hiding

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
    # What the page saw, never a conclusion: a shortcut pressed may open nothing, and a docked panel that narrows the
    # page may be a browser sidebar.
    "devtools": "Sign of developer tools",
    "unknown": "Unrecognised observation",
}
# How the page noticed a sign of developer tools (api/routers/integrity.py, `source`), and what else it can be.
INTEGRITY_SOURCES = {
    "keyboard_shortcut": "their keyboard shortcut pressed; whether they opened is not known",
    "window_size": "the page narrowed and held still, as a docked panel makes it; a browser sidebar does too",
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

# How an interview ended (sessions.end_reason: the agent's reasons, api/schemas.py EndReason, and the API's own), in
# words: the status alone ("abandoned", "completed") with the time used ("12:03 of 45:00") read as the candidate
# giving up, whoever ended it. An ending on our side says so.
END_LABELS = {
    "completed": "The interviewer closed it",
    "candidate_request": "The candidate asked to stop",
    "candidate_ended": "The candidate ended it from their page",
    "time_up": "Time ran out",
    "no_show": "The candidate never spoke (the interviewer ended it after waiting)",
    "candidate_left": "The candidate left and did not rejoin in time",
    "agent_shutdown": "The interviewer stopped before the interview ended (on our side, not the candidate's)",
    "room_finished": "The call closed without a normal end (a connection lost, on either side)",
    "stalled": "Nothing closed it (the interviewer was lost); closed an hour past its end",
    "ended_agent_lost": "The interviewer closed it, then lost its connection (on our side)",
    "cancelled": "Cancelled by the organisation",
    "cancelled_by_ats": "Cancelled by the ATS",
}

# Why a scorecard version failed (scorecards.reason: docs/grading.md, "Failure reasons"), in words beside the code. The
# code alone ("citations_unverified") read as something about the candidate; every one of them is about the grading.
FAILURE_LABELS = {
    "citations_unverified": "the grader's claims did not all check out against the interview record, so none is shown",
    "invalid_output": "the grading model's answer was malformed",
    "model_refused": "the grading model refused to answer",
    "grader_not_configured": "no grading model is configured on this server",
    "grader_unavailable": "the grading model could not be reached",
    "grader_auth_failed": "the grading model refused this server's key",
    "grader_model_not_found": "the configured grading model does not exist",
    "grader_request_rejected": "the grading model rejected the request",
    "session_unavailable": "the session or its question no longer exists",
    "attempts_exhausted": "the grading job was interrupted too many times",
    "internal_error": "an error in Shadows",
    "grading_interrupted": "the grading job stopped before it stored a result",
}


def failure(value: str | None) -> str:
    """A failed version's reason in words, or "" for one this table does not know (the page shows its code)."""
    return FAILURE_LABELS.get(value or "", "")


def ended(value: str | None, *, coach: bool = False) -> str:
    """A session's end_reason in words ("Ended: <reason>" for one this table does not know); the coaching view
    speaks to the candidate."""
    if not value:
        return NONE
    text = END_LABELS.get(value) or "Ended: " + value.replace("_", " ")
    if coach:
        text = text.replace("The candidate", "You").replace("the candidate's", "yours")
    return text


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


# Characters that change how text reads without being seen: controls, line separators and interlinear annotations,
# and every default-ignorable character (grader/invisible.py: bidirectional embeddings, overrides, isolates and marks,
# the "Trojan Source" characters; zero-width spaces; the soft hyphen; variation selectors and Unicode tag characters,
# each a byte or an ASCII letter a model reads and a person does not; Hangul fillers). In a candidate's name or code
# a reviewer must see that they are there (a name "Ada \u202eeriH gnortS" reads "Ada Strong Hire"; a code line can
# read as a comment while it runs as a string; "😀" and 40 variation selectors hides a sentence), so `reveal` shows
# each character of a hidden run (`REVEALED.spans`) as a visible marker in its place. Left alone, the sequences
# Unicode defines for them (grader/invisible.py `kept`): an emoji's selector ("❤️"), a standardized or ideographic
# variation sequence, an emoji's joiner ("👩‍💻"), a joiner or non-joiner in a script that uses them ("می‌خواهم"), a
# subdivision flag's tags; not a selector or joiner after a Latin letter. The replay's code view marks the same
# characters (web/src/replay/hiddenchars.ts, HIDDEN; keep the two the same).
REVEALED = Hiding("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufff9-\ufffb")
HIDDEN_CHARS = REVEALED.char  # every character `reveal` can show as a marker (unless a use keeps it)
Spans = Sequence[tuple[int, int]]


@lru_cache(maxsize=16)
def hidden_spans(text: str) -> tuple[tuple[int, int], ...]:
    """`REVEALED.spans(text)`, kept for the last few texts: a long line is measured, cut and shown from the same."""
    return tuple(REVEALED.spans(text)) if HIDDEN_CHARS.search(text) else ()


# Each marker is about 90 bytes of markup for one character of text: past this many in one text, the rest are shown
# as their plain `U+XXXX` (six characters, no element), so a text of hidden characters (a final code of 190,000
# control characters) cannot multiply the page ninety times over.
MAX_MARKERS_PER_TEXT = 2_000


def _marker(char: str) -> str:
    name = unicodedata.name(char, "control character").lower()
    code = f"{ord(char):04X}"  # the replay reads it back to match quotes against the words as said
    return f'<span class="hidden-char" title="{name}" data-code="{code}">U+{code}</span>'


def revealer() -> Callable[..., Markup]:
    """`reveal` for the pieces of one text, in order (api/report_lines.py cuts a line into pieces): the markers' cap
    (MAX_MARKERS_PER_TEXT) counts all of them. A piece's hidden runs (`spans`, in it) can be given, read in the
    whole line: a selector that starts a piece is kept or not as the character before it says."""
    shown = 0

    def marker(char: str) -> str:
        nonlocal shown
        shown += 1
        return _marker(char) if shown <= MAX_MARKERS_PER_TEXT else f"U+{ord(char):04X}"

    def show(value: object, spans: Spans | None = None) -> Markup:
        # Without `spans`, escaped first (escaping leaves every hidden run, and what is around it, as it reads).
        text = str(value) if spans is not None else str(escape(value))
        plain: Callable[[str], str] = escape if spans is not None else str
        if spans is None:
            spans = hidden_spans(text)
        out: list[str] = []
        pos = 0
        for start, end in spans:
            out.append(plain(text[pos:start]))
            out.extend(map(marker, text[start:end]))
            pos = end
        out.append(plain(text[pos:]))
        return Markup("".join(out))  # noqa: S704  # escaped; markers are ours

    return show


def reveal(value: object) -> Markup:
    """`value` escaped, with every character of its hidden runs (REVEALED) shown as a visible marker (and no longer
    in effect): the first MAX_MARKERS_PER_TEXT as marked elements, the rest as plain `U+XXXX`."""
    return revealer()(value)


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
        noticed=lambda v: label(v, INTEGRITY_SOURCES),
        verdict=lambda v: label(v, VERDICT_LABELS),
        ended=ended,
        failure=failure,
        reveal=reveal,
    )
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


@lru_cache
def stylesheet(name: str) -> str:
    """A stylesheet under api/templates, inlined into pages (with the response's CSP nonce) and into PDFs."""
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")
