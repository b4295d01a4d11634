"""The name in pieces kept in variables and joined later (grader/redact.py): one step of data flow.

`a = "Love"`, `b = "lace"`, then `print(a + b)`, `f"{a}{b}"`, `` `${a}${b}` ``, `"".join([a, b])` or
`[a, b].join("")`: no literal holds the name, and none is next to another, so neither the rule for literals strung
together nor the one for literals glued by code (grader/split_names.py) sees it. Here each variable given one
string literal (`a = "Love"`, `const a = 'Love'`, `String a = "Love";`, `a: str = "Love"`) is read as that text
where a join of such variables uses it (its last value before the join), and the joined text is redacted as a
program's output would be: when that finds the name or a contact detail that the pieces do not each reveal alone,
and the pieces are not all everyday words (or, all such words, are joined with the code's own words, as a cue:
`f"my name is {first} {last}"`), every piece's literal is replaced. A variable assigned in a branch, a
loop or a function call, or a join through another variable, is not followed.

Also (2026-12-05) a join with the code's own text between the variables, as an address is built from its parts:
`user + "@" + domain`, `f"{user}@{domain}"`, `` `${user}@${domain}` ``, `"{}@{}".format(user, domain)`, `"%s@%s" %
(user, domain)`, `String.format("%s@%s", user, domain)`, `"@".join([user, domain])`, `String.join("@", user,
domain)`: the joined text, the code's pieces in their places, is judged as above, and only the variables' literals
are replaced. Around an `@` of the code's own every variable given a literal is followed (`host = "gmail"`, `tld =
"com"`), since an address's pieces need not look like one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable

from grader.code_forms import Reveals
from grader.split_names import LETTERS

_NAME = r"[A-Za-z_$][\w$]*"
# `a = "Love"` (and `a: str = "Love"`, `String a = "Love"`, `const a = 'Love'`): a name given one short literal,
# found by its `=` (a scan from every identifier took 0.1 s a megabyte of code), the name read back from there; not
# one repeated or formatted (`"b" * 65`, `"%s" % x`).
VALUE = re.compile(r"=(?!=)[ \t]*([\"'`])((?:(?!\1)[^\\\n]){1,40})\1(?![ \t]*[\w$(\[.+*%])")
NAME_BEFORE = re.compile(rf"(?<![\w$.])({_NAME})\s*(?::\s*[\w.\[\]<>]+\s*)?\Z")
# Names joined into one string: `a + b`, `{a}{b}` (an f-string's or a template's parts side by side), a list of them
# joined with nothing between (`"".join([a, b])`, `[a, b].join("")`).
JOINED = re.compile(
    rf"(?<![\w$.\"'`])({_NAME}(?:\s*\+\s*{_NAME})+)(?![\w$(\[.]|\s*[\"'`(\[])"
    rf"|((?:\$?\{{\s*{_NAME}\s*\}}){{2,}})"
    rf"|(?:[\"']{{2}}\.join\(\s*|\bjoin\(\s*[\"']{{2}}\s*,\s*)\[\s*({_NAME}(?:\s*,\s*{_NAME})+)\s*,?\s*\]"
    rf"|\[\s*({_NAME}(?:\s*,\s*{_NAME})+)\s*,?\s*\]\.join\(\s*(?:[\"']{{2}}|``)\s*\)"
)
# Names joined with text of the code's own between them (2026-12-05): an address built from its parts, `user + "@" +
# domain`, `f"{user}@{domain}"`, `` `${user}@${domain}` ``, `"{}@{}".format(user, domain)`, `"%s@%s" % (user,
# domain)`, `"@".join([user, domain])`, `[user, domain].join("@")`. Each gives the joined text's pieces in order:
# a variable's name or a literal's text.
_LITERAL = r"\"[^\"\\\n]{0,40}\"|'[^'\\\n]{0,40}'"
_PIECE = rf"(?:{_NAME}|{_LITERAL})"
_NAMES = rf"{_NAME}(?:\s*,\s*{_NAME})+"
WITH_TEXT = re.compile(
    rf"(?<![\w$.\"'`])(?P<plus>{_PIECE}(?:\s*\+\s*{_PIECE})+)(?![\w$(\[.]|\s*[\"'`(\[])"
    r"|(?<![\w$])[fF](?P<q>[\"'])(?P<f>(?:(?!(?P=q))[^\\\n]){0,120})(?P=q)"
    r"|`(?P<t>[^`\\\n]{0,120})`"
    rf"|(?P<fq>[\"'])(?P<fmt>(?:(?!(?P=fq))[^\\\n]){{0,80}})(?P=fq)\s*(?:\.format\(\s*(?P<fa>{_NAMES})\s*\)"
    rf"|%\s*\(\s*(?P<pa>{_NAMES})\s*,?\s*\))"
    rf"|(?P<sq>[\"'])(?P<sep>[^\"'\\\n]{{1,5}})(?P=sq)\.join\(\s*[\[(]\s*(?P<sa>{_NAMES})\s*,?\s*[\])]\s*\)"
    rf"|\[\s*(?P<ja>{_NAMES})\s*,?\s*\]\.join\(\s*(?P<jq>[\"'`])(?P<jsep>[^\"'`\\\n]{{1,5}})(?P=jq)\s*\)"
    # `String.format("%s@%s", user, domain)`, `std::format("{}@{}", ...)`, `String.join("@", user, domain)`.
    rf"|(?<![\w$])(?:[\w.:]*format|[\w.]*printf|Sprintf)\(\s*(?P<cq>[\"'])(?P<cfmt>(?:(?!(?P=cq))[^\\\n]){{0,80}})"
    rf"(?P=cq)\s*,\s*(?P<ca>{_NAMES})\s*\)"
    rf"|(?<![\w$])(?:String\.)?join\(\s*(?P<xq>[\"'])(?P<xsep>[^\"'\\\n]{{1,5}})(?P=xq)\s*,\s*(?P<xa>{_NAMES})\s*\)"
)
# A slot of a template or a format: a name (`{user}`, `${user}`), the next argument (`{}`, `%s`) or one by its
# number (`{0}`).
_SLOT = re.compile(r"\$?\{\s*([A-Za-z_$][\w$]*)\s*\}|\{\}|%s|\{(\d)\}")
_PLUS = re.compile(rf"{_NAME}|{_LITERAL}")
NAME_IN = re.compile(_NAME)
AT_IN_LITERAL = re.compile(r"[\"'`][^\"'`\n]{0,40}@")  # an `@` the code writes, not a decorator's
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
    assigned = _assignments(text, start, end, could_be)
    if not assigned and AT_IN_LITERAL.search(text, start, end) is None:
        return []
    found: list[tuple[int, int]] = []
    for m in JOINED.finditer(text, start, end) if len(assigned) > 1 else ():
        names = NAME_IN.findall(BRACES.sub(" ", next(g for g in m.groups() if g)))
        spans = []
        for name in names:
            values = assigned.get(name, [])
            at = bisect_right(values, m.start(), key=_where) - 1
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
    found += _with_text(text, start, end, assigned, reveals, common)
    return sorted(set(found))


Assigned = dict[str, list[tuple[int, int, int]]]  # name: (where, content start, content end), in order


def _where(value: tuple[int, int, int]) -> int:
    """Where a value was assigned: the key its list is searched by (a copy of the list for each join was
    quadratic)."""
    return value[0]


def _assignments(text: str, start: int, end: int, keep: Callable[[str], bool]) -> Assigned:
    """The variables given one short literal in `text[start:end]` whose text `keep` accepts."""
    assigned: Assigned = {}
    for m in VALUE.finditer(text, start, end):
        if not keep(m.group(2)):
            continue
        name = NAME_BEFORE.search(text, max(start, m.start() - 80), m.start())
        if name is not None:
            assigned.setdefault(name.group(1), []).append((m.start(), m.start(2), m.end(2)))
    return assigned


def _with_text(
    text: str,
    start: int,
    end: int,
    assigned: Assigned,
    reveals: Reveals,
    common: frozenset[str],
) -> list[tuple[int, int]]:
    """The spans of the variables' literals that a `WITH_TEXT` join reveals the name or an address with, where the
    pieces alone do not (the code's own text between them, an `@`, is none of the candidate's)."""
    found: list[tuple[int, int]] = []
    # Around an `@` of the code's own, every variable given a literal: an address's pieces ("gmail", "com").
    every: Assigned | None = None
    for m in WITH_TEXT.finditer(text, start, end):
        pieces = _pieces(m)
        if pieces is None or not any(p[0] for p in pieces):
            continue
        table = assigned
        if any("@" in piece for is_name, piece in pieces if not is_name):
            every = _assignments(text, start, end, bool) if every is None else every
            table = every
        values: list[str] = []
        spans: list[tuple[int, int]] = []
        for is_name, piece in pieces:
            if not is_name:
                values.append(piece)
                continue
            at = bisect_right(table.get(piece, []), m.start(), key=_where) - 1
            if at < 0:
                break
            spans.append(table[piece][at][1:])
            values.append(text[spans[-1][0] : spans[-1][1]])
        else:
            own = [text[a:b] for a, b in spans]
            words = [w.lower() for p in own for w in LETTERS.findall(p)]
            # Pieces all of everyday words are followed only where the code's own words stand with them, as a cue
            # does ("my name is " + first + " " + last): joined alone ("grace" + "park") they are a word, no name.
            cue = any(LETTERS.search(piece) for is_name, piece in pieces if not is_name)
            if not words or (all(w in common for w in words) and not cue):
                continue
            joined = reveals("".join(values))
            if joined is not None and joined != "".join(reveals(v) or v for v in values):
                found.extend(spans)
    return found


def _pieces(m: re.Match[str]) -> list[tuple[bool, str]] | None:
    """A `WITH_TEXT` join's pieces in order, (True, a variable's name) or (False, the code's own text); None when a
    slot of a template or a format is not a plain name or the format's slots and names do not pair."""
    if m.group("plus") is not None:
        return [
            (p[0] not in "\"'", p if p[0] not in "\"'" else p[1:-1]) for p in _PLUS.findall(m.group("plus"))
        ]
    joined = next((g for g in ("sa", "ja", "xa") if m.group(g) is not None), None)
    if joined is not None:
        sep = m.group({"sa": "sep", "ja": "jsep", "xa": "xsep"}[joined])
        out: list[tuple[bool, str]] = []
        for i, name in enumerate(NAME_IN.findall(m.group(joined))):
            out += [(False, sep)] if i else []
            out.append((True, name))
        return out
    template = m.group("f") is not None or m.group("t") is not None
    body = next(g for g in (m.group("f"), m.group("t"), m.group("fmt"), m.group("cfmt")) if g is not None)
    args = NAME_IN.findall(m.group("fa") or m.group("pa") or m.group("ca") or "")
    out, at, used = [], 0, 0
    for slot in _SLOT.finditer(body):
        out += [(False, body[at : slot.start()])] if slot.start() > at else []
        at = slot.end()
        if template and slot.group(1) is not None:
            if m.group("t") is not None and not slot.group().startswith("$"):
                return None
            out.append((True, slot.group(1)))
        elif not template and slot.group(2) is not None and int(slot.group(2)) < len(args):
            out.append((True, args[int(slot.group(2))]))
            used = len(args)
        elif not template and slot.group(1) is None and slot.group(2) is None and used < len(args):
            out.append((True, args[used]))
            used += 1
        else:
            return None
    if used < len(args) or "{" in body[at:]:
        return None
    return out + ([(False, body[at:])] if at < len(body) else [])


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
