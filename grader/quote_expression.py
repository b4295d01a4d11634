"""What a quote of a transcript line may not end inside of: a bracket it opened, or a big-O said in words.

"It's O(n^2) time overall" holds "It's O(n", and "So it's O of n squared" holds "So it's O of n", word for word; each
quote, stored and shown as what the candidate said, states a complexity they did not (2026-12-07). Operators
written tight between operands (`n^2`, `2^n`, `10**5`, `n-1`, `n/2`) are one expression for every view
(grader/evidence.py `_cuts`); here, of a transcript line only (code opens a block in one quote and closes it in
another, so a code quote may leave a bracket open):
- a quote may not leave open a `(` or `[` it opened, where the line closes it after the quote ("It's O(n" of "It's
  O(n log n)"); and
- a quote that ends in a big-O said in words ("O of", "big O", "order of" and up to four words after it) must end
  with its clause (a comma, a semicolon, a colon, a sentence's end or the line's), as what follows may still be the
  expression ("squared", "log n", "times m"): "So it's O of n squared in the worst case" is quotable whole, or to
  "squared" where a comma follows it, not as "So it's O of n".
It fails closed: the repair round asks for the quote to the closing bracket or the clause's end, which always holds.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

LOOK_CHARS = 240  # how far after a quote its bracket's close or its clause's end is looked for
_OPENERS = {"(": ")", "[": "]"}
_BRACKET = re.compile(r"[()\[\]]")
# A big-O said in words at the end of a quote: "O of n", "big O of n", "order of n log", with up to four words after.
_SPOKEN_BIG_O = re.compile(
    r"(?:\bbig\s+o\b|\bo\s+of\b|\border\s+of\b)(?:\s+[\w^*+/-]+){0,4}\s*\Z", re.IGNORECASE
)
_CLAUSE_END = re.compile(r"[,;:.!?\u3002\uff0c\uff1f\uff01\n]")


@dataclass(frozen=True)
class _Brackets:
    """Where a text's brackets are, and the nesting depth after each, read once for every quote of it: a quote can
    match at up to grader/evidence.py `MAX_MATCHES` places of a line, and each is answered in constant time (the
    least depth inside a quote from a sparse table) whatever the brackets in it."""

    at: array[int]  # where each bracket is
    depth: array[int]  # the depth after it (an opener +1, a closer -1, of any kind), from 0 at the start
    least: tuple[array[int], ...]  # least[j][k]: the least depth of brackets k .. k + 2**j - 1

    def depth_before(self, k: int) -> int:
        return self.depth[k - 1] if k > 0 else 0

    def least_in(self, first: int, last: int) -> int:
        """The least depth after brackets `first .. last - 1` (`last > first`)."""
        j = (last - first).bit_length() - 1
        return min(self.least[j][first], self.least[j][last - (1 << j)])


@lru_cache(maxsize=8)
def _brackets(text: str) -> _Brackets:
    at, depth, level = array("I"), array("i"), 0
    for m in _BRACKET.finditer(text):
        level += 1 if m.group(0) in _OPENERS else -1
        at.append(m.start())
        depth.append(level)
    least = [depth]
    while 2 ** len(least) <= len(depth):
        half, prev = 1 << (len(least) - 1), least[-1]
        least.append(array("i", (min(prev[k], prev[k + half]) for k in range(len(prev) - half))))
    return _Brackets(at, depth, tuple(least))


def left_open(text: str, start: int, end: int) -> str:
    """What a quote of `text[start:end]` (a transcript line's) leaves out of an expression it ends inside of: to the
    close of a bracket it opened and left open, or to the end of the clause of a big-O said in words it ends in; ""
    if none."""
    brackets = _brackets(text)
    first, last = bisect_left(brackets.at, start), bisect_left(brackets.at, end)
    if last > first:
        # Brackets opened in the quote and not closed in it: the depth at its end above the least depth in it.
        level = brackets.depth[last - 1]
        if level > min(brackets.depth_before(first), brackets.least_in(first, last)):
            stop = min(len(text), end + LOOK_CHARS)
            for k in range(last, len(brackets.at)):
                if brackets.at[k] >= stop:
                    break
                if brackets.depth[k] < level:  # the innermost bracket the quote left open closes here
                    return text[end : brackets.at[k] + 1].strip()
            if stop < len(text):  # not closed within what was read: what was not read may close it
                return "\u2026"
            # Never closed: the line leaves it open too, and the quote cut nothing of it.
    tail = text[max(start, end - 60) : end]
    if _SPOKEN_BIG_O.search(tail) is None:
        return ""
    rest = text[end : min(len(text), end + LOOK_CHARS)]
    clause = _CLAUSE_END.search(rest)
    after = rest[: clause.start()] if clause else rest
    return after.strip() if re.search(r"\w", after) else ""
