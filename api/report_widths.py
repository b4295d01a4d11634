"""How wide a piece of candidate text prints in the report's PDF, at most, and where to break a long line so that
the page never has to: every printed line of a turn's words, and of the final code, then starts with its mark or its
number (api/report_lines.py).

The PDF is printed by Chromium with the fonts the print stylesheet names (api/templates/report.css; installed by
deploy/api.Dockerfile and scripts/setup.sh): the report's body text is DejaVu Sans, its code DejaVu Sans Mono, and a
character neither has is drawn from Noto Sans CJK (Noto Sans Mono CJK in the code), Noto Color Emoji, another DejaVu
font, or as a box. The widths below were measured there, with Chromium, for every code point (in eighths of an em,
rounded up), twice: with the DejaVu fonts only, and with the Noto fonts too; each is the wider of the two, so a host
with either prints a piece within its budget. `_SANS` and `_MONO` for U+0020 to U+052F (Latin, IPA, Greek,
Cyrillic), one character each (`chr(48 + eighths)`); `_WIDE` the ranges, anywhere else, holding a character wider
than an em (with the widest one in the range, in eighths): an emoji is 1.25 em (10), "⸻" 2.5 em (20). Every other
character counts as an em: a CJK ideograph (an em in Noto Sans Mono CJK too, about two of the code's 0.6-em
columns), a letter of any other script. A tab counts as eight monospace spaces and a hidden character as its
printed marker ("U+200B", api/templating.py), a variation selector, joiner or tag too where the line around it makes
it one (an emoji then a run of selectors: grader/invisible.py); a combining mark as it printed after a letter
(`_MARKS`: most that the fonts have take no room; the rest an em). U+FE0F (an emoji's selector) counts as an em and
U+20E3 (a keycap) as 17 eighths: after a letter or a digit they print it as an emoji, wider than the letter alone. In
bold (`bold`: the header's name, a fact) a character counts half as wide again, or 3 eighths wider, whichever is
less (`_bold`).

`pieces` breaks a line into pieces no wider than a budget: after the last space that fits when there is one, else
before the character that does not fit, never before a combining mark or a joiner unless a character with its
marks is wider than the budget itself.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable

from api.templating import HIDDEN_CHARS, hidden_spans
from grader.invisible import MAY_BE_KEPT

EIGHTHS = 8  # the unit of every width here: an eighth of an em
TAB = 5 * EIGHTHS  # eight monospace spaces (0.6 em each)
# A hidden character's marker, "U+E0041" in a box (or plain past the markers' cap): seven letters of the text's font
# at most (in the code, 4.2 em: monospace), or in a box 3.7 em.
HIDDEN = 5 * EIGHTHS
HIDDEN_MONO = 35
_FIRST = 0x20

_SANS = (
    "3447687344473333666666666633777586667657733657675766566865643474456565366335386566454657555636755555"
    "5555555555555555555555555555346666344845708447444663444588856666668666663333767777777666655655555585"
    "5555333356555557566665656565656565656576766565656565767676767686333333333355336555353535353666666766"
    "7575759964646465656565545454666666666666875556565653666666665776656755376833653586678587666656345457"
    "67666656655665563443<;:774887653375666666666656565887676657575653<;:76966665887565656565333375756464"
    "6666655465766765656565757575755547438866555555466665337664555666556655755763666556663334436888666576"
    "6444445555533434465557555555555575666365655999757766556644233345334333333344444434443444333344434444"
    "4434423434444455445445545554555555550000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000500055500505000000055555555555556576336655455533555544636745757736656667736676677556"
    "5576773565635665555653556555565655656735557655676676756554667687767565756555665375556676666666756633"
    "399766576665769666677777565576769978669655556585665676566555756588675575555555333886565687768687:975"
    "9765787576768887:98765500000447665565565559865656565777698988665555555658765656686863986576767665873"
    "65658865757598656566667575756555555565558765656565988765989876765576:887987687659898765555555555"
)
_MONO = (
    "5555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555"
    "5555555555555555555555555555555555555555505555555555555555555555555555555555555555555555555555555555"
    "5555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555"
    "5555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555555"
    "55555555555555555555<;:774887555555555555555555555557655555555555<;:55565555555555555555555555555555"
    "5555555555555565555555555555555555555555555555455565337655555555555555555555555555555555555555555555"
    "5555555555555555555555555555555555555555555555555555555555555555554555555544445555555555555544555555"
    "5554555555555555445445555554555555550000000000000000005000000055000005500000500000000055555550000005"
    "0000000000000000500055505505000005055555555555556576555555555555555555555555555555555555555555555555"
    "5555555555555555555555555555555555555555555655555555555555555587767565756555555555555555555555555555"
    "555555555555555555555555555555555555555555555555555555555555555555555555555555555555555587558687:975"
    "9765785576768887:98765500000447665565555555555556565775555988655555555558765655586865555576557655875"
    "55555555555555555555555555555555555555555565656565988765989876765576:887985555659898765555555555"
)
_WIDE = (
    (0x633, 0x636, 10),
    (0x641, 0x641, 9),
    (0x69A, 0x6AA, 10),
    (0x7FD, 0x7FD, 12),
    (0xE33, 0xE33, 10),
    (0xEDC, 0xEDD, 9),
    (0x10DA, 0x10DA, 9),
    (0x1413, 0x141A, 9),
    (0x142B, 0x142E, 9),
    (0x1441, 0x1447, 9),
    (0x14C9, 0x14CD, 9),
    (0x14DC, 0x14E9, 9),
    (0x151D, 0x1524, 10),
    (0x155C, 0x155C, 9),
    (0x157E, 0x1584, 9),
    (0x158E, 0x1596, 11),
    (0x166F, 0x1676, 14),
    (0x1684, 0x1699, 12),
    (0x17B6, 0x17D3, 12),
    (0x17DD, 0x17DD, 12),
    (0x1D14, 0x1D14, 9),
    (0x1F2A, 0x1F2D, 9),
    (0x1F4A, 0x1F4B, 9),
    (0x1F5D, 0x1F5D, 9),
    (0x1F6A, 0x1F6B, 9),
    (0x1F9A, 0x1F9D, 9),
    (0x1FAA, 0x1FAB, 9),
    (0x2030, 0x2031, 14),
    (0x20A7, 0x20A8, 11),
    (0x20AF, 0x20AF, 11),
    (0x20E3, 0x20E3, 17),
    (0x2100, 0x2106, 9),
    (0x2116, 0x2116, 9),
    (0x2120, 0x2121, 9),
    (0x2133, 0x2133, 9),
    (0x2139, 0x2139, 10),
    (0x213B, 0x213B, 10),
    (0x2152, 0x2152, 11),
    (0x2166, 0x216B, 11),
    (0x2177, 0x217B, 10),
    (0x2180, 0x2182, 10),
    (0x2224, 0x2224, 10),
    (0x222D, 0x2230, 9),
    (0x226A, 0x226B, 9),
    (0x22AC, 0x22AC, 10),
    (0x22D8, 0x22D9, 12),
    (0x22EA, 0x22ED, 10),
    (0x231A, 0x231B, 10),
    (0x2322, 0x232B, 12),
    (0x2387, 0x2387, 10),
    (0x23B2, 0x23B3, 12),
    (0x23E9, 0x23FA, 10),
    (0x25EF, 0x25EF, 9),
    (0x260D, 0x260F, 11),
    (0x2639, 0x263B, 9),
    (0x26A2, 0x26A4, 10),
    (0x26A7, 0x26AB, 10),
    (0x26C4, 0x26D4, 10),
    (0x26E9, 0x270B, 10),
    (0x2728, 0x2728, 10),
    (0x274C, 0x2757, 10),
    (0x2795, 0x2797, 10),
    (0x27B0, 0x27B0, 10),
    (0x27BF, 0x27BF, 10),
    (0x27D8, 0x27DE, 12),
    (0x27F4, 0x27FF, 12),
    (0x2A03, 0x2A0C, 11),
    (0x2B1B, 0x2B1C, 10),
    (0x2B24, 0x2B24, 9),
    (0x2B33, 0x2B33, 12),
    (0x2B50, 0x2B55, 10),
    (0x2C72, 0x2C72, 10),
    (0x2D7F, 0x2D7F, 12),
    (0x2E3A, 0x2E3A, 14),
    (0x2E3B, 0x2E3B, 20),
    (0x302E, 0x302F, 12),
    (0xA64C, 0xA654, 10),
    (0xA662, 0xA667, 10),
    (0xA66C, 0xA66D, 11),
    (0xA698, 0xA699, 11),
    (0xA732, 0xA736, 10),
    (0xA74E, 0xA74F, 11),
    (0xA7FF, 0xA7FF, 10),
    (0xF40A, 0xF40A, 10),
    (0xFB13, 0xFB17, 13),
    (0xFB6A, 0xFB6F, 9),
    (0xFEB1, 0xFEBE, 11),
    (0xFED1, 0xFED2, 9),
    (0xFFFD, 0xFFFD, 9),
    (0x1030C, 0x1030C, 12),
    (0x1D407, 0x1D40C, 10),
    (0x1D416, 0x1D416, 11),
    (0x1D426, 0x1D426, 10),
    (0x1D430, 0x1D430, 9),
    (0x1D43B, 0x1D43B, 9),
    (0x1D440, 0x1D441, 10),
    (0x1D44A, 0x1D44A, 10),
    (0x1D46B, 0x1D475, 11),
    (0x1D47E, 0x1D47F, 11),
    (0x1D48E, 0x1D48E, 9),
    (0x1D498, 0x1D49C, 9),
    (0x1D4A9, 0x1D4A9, 9),
    (0x1D4AF, 0x1D4B2, 10),
    (0x1D4C2, 0x1D4C2, 10),
    (0x1D4CC, 0x1D4DD, 12),
    (0x1D4E3, 0x1D4E8, 12),
    (0x1D4ED, 0x1D4EF, 9),
    (0x1D4F6, 0x1D4F6, 11),
    (0x1D4FE, 0x1D500, 11),
    (0x1D505, 0x1D505, 9),
    (0x1D510, 0x1D514, 11),
    (0x1D519, 0x1D51A, 11),
    (0x1D52A, 0x1D52A, 9),
    (0x1D544, 0x1D544, 9),
    (0x1D54E, 0x1D54E, 9),
    (0x1D55E, 0x1D55E, 10),
    (0x1D56C, 0x1D584, 13),
    (0x1D592, 0x1D592, 10),
    (0x1D59C, 0x1D59C, 9),
    (0x1D5EA, 0x1D5EA, 9),
    (0x1D5FA, 0x1D5FA, 9),
    (0x1D652, 0x1D652, 9),
    (0x1D662, 0x1D662, 9),
    (0x1D6AE, 0x1D6B7, 10),
    (0x1D6BF, 0x1D6BF, 9),
    (0x1D6D9, 0x1D6DA, 9),
    (0x1D6DF, 0x1D6E1, 9),
    (0x1D6E8, 0x1D6E8, 9),
    (0x1D6ED, 0x1D6F1, 10),
    (0x1D722, 0x1D72B, 11),
    (0x1D732, 0x1D734, 9),
    (0x1D74D, 0x1D74E, 9),
    (0x1D753, 0x1D755, 9),
    (0x1EE0E, 0x1EE14, 10),
    (0x1EE19, 0x1EE19, 10),
    (0x1EE1E, 0x1EE1E, 9),
    (0x1EE68, 0x1EE68, 9),
    (0x1EE6E, 0x1EE74, 10),
    (0x1EE79, 0x1EE7A, 10),
    (0x1F004, 0x1F004, 10),
    (0x1F030, 0x1F061, 11),
    (0x1F0A0, 0x1F0DF, 10),
    (0x1F1E6, 0x1F1FF, 10),
    (0x1F300, 0x1F310, 10),
    (0x1F311, 0x1F318, 10),
    (0x1F319, 0x1F42C, 10),
    (0x1F42D, 0x1F435, 10),
    (0x1F436, 0x1F53D, 10),
    (0x1F549, 0x1F57A, 10),
    (0x1F587, 0x1F596, 10),
    (0x1F5A4, 0x1F5B2, 10),
    (0x1F5BC, 0x1F5C4, 10),
    (0x1F5D1, 0x1F5FF, 10),
    (0x1F600, 0x1F643, 13),
    (0x1F644, 0x1F64F, 10),
    (0x1F680, 0x1F6FC, 10),
    (0x1F7E0, 0x1F7F0, 10),
    (0x1F90C, 0x1F9FF, 10),
    (0x1FA70, 0x1FA86, 10),
    (0x1FA90, 0x1FAC5, 10),
    (0x1FAD0, 0x1FAF6, 10),
)
# The combining marks (Mn, Me, Mc) that print on the character before them taking (nearly) no room of their own,
# measured after a letter, in eighths: every other mark takes room (a box, for one the fonts lack) and counts as any
# other character does. "a" then a thousand of U+0350 prints 625 ems wide.
_MARKS = (
    (0x300, 0x311, 0), (0x313, 0x319, 0), (0x31C, 0x320, 0), (0x323, 0x327, 0), (0x329, 0x331, 0),
    (0x339, 0x33E, 0), (0x340, 0x34F, 1), (0x351, 0x353, 1), (0x357, 0x357, 1), (0x35A, 0x35A, 1),
    (0x35C, 0x360, 1), (0x362, 0x362, 1), (0x483, 0x487, 1), (0x5B0, 0x5C2, 0), (0x5C7, 0x5C7, 0),
    (0x64B, 0x655, 0), (0x657, 0x657, 0), (0x65A, 0x65A, 0), (0x670, 0x670, 1),
    (0xEB1, 0xEB9, 0), (0xEBB, 0xECD, 0), (0x17B4, 0x17B5, 0), (0x180B, 0x180D, 0), (0x1DC4, 0x1DC9, 1),
    (0x20D0, 0x20D1, 1), (0x20D6, 0x20D7, 1), (0x20DB, 0x20DC, 1), (0x20E1, 0x20E1, 1), (0xFB1E, 0xFE0E, 1),
    (0xFE10, 0xFE23, 1),
    (0xE0100, 0xE01EF, 0),
)  # fmt: skip
_MARK_CATEGORIES = ("Mn", "Me", "Mc")
_WIDE_STARTS = [start for start, _, _ in _WIDE]
_MARK_STARTS = [start for start, _, _ in _MARKS]
# What never starts a piece while it can be kept with the character before it: a combining mark, a joiner, a
# variation selector, an emoji modifier (each prints with, or on, the character before it).
_JOINERS = frozenset("\u200c\u200d\u034f") | frozenset(map(chr, range(0xFE00, 0xFE10)))


def _ranged(code: int, starts: list[int], ranges: tuple[tuple[int, int, int], ...]) -> int | None:
    at = bisect_right(starts, code) - 1
    return ranges[at][2] if at >= 0 and code <= ranges[at][1] else None


def _may_be_kept(char: str) -> bool:
    """Whether `char`, a hidden character, prints as itself where Unicode gives it a use (grader/invisible.py `kept`:
    a variation selector, a joiner, a flag's tags): its width here is then its own, and `_hidden_at` says where it
    prints as a marker."""
    return MAY_BE_KEPT.match(char) is not None


def _always_marker(char: str) -> bool:
    return HIDDEN_CHARS.match(char) is not None and not _may_be_kept(char)


def _measured(char: str, *, mono: bool = False) -> int:
    code = ord(char)
    if char == "\t":
        return TAB
    if _always_marker(char):
        return HIDDEN_MONO if mono else HIDDEN
    mark = unicodedata.category(char) in _MARK_CATEGORIES
    if mark and (narrow := _ranged(code, _MARK_STARTS, _MARKS)) is not None:
        return narrow
    if not mark and _FIRST <= code < _FIRST + len(_SANS):
        return ord((_MONO if mono else _SANS)[code - _FIRST]) - 48
    wide = _ranged(code, _WIDE_STARTS, _WIDE)
    return EIGHTHS if wide is None else max(wide, EIGHTHS)


def _joins(char: str) -> bool:
    """Whether `char` prints with the character before it (no piece should start with it)."""
    return (
        char in _JOINERS
        or 0x1F3FB <= ord(char) <= 0x1F3FF
        or 0xE0100 <= ord(char) <= 0xE01EF
        or unicodedata.category(char) in _MARK_CATEGORIES
    )


CACHED_BELOW = 0x10000  # the characters whose width and joining are kept once read (at most 65,536 of each)


class _Known(dict[str, int]):
    """What each character read so far is (`read`), kept for the Basic Multilingual Plane only: a page of hostile
    text cannot grow it past 65,536 entries. Read through `__getitem__`, so a whole line is summed in C."""

    def __init__(self, read: Callable[[str], int]) -> None:
        super().__init__()
        self._read = read

    def __missing__(self, char: str) -> int:
        value = self._read(char)
        if ord(char) < CACHED_BELOW:
            self[char] = value
        return value


def _bold(char: str) -> int:
    """`char` in bold body text (DejaVu Sans Bold, and the Noto fonts' bold): measured there, no character is more
    than half as wide again as `_measured` counts it, nor wider by more than 3 eighths. A hidden character's marker
    has a weight of its own."""
    regular = _measured(char)
    return regular if _always_marker(char) else min(-(-3 * regular // 2), regular + 3)


_SANS_WIDTHS = _Known(lambda c: _measured(c))
_MONO_WIDTHS = _Known(lambda c: _measured(c, mono=True))
_BOLD_WIDTHS = _Known(_bold)
_JOINING = _Known(lambda c: int(_joins(c)))


def _widths(mono: bool, bold: bool) -> _Known:
    return _MONO_WIDTHS if mono else _BOLD_WIDTHS if bold else _SANS_WIDTHS


def _hidden_at(line: str, *, mono: bool) -> dict[int, int]:
    """The width of each character of `line` that prints as a marker there and not alone (`_may_be_kept`: a
    selector in a run of them), by its place."""
    if not HIDDEN_CHARS.search(line):
        return {}
    marker = HIDDEN_MONO if mono else HIDDEN
    return {
        m.start(): marker for start, end in hidden_spans(line) for m in MAY_BE_KEPT.finditer(line, start, end)
    }


def width(char: str, *, mono: bool = False, bold: bool = False) -> int:
    """The most `char` prints as, in eighths of an em, in the report's body text (`bold`: in bold), or (`mono`)
    its code; a selector, a joiner or a tag as itself (in a hidden run it prints as a marker: `line_width`)."""
    return _widths(mono, bold)[char]


def line_width(line: str, *, mono: bool = False, bold: bool = False) -> int:
    """The most `line` prints as, in eighths of an em: the sum of its characters' `width`, a character of a hidden
    run as its marker."""
    widths = _widths(mono, bold)
    total = sum(map(widths.__getitem__, line))
    return total + sum(w - widths[line[i]] for i, w in _hidden_at(line, mono=mono).items())


def pieces(line: str, budget: int, *, mono: bool = False, bold: bool = False) -> list[str]:
    """`line` (no line break in it) cut into pieces each at most `budget` eighths of an em wide, in order; joined,
    they are `line`. A character wider than `budget` is a piece of its own."""
    if line_width(line, mono=mono, bold=bold) <= budget:
        return [line]  # most lines: read once, in C
    widths, joining, hidden = _widths(mono, bold), _JOINING, _hidden_at(line, mono=mono)
    out: list[str] = []
    start = used = 0
    space = keep = -1  # the end of the last space in the piece, and its last place to break before a joiner
    space_used = keep_used = 0
    for i, char in enumerate(line):
        w = hidden.get(i, widths[char]) if hidden else widths[char]
        while used + w > budget and i > start:
            if space > start:
                cut, used = space, used - space_used
            elif keep > start and joining[char]:
                cut, used = keep, used - keep_used
            else:
                cut, used = i, 0
            out.append(line[start:cut])
            start = cut
            space = keep = -1
        used += w
        if char in " \t":
            space, space_used = i + 1, used
        if not joining[char]:
            keep, keep_used = i, used - w
    out.append(line[start:])
    return out
