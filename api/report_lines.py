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
(web/src/replay/transcript.ts). A line that wraps because it is long is not marked (the browser breaks it): the
frame still holds it.

The final code, printed (the PDF, or a page without the replay), is the candidate's too: a docstring or a comment
can hold lines reading "Recommendation", "Strong hire" or "Integrity observations: None recorded". Each of its
lines is numbered (`code_lines`), so in the PDF's text every one reads as a line of the code. The numbers are left
out of a copy of the code (report.css, `user-select: none`), which copies as it was written.
"""

from __future__ import annotations

from markupsafe import Markup

from api.report_budget import LINE_BREAKS
from api.templating import reveal

# A box-drawing vertical bar and a space: what starts every line of a turn's words.
TURN_MARK = "\u2502 "
MARK_HTML = Markup('<span class="turn-mark" aria-hidden="true">{}</span>').format(TURN_MARK)


def said_lines(text: str) -> Markup:
    """`text` as `reveal` shows it (escaped, hidden characters as markers), each of its lines after `MARK_HTML`;
    the line breaks stay (the page prints the text `pre-wrap`), as LF (what HTML reads CR and CRLF as)."""
    shown = str(reveal(text))  # reveal writes no line break of its own: each one here is the text's
    return Markup("\n").join(MARK_HTML + Markup(line) for line in LINE_BREAKS.split(shown))  # noqa: S704  # escaped by reveal


def code_lines(code: str, *, cut: bool = False) -> Markup:
    """`code` as `reveal` shows it, each line after its number and a bar; a last line break ends the last line (it
    starts no numbered empty one) unless `cut`: the printed code stops there and more lines follow."""
    lines = LINE_BREAKS.split(str(reveal(code)))
    ending = not cut and len(lines) > 1 and lines[-1] == ""
    if ending:
        lines.pop()
    width = len(str(len(lines)))
    numbered = (
        Markup('<span class="code-ln" aria-hidden="true">{} {}</span>').format(str(n).rjust(width), TURN_MARK)
        + Markup(line)  # noqa: S704  # escaped by reveal
        for n, line in enumerate(lines, start=1)
    )
    return Markup("\n").join(numbered) + ("\n" if ending else "")
