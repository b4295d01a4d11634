"""The candidate's name broken into pieces (grader/redact.py): split inside a word or spaced oddly ("Love lace",
"Lo ve lace", "L o v e lace", "Ada-Love-lace", "Ada Love lace"), over two lines of a comment (`# Ada Love` then
`# lace`), and in code across string literals glued by the code that builds one string from them
(`sb.append("Lo").append("ve")`, `` `${"Ada"} ${"Love" + "lace"}` ``, `` String.raw`Love${''}lace` ``).

`SplitNames` reads the letters of a stretch of text without what separates them and matches them against the
name: the whole name (six letters or more) or a distinctive part of five letters or more, in pieces that begin and
end on word boundaries. A split form made only of everyday words ("good win" for Goodwin, `["grace", "park"]`) is
ordinary prose or data, and stays; so does a piece of a part shorter than five letters ("A da"), and in speech
a split with a hesitation in it ("we turn er left" for Turner).

`glued_spans` reads a run of string literals (and a template literal's text) joined by nothing but what builds a
string (`+`, `s +=`, a method such as `append` or `concat`, `${...}`, brackets, `;`, line breaks): their contents
joined are redacted as a program's output (`reveals`) and the run replaced when that finds the name or a contact
detail that none of the literals holds alone. A comma separates list items, which stay data, unless the list is
joined with nothing between (`"".join(["Lo", "ve"])`, `["Lo", "ve"].join("")`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

MIN_PART = 5  # letters of a distinctive part looked for in pieces
MIN_WHOLE = 6  # letters of a whole name so looked for
# Between two pieces: in speech and output, up to three spaces, dots, hyphens, underscores or stars; in code, also
# the end of a comment's line and the next line's comment marker (`# `, `// `, ` * `).
SPEECH_GAP = r"[\s.\-\u2010-\u2015_*\u00b7]{1,3}"
CODE_GAP = r"(?:[ \t.\-\u2010-\u2015_*]{1,3}|[ \t]{0,8}\n[ \t]{0,8}(?:#|//|/?\*{1,3}|--)?[ \t]{0,3})"
LETTERS = re.compile(r"[^\W\d_]+")
# What speech-to-text writes for a hesitation: "we turn er left" is not Turner.
FILLERS = frozenset({"er", "erm", "uh", "um", "ah", "eh", "hm", "hmm", "mm", "oh"})

Reveals = Callable[[str], str | None]


def _compact(name: str) -> str:
    return "".join(LETTERS.findall(name)).lower()


class SplitNames:
    """The whole names and distinctive parts (in the matching form) to look for in pieces."""

    def __init__(
        self, whole: Iterable[str], parts: Iterable[str], common: frozenset[str], code: bool
    ) -> None:
        self.common, self.code = common, code
        targets = {c for w in whole if len(c := _compact(w)) >= MIN_WHOLE}
        targets |= {c for p in parts if len(c := _compact(p)) >= MIN_PART and c not in common}
        gap = CODE_GAP if code else SPEECH_GAP
        forms = [f"(?:{gap})?".join(re.escape(c) for c in t) for t in sorted(targets, key=len, reverse=True)]
        first = "".join(sorted({re.escape(t[0]) + re.escape(t[0].upper()) for t in targets}))
        self.pattern = (
            re.compile(rf"(?=[{first}])(?<![^\W\d_])(?:{'|'.join(forms)})(?![^\W\d_])", re.I)
            if forms
            else None
        )

    def spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """`Rule.refine`: the match when it is in two pieces or more and not all of them everyday words."""
        pieces = LETTERS.findall(text, start, end)
        if len(pieces) < 2 or all(p.lower() in self.common for p in pieces):
            return []
        if not self.code and any(p.lower() in FILLERS for p in pieces):
            return []  # a hesitation between words, not a name's piece ("turn er left"; "Ah med" is so missed)
        return [(start, end)]


# One literal of a glued run: a string or character literal, or a template literal's text (from its backtick or the
# `}` that closes an `${...}`, to its backtick or the next `${`). At most 200 characters: longer is prose or data.
_LITERAL = (
    r"\"[^\"\\\n]{0,200}\"|'[^'\\\n]{0,200}'"
    r"|`[^`$\\]{0,200}(?:`|\$\{)|(?<=[\"'\s)])\}[^`${}\\\n]{0,200}(?:`|\$\{)"
)
# What builds one string from literals: operators, brackets, `;`, line breaks, a template's `${`, a call of a
# string builder's method on a receiver (`sb.append(`, `.concat(`, `String.raw`). Bounded: at most 12 tokens.
_BUILDER = (
    r"(?:[A-Za-z_]\w{0,30}[ \t]*)?\.[ \t]*(?:append|concat|write|insert|raw)[ \t]*\(?|\bString\.raw\b"
    r"|\b[A-Za-z_]\w{0,30}[ \t]*\+="
)
_GLUE = rf"(?:[\s+();\[\]]|\$\{{|{_BUILDER}){{0,12}}"
LITERAL = re.compile(_LITERAL)
MAX_PIECES = 40
_ITEMS = rf"[\[(]\s*(?:\.\.\.)?(?:{_LITERAL})(?:\s*,\s*(?:\.\.\.)?(?:{_LITERAL})){{1,{MAX_PIECES - 1}}}\s*,?\s*[\])]"
# A list of literals joined with nothing between (`"".join(["Lo", "ve"])`, `["Lo", "ve"].join("")`, spread `...`).
_JOINED_LIST = (
    rf"(?:\"\"|'')[ \t]*\.[ \t]*join\(\s*{_ITEMS}\s*\)|{_ITEMS}[ \t]*\.[ \t]*join\([ \t]*(?:\"\"|'')[ \t]*\)"
)
GLUED_RUN = re.compile(rf"{_JOINED_LIST}|(?:{_LITERAL})(?:{_GLUE}(?:{_LITERAL})){{1,{MAX_PIECES - 1}}}")
GLUED_NEEDLES = frozenset({"'", '"', "`"})


def _content(literal: str) -> str:
    if literal.endswith("${"):
        return literal[1:-2]
    return literal[1:-1]


@lru_cache(maxsize=256)  # a run is judged, then its replacement made
def _pieces(run: str) -> tuple[str, ...]:
    return tuple(_content(m.group()) for m in LITERAL.finditer(run))


def glued_spans(
    text: str, start: int, end: int, reveals: Reveals, common: frozenset[str]
) -> list[tuple[int, int]]:
    """`Rule.refine` for a `GLUED_RUN`: its span when its literals joined reveal the name or a contact detail
    that they do not each reveal alone, and they are not all everyday words."""
    pieces = _pieces(text[start:end])
    words = [w.lower() for p in pieces for w in LETTERS.findall(p)]
    if not words or all(w in common for w in words):
        return []
    joined = reveals("".join(pieces))
    if joined is None:
        return []
    alone = "".join(reveals(p) or p for p in pieces)
    return [] if joined == alone else [(start, end)]


def glued_replacement(run: str, reveals: Reveals) -> str:
    """`Rule.replace` for a glued run: one literal of the joined text, redacted."""
    joined = "".join(_pieces(run))
    first = LITERAL.search(run)
    quote = first.group()[:1] if first and first.group()[:1] in "\"'" else '"'
    return f"{quote}{reveals(joined) or joined}{quote}"
