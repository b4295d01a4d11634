"""How much of the transcript a report page (and so its PDF) prints, and how much transcript text its replay's
timeline carries. The candidate decides how many turns there are (every message typed into the chat is one,
answered or not): without a bound one session's page grew with whatever they typed, its PDF could not be printed
within its time limit, and its timeline was as large as all of it.

The page prints turns in time order until `MAX_PAGE_TURNS` items or `MAX_PAGE_TEXT_CHARS` characters of text as
printed (escaped, hidden characters as markers: `api.templating.reveal`; each line break as a printed line of
`LINE_BREAK_CHARS`), then
one marker saying what it leaves out; every turn the shown scorecard cites is printed wherever it falls, so each
citation still links to its line. The timeline keeps every turn but the text of only `MAX_TIMELINE_TEXT_CHARS`
characters, and the whole text of every turn the shown scorecard cites (`bound_timeline_text`). Generous for an
honest interview: a 45-minute one has about 270 turns and 40,000 characters (docs/benchmarks-reports.md). The
session dump keeps every word.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from api.templating import reveal

MAX_PAGE_TURNS = 3_000
MAX_PAGE_TEXT_CHARS = 300_000
# The replay's timeline (`GET .../timeline`, a share link's too) keeps every turn, for the replay to follow, but the
# text of only this many characters of them, in time order (a turn the shown scorecard cites always whole, counted
# first): past it a turn carries `"text": ""`, `"text_omitted": true` and `text_chars`, as code past the session's
# code budget does.
MAX_TIMELINE_TEXT_CHARS = 2_000_000

# A line break starts a printed line however little is on it, so the page's budget counts each as this many
# characters (a printed page holds about 45 lines, or 2,000 characters of words), and a transcript of line breaks
# prints no more pages than one of words. Counted as one character, the 300,000 line breaks a candidate can type
# within the budget printed 6,000 pages: a PDF Chromium could not print within its time limit.
LINE_BREAK_CHARS = 40
# What HTML reads as a line break in text (the parser turns CR and CRLF into LF; `pre-wrap` breaks there).
LINE_BREAKS = re.compile(r"\r\n?|\n")
# An honest final code is a few hundred lines; a 200 KB file of 40-character lines is 5,000 (about 100 pages).
MAX_PRINTED_CODE_LINES = 5_000


def cited_seqs(scorecard: BaseModel | None) -> set[int]:
    """The seq of every event the scorecard cites (each `{"seq", "type", ...}` in it, wherever it is nested)."""
    found: set[int] = set()
    if scorecard is None:
        return found
    stack: list[Any] = [scorecard.model_dump(mode="json")]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("seq"), int) and "quote" in node:
                found.add(node["seq"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def printed_chars(text: str) -> int:
    """What `text` costs the page's budget: its characters as printed (escaped, each hidden character a marker:
    `reveal`, up to ~90 characters for one), and a printed line's worth for each line break."""
    return len(reveal(text)) + LINE_BREAK_CHARS * sum(1 for _ in LINE_BREAKS.finditer(text))


def bound_timeline_text(
    items: list[dict[str, Any]], cited: AbstractSet[int] = frozenset()
) -> list[dict[str, Any]]:
    """`items` (timeline items, in time order) with the text of transcript turns past MAX_TIMELINE_TEXT_CHARS left
    out and marked, but never a `cited` one's (`cited_seqs` of the scorecard the page shows): the replay marks a
    quote in its line by reading the line as stored against the page (web/src/replay/transcript.ts), and read from
    the page alone (where past its first markers a hidden character is the plain text `U+XXXX`) the mark landed on
    another place of the words, or on none. Cited text is counted first, the rest in time order within what it
    leaves, so the text is at most the budget, or the cited turns' own text when that alone is more: the page
    prints the same turns whole, and a scorecard cites at most 1,080 (`grader.schemas.Scorecard`: 20 citations for
    each of 4 dimensions and 50 rubric items), each one stored event (256 KiB; a typed message 4,000 characters)."""
    turns = [i for i in items if i.get("type") == "transcript" and isinstance(i.get("text"), str)]
    used = sum(len(i["text"]) for i in turns if i.get("seq") in cited)
    out: list[dict[str, Any]] = []
    for item in items:
        text = item.get("text")
        if item.get("type") == "transcript" and isinstance(text, str) and item.get("seq") not in cited:
            if used + len(text) > MAX_TIMELINE_TEXT_CHARS:
                item = {**item, "text": "", "text_omitted": True, "text_chars": len(text)}
            else:
                used += len(text)
        out.append(item)
    return out


@dataclass(frozen=True)
class PrintedCode:
    """The final code as the page prints it: `text`, then `left_lines` more lines (`left_chars` characters) left out."""

    text: str
    left_lines: int = 0
    left_chars: int = 0


def printed_code(code: str, max_lines: int = MAX_PRINTED_CODE_LINES) -> PrintedCode:
    """`code`'s first `max_lines` lines, and how much of it follows them."""
    for n, brk in enumerate(LINE_BREAKS.finditer(code), start=1):
        if n < max_lines:
            continue
        rest = code[brk.end() :]
        if not rest:
            break  # a last line break: nothing follows it
        lines = sum(1 for _ in LINE_BREAKS.finditer(rest)) + (0 if rest.endswith(("\n", "\r")) else 1)
        return PrintedCode(code[: brk.start()], lines, len(rest))
    return PrintedCode(code)
