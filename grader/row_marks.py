"""A timeline row's mark written inside a line of speech (grader/redact.py, grader/bundle.py).

A transcript row starts with its `[seq]` (`[12] 130-134s I: ...`), where a citation and its speaker come from. Inside
a line of speech the candidate could use one to stage a row of their own (an interviewer's praise, a passing
submission), so it is shown as `(12)`. An index after a name or a bracket (`nums[0]`, `grid[1][2]`) is not a mark,
unless a row's time follows it (`ok[5] 131-135s I: ...`); brackets that look like ours (`【5】`, `⟦5⟧`) are marks too.
"""

from __future__ import annotations

import re

_OPEN, _CLOSE = "[\\[\u3010\u3014\u3016\u301a\u27e6\u2045]", "[\\]\u3011\u3015\u3017\u301b\u27e7\u2046]"
ROW_MARK = re.compile(
    rf"(?<![\w\]\)]){_OPEN}\s*\d+\s*{_CLOSE}|{_OPEN}\s*\d+\s*{_CLOSE}(?=\s*\d+(?:\s*-\s*\d+)?\s*s\b)"
)


def unmarked(mark: str) -> str:
    """A row's mark as shown inside a line: `[12]` as `(12)`."""
    return "(" + "".join(c for c in mark if c.isdigit()) + ")"
