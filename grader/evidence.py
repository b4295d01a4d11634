"""Checking every citation against the session's own events, before anything is stored.

A citation `{seq, quote}` holds when:
- `seq` is an event of this session, of a citable type (`CITABLE_EVENT_TYPES`: transcript lines, editor
  snapshots, runs, submissions; hints, tool calls and notes are not);
- `quote` matches that event's text (a transcript line) or code (a snapshot) after whitespace and case normalisation
  only (invisible format characters ignored), as the model saw it (names replaced, see grader/redact.py; of a long
  transcript line, only the head and tail it was shown), starting and ending on word boundaries, a number being one
  word, and so an expression written tight (a quote of "correct" from "incorrect" would say the opposite, "5 passed"
  from "0/5 passed", and "It takes 2" from "It takes 2^n steps"). A run's quote comes only from our own result text
  as shown (verdicts, counts, arguments, expected values, plain returned numbers; not its label, where "submission
  (every test)" names the kind of run and says nothing of how it went), keeping the count its words are about
  ("passed" alone of "visible tests 0/2 passed" is refused: grader/run_quotes.py), or it is empty: never from the
  run's code or what the candidate's program printed, raised or returned as text, which the candidate controls (a
  comment saying "hidden tests 12/12 passed" would read as our result in a report). Code is cited through the
  snapshot that shows it. A transcript or snapshot quote needs at least `MIN_QUOTE_CHARS` besides the placeholders
  of redacted text (`[candidate]`, `[email]`), and cannot start or end inside one. A transcript quote starts at the
  start of its sentence or after neutral words only, and no denial follows it ("my code handles duplicates" of "I
  don't think my code handles duplicates": grader/quote_scope.py), nor does it end inside an expression ("It's O(n"
  of "It's O(n log n)": grader/quote_expression.py).

A verified quote is stored as the exact span of the text it matched (original case, spacing and names; for a run,
our result text as shown), so that a report can find and highlight it verbatim; and, for a transcript line or a
snapshot, with `where` that span is in the event's text (`QuoteWhere`: code point offsets, `text[start:end]` is the
quote), so that the report marks the place verified rather than searching the text again (api/report_quotes.py).
The model's answer cannot hold `where` (grader/output.py `EvidenceIn` forbids it): only this module sets it.

What a verified citation proves about the candidate, for credit, is grader/credit.py's rule.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from grader.invisible import IGNORABLE
from grader.matching_form import latin_look_alikes
from grader.quote_expression import left_open
from grader.quote_scope import cut_away as cut_in
from grader.quote_scope import takes_back
from grader.redact import Redacted
from grader.run_quotes import left_out
from grader.schemas import CITABLE_EVENT_TYPES, MAX_QUOTE_CHARS, Evidence, QuoteWhere
from grader.staged import SHOWN_CLOSE, SHOWN_OPEN
from grader.word_patterns import UNSPACED

MIN_QUOTE_CHARS = 3
MAX_MARKS = 16  # combining marks on one character looked past (`_marked_base`)
_IGNORABLE = re.compile(f"[{IGNORABLE}]")
MAX_MATCHES = 1_000  # places a quote matches that are looked at, for one view (`_find`)
PROGRAM_OUTPUT = "\ue000"  # stands for the program's own output in a run's quotable result text
# Stands for a run's label (`[14] 170s submission (every test) by ...:`) there: no result.
RUN_LABEL = "\ue001"
RUN_TYPES = frozenset({"test_run", "submission"})
SHOWN_MARKS = frozenset((SHOWN_OPEN, SHOWN_CLOSE))  # set a staged piece apart where shown: no part of a quote
UNSPACED_CHAR = re.compile(f"[{UNSPACED}]")
SIGNS = "-\u2212+"  # before a digit with no word before it: the number's sign
# A line that ends its own last sentence (grader/quote_scope.py reads "." before a space or the end as one).
_SPOKEN_END = re.compile(r"(?<!\.)[.?!\u3002\uff1f\uff01\u203d\u061f]['\")\]\u201d\u2019\u00bb]*\s*\Z")
LINE_END = " \u3002"  # read after a line that does not end its last sentence, before the next line
NUMBER_JOINS = "/.,:" + SIGNS  # between digits: one number (0/5, 1.5, 1,000, 10:30)
# Tight between operands, one expression: a power or a product always (n^2, 2^n, 10**5, n*m; a times sign, a dot);
# a quotient, a sum or a difference with a digit beside it (n/2, n-1).
POWERS = "^*\u00d7\u00b7\u22c5"
OPERATORS = POWERS + "/\u00f7" + SIGNS


def normalise(text: str) -> tuple[str, list[int]]:
    """Lower case, every whitespace run one space, no leading or trailing space, no invisible format characters
    (zero-width space and joiners, word joiner, soft hyphen, bidi controls: the candidate can put them in what
    they type or write, where the model does not see them and quotes without them, which would keep a true quote
    of the candidate's own words from verifying), and Cyrillic or Greek look-alike letters inside a Latin word as
    the Latin ones, for the same reason (grader/matching_form.py `LOOK_ALIKES`); `index[i]` is the position in `text` of
    the i-th normalised character."""
    out: list[str] = []
    index: list[int] = []
    pending_space = -1
    for i, ch in enumerate(latin_look_alikes(text)):
        if ch > "\x7f" and (unicodedata.category(ch) == "Cf" or ch in SHOWN_MARKS):
            continue
        if ch.isspace():
            if out and pending_space < 0:
                pending_space = i
            continue
        if pending_space >= 0:
            out.append(" ")
            index.append(pending_space)
            pending_space = -1
        for c in ch.lower():
            out.append(c)
            index.append(i)
    return "".join(out), index


def _joined(a: str, b: str) -> bool:
    """`a` then `b` are inside one word (not so in a script written without spaces: "我觉得用哈希表")."""
    return all((c.isalnum() or c == "_") and not UNSPACED_CHAR.match(c) for c in (a, b))


def _cuts(text: str, at: int) -> bool:
    """A boundary between `text[at - 1]` and `text[at]` is inside a word, or inside a number: a fraction, a decimal,
    a grouped or timed number (`0/5`, `1.5`, `1,000`, `10:30`) or a signed one (`-3`), so that "5 passed" is not a
    quote of "0/5 passed" nor "3" of "-3"; or inside an expression written tight (`_in_expression`: `n^2`, `n-1`); or
    before a combining mark (written decomposed, "≠" is "=" and a stroke, "sí" is "si" and an accent: a quote that
    stopped at the letter would store "=" or "si")."""
    if at <= 0 or at >= len(text):
        return False
    a, b = text[at - 1], text[at]
    # A combining mark is part of the character before it: a quote never ends before one, and reads a word on
    # through the marks on its letter ("cafe\u0301s").
    if _mark(b):
        return True
    if _mark(a):
        a = _marked_base(text, at - 1)
    if _joined(a, b):
        return True
    if a in NUMBER_JOINS and b.isdigit():
        if (at >= 2 and text[at - 2].isdigit()) or (
            a in SIGNS and (at < 2 or not (text[at - 2].isalnum() or text[at - 2] in ")]_"))
        ):
            return True
    elif a.isdigit() and b in NUMBER_JOINS and at + 1 < len(text) and text[at + 1].isdigit():
        return True
    return _in_expression(text, at)


def _mark(c: str) -> bool:
    """A combining mark that changes its letter (a variation selector only picks a glyph: "❤" is "❤️")."""
    return c > "\x7f" and unicodedata.category(c)[0] == "M" and not _IGNORABLE.match(c)


def _marked_base(text: str, i: int) -> str:
    """The character the combining marks ending at `text[i]` sit on (a letter, so joined: past `MAX_MARKS` of them,
    a stack no word carries, "a")."""
    for k in range(i, max(-1, i - MAX_MARKS), -1):
        if not _mark(text[k]):
            return text[k]
    return "a"


def _in_expression(text: str, at: int) -> bool:
    """A boundary between `text[at - 1]` and `text[at]` is beside an operator written tight between two operands
    (at most two operator characters: `**`, `//`): a power or a product always (`n^2`, `2^n`, `10**5`, `n*m`, `n^(k)`),
    a sum, a difference or a quotient with a digit beside it (`n-1`, `n+1`, `n/2`; not "x-ray", "I/O", "and/or").
    "It takes 2" is not a quote of "It takes 2^n steps", nor "loop to n" of "loop to n-1" (2026-12-07)."""
    a, b = text[at - 1], text[at]
    if a.isalnum() and b in OPERATORS:
        k = at + 1 if text.startswith(b, at + 1) else at
        op, c = b, text[k + 1] if k + 1 < len(text) else ""
        left, right = a, c
    elif a in OPERATORS and b.isalnum():
        k = at - 2 if at >= 2 and text[at - 2] == a else at - 1
        op, c = a, text[k - 1] if k >= 1 else ""
        left, right = c, b
    else:
        return False
    if op in POWERS:
        return (left.isalnum() or left == ")") and (right.isalnum() or right == "(")
    return left.isalnum() and right.isalnum() and (left.isdigit() or right.isdigit())


@lru_cache(maxsize=8)
def _normalised_view(text: str) -> tuple[str, array[int]]:
    """`normalise(text)` for a view, kept for the next citations: a model cites one snapshot many times, and a
    snapshot can be 200 KB of the candidate's code (23 ms to normalise, for each of up to hundreds of citations).
    The positions are an array (4 bytes a character, not a list's 36): eight views of 200 KB keep 8 MB."""
    norm, index = normalise(text)
    return norm, array("I", index)


@lru_cache(maxsize=8)
def _own_before(view: Redacted) -> array[int]:
    """`own[i]`: how many characters of `view.text[:i]` the model read as the text's own: not whitespace, and not in
    a replacement (`[candidate]` stands for the name, which the model never read). Kept for the next citations, as
    `_normalised_view`: it makes `_read` one subtraction for each place a quote matches."""
    flags = [0 if c.isspace() else 1 for c in view.text]
    for start, end, _, _ in view.segments:
        if _marked(view.text, start, end):  # the candidate's words, set apart: read, but for the marks
            flags[start] = flags[end - 1] = 0
        else:
            flags[start:end] = [0] * (end - start)
    return array("I", accumulate(flags, initial=0))


def _marked(text: str, start: int, end: int) -> bool:
    """`text[start:end]` (a replacement) is a staged piece shown set apart (grader/staged.py `shown_staged`): the
    candidate's own words between two marks, not a placeholder."""
    return end - start > 2 and text[start] == SHOWN_OPEN and text[end - 1] == SHOWN_CLOSE


def _read(view: Redacted, start: int, end: int) -> int:
    """How many characters of `view.text[start:end]` the model read as the text's own (`_own_before`)."""
    own = _own_before(view)
    return own[end] - own[start]


def _only_placeholders(view: Redacted, quote_norm: str) -> bool:
    """`quote_norm` is, besides the text of the view's replacements (`[email]`), fewer than `MIN_QUOTE_CHARS`: it
    can match nothing the model read, wherever it is (and a candidate can write an address thousands of times)."""
    placeholders = {
        view.text[s:e].lower() for s, e, _, _ in view.segments if e > s and not _marked(view.text, s, e)
    }
    for placeholder in sorted(placeholders, key=len, reverse=True):
        quote_norm = quote_norm.replace(placeholder, " ")
    return sum(1 for c in quote_norm if not c.isspace()) < MIN_QUOTE_CHARS


class Match(NamedTuple):
    """What `_find` found: the original text a quote matches (or None), else what kept each place it matched
    out (a match is refused for the first of these only when no other place holds)."""

    found: str | None
    placeholders_only: bool = False  # it matched only where the text is nothing but replacements
    too_long: int = 0  # the shortest original text it matched that is too long to store (0: none)
    cut_away: str = ""  # what of its sentence it left out that may change it (grader/quote_scope.py)
    too_common: bool = False  # `MAX_MATCHES` places looked at, none held
    by_next_line: bool = False  # `cut_away` is in the same speaker's next line (`_following`)
    span: tuple[int, int] = (0, 0)  # where `found` is in the view's original text


def _find(
    view: Redacted,
    quote_norm: str,
    *,
    speech: bool = False,
    run: bool = False,
    cut_before: bool = False,
    cut_after: bool = False,
    following: str = "",
) -> Match:
    """Where `quote_norm` matches in `view`, as the original text it stands for. The match must not
    start or end inside a word or a number ("correct" is not a quote of "incorrect", nor "efficient" of
    "inefficient", nor "5 passed" of "0/5 passed"), nor inside a replacement (`candidate], reach`); and it must hold
    `MIN_QUOTE_CHARS` of the text's own besides its replacements: `[candidate]` or `[email]` alone quotes nothing
    the model read, and would store the name or the address as evidence. The original text it stands for is at most
    `MAX_QUOTE_CHARS` (what a stored quote holds): a quote of a few words can span far more of the original, where
    the candidate put runs of spaces or invisible characters, or text shown as one placeholder (`[hidden text]` for
    a run of tag characters, `[link]` for a long URL). Of `speech` (a transcript line's), the match must not leave
    out what may change it: words before it in its sentence but neutral ones, or a denial after it
    (grader/quote_scope.py); `cut_before`: the line goes on before `view` (a long line's tail, as shown), `cut_after`:
    after it (its head); `following`: the same speaker's next line when it is a short aside that takes back what came
    before (`_following`), read after `view` as its next sentence.

    The work is bounded whatever the text: at most `MAX_MATCHES` places are looked at, each in time logarithmic in
    the replacements (a snapshot can hold tens of thousands, and the model cites it hundreds of times)."""
    if view.segments and _only_placeholders(view, quote_norm):
        return Match(None, placeholders_only=True)
    norm, index = _normalised_view(view.text)
    # The line as read for a denial after the quote: the next line of the same speaker follows it as a sentence of
    # its own (an ideographic full stop always ends one; a line ended by its own mark needs none).
    next_line = ""
    if following:
        ended = _SPOKEN_END.search(view.text) is not None
        next_line = view.text + ("" if ended else LINE_END) + "\n" + following
    at = norm.find(quote_norm)
    placeholders_only = False
    too_long = 0
    cut_away = ""
    by_next_line = False
    for _ in range(MAX_MATCHES):
        if at < 0:
            return Match(None, placeholders_only, too_long, cut_away, by_next_line=by_next_line)
        stop = at + len(quote_norm)
        start, end = index[at], index[stop - 1] + 1
        # From or to the edge of a staged piece shown set apart: the quote holds its mark (read past in `normalise`).
        if start and view.text[start - 1] == SHOWN_OPEN and view.inside(start):
            start -= 1
        if end < len(view.text) and view.text[end] == SHOWN_CLOSE and view.inside(end):
            end += 1
        if not (_cuts(norm, at) or _cuts(norm, stop) or view.inside(start) or view.inside(end)):
            from_next_line = False
            if speech:
                governing = cut_in(
                    view.text, start, end, cut_before=cut_before, cut_after=cut_after
                ) or left_open(view.text, start, end)
                if not governing and next_line:
                    taken_back = cut_in(next_line, start, end, cut_before=cut_before)
                    governing = taken_back.removeprefix(LINE_END.strip()).strip() or taken_back
                    from_next_line = bool(governing)
            else:  # of a run's result text, the count its words are about (grader/run_quotes.py)
                governing = left_out(view.text, start, end) if run else ""
            if view.segments and _read(view, start, end) < MIN_QUOTE_CHARS:
                placeholders_only = True
            elif governing:
                if not cut_away:
                    cut_away, by_next_line = governing, from_next_line
            else:
                o_start, o_end = view.original_span(start, end)
                if o_end - o_start <= MAX_QUOTE_CHARS:
                    return Match(view.original[o_start:o_end], span=(o_start, o_end))
                too_long = min(too_long or o_end - o_start, o_end - o_start)
        at = norm.find(quote_norm, at + 1)
    return Match(None, placeholders_only, too_long, cut_away, too_common=at >= 0, by_next_line=by_next_line)


@dataclass(frozen=True)
class CitableEvent:
    """What the model may quote from one citable event: `views` (a transcript line's text or a snapshot's code, as
    shown; none for a run), and for runs, `shown`, the results as rendered with the program's own output masked by
    `PROGRAM_OUTPUT` (quotable, but not original text)."""

    seq: int
    type: str
    views: tuple[Redacted, ...]
    shown: str = ""
    speaker: str | None = None  # a transcript line's: "candidate" or "interviewer"
    # The length of the event's whole text (a transcript line's words). A long line's views are its head, from the
    # text's start, and its tail, to its end: a quote found in the tail is placed from the end (`_base`). None: a
    # quote in a tail gets no `where`.
    size: int | None = None
    # A snapshot's or a run's (where its comments and string literals are: grader/credit.py).
    language: str | None = None
    verdict: str | None = None  # a run's
    by: str | None = None  # a run's: who ran it ("candidate", "agent", "grader": grader/facts.py `GRADER`)
    # A run's code as judged (None: not kept). Never quotable as the run: grader/credit.py reads whether it is the
    # code the candidate was given, unchanged (`CitationIndex.starter`).
    code: str | None = None


@dataclass
class CitationIndex:
    """Every event of the session by seq (its type), and what each citable one lets the model quote."""

    types: dict[int, str] = field(default_factory=dict)
    citable: dict[int, CitableEvent] = field(default_factory=dict)
    # The code the candidate was given (the question's starter code, `normalise`d): not their work (grader/credit.py).
    given_code: tuple[str, ...] = ()
    # The same starter code as given, with its language (`(language, code)`): what a run of it unchanged judged.
    starter: tuple[tuple[str, str], ...] = ()
    # The words the candidate was given: the question's statement, and each hint's text with its seq (grader/credit.py).
    statement: str = ""
    hints: tuple[tuple[int, str], ...] = ()
    # The transcript lines' seqs in order, shown or not (`_following`), read from `types` on first use.
    line_seqs: list[int] = field(default_factory=list, repr=False, compare=False)


def _following(index: CitationIndex, event: CitableEvent) -> str:
    """The next transcript line after `event`, as shown, when the same speaker said it (no other line between; a
    snapshot or a run may be) and it is a short aside that takes back what came before (grader/quote_scope.py
    `takes_back`); "" if none. Speech-to-text cuts a turn where the speaker pauses: "My code handles duplicates
    correctly." then "Not." are two lines, and the denial in the second takes back the first as it would in one line
    (grader/quote_scope.py reads it as the short sentences right after the quote). A longer next line is a thought of
    its own: read after the quote, any denial in it would make the line before unquotable, as a quote cannot take in
    a line after it."""
    if not index.line_seqs:
        index.line_seqs.extend(sorted(seq for seq, kind in index.types.items() if kind == "transcript"))
    at = bisect_right(index.line_seqs, event.seq)
    if at >= len(index.line_seqs):
        return ""
    after = index.citable.get(index.line_seqs[at])
    if after is None or after.speaker != event.speaker or len(after.views) != 1:
        return ""
    return after.views[0].text if takes_back(after.views[0].text) else ""


def check(evidence: Evidence, index: CitationIndex) -> Evidence | str:
    """The verified citation (its quote as the original text), or what is wrong with it."""
    seq, quote = evidence.seq, evidence.quote
    kind = index.types.get(seq)
    if kind is None:
        return f"seq {seq} is not an event of this interview"
    if kind not in CITABLE_EVENT_TYPES:
        return (
            f"seq {seq} is a {kind} event, which cannot be cited (cite transcript lines, snapshots or runs)"
        )
    event = index.citable.get(seq)
    if event is None:
        return f"seq {seq} ({kind}) was not shown in the interview data and cannot be cited"
    quote_norm, _ = normalise(quote)
    if not quote_norm:
        if kind in RUN_TYPES:
            return Evidence(seq=seq, quote="")
        return f"seq {seq} ({kind}) needs a quote: the exact words or code it shows"
    if kind not in RUN_TYPES and len(quote_norm) < MIN_QUOTE_CHARS:
        return f"seq {seq}: the quote {quote!r} is too short (at least {MIN_QUOTE_CHARS} characters)"
    missed, base = Match(None), None
    if kind in RUN_TYPES:
        if PROGRAM_OUTPUT not in quote and RUN_LABEL not in quote:
            missed = _find(Redacted(event.shown, event.shown), quote_norm, run=True)
    else:
        # A long line's head and tail: the first that holds it, else the first reason.
        following = _following(index, event) if kind == "transcript" else ""
        for i, view in enumerate(event.views):
            last = i == len(event.views) - 1
            match = _find(
                view,
                quote_norm,
                speech=kind == "transcript",
                cut_before=i > 0,
                cut_after=not last,
                following=following if last else "",
            )
            if match.placeholders_only:
                return (
                    f"seq {seq}: the quote {quote!r} is only what was redacted ([candidate], [email], ...), not "
                    "the words or code around it: quote those too"
                )
            if match.found is not None or not (missed.cut_away or missed.too_long or missed.too_common):
                missed = match
            if match.found is not None:
                base = _base(event, i)
                break
    if missed.found is not None:
        start, end = missed.span
        where = None if base is None else QuoteWhere(start=base + start, end=base + end)
        return Evidence(seq=seq, quote=missed.found, where=where)
    if missed.cut_away and kind in RUN_TYPES:
        return (
            f"seq {seq}: the quote {quote!r} leaves out {missed.cut_away!r} of the run's result it quotes, the count "
            "or value its words are about: quote the whole result (e.g. 'visible tests 0/2 passed'), or leave the "
            "quote empty"
        )
    if missed.cut_away and missed.by_next_line:
        return (
            f"seq {seq}: the quote {quote!r} is taken back by the same speaker's next line, {missed.cut_away!r} (a "
            "denial or a hedge right after it; speech-to-text cuts a line where the speaker pauses): "
            "cite another moment"
        )
    if missed.cut_away:
        return (
            f"seq {seq}: the quote {quote!r} leaves out {missed.cut_away!r} of its sentence, which can change what "
            "was said (a negation, a hedge, a condition, a denial after it, a question the candidate asked, or the "
            "rest of an expression, 'O(n' of 'O(n log n)'): quote from the start of the sentence (to its end, with "
            "the short sentence after it, where that takes it back; to the expression's closing bracket or its "
            "clause's end), or another moment"
        )
    if missed.too_long:
        return (
            f"seq {seq}: the quote {quote!r} stands for {missed.too_long:,} characters of the original text (runs of "
            "spaces or invisible characters, or text shown as [hidden text] or [link]), more than the "
            f"{MAX_QUOTE_CHARS:,} a quote may hold: quote fewer words, or another moment"
        )
    if missed.too_common:
        return (
            f"seq {seq}: the quote {quote!r} occurs more than {MAX_MATCHES:,} times there, none of them a quote that "
            "holds: quote more of the words around the moment you mean"
        )
    what = {"transcript": "the words of that line", "editor_snapshot": "the code of that snapshot"}.get(
        kind,
        "our result text of that run (its code is cited through its snapshot; what the program printed, raised "
        "or returned as text is its own output and cannot be quoted as the run: leave the quote empty)",
    )
    return f"seq {seq}: the quote {quote!r} is not in {what}"


def _base(event: CitableEvent, i: int) -> int | None:
    """Where view `i` of `event` starts in the event's text: the first view (the whole text, or a long line's head)
    at its start, a long line's tail `size - len(tail)` from it (None when `size` is not known)."""
    if i == 0:
        return 0
    if event.size is None or event.size < len(event.views[i].original):
        return None
    return event.size - len(event.views[i].original)


@dataclass(frozen=True)
class Problem:
    """A citation that failed, where it was (e.g. `dimensions.coding.evidence[1]`), and why."""

    where: str
    seq: int
    quote: str
    problem: str

    def describe(self) -> str:
        return f"- {self.where}: {self.problem}"


def verify_all(
    cited: Mapping[str, list[Evidence]], index: CitationIndex
) -> tuple[dict[str, list[Evidence]], list[Problem]]:
    """Check every list of evidence (keyed by where it sits); the verified lists, each citation once (twenty copies
    of one quote would make a dimension look well supported), and every failure."""
    verified: dict[str, list[Evidence]] = {}
    problems: list[Problem] = []
    for where, items in cited.items():
        good: list[Evidence] = []
        for i, item in enumerate(items):
            result = check(item, index)
            if isinstance(result, str):
                problems.append(Problem(f"{where}.evidence[{i}]", item.seq, item.quote, result))
            elif result not in good:
                good.append(result)
        verified[where] = good
    return verified, problems
