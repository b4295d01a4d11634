"""A timeline row's mark written inside a line of speech, and a code block's fence written inside the code
(grader/redact.py, grader/bundle.py).

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


# A line of code that reads as a fence (three or more tildes or backticks opening it): the model reads a block of
# code as ended there, and the candidate's lines after it as the timeline's rows. The fence around a block is
# longer than any run of tildes in it (grader/code_timeline.py `fence`), which closes it for a Markdown reader,
# but a model does not count tildes: `~~~~~~~~~~` inside reads as the end of `~~~~~~~~~~~python`. A line starts
# after any of Unicode's line ends, as `str.splitlines` reads them (U+2028, U+2029, U+0085, a vertical tab, a form
# feed, ...: the code view shows them as written, and grader/run_lines.py escapes them in a program's text for the
# same reason): `x = 1  # \u2028~~~~` had shown its tildes unescaped, opening what reads as a line of their own.
FENCE_LINE = re.compile(
    r"(?:^|(?<=[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]))[ \t]*(?:~{3,}|`{3,})", re.MULTILINE
)


def escaped_fence(line: str) -> str:
    """A code line's fence shown escaped, as Markdown writes it as text: `~~~` as `\\~~~`, indentation kept."""
    run = line.lstrip(" \t")
    return line[: len(line) - len(run)] + "\\" + run
