"""A signature in code or in what a program prints (grader/redact.py): the author a candidate names where no name rule
knows them, a name not on file or a handle (`@author zqdev`, `__author__ = "Priya Raman"`, `# Author: zq_dev`,
`// written by Priya Raman`, `# autor: zqdev`, `print("made by zq.dev")`), replaced as `[candidate]`.

What decides:
- a label that says author (`@author` and `__author__ =` anywhere in code; "author:", "autor:", "auteur:" in a
  comment or a program's output, since in code `author: str` is a field): what follows is theirs, one to three
  words to the end of the line, a punctuation mark or a word of the sentence's own ("Author: zqdev (github)" takes
  "zqdev");
- a verb of making with "by" ("written by", "created by", "solved by", "escrito por", ...): only a word written as a
  name (a capital, then lower case: "Priya Raman", not `DP`, `HashMap`, nor an everyday word or an algorithm's
  eponym: "solved by Dijkstra") or as a handle (letters with digits, `_` or `.`, not all capitals: `zq_dev`,
  `zqdev42`, not `MAX_N`) and up to two more names after it, on the cue's line, so "written by hand", "sorted by
  key" and "created by the loop" stay.
"""

from __future__ import annotations

import re

from grader.everyday_words import CODE_EPONYMS, COMMON_WORDS
from grader.spoken import BOUNDARY
from grader.word_patterns import HAS_UNSPACED

_MADE = (
    r"written|created|coded|made|solved|authored|signed|submitted|solution|code|escrito|hecho|creado"
    r"|resuelto|programado|codigo|ecrit|cree|fait|geschrieben|erstellt|von"
)
# Anywhere in code: a doc tag or Python's module attribute, and a verb of making with "by" (in a string too:
# `print("made by zq.dev")`).
AUTHOR_CUE = re.compile(
    r"(?<![\w-])(?:(?P<label>@author[ \t]+|__author__[ \t]*=[ \t]*[\"'`]?[ \t]*)"
    rf"|(?:{_MADE})[ \t]+(?:by|por|par)[ \t]+)",
    re.IGNORECASE,
)
# In a comment or a program's output only (in code, `author: str` is a field and `by=` an argument): a label.
AUTHOR_LABEL = re.compile(
    r"(?<![\w-])(?P<label>(?:author|autor|auteur|autorin)[ \t]*:[ \t]*[\"'`]?[ \t]*)", re.IGNORECASE
)
_WORD = re.compile(r"@?[^\W_][\w.'-]*[\w]|@?[^\W_]")
_AS_NAME = re.compile(r"[^\W\d_][^\W\d_A-Z]*(?:['-][^\W\d_][^\W\d_A-Z]+)?")
_SPACE = re.compile(r"[ \t]+")
_SHAPED = re.compile(r"[._]|[^\W\d_]\d|\d[^\W\d_]")  # `zq_dev`, `zq.dev`, `zqdev42` (not `HashMap`)


def _theirs(word: str, first: bool, labelled: bool) -> bool:
    """`word` can be (a piece of) who signs: see the module's rules."""
    bare = word.lstrip("@").rstrip(".")
    lower = bare.lower()
    if lower in BOUNDARY or (lower in COMMON_WORDS and not bare[:1].isupper()) or HAS_UNSPACED.search(bare):
        return False  # a name in Han, kana or Hangul is matched without word bounds by the rules for names
    if first and labelled:
        return True
    if lower in COMMON_WORDS or lower in CODE_EPONYMS:
        return False  # "solved by Dijkstra", "made by Hand"
    as_name = len(bare) > 1 and _AS_NAME.fullmatch(bare) is not None  # `Priya`, `O'Brien`, `Jean-Luc`
    shaped = first and bare != bare.upper() and (_SHAPED.search(bare) is not None or word.startswith("@"))
    return (bare[:1].isupper() and as_name) or shaped


def author_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `AUTHOR_CUE` and `AUTHOR_LABEL`: who the label or the verb `text[start:end]` names."""
    cue = AUTHOR_CUE.match(text, start, end) or AUTHOR_LABEL.match(text, start, end)
    labelled = cue is not None and cue.group("label") is not None
    stop = end
    for n in range(3):
        gap = _SPACE.match(text, stop) if n else None
        at = gap.end() if gap else stop
        m = _WORD.match(text, at)
        if m is None or not _theirs(m.group(), n == 0, labelled):
            break
        stop = m.end()
    return [(end, stop)] if stop > end else []
