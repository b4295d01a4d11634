"""A name spelled with a word for each letter, as a name is spelled over the phone: "A as in apple, D as in dog",
"L for London", "A like apple", or the phonetic alphabet ("alpha delta alpha", "Lima Oscar Victor ...").
grader/redact.py replaces the words of a run whose letters spell the name (as it does a name spelled letter by
letter, `A-D-A`); other runs stay ("i for index, j for the inner loop", "alpha beta pruning")."""

from __future__ import annotations

import re
from collections.abc import Callable

from grader.word_patterns import trie

NATO = (
    "alpha|alfa|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliett|juliet|kilo|lima|mike|november|oscar"
    "|papa|quebec|romeo|sierra|tango|uniform|victor|whiskey|whisky|x-ray|xray|yankee|zulu"
)
# One letter: a letter set apart and the word it is spelled by, or a word of the phonetic alphabet.
_UNIT = rf"(?:(?<![^\W_])[a-z]\s+(?:as\s+in|for|like)\s+[a-z]+(?![^\W_])|(?<![^\W_])(?:{NATO})(?![^\W_]))"
_BETWEEN = r"(?:[\s,;.:\-]+(?:then\s+|and\s+)?)"
# Three or more letters in a row.
PHONETIC_RUN = re.compile(rf"{_UNIT}(?:{_BETWEEN}{_UNIT}){{2,}}", re.IGNORECASE)
UNIT = re.compile(_UNIT, re.IGNORECASE)
# In lower case, as a tree of prefixes (grader/word_patterns.py `trie`): an alternation of thirty words, tried in
# turn at every character, cost 90 µs a text, more than the rest of its redaction.
_NATO_WORD = re.compile(trie(NATO.split("|")))


def worth_scanning(text: str) -> bool:
    """Whether `text` can hold a run (`PHONETIC_RUN`), by cheap substring counts: three "as in", "for" or "like"
    between spaces, or a word of the phonetic alphabet. The run's pattern is tried at every word of every line and
    comment, and most hold neither."""
    lower = text.lower()
    said = lower.count(" as in ") + lower.count(" for ") + lower.count(" like ")
    return said >= 3 or _NATO_WORD.search(lower) is not None


def phonetic_spans(
    text: str, start: int, end: int, spells: Callable[[str], bool], sizes: list[int]
) -> list[tuple[int, int]]:
    """The spans of the run `text[start:end]` (`PHONETIC_RUN`) whose letters spell the name (`spells`; `sizes`: the
    lengths a spelling can have, longest first): from each letter, the longest such span."""
    units = [(m.start(), m.end(), m.group()[0].lower()) for m in UNIT.finditer(text, start, end)]
    letters = "".join(u[2] for u in units)
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        for size in sizes:
            if i + size <= len(units) and spells(letters[i : i + size]):
                found.append((units[i][0], units[i + size - 1][1]))
                i += size
                break
        else:
            i += 1
    return found
