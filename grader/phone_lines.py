"""A phone number in code given across lines, which the rules of grader/phone_forms.py read one line at a time
(grader/redact.py, `[phone]`):

- its groups assigned on consecutive lines (`a = "415"`, `b = "555"`, `c = "0134"`; numbers or string literals of
  two to five digits, two to five lines, seven to fifteen digits in all), when the lines say it is a phone number: a
  name that says phone given some of the names on one of the next lines (`phone = a + b + c`: those lines), or,
  from the line where it is said on, the comment line right above them that is a phone cue (`# my cell`, `// phone:`:
  grader/phone_forms.py `comment_cue`), a comment on one of them that is one, or a name that says phone
  (`phone_area`, `phone_name`): the fewest lines from there that make ten digits or more (`x = 12` after them is
  other data), else all of a run of five lines at most;
- a comment that goes on to the next comment lines in the middle of the number ("# call me at 415 555" then "#
  0134"; "# phone:" then "# 415", "# 555", "# 0134"): the lines are read as one comment, the number judged as said
  after its cue (grader/spoken_numbers.py).
Digits that count, repeat, are bits or round (`counted_digits`), groups one step apart (`x = 10`, `y = 20`, `z =
30`) and groups under a name that says a measure of phones (`phone_book_size = 1000`, `mobile_cols = 12`) stay, as
does every run without a cue: `x = 415`, `y = 555` is data.
"""

from __future__ import annotations

import bisect
import itertools
import re

from grader.phone_forms import MAX_LABEL, NAME_SEGMENT, comment_cue, counted_digits, phone_name
from grader.spoken_numbers import DIGIT_WORDS, NUMBER_RUN, OTHER_DIGIT_WORDS, PHONE_CUE, cued_phones

# One line that gives a name a short group of digits, as a number or a string literal, with a comment after it or not.
_DECLARE = r"(?:(?:const|let|var|final|static|String|string|int|long|auto|char|std::string|val)\s+)*"
_GROUP_LINE = (
    rf"[ \t]*{_DECLARE}[A-Za-z_$][\w$]*(?:\[\d+\])?\s*(?::\s*\w+\s*)?(?:=|:=)\s*"
    r"(?:\"\d{2,5}\"|'\d{2,5}'|`\d{2,5}`|\d{2,5}(?![\w.]))[ \t]*;?[ \t]*(?:(?:#|//)[^\n]{0,80})?(?:\n|\Z)"
)
GROUP_LINES = re.compile(rf"(?:^|(?<=\n))(?:{_GROUP_LINE}){{2,}}")
_LINE = re.compile(
    rf"[ \t]*{_DECLARE}(?P<name>[A-Za-z_$][\w$]*)(?:\[\d+\])?\s*(?::\s*\w+\s*)?(?:=|:=)\s*[\"'`]?(?P<digits>\d+)"
    r"[\"'`]?[ \t]*;?[ \t]*(?P<comment>(?:#|//)[^\n]*)?"
)
_JOINED_TO = re.compile(r"[ \t]*(?:[\w$]+\s+)*(?P<name>[A-Za-z_$][\w$]*)\s*(?:=|:=)(?P<value>[^\n]{0,200})")
_COMMENT_LINE = re.compile(r"[ \t]*(?:#|//|/?\*+)")  # a comment line's opening
MAX_JOIN_LINES = 3  # how many lines after the groups a name that joins them may be on
# The last word of a name that says what it holds about phones, not a phone number: a size, a count, a dimension, a
# limit or a setting (`phone_book_size`, `mobile_cols`, `phone_width`, `max_phone_len`, `sms_retries`).
MEASURES = frozenset(
    """
    size sizes count counts len length lengths width height max min limit limits cap capacity total col cols row rows
    column columns gap gaps pad padding margin margins scale dpi ratio timeout retries retry seed idx index offset
    step steps depth level levels queries digits batch pages version id ids port year years price cost weight fps
    ms px bits bytes
    """.split()  # noqa: SIM905  # a word list reads better as text
)


def names_phone(name: str) -> bool:
    """`name` says it holds a phone number (grader/phone_forms.py `phone_name`), not a measure of phones
    (`MEASURES`)."""
    segments = NAME_SEGMENT.findall(name)
    return phone_name(name) and not (segments and segments[-1].lower() in MEASURES)


def counted_values(values: list[str]) -> bool:
    """Three numbers or more one step apart (`x = 10`, `y = 20`, `z = 30`; "zéro un, zéro deux, zéro trois"): a
    count, not a phone number's groups."""
    steps = {int(b) - int(a) for a, b in itertools.pairwise(values)}
    return len(values) >= 3 and len(steps) == 1


