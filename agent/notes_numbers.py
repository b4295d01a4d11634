# ruff: noqa: RUF001  # dashes drawn as others are what this module reads
"""Numbers in a reply, read as the letters they write: a family of agent.notes_readings.

- **Numbers** (``numbers``), one reading each: letter numbers ("23-1-12-11", a=1), byte values in decimal
  ("87 97 108 107"), binary ("01010111"), octal ("127 141") and hexadecimal ("57 61 6c 6b", "0x57"): three or more
  in a run, a quarter of them at most left as said; where the run is split two ways ("8-5-12 1-3", "87 97, 108"),
  the wider split ends a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.notes_splice import spliced
from agent.notes_tables import MIN_RUN, Tables

_NUM = r"(?:0[xX])?[0-9A-Fa-f]{1,8}"
_NUMBER_RUN = re.compile(
    rf"(?<![\w.]){_NUM}(?:(?:[ \t]*[,;/|.\-–][ \t]*|[ \t\n]+){_NUM}){{{MIN_RUN - 1},}}(?!\w)"
)
NUMBER_SEP = re.compile(r"[^0-9A-Fa-fxX]+")
BITS = re.compile(r"(?<![\w.])(?:[01]{8}){3,}(?!\w)")


def _sep_rank(sep: str) -> int:
    if "/" in sep or "|" in sep or "\n" in sep or "  " in sep:
        return 3
    if "," in sep or ";" in sep:
        return 2
    return 1 if sep.strip() == "" else 0


def _as_letter(t: str) -> str | None:
    return chr(96 + int(t)) if t.isdigit() and 1 <= int(t) <= 26 else None


def _as_byte(t: str) -> str | None:
    return chr(int(t)) if t.isdigit() and (32 <= int(t) <= 126) else None


def _as_binary(t: str) -> str | None:
    return chr(int(t, 2)) if 7 <= len(t) <= 8 and set(t) <= {"0", "1"} and 32 <= int(t, 2) <= 126 else None


def _as_octal(t: str) -> str | None:
    return (
        chr(int(t, 8)) if 2 <= len(t) <= 3 and set(t) <= set("01234567") and 32 <= int(t, 8) <= 126 else None
    )


def _as_hex(t: str) -> str | None:
    t = t[2:] if t[:2] in ("0x", "0X") else t
    if len(t) != 2 or not all(c in "0123456789abcdefABCDEF" for c in t):
        return None
    return chr(int(t, 16)) if 32 <= int(t, 16) <= 126 else None


_NUMBER_FAMILIES: tuple[Callable[[str], str | None], ...] = (
    _as_letter,
    _as_byte,
    _as_binary,
    _as_octal,
    _as_hex,
)


def numbers(text: str, tab: Tables) -> list[str]:
    if BITS.search(text):  # bytes in binary written as one word: its bytes apart
        text = BITS.sub(lambda m: " ".join(m[0][at : at + 8] for at in range(0, len(m[0]), 8)), text)
    runs = [m for m in _NUMBER_RUN.finditer(text) if any(c.isdigit() for c in m.group())]
    if not runs:
        return []
    out = []
    for read in _NUMBER_FAMILIES:
        found = [(m.start(), m.end(), d) for m in runs if (d := _number_run(m.group(), read)) is not None]
        if found:
            out.append(spliced(text, found))
    return out


def _number_run(run: str, read: Callable[[str], str | None]) -> str | None:
    """A run of numbers as the text ``read`` makes of them; a number it does not read (at most a quarter of them:
    "0" among letter numbers, a number in the note) stays as said, a word of its own. None when it reads fewer."""
    nums = [n for n in NUMBER_SEP.split(run.strip()) if n]
    seps = NUMBER_SEP.findall(run.strip())
    if len(nums) != len(seps) + 1 or not (read is _as_hex or all(any(c.isdigit() for c in n) for n in nums)):
        return None
    chars = [read(n) for n in nums]
    if sum(c is None for c in chars) > len(chars) // 4:
        return None
    ranks = [_sep_rank(s) for s in seps]
    cut = min(ranks, default=0)
    groups: list[list[str]] = [[]]
    for n, c in enumerate(chars):
        if c is None:
            groups += [[f" {nums[n]} "], []]
            continue
        if n and ranks[n - 1] > cut:
            groups.append([])
        groups[-1].append(c)
    if len(set(ranks)) == 1 and (read is _as_letter or not any(c == " " for c in chars)):  # no word ends seen
        return " " + " ".join(c.strip() for g in groups for c in g) + " "  # spelled out
    return " " + " ".join("".join(g) for g in groups if g) + " "
