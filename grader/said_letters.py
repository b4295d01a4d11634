"""A name spelled out by the names of its letters, as speech-to-text writes them ("ay dee ay" for A-D-A, "el oh vee
ee el ay see ee" for Lovelace, "double you" for W), mixed with letters written as letters ("L oh V E ..."). The run
is read as its letters and replaced only when they spell the name (grader/redact.py `_spells`), as a run of letters
set apart is (`letter_spans`): "you see" (U C) and "why are you" (Y R U) stay unless those letters are the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from grader.word_patterns import trie

# English letter names as a transcript writes them.
LETTER_NAMES = {
    "a": "a ay eh",
    "b": "b bee be",
    "c": "c see sea cee",
    "d": "d dee",
    "e": "e ee",
    "f": "f ef eff",
    "g": "g gee jee",
    "h": "h aitch haitch",
    "i": "i eye aye",
    "j": "j jay",
    "k": "k kay",
    "l": "l el ell",
    "m": "m em",
    "n": "n en",
    "o": "o oh owe",
    "p": "p pee pea",
    "q": "q cue queue",
    "r": "r ar are",
    "s": "s es ess",
    "t": "t tee tea",
    "u": "u you yoo",
    "v": "v vee",
    "w": "w double-u double-you",
    "x": "x ex",
    "y": "y why wye",
    "z": "z zee zed",
}
SAID = {word.replace("-", ""): letter for letter, words in LETTER_NAMES.items() for word in words.split()}
_SPOKEN = {*SAID, "double u", "double you", "double-u", "double-you"}
# A tree of prefixes between word boundaries (grader/word_patterns.py `trie`): an alternation of the sixty words
# opening with a lookbehind, tried at every character, cost 120 ms over 200 KB of commented code; this, 50 ms.
_UNIT = rf"\b(?:{trie(sorted(_SPOKEN))})\b"
UNIT = re.compile(_UNIT, re.I)
# Three letters or more, at least one said by its name (a run of bare letters is grader/redact.py `SPELLED`'s).
SAID_RUN = re.compile(rf"{_UNIT}(?:[\s,.;:\-]{{1,3}}{_UNIT}){{2,}}", re.I)
_SEP = re.compile(r"[\s-]+")
_NAMED = re.compile(r"[a-z]{2}", re.I)


def said_spans(
    text: str, start: int, end: int, *, spells: Callable[[str], bool], sizes: Sequence[int]
) -> list[tuple[int, int]]:
    """The spans in a `SAID_RUN` whose letters spell the name (`spells`, lower case; `sizes`: the lengths a
    spelling can have, longest first), from each letter the longest; one with a letter said by its name."""
    units = [
        (m.start(), m.end(), SAID[_SEP.sub("", m.group().lower())]) for m in UNIT.finditer(text, start, end)
    ]
    if not any(_NAMED.match(text, s) for s, _, _ in units):
        return []  # bare letters only: grader/redact.py `SPELLED`'s
    letters = "".join(u[2] for u in units)
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        for size in sizes:
            j = i + size
            if j <= len(units) and spells(letters[i:j]):
                if any(_NAMED.match(text, s) for s, _, _ in units[i:j]):
                    found.append((units[i][0], units[j - 1][1]))
                i = j
                break
        else:
            i += 1
    return found
