"""A byline: a comment's whole line that says who wrote the code, with no label or verb of making (grader/redact.py,
2026-12-05): "# by Priya", "// by Priya Raman, 2026", "# -- Priya", "// \u2014 zq_dev", a full name alone
"# Priya Raman"; and a letter's sign-off, the valediction ending its line and the name alone on the next ("Cheers,"
then "Priya", said, typed, printed or in a comment). `[candidate]`, the name only.

What decides, since a comment's line says "# by value", "# sorted by key", "# -- Setup --" and "# Merge Intervals" in
the same places: the line holds nothing but the comment's marker, the cue and the name (a year or a date may follow:
"# by Priya, 2026-12-05"); after "by" opening the line or a dash, one to three words written as a name (a capital,
then lower case) or one written as a handle (`zq_dev`, `zqdev42`); alone, two or three words written as a name (one
is what a heading is: "# Setup", "# Helpers"). None of the words is one said there that is not a name: a state, a
type, a problem's or a method's word, an eponym, an everyday word (grader/introductions.py `NOT_NAMES`,
grader/intro_words.py `weak_name`, grader/signatures.py `_METHOD_WORDS`): "# by Value", "# Binary Search", "# by
Dijkstra", "# Helper Functions", "# Two Sum" stay. A letter's sign-off: the valediction alone on its line ("Thanks,",
"Cheers!", "Best regards,"; or closing the line's last sentence: "that's all from me. Thanks!"), then one to three
words written as a name alone on the next.
"""

from __future__ import annotations

import re

from grader.intro_words import weak_name
from grader.introductions import _FROM_ORG, _LOWER, NAME_WORD, NOT_NAMES
from grader.redact_apply import REFINE_REACH
from grader.signatures import _METHOD_WORDS, _handle_shaped
from grader.tech_names import tech_name

# A word written as a name (grader/introductions.py `_NAME`): a capital, then lower case; "O'Brien", "Jean-Luc".
_NAME = r"(?:[A-Z]'?[A-Z][a-z]+|[A-Z][a-z]+(?:[A-Z][a-z]+)?)(?:-[A-Z][a-z]+)?"
# A handle: letters with `_`, `.` or digits inside (`zq_dev`, `zq.dev`, `zqdev42`), a letter first.
_HANDLE = r"[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)+|[A-Za-z]+\d+"
_MARKER = r"^[ \t]*(?:#+|//+|/\*+|\*+|--+|;+|%+)[ \t]*"
# A signature's dash: two hyphens, an en or em dash, a tilde ("-- Priya", "\u2014 Priya"); one hyphen opens a list's
# item and three a heading's rule ("# --- Utils").
_DASH = r"(?:--(?!-)|[\u2013\u2014~])"
# What may follow the name on its line: a year or a date ("by Priya, 2026", "-- Priya 2026-12-05"), a comment's end.
_TAIL = r"(?:[ \t]*,?[ \t]*\d{4}(?:[-/.]\d{1,2}){0,2})?[ \t]*\.?[ \t]*(?:\*+/)?[ \t]*$"
BYLINE = re.compile(
    rf"{_MARKER}(?:(?:(?i:by)[ \t]+|{_DASH}[ \t]*)(?P<n>{_NAME}(?:[ \t]+{_NAME}){{0,2}}|{_HANDLE})"
    rf"|(?P<b>{_NAME}(?:[ \t]+{_NAME}){{0,2}})){_TAIL}",
    re.MULTILINE,
)
# A letter's valediction alone on its line, and the name alone on the next ("Cheers,\nPriya", "# Thanks!\n# Priya").
_VALEDICTION = (
    r"(?:thanks|thank[ \t]+you|many[ \t]+thanks|cheers|regards|best|(?:best|kind|warm)[ \t]+regards"
    r"|all[ \t]+the[ \t]+best|sincerely|yours|take[ \t]+care|saludos|un[ \t]+saludo|gracias|merci|cordialement"
    r"|gr[u\u00fc]\u00dfe)"
)
LETTER_SIGN_OFF = re.compile(
    rf"(?:^[ \t]*(?:(?:#+|//+|/?\*+|--+)[ \t]*)?|(?<=[.!?])[ \t]+)(?i:{_VALEDICTION})[ \t]*[,!.]?[ \t]*\n"
    rf"[ \t]*(?:(?:#+|//+|\*+|--+)[ \t]*)?(?:{_DASH}[ \t]*)?(?P<s>{_NAME}(?:[ \t]+{_NAME}){{0,2}})[ \t]*[.!]?[ \t]*$",
    re.MULTILINE,
)


