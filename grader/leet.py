"""The candidate's name written with digits for letters ("leetspeak"): `L0v3l4c3`, `4d4 L0v3l4c3`, `L0VELACE`,
`solve_l0velace`, `Love1ace` (grader/redact.py). A candidate can write their name so to have the model read it past
the name's other forms; any digit may stand for the letters it looks like (`LEET`: 4 for a, 3 for e, 1 for i or l,
0 for o, 5 for s, 7 for t, ...).

A match is a word, or a segment of an identifier (`solveL0velace`, `l0velace_42`), that spells a distinctive name
part of three letters or more, or the whole name, with at least one such digit and at least one letter, and is not a
number literal (`1e0`, a float, spells "leo"; `0x4d4` is hex). Parts that are everyday words (`Will`, `Max`) are
not looked for in this form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LEET = {"a": "4", "b": "8", "e": "3", "g": "69", "i": "1", "l": "1", "o": "0", "s": "5", "t": "7", "z": "2"}
# Bounds of a word or of a segment of an identifier: not inside a run of letters and digits, but after or before an
# underscore, or at a change of case (`solveL0velace`); digits may follow (`l0velace42`).
START = r"(?:(?<![^\W_])|(?<=[a-z0-9])(?=[A-Z]))"
END = r"\d*(?:(?![^\W_])|(?<=[a-z0-9])(?=[A-Z]))"
MIN_BROKEN = 5  # letters of a part that is also looked for broken up (a shorter one: `le.o`, `it_o` are code)
NUMBER_LITERAL = re.compile(
    r"0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?[fFlLdDuU]*"
)


def _letter(c: str) -> str:
    return (
        f"[{re.escape(c.lower())}{re.escape(c.upper())}{LEET.get(c.lower(), '')}]"
        if c.isalpha()
        else re.escape(c)
    )


class LeetNames:
    """The names (distinctive parts, whole names) with any of their letters written as a digit."""

    def __init__(self, names: Iterable[str]) -> None:
        forms: set[str] = set()
        for name in names:
            words = [w for w in re.split(r"[\s'._-]+", name) if w]
            letters = "".join(words)
            if len(letters) < 3 or not letters.isalpha() or not letters.isascii():
                continue
            if not any(c.lower() in LEET for c in letters):
                continue
            # A long part also broken up by `-`, `_` or `.` (`Love-lace`, `LOVE_LACE`, `lo.ve.lace`).
            inner = ["[._-]?" if len(w) >= MIN_BROKEN else "" for w in words]
            forms.add(
                r"(?:\s+|[._-]?)".join(
                    j.join(_letter(c) for c in w) for w, j in zip(words, inner, strict=True)
                )
            )
        alternatives = "|".join(sorted(forms, key=len, reverse=True))
        # The first letters' class first: the engine skips every other position at once (a sixth of the time).
        first = "".join(sorted({c for f in forms for c in f[1 : f.index("]")]}))
        self.pattern = re.compile(f"(?=[{first}]){START}(?:{alternatives}){END}") if forms else None

    @staticmethod
    def spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The match, when it has a digit and a letter and is no number literal (`refine` of grader/redact.py)."""
        word = text[start:end]
        if not any(c.isdigit() for c in word):
            return [(start, end)] if any(c in "._-" for c in word) else []  # broken up; else another rule's
        if not any(c.isalpha() for c in word):
            return []
        return [] if NUMBER_LITERAL.fullmatch(word) else [(start, end)]
