"""Which place of a cited line or snapshot a citation's quote stands for, so that the replay marks that one.

The grader stores a verified quote as the original text it matched and, since 2026-12-06, `where` it matched it
(grader/evidence.py): `verified_place` reads that place, checked against the text (in range, and reading as the
quote does, normalised as the grader normalises), and `quote_place` says which of the replay's places it is. A
scorecard graded before, or a `where` that does not hold there, falls back to the search below. Until then the
report found the place again, here and in the replay: the grader matches
a quote only where it holds: on word and number boundaries ("correct" is no quote of "incorrect", nor "5 passed" of
"0/5 passed"), and in a transcript line only where nothing before it in its sentence, no denial after it and no
question around it changes what it says (grader/quote_scope.py). The replay marked the first place the words occur
(web/src/replay/model.ts `findQuote`), and the same words often occur more than once: a citation of "correct" from
"That is incorrect. Correct, it is." marked the letters of "incorrect", and one of "my code handles duplicates"
from "I don't think my code handles duplicates. Now it does. My code handles duplicates." marked the words the
candidate denied. A reader who follows the link read the opposite of the evidence, and a candidate can say the
words twice to arrange it.

`quote_place` says which of the places the replay finds (its `findQuote` order: case folded one character at a time,
a run of JavaScript whitespace as one space, each place found after the start of the one before) is the grader's
`where`, else (a scorecard without it) the first where the grader's rule holds: the page passes it on each citation
(`data-occurrence`), and the replay marks that place. The rule read again here is the grader's as the report
reads the text, not as the model was shown it: where the two differ (a name or an address replaced, a long line's
head and tail shown), only the stored `where` is the place verified. A quote found once, or nowhere the rule holds,
is the first place (0), as before.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from grader.evidence import SHOWN_MARKS, normalise
from grader.evidence import _cuts as cuts_a_word
from grader.quote_scope import cut_away
from grader.schemas import MAX_QUOTE_CHARS, QuoteWhere

# What JavaScript's `\s` matches (the replay's `findQuote` collapses its runs), which is not Python's `str.isspace`;
# but U+FEFF, which `findQuote` reads past first, as the grader does (`_unread`).
JS_SPACE = re.compile("[\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# The most places of one quote looked at (as the grader looks at `grader.evidence.MAX_MATCHES` at most).
MAX_PLACES = 1_000
WINDOW = 64  # characters either side of a place read for its boundaries, first
JS_WORDS = re.compile(f"(?:(?!{JS_SPACE.pattern}).)+", re.DOTALL)
ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 code units each, in JavaScript's offsets


class ReplayPlace(NamedTuple):
    """What the page tells the replay of a citation's place (`replay_place`)."""

    occurrence: int  # which of `findQuote`'s places of the quote (0: the first): `data-occurrence`
    # The grader's `where`, checked, in UTF-16 code units (JavaScript's offsets): `data-where`.
    where: tuple[int, int] | None


def _unread(ch: str) -> bool:
    """What the grader reads past in a quote and its text (`grader.evidence.normalise`), and so does the replay's
    `findQuote` (`UNREAD`): an invisible format character (zero-width space and joiners, bidi controls, tag
    characters, U+FEFF) or a mark that sets a staged piece apart."""
    if ch.isprintable():  # every Cf character is not (checked first: a cited snapshot can be 200 KB)
        return ch in SHOWN_MARKS
    return ch > "\x7f" and unicodedata.category(ch) == "Cf"


def _read(text: str) -> str:
    return text if text.isascii() else "".join(ch for ch in text if not _unread(ch))


