"""A run's quote keeps the count its result words are about (read by grader/evidence.py).

A run or submission is quoted from our own result text as shown (`visible tests 0/2 passed; hidden tests 0/1
passed (failed: 1 wrong_answer)`), and a report shows the stored quote as the run's result. Word boundaries kept a
quote from cutting a number ("2 passed" of "0/2 passed"), but not from leaving the number out: "passed", quoted of
a run whose visible tests went 0/2, verified and was stored as that run's evidence, as "I ... know" would be of "I do
not know". So the result text is read as items, each one of our statements (a verdict, "visible tests 0/2 passed",
"failed example-1", "args [...]", "expected [0,1]", "got []", "1 wrong_answer"), split at `;`, a line end, brackets,
a colon and the words that open a failed test's parts; a quote may leave out of the item it starts or ends in only
words, never a number: "0/2 passed" and "visible tests 0/2" stand, "passed", "hidden tests" (of "hidden tests 0/1
passed"), "calls returned a value" (of "2 of 2 calls returned a value") and "visible tests 2/2 passed; hidden tests"
do not.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

# Between two items of a run's result text. U+E000 and U+E001 stand for the program's own output and the run's label
# there (grader/evidence.py `PROGRAM_OUTPUT`, `RUN_LABEL`): no part of any item.
SEPARATOR = re.compile(
    r";\s*|\n\s*|\s*[()]\s*|:\s+|\s+(?=(?:args|expected|got|message|printed)\b)|\s*[\ue000\ue001]\s*"
)


@lru_cache(maxsize=32)
def _separators(shown: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    spans = [(m.start(), m.end()) for m in SEPARATOR.finditer(shown)]
    return tuple(s for s, _ in spans), tuple(e for _, e in spans)


def left_out(shown: str, start: int, end: int) -> str:
    """What of the items `shown[start:end]` starts and ends in it leaves out, where that holds a number (the count or
    value its words are about); "" when it leaves out only words, or nothing."""
    starts, ends = _separators(shown)
    # The item `start` is in begins at the end of the last separator before it (none: at the text's start); a quote
    # that begins on a separator leaves nothing of an item out before it.
    i = bisect_right(ends, start) - 1
    inside_before = i + 1 < len(starts) and starts[i + 1] <= start
    before = "" if inside_before else shown[(ends[i] if i >= 0 else 0) : start]
    j = bisect_left(starts, end)
    inside_after = j > 0 and ends[j - 1] >= end
    after = "" if inside_after else shown[end : (starts[j] if j < len(starts) else len(shown))]
    cut = f"{before}…{after}" if before and after else before or after
    return cut.strip() if re.search(r"\d", cut) else ""
