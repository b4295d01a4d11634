"""The name in pieces kept in variables and joined later (grader/redact.py): one step of data flow.

`a = "Love"`, `b = "lace"`, then `print(a + b)`, `f"{a}{b}"`, `` `${a}${b}` ``, `"".join([a, b])` or
`[a, b].join("")`: no literal holds the name, and none is next to another, so neither the rule for literals strung
together nor the one for literals glued by code (grader/split_names.py) sees it. Here each variable given one
string literal (`a = "Love"`, `const a = 'Love'`, `String a = "Love";`, `a: str = "Love"`) is read as that text
where a join of such variables uses it (its last value before the join), and the joined text is redacted as a
program's output would be: when that finds the name or a contact detail that the pieces do not each reveal alone,
and the pieces are not all everyday words, every piece's literal is replaced. A variable assigned in a branch, a
loop or a function call, or a join through another variable, is not followed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable

from grader.code_forms import Reveals
from grader.split_names import LETTERS

_NAME = r"[A-Za-z_$][\w$]*"
# `a = "Love"` (and `a: str = "Love"`, `String a = "Love"`, `const a = 'Love'`): a name given one short literal,
# found by its `=` (a scan from every identifier took 0.1 s a megabyte of code), the name read back from there.
VALUE = re.compile(r"=(?!=)[ \t]*([\"'`])((?:(?!\1)[^\\\n]){1,40})\1(?![ \t]*[\w$(\[.+])")
NAME_BEFORE = re.compile(rf"(?<![\w$.])({_NAME})\s*(?::\s*[\w.\[\]<>]+\s*)?\Z")
# Names joined into one string: `a + b`, `{a}{b}` (an f-string's or a template's parts side by side), a list of them
# joined with nothing between (`"".join([a, b])`, `[a, b].join("")`).
JOINED = re.compile(
    rf"(?<![\w$.\"'`])({_NAME}(?:\s*\+\s*{_NAME})+)(?![\w$(\[.]|\s*[\"'`(\[])"
    rf"|((?:\$?\{{\s*{_NAME}\s*\}}){{2,}})"
    rf"|(?:[\"']{{2}}\.join\(\s*|\bjoin\(\s*[\"']{{2}}\s*,\s*)\[\s*({_NAME}(?:\s*,\s*{_NAME})+)\s*,?\s*\]"
    rf"|\[\s*({_NAME}(?:\s*,\s*{_NAME})+)\s*,?\s*\]\.join\(\s*(?:[\"']{{2}}|``)\s*\)"
)
NAME_IN = re.compile(_NAME)
BRACES = re.compile(r"\$?\{|\}")  # of a template's parts: `${a}` names `a`
ANYTHING = re.compile(r"[\s\S]+")  # the rule's pattern: the whole snippet, which `flow_spans` reads
NEEDLES = frozenset({"'", '"', "`"})


def flow_spans(
    text: str,
    start: int,
    end: int,
    reveals: Reveals,
    common: frozenset[str],
    could_be: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """`Rule.refine`: the spans of the literals whose pieces, joined through their variables, reveal the name or a
    contact detail. Only literals that `could_be` a piece of one (a part of the name's letters, or with an `@` or a
    dot) are followed, and joins are looked for only when two of them are (a scan for joins takes 0.27 s a
    megabyte of code)."""
    assigned: dict[
        str, list[tuple[int, int, int]]
    ] = {}  # name: (where, content start, content end), in order
    for m in VALUE.finditer(text, start, end):
        if not could_be(m.group(2)):
            continue
        name = NAME_BEFORE.search(text, max(start, m.start() - 80), m.start())
        if name is not None:
            assigned.setdefault(name.group(1), []).append((m.start(), m.start(2), m.end(2)))
    if len(assigned) < 2:
        return []
    found: list[tuple[int, int]] = []
    for m in JOINED.finditer(text, start, end):
        names = NAME_IN.findall(BRACES.sub(" ", next(g for g in m.groups() if g)))
        spans = []
        for name in names:
            values = assigned.get(name, [])
            at = bisect_right([v[0] for v in values], m.start()) - 1
            if at < 0:
                break
            spans.append(values[at][1:])
        else:
            pieces = [text[a:b] for a, b in spans]
            words = [w.lower() for p in pieces for w in LETTERS.findall(p)]
            if not words or all(w in common for w in words):
                continue
            joined = reveals("".join(pieces))
            if joined is not None and joined != "".join(reveals(p) or p for p in pieces):
                found.extend(spans)
    return sorted(set(found))


def piece_test(names: Iterable[str]) -> Callable[[str], bool]:
    """Whether a literal could be a piece of one of `names` (its letters, two or more, inside a name's letters in
    lower case) or of an address (an `@` in it, or a dot among letters)."""
    letters = ["".join(LETTERS.findall(n.lower())) for n in names]

    def could_be(literal: str) -> bool:
        own = "".join(LETTERS.findall(literal.lower()))
        if "@" in literal or ("." in literal and own):
            return True
        return len(own) >= 2 and any(own in n for n in letters)

    return could_be