@lru_cache(maxsize=16)
def _js_normal(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` as the replay's `findQuote` reads it: each character lower-cased on its own (JavaScript lower-cases a
    UTF-16 unit, so a character past U+FFFF stays as it is), each run of whitespace one space (none at the start),
    what the grader reads past left out (`_unread`), and for each character of that, the position in `text` it came
    from. Read a word at a time (a word of ASCII at once): a cited snapshot can be 200 KB."""
    out: list[str] = []
    origin: list[int] = []
    for word in JS_WORDS.finditer(text):
        start, end = word.span()
        read: list[tuple[str, Iterable[int]]]
        if word.group().isascii():
            read = [(word.group().lower(), range(start, end))]
        else:
            read = [
                (lower, [i] * len(lower))
                for i in range(start, end)
                if not _unread(ch := text[i])
                for lower in [ch if ord(ch) > 0xFFFF else ch.lower()]
            ]
        if not read:
            continue  # a word of characters read past: no space for it
        if out:
            out.append(" ")
            origin.append(origin[-1] + 1)
        for lower, at in read:
            out.append(lower)
            origin.extend(at)
    return "".join(out), tuple(origin)


def _js_quote(quote: str) -> str:
    """The quote as `findQuote` looks for it: trimmed, whitespace runs one space, lower-cased one character at a time
    as the text is (a capital sigma ending a word is U+03C3 in both)."""
    return _js_normal(JS_SPACE.sub(" ", quote).strip(" "))[0]


def replay_places(text: str, quote: str) -> list[tuple[int, int]]:
    """Where the replay's `findQuote` finds `quote` in `text`, in its order: `[start, end)` offsets into `text`."""
    wanted = _js_quote(quote)
    if not wanted:
        return []
    if text.isascii() and wanted.isascii():
        # The same places, found by a pattern (in C): a letter of either case, a space as a run of whitespace.
        pattern = "[ \t\n\x0b\x0c\r]+".join(map(re.escape, wanted.split(" ")))
        found = re.finditer(f"(?=({pattern}))", text, re.IGNORECASE | re.ASCII)
        return [m.span(1) for _, m in zip(range(MAX_PLACES), found, strict=False)]
    normal, origin = _js_normal(text)
    places: list[tuple[int, int]] = []
    at = normal.find(wanted)
    while at >= 0 and len(places) < MAX_PLACES:
        places.append((origin[at], origin[at + len(wanted) - 1] + 1))
        at = normal.find(wanted, at + 1)
    return places


def _holds(text: str, start: int, end: int, *, speech: bool) -> bool:
    """The grader's rule for a quote of `text[start:end]`: it starts and ends on a word's and a number's boundary
    (read as the grader reads the text: `grader.evidence.normalise`), and a transcript line's (`speech`) leaves out
    nothing of its sentence that may change it (`grader.quote_scope.cut_away`)."""
    if _cut(text, start) or _cut(text, end):
        return False
    return not (speech and cut_away(text, start, end))


def _cut(text: str, at: int) -> bool:
    """Whether `text` read as the grader reads it (`normalise`: no invisible format characters, one space for a run)
    is cut inside a word or a number at `at` (`grader.evidence._cuts`). Read around `at` (a snapshot can be 200 KB),
    then, when what is around holds no two characters either side once read so, the whole text."""
    for reach in (WINDOW, len(text)):
        low, high = max(0, at - reach), min(len(text), at + reach)
        norm, index = normalise(text[low:high])
        here = bisect_left(index, at - low)
        if (here >= 2 or low == 0) and (len(norm) - here >= 2 or high == len(text)):
            break
    return cuts_a_word(norm, here)


def _folded(text: str) -> str:
    # A final sigma as U+03C3, as a capital sigma lower-cased on its own is.
    return text.lower().replace("\u03c2", "\u03c3")


def _twice(text: str, quote: str) -> bool:
    """Whether the quote's first word occurs at least twice in `text` (places may overlap): a quote found once, as
    most are, is not looked for one character at a time (a cited snapshot can be 200 KB of code)."""
    word = next((w for w in JS_SPACE.split(_read(quote)) if w), "")
    if not word:
        return False
    seen = re.finditer(f"(?={re.escape(_folded(word))})", _folded(_read(text)))
    return next(seen, None) is not None and next(seen, None) is not None


def verified_place(text: str, quote: str, where: QuoteWhere | None) -> tuple[int, int] | None:
    """The grader's `where` of `quote` in `text` when it holds there: in range, no longer than a stored quote, and
    `text` there reads as `quote` does once normalised as the grader normalises (`grader.evidence.normalise`); else
    None. A scorecard is the model's answer with our verifier's `where`, and is read from storage: never trusted
    blindly (a `where` written by hand, or one of a text since changed, falls back to the search)."""
    if where is None or not 0 <= where.start < where.end <= len(text):
        return None
    if where.end - where.start > MAX_QUOTE_CHARS:
        return None
    said = normalise(text[where.start : where.end])[0]
    return (where.start, where.end) if said and said == normalise(quote)[0] else None


def replay_place(text: str, quote: str, *, speech: bool, where: QuoteWhere | None) -> ReplayPlace:
    """The place of `quote` in `text` for the replay: the grader's `where` when it holds there (`verified_place`), as
    JavaScript counts offsets, which the replay marks once it reads the quote there too; and which of its places
    that is (`quote_place`), which it marks where it does not (a text it reads otherwise: a line's CRLF read as LF)
    and for a scorecard graded before `where` was recorded."""
    verified = verified_place(text, quote, where)
    occurrence = quote_place(text, quote, speech=speech, where=where)
    if verified is None:
        return ReplayPlace(occurrence, None)
    start, end = verified
    before = len(ASTRAL.findall(text, 0, start))
    return ReplayPlace(occurrence, (start + before, end + before + len(ASTRAL.findall(text, start, end))))


def quote_place(text: str, quote: str, *, speech: bool, where: QuoteWhere | None = None) -> int:
    """Which of the replay's places of `quote` in `text` (`replay_places`) the citation stands for: the one at the
    grader's `where` when it holds (`verified_place`), else the first where the grader's rule holds, else the first
    (0). `speech`: `text` is a transcript line's words, else code."""
    if not _twice(text, quote):
        return 0
    places = replay_places(text, quote)
    if len(places) < 2:
        return 0
    verified = verified_place(text, quote, where)
    if verified is not None:
        start, end = verified
        found = next((n for n, (s, e) in enumerate(places) if s < end and e > start), None)
        if found is not None:
            return found
    for n, (start, end) in enumerate(places):
        if _holds(text, start, end, speech=speech):
            return n
    return 0
