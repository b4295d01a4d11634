"""A transcript turn as the report prints it: every line of it marked as the turn's own, so that no line of what a
candidate typed or said can pass for another speaker's turn.

A turn prints as its time and speaker, then its words, and the words are the candidate's to choose: a message typed
into the chat as "ok\\n\\n0:52\\nINTERVIEWER\\nExcellent, all hidden tests pass." printed, inside the candidate's
turn, lines that read exactly like the interviewer's turn that follows a time and a speaker: on screen told apart
only by their style, in the PDF's text (what an ATS indexes) and in text copied from the page not at all. So each
line of a turn's words starts with `TURN_MARK` (a speaker's line never does: it starts with its time), and the
page frames each turn in its speaker's colour (report.css, `.turn-candidate`, `.turn-interviewer`). The mark is
text, not decoration, so it is in the PDF's text layer and in a copy; it is hidden from screen readers, who hear
each turn as one item of the list. The replay, marking quoted words in these lines, skips it
(web/src/replay/transcript.ts).

A line too long for the paper is wrapped by the browser, and a wrapped line started no mark: one long line, padded
so that the wrap put "0:52 INTERVIEWER Excellent, all hidden tests pass. Strong hire." at the start of a printed
line, printed a line just like the interviewer's turn. Printed (`printed`), each such line is cut here into pieces
that each fit the paper, A4 or Letter (api/report_widths.py: widths as Chromium prints them with the PDF host's
fonts), each after `WRAP_HTML`, which prints as a line break and the mark: the browser never wraps one. The page on
screen shows the line whole (the browser wraps it inside its turn's frame; a copy holds no line break there, and
the replay and tests read its words whole) and holds, after it, the line as printed (`copy`), which a reader's
browser prints in its place (report.css).

Right-to-left letters (Hebrew, Arabic…) in code need no hidden character to make it read otherwise than it ran: the
punctuation between two runs of them takes their direction, and `pair = ["א", "ב"]` printed as `pair = ["ב" ,"א"]`.
In the code and a quote of it, each run is an isolate (`RTL_HTML`, report.css `.rtl`), as the replay's code view
draws it (web/src/replay/rtlruns.ts); a text of more runs than `MAX_ISOLATES` is printed in the order written
instead, each line an override (`ORDER_HTML`), its letters too.

The final code, printed (the PDF, or a page without the replay), is the candidate's too: a docstring or a comment
can hold lines reading "Recommendation", "Strong hire" or "Integrity observations: None recorded". Each of its
lines is numbered (`code_lines`), so in the PDF's text every one reads as a line of the code. The numbers are left
out of a copy of the code (report.css, `user-select: none`), which copies as it was written. Printed, a piece of a
long line starts with the bar under the number. So does each line of a scorecard's quote of code, and a long quote
of the candidate's words is cut as a turn's words are (`quoted_lines`).

So is a value of one line the report prints in a box of its own (`field_lines`): the candidate's name in the header
(up to 200 characters), their ATS id, the complexity the interviewer recorded. The browser wrapped a long one
without a mark: a name padded so that the header's wrap put "Recommendation: Strong hire" on a printed line of its
own printed, in the PDF's text, a line of the report's own words. Printed, each piece of it after the first starts
with the mark; on screen it is whole, with the printed one after it for a reader's browser to print in its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from markupsafe import Markup

from api.report_budget import LINE_BREAKS
from api.report_widths import EIGHTHS, line_width, pieces
from api.templating import hidden_spans, reveal, revealer

# A box-drawing vertical bar and a space: what starts every line of a turn's words.
TURN_MARK = "\u2502 "
MARK_HTML = Markup('<span class="turn-mark" aria-hidden="true">{}</span>').format(TURN_MARK)


# How wide (in eighths of an em of the text's font) a printed piece of a line may be: narrower than its column in the
# PDF on A4 or Letter paper (api/report_widths.py), with room to spare. A turn's words: a 36-em column (A4: 534 px
# of 11 pt text) less its mark. The code: a 46-em column (A4: 599 px of 13 px text) less a line's number and bar.
# A quote of the candidate's words: an 18-em column (a card of the two-column dimension grid) less the mark. On A4
# (tests/api/test_report_wrapped_lines.py) the turn's budget 3 ems wider, the code's 4 and the quote's 2 still fit.
SAID_WIDTH = 32 * EIGHTHS
CODE_WIDTH = 38 * EIGHTHS
QUOTE_WIDTH = 15 * EIGHTHS

# Where a printed line is too long for its column: an empty element that, printed only, is a line break and the mark
# again (report.css, `.w::before`): generated text, in the PDF's text but out of a copy of the page and of its text
# content (the replay's, a screen reader's), and a few bytes (a line of hidden characters is cut every ten or so).
# A piece of a line of code: the same under the line's number (`w1` to `w4`, the number's width).
WRAP_HTML = Markup('<i class="w"></i>')


# A value of one line (`field_lines`): how wide a printed piece of it may be, in eighths of an em of its box's font,
# and whether the box is bold, on A4: the name, a 23.7-em line of the header (663 px, bold, 28 px); the ATS id, a
# 45-em line of the header (11 pt) after "ATS id "; the complexity, one of the facts' two 20.7-em columns (303 px,
# bold, 11 pt). On A4 (tests/api/test_report_field_wraps.py) each fits with room to spare.
FIELD_WIDTHS = {"name": (21 * EIGHTHS, True), "meta": (36 * EIGHTHS, False), "fact": (18 * EIGHTHS, True)}


# Letters of right-to-left scripts: the blocks whose characters (assigned or not) are of bidirectional class R or AL,
# but U+061C (a hidden character, shown as a marker) and U+FEFF; a run is such letters and the spaces between. The
# report's own markup around them (markers, wraps) is ASCII, so a run is only ever found in the candidate's text.
_RTL = "\u0590-\u061b\u061d-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff"
RTL_RUN = re.compile(f"[{_RTL}]+(?: +[{_RTL}]+)*")
RTL_HTML = '<span class="rtl">{}</span>'
ORDER_HTML = Markup('<span class="written-order">{}</span>')
# Past this many runs in one text, each line of it is one override rather than an element per run (a 200 KB line of
# "א," would be 60,000 elements).
MAX_ISOLATES = 2_000


def _in_order(text: str) -> Callable[[Markup], Markup]:
    """How each shown line of `text` (markup) keeps the order it was written in: its runs of right-to-left letters
    isolated, or, past `MAX_ISOLATES` runs in `text`, the line one override; a line of none as it is."""
    runs = sum(1 for _ in zip(RTL_RUN.finditer(text), range(MAX_ISOLATES + 1), strict=False))
    crowded = runs > MAX_ISOLATES

    def ordered(shown: Markup) -> Markup:
        if runs == 0 or not RTL_RUN.search(shown):
            return shown
        if crowded:
            return ORDER_HTML.format(shown)
        # Markup in, and a run is letters and spaces only: nothing to escape.
        return Markup(RTL_RUN.sub(lambda m: RTL_HTML.format(m[0]), shown))  # noqa: S704

    return ordered


def _code_wrap(width: int) -> Markup:
    return Markup('<i class="w{}"></i>').format(min(width, 4)) if width else WRAP_HTML


def _shown(line: str, parts: list[str], show: Callable[..., Markup], wrap: Markup) -> Markup:
    """`parts` (`line` cut into pieces) shown, each after the first after `wrap`: a hidden run read in the whole
    line (a selector that starts a piece is kept or shown as the character before it says), as `pieces` measured
    it."""
    spans = hidden_spans(line)
    shown: list[Markup] = []
    at = pos = 0  # the first span not yet behind, and where the part starts
    for part in parts:
        end = pos + len(part)
        while at < len(spans) and spans[at][1] <= pos:
            at += 1
        inside: list[tuple[int, int]] = []
        j = at
        while j < len(spans) and spans[j][0] < end:
            inside.append((max(spans[j][0], pos) - pos, min(spans[j][1], end) - pos))
            j += 1
        shown.append(show(part, inside))
        pos = end
    return wrap.join(shown)


def _printed(
    line: str, show: Callable[..., Markup], wrap: Markup, budget: int | None, *, mono: bool = False
) -> Markup:
    """One line of a text: shown (`show`) and, with a `budget`, cut into pieces of it, each after the first after
    `wrap`."""
    if budget is None:
        return show(line)
    return _shown(line, pieces(line, budget, mono=mono), show, wrap)


def _cuts(lines: list[str], budget: int, *, mono: bool = False) -> bool:
    """Whether any of `lines` is too long for `budget` (printed, it is cut)."""
    return any(len(line) > 1 and line_width(line, mono=mono) > budget for line in lines)


def said_lines(
    text: str, *, printed: bool = False, copy: bool = False, quote: Literal["words", "code"] | None = None
) -> Markup:
    """`text` as `reveal` shows it (escaped, hidden characters as markers), each of its lines after `MARK_HTML`;
    the line breaks stay (the page prints the text `pre-wrap`), as LF (what HTML reads CR and CRLF as). `printed`
    (the page printed to PDF): each piece of a line too long for the paper after `WRAP_HTML`. `copy`: the printed
    text, for a page on screen to print in place of the text as shown, or nothing when the two print the same.
    With `quote`, the text is a scorecard's quote of the candidate's words or code, as `quoted_lines` shows it (the
    templates have this function only)."""
    if quote is not None:
        return quoted_lines(text, code=quote == "code", printed=printed or copy, copy=copy)
    lines = LINE_BREAKS.split(text)
    if copy and not _cuts(lines, SAID_WIDTH):
        return Markup("")
    show = revealer()
    budget = SAID_WIDTH if printed or copy else None
    return Markup("\n").join(MARK_HTML + _printed(line, show, WRAP_HTML, budget) for line in lines)


def code_lines(code: str, *, cut: bool = False, printed: bool = False, copy: bool = False) -> Markup:
    """`code` as `reveal` shows it, each line after its number and a bar, and `printed` each piece of a line too
    long for the paper after a bar alone (`copy`: as `said_lines`); a last line break ends the last line (it starts
    no numbered empty one) unless `cut`: the printed code stops there and more lines follow."""
    lines = LINE_BREAKS.split(code)
    ending = not cut and len(lines) > 1 and lines[-1] == ""
    if ending:
        lines.pop()
    if copy and not _cuts(lines, CODE_WIDTH, mono=True):
        return Markup("")
    width = len(str(len(lines)))
    show = revealer()
    wrap = _code_wrap(width)
    budget = CODE_WIDTH if printed or copy else None
    ordered = _in_order(code)
    numbered = (
        Markup('<span class="code-ln" aria-hidden="true">{} {}</span>').format(str(n).rjust(width), TURN_MARK)
        + ordered(_printed(line, show, wrap, budget, mono=True))
        for n, line in enumerate(lines, start=1)
    )
    return Markup("\n").join(numbered) + ("\n" if ending else "")


def quoted_lines(quote: str, *, code: bool = False, printed: bool = False, copy: bool = False) -> Markup:
    """A scorecard's quote of the candidate's words as `reveal` shows it. `printed`: each piece of it too long for
    its card after `WRAP_HTML`, and a quote of `code` (printed `pre-wrap`) starts each of its lines with a bar, as
    the printed code does: its first line follows the citation's time, and could read "0:52 INTERVIEWER". A quote of
    words prints after its quotation mark, its line breaks as spaces. `copy`: as `said_lines` (a quote of code
    always has one: its bars)."""
    if not printed:
        return _in_order(quote)(reveal(quote)) if code else reveal(quote)
    lines = LINE_BREAKS.split(quote)
    show = revealer()
    if not code:
        if copy and not _cuts(lines, QUOTE_WIDTH):
            return Markup("")
        return Markup("\n").join(_printed(line, show, WRAP_HTML, QUOTE_WIDTH) for line in lines)
    bar = Markup('<span class="code-ln" aria-hidden="true">{}</span>').format(TURN_MARK)
    ordered = _in_order(quote)
    return Markup("\n").join(
        bar + ordered(_printed(line, show, _code_wrap(0), QUOTE_WIDTH, mono=True)) for line in lines
    )


def field_lines(
    value: object, box: Literal["name", "meta", "fact"], *, printed: bool = False, copy: bool = False
) -> Markup:
    """A value of one line as `reveal` shows it; `printed`, each piece of it too long for its `box`
    (FIELD_WIDTHS) after `WRAP_HTML`; `copy`: as `said_lines`."""
    text, (budget, bold) = str(value), FIELD_WIDTHS[box]
    if copy and line_width(text, bold=bold) <= budget:
        return Markup("")
    if not (printed or copy):
        return reveal(text)
    return _shown(text, pieces(text, budget, bold=bold), revealer(), WRAP_HTML)
