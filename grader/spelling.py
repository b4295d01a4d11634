"""A name spelled out (grader/redact.py replaces it): letter by letter ("A-D-A", "a d a", `letter_spans`), or with a
word for each letter, as a name is spelled over the phone: "A as in apple, D as in dog", "L for London", "A like
apple", or the phonetic alphabet ("alpha delta alpha", "Lima Oscar Victor ...") (`phonetic_spans`). Only a run whose
letters spell the name is replaced; other runs stay ("B-F-S", "i for index, j for the inner loop", "alpha beta
pruning")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

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


def letter_spans(
    text: str, start: int, end: int, *, spells: Callable[[str], bool], sizes: Sequence[int]
) -> list[tuple[int, int]]:
    """The spans in a run of letters spelled out one by one (grader/redact.py `SPELLED`: "A-D-A", "a d a") that
    `spells` (lower case) takes for the name, of the lengths `sizes` (longest first). A span is the whole run or a
    part of it set apart by a comma (or by a space where the letters inside are joined without one: "A-D-A B-F-S"),
    or after a one-letter word ("it's A D A", "a L-O-V-E-L-A-C-E", "A D A I think"); "N-A-D-A-L", "a D A G"
    and "B-F-S" stay."""
    at = [i for i in range(start, end) if text[i].isalpha()]
    run = "".join(text[k] for k in at).lower()
    seps = [text[at[k] + 1 : at[k + 1]] for k in range(len(at) - 1)]
    commas = [any(c in ",;:" for c in sep) for sep in seps]
    spaced = [any(c.isspace() for c in sep) for sep in seps]
    spaces_before = [0]  # spaces_before[k]: separators with a space among the first k
    for has in spaced:
        spaces_before.append(spaces_before[-1] + has)
    n = len(at)

    def apart(k: int, i: int, j: int) -> bool:  # separator k bounds the letters i..j-1
        return commas[k] or (spaced[k] and spaces_before[j - 1] == spaces_before[i])

    def word_before(i: int) -> bool:  # a one-letter word: "a", "I", or the end of "it's", "I'm", "I'd"
        return text[i].lower() in "ai" or text[i - 1 : i] in ("'", "\u2019")

    found: list[tuple[int, int]] = []
    i = 0
    while i < n - 2:
        for j in (i + size for size in sizes if i + size <= n):
            letters = run[i:j]
            if not spells(letters):
                continue
            left = i == 0 or apart(i - 1, i, j) or (i == 1 and word_before(at[0]))
            right = j == n or apart(j - 1, i, j) or (j == n - 1 and text[at[-1]] == "I")
            if left and right:
                found.append((at[i], at[j - 1] + 1))
                i = j
                break
        else:
            i += 1
    return found