# Said: a valediction that closes a letter, not a thanks ("Thanks, Mike." thanks someone), opening its sentence, with
# a name that ends the line or its sentence ("cheers, Priya", "ok, all done. Best regards, Wei Chen.", "Cheers, Priya.
# See you"; "that's the best, Priya" is said to someone; the interviewer is an AI with no name of its own); in lower
# case as speech-to-text writes it, ending the line ("cheers, priya"); and a thanks too with a name before "from" an
# organisation or a team, which says who signs ("thanks, Priya from the Lisbon office"), 2026-12-05.
_CLOSING = (
    r"(?:cheers|regards|best|(?:best|kind|warm)[ \t]+regards|best[ \t]+wishes|sincerely|yours[ \t]+(?:truly|sincerely)"
    r"|all[ \t]+the[ \t]+best|saludos|un[ \t]+saludo|cordialement)"
)
_THANKS = r"(?:thanks|thank[ \t]+you|many[ \t]+thanks|gracias|merci)"
_SIGNED = rf"{_NAME}(?:[ \t]+{_NAME}){{0,2}}"
_LINE_ENDS = r"[ \t]*[.!]?[ \t]*(?:$|\n)"
SAID_SIGN_OFF = re.compile(
    rf"(?:^|(?<=[.!?;:]))[ \t]*(?:(?i:{_CLOSING})[ \t]*,[ \t]*(?:{_DASH}[ \t]*)?"
    rf"(?:(?P<s>{_SIGNED})(?={_LINE_ENDS}|[ \t]*[.!][ \t]+\S)|(?P<t>{_LOWER})(?={_LINE_ENDS}))"
    rf"|(?i:{_CLOSING}|{_THANKS})[ \t]*,[ \t]*(?:{_DASH}[ \t]*)?(?P<f>{_SIGNED}|{_LOWER})"
    rf"[ \t]*,?[ \t]+(?={_FROM_ORG}))",
    re.MULTILINE,
)
# Said to someone or of something after "cheers," in lower case, and not listed as a state ("cheers, bro").
_SAID_TO = frozenset(
    """
    bro bros dude dudes fam bud man men lads gents ladies sir dear love legend champ boss chief brilliant lol ta bye
    regards mucho amigo amigos
    """.split()  # noqa: SIM905  # a word list reads better as text
)


def said_signed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `SAID_SIGN_OFF` in speech and output: the name a closing valediction signs with, unless one
    of its words is not a name there ("cheers, Everyone", "Regards, Team", "cheers, bro")."""
    m = SAID_SIGN_OFF.match(text, start)
    group = next((g for g in "stf" if m is not None and m.group(g) is not None), None)
    if m is None or group is None:
        return []
    words = NAME_WORD.findall(m.group(group))
    if any(w.lower() in _SAID_TO for w in words):
        return []
    return [] if not words or _not_a_name(words) else [m.span(group)]


def _not_a_name(words: list[str]) -> bool:
    """One of `words` is said where a name would be and is not one (a state, a type, a problem's or method's word, a
    technology's name: grader/tech_names.py)."""
    lower = [w.lower() for w in words]
    return (
        any(w in NOT_NAMES or w in _METHOD_WORDS or tech_name(w) for w in lower)  # "Cheers, Redis. See you"
        or not weak_name(words)
    )


def byline_name(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `BYLINE` in a comment: the name the line signs with, unless one of its words is not a
    name there; a handle as written."""
    m = BYLINE.match(text, start)
    if m is None:
        return []
    group = "n" if m.group("n") is not None else "b"
    name = m.group(group)
    if group == "n" and _continues(text, start):
        return []  # "# ... the fields are validated" then "# by Pydantic.": the sentence goes on
    if (
        group == "b"
        and not _after_valediction(text, start)
        and (" " not in name or not _heading(text, start))
    ):
        return []  # a heading ("# Setup", "# Match Statement" over a section): a name only in the file's header
    if group == "n" and _handle_shaped(name):
        # A handle none of whose pieces is a word of code or speech (`left_sum`, `node.val` are the code's own).
        pieces = [p for p in re.split(r"[._\d]+", name) if p]
        return [] if not pieces or _not_a_name(pieces) else [m.span(group)]
    words = NAME_WORD.findall(name)
    if not words or _not_a_name(words):
        return []
    return [m.span(group)]


# The comment line before a name alone: a valediction ("# Cheers," then "# Priya").
_VALEDICTION_LINE = re.compile(rf"[ \t]*(?:#+|//+|/?\*+|--+)[ \t]*(?i:{_VALEDICTION})[ \t]*[,!.]?[ \t]*")


# A comment's line whose sentence goes on to the next: it ends with a word or a comma.
_GOES_ON = re.compile(r"[ \t]*(?:#+|//+|/?\*+|--+|;+|%+)[ \t]*.*[\w,][ \t]*")


def _continues(text: str, start: int) -> bool:
    """The line before the one at `start` is a comment's that a sentence on this line continues."""
    line = _line_before(text, start)
    return line is not None and _GOES_ON.fullmatch(line) is not None and not _VALEDICTION_LINE.fullmatch(line)


def _line_before(text: str, start: int) -> str | None:
    """The line before the one at `start` (a line's start), if it has under 200 characters."""
    if start == 0 or text[start - 1] != "\n":
        return None
    begin = text.rfind("\n", max(0, start - 200), start - 1) + 1
    if begin == 0 and start > 200:
        return None
    return text[begin : start - 1]


def _after_valediction(text: str, start: int) -> bool:
    """The line before the one at `start` (a line's start) is a comment's valediction alone."""
    line = _line_before(text, start)
    return line is not None and _VALEDICTION_LINE.fullmatch(line) is not None


# A line of the file's header: blank, or a comment's (a shebang, an encoding line, a docstring's quotes).
_HEADER_LINE = re.compile(r"[ \t]*(?:(?:#|//|/\*|\*|--|;|%|\"\"\"|\'\'\').*)?")


def _heading(text: str, start: int) -> bool:
    """The line at `start` is in the code's first comment block: no line of code before it (`text`, a window of
    `REFINE_REACH` before the match, starts at the code's start when `start` is within it)."""
    if start >= REFINE_REACH:
        return False
    return all(_HEADER_LINE.fullmatch(line) for line in text[:start].split("\n")[:-1])


def letter_signed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `LETTER_SIGN_OFF`: the name alone on the line after a valediction, unless one of its words
    is not a name there ("Thanks,\nDone")."""
    m = LETTER_SIGN_OFF.match(text, start)
    if m is None:
        return []
    words = NAME_WORD.findall(m.group("s"))
    return [] if not words or _not_a_name(words) else [m.span("s")]