def group_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `GROUP_LINES`: the digits of the groups that give a phone number (see above)."""
    lines: list[tuple[re.Match[str], int]] = []  # each line's match and where it starts
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        if (m := _LINE.match(line)) is not None:
            lines.append((m, pos))
        pos += len(line)
    if len(lines) < 2:
        return []
    # Named together on a line after them (`phone = a + b + c`): those groups.
    if used := _joined_after(text, end, {m.group("name") for m, _ in lines[-MAX_GROUPS:]}):
        return _phone([(m, at) for m, at in lines[-MAX_GROUPS:] if m.group("name") in used])
    # A label above them, a cue on one of their comments or a name that says phone: from that line on.
    above_end = start - 1
    above_start = text.rfind("\n", max(0, above_end - MAX_LABEL - 10), max(0, above_end)) + 1
    above = _COMMENT_LINE.match(text, above_start, above_end) if start > 0 else None
    first = (
        0
        if above is not None
        and above_end - above.end() <= MAX_LABEL
        and comment_cue(text, above.end(), above_end)
        else None
    )
    for i, (m, at) in enumerate(lines):
        if first is not None:
            break
        comment = m.group("comment") and comment_cue(text, at + m.start("comment"), at + m.end("comment"))
        if comment or names_phone(m.group("name")):
            first = i
    if first is None:
        return []
    # The fewest lines from there that make a whole number (ten digits or more), else all of a short run.
    for k in range(2, MAX_GROUPS + 1):
        digits = sum(len(m.group("digits")) for m, _ in lines[first : first + k])
        if digits >= WHOLE_NUMBER:
            return _phone(lines[first : first + k])
    return _phone(lines[first:]) if len(lines) - first <= MAX_GROUPS else []


MAX_GROUPS = 5  # the most lines a number is given in
WHOLE_NUMBER = 10  # the digits of a national number with its area code (a North American or a French one)


def _phone(lines: list[tuple[re.Match[str], int]]) -> list[tuple[int, int]]:
    """The groups' digits, if together they are a phone number's (seven to fifteen, not counting or round)."""
    digits = "".join(m.group("digits") for m, _ in lines)
    counted = counted_digits(digits) or counted_values([m.group("digits") for m, _ in lines])
    if len(lines) < 2 or not 7 <= len(digits) <= 15 or counted:
        return []
    return [(at + m.start("digits"), at + m.end("digits")) for m, at in lines]


def _joined_after(text: str, end: int, names: set[str]) -> set[str]:
    """The `names` that a name that says phone is given, two or more of them, on one of the next lines (`phone = a
    + b + c`)."""
    pos = end
    for _ in range(MAX_JOIN_LINES):
        stop = text.find("\n", pos, pos + 300)
        stop = min(len(text), pos + 300) if stop < 0 else stop
        m = _JOINED_TO.match(text, pos, stop)
        if m is not None and names_phone(m.group("name")):
            used = set(re.findall(r"[A-Za-z_$][\w$]*", m.group("value"))) & names
            if len(used) >= 2:
                return used
        if stop >= len(text):
            break
        pos = stop + 1
    return set()


# A comment line that ends in a digit or a number's word and goes on to a comment line that starts with one.
COMMENT_BREAK = re.compile(r"(?<=[\w)])[ \t]*\n[ \t]*(?:#|//|\*(?!/))[ \t]*(?=[\w(+])")
_COMMENT_OPEN = re.compile(r"#|//|/\*|^[ \t]*\*", re.MULTILINE)
_TOKEN_WORDS = "|".join(sorted({*DIGIT_WORDS, *OTHER_DIGIT_WORDS}, key=len, reverse=True))
NUMBER_AFTER = re.compile(rf"[(+]?(?:\d|(?i:{_TOKEN_WORDS})(?!\w))")
NUMBER_BEFORE = re.compile(rf"(?:\d|(?<![^\W\d_])(?i:{_TOKEN_WORDS}))\)?\Z")


class _CuePositions:
    """Where the phone cues (and `+` signs) of the text last read are, found once per text: each break looks for one
    before it (a search of its window per break made a long comment of digits slow)."""

    def __init__(self) -> None:
        # One tuple, replaced whole: a thread reads a text with its own cues.
        self._last: tuple[str, list[int]] = ("", [])

    def near(self, text: str, lo: int, hi: int) -> bool:
        """A cue starts in `text[lo:hi]`."""
        last = self._last
        if last[0] is not text:
            last = self._last = (text, [m.start() for m in CUE_OR_PLUS.finditer(text)])
        starts = last[1]
        i = bisect.bisect_left(starts, lo)
        return i < len(starts) and starts[i] < hi


CUE_OR_PLUS = re.compile(rf"{PHONE_CUE.pattern}|\+", PHONE_CUE.flags)
_CUES = _CuePositions()
_LINE_BREAK = re.compile(
    r"[ \t]*\n[ \t]*(?:#|//|\*(?!/))[ \t]*"
)  # a newline and the next comment line's opening
BREAK_REACH = 200  # how far around a break the number and its cue are read


def across_comment_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `COMMENT_BREAK` (`text[start:end]`, the break): a phone number said across it, or across
    the next comment lines too ("# phone:" then "# 415", "# 555", "# 0134"), after a cue, as its parts."""
    lo, hi = max(0, start - BREAK_REACH), min(len(text), end + BREAK_REACH)
    # Cheap tests first (a block of data has a break on every line): a number on both sides, a cue before.
    if NUMBER_AFTER.match(text, end) is None or NUMBER_BEFORE.search(text, max(0, start - 20), start) is None:
        return []
    if not _CUES.near(text, lo, start):
        return []
    line_start = text.rfind("\n", 0, start) + 1
    if _COMMENT_OPEN.search(text, line_start, start) is None:
        return []  # the line above is not a comment
    # The comment lines around the break as one comment: each newline between two comment lines, and the next
    # one's opening, as spaces, so that offsets stay.
    breaks = [
        (m.start(), m.end())
        for m in _LINE_BREAK.finditer(text, lo, hi)
        if _COMMENT_OPEN.search(text, max(lo, text.rfind("\n", lo, m.start()) + 1), m.start()) is not None
    ]
    view = list(text[lo:hi])
    for a, b in breaks:
        view[a - lo : b - lo] = " " * (b - a)
    joined = "".join(view)
    for m in NUMBER_RUN.finditer(joined):
        a, b = m.start() + lo, m.end() + lo
        if not a < start < end < b:
            continue
        parts: list[tuple[int, int]] = []
        for x, y in cued_phones(joined, m.start(), m.end()):
            pos = x + lo
            for c, d in breaks:
                if pos < c and d <= y + lo:
                    parts.append((pos, c))
                    pos = d
            parts.append((pos, y + lo))
        return [(x, y) for x, y in parts if text[x:y].strip()]
    return []
