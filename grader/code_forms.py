"""The candidate's name or contact details written so that a program builds them, or a reader decodes them
(grader/redact.py): escapes (`"\\u0041\\u0064\\u0061"`, `"\\x4c\\x6fvel\\x61ce"`, octal `"\\114"`, `\\N{...}`, HTML's
`&#76;` and `&#x4c;`), string and character literals strung together (`"Lo" + "velace"`, `"Love" "lace"`,
`{'A','d','a'}`, `''.join(['L', 'o', ...])`; a list of longer strings is data, not joined), a Python f-string whose
fields are literals glued to its text (`f"by Love{'lace'}"`, `f"{'Lo'}{'ve'}{'lace'}"`: `FSTRING`), and character
codes (`String.fromCharCode(76, 111, ...)`, `chr(76) + chr(111)`, `[76, 111, ...]`).

Each form is decoded, and the decoded text redacted as a program's output (`reveals`, the redactor's rules without
these): the form is replaced only when that finds something, so escapes, literals and numbers that do not spell
the name stay as written. What replaces it is the decoded text redacted (`"Ada" + " wrote it"` reads
`"[candidate] wrote it"`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# One escaped character: \u0041 \u{41} \U00000041 \x41 \101 (octal) \N{LATIN SMALL LETTER A} &#65; &#x41;
_ESCAPE = (
    r"\\u\{[0-9a-fA-F]{1,6}\}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\x[0-9a-fA-F]{2}|\\[0-7]{1,3}"
    r"|\\N\{[A-Za-z0-9 -]{1,80}\}|&#[xX][0-9a-fA-F]{1,6};?|&#[0-9]{1,7};?"
)
ESCAPE = re.compile(_ESCAPE)
# A run that starts with an escape and goes on over escapes, letters, digits and what an address is made of: the
# letters before it are added by `escaped_spans`. Its parts cannot both match at one place (an escape starts with
# a backslash or `&#`): no backtracking, whatever the text.
ESCAPED_RUN = re.compile(rf"(?:{_ESCAPE})(?:{_ESCAPE}|[^\W_]|[.@+-])*")
ESCAPE_NEEDLES = frozenset({"\\", "&#"})
# Short string or character literals, two or more, strung together by `+`, a comma (an array of characters) or
# nothing (C's and Python's adjacent literals): `"Lo" + "velace"`, `{'A', 'd', 'a'}`. At most
# `MAX_PIECES` a run; a literal with a backslash in it is not read here (its escapes are `ESCAPED_RUN`'s).
MAX_PIECES = 40
# An empty literal (`""`) next to a third quote is no literal: it is a triple-quoted string's delimiter (Python's
# `"""hello Ada"""` read as `""`, `"hello Ada"`, `""` was rebuilt as one `"hello [candidate]"`, its quotes lost).
_LITERAL = r"\"[^\"\\\n]{1,40}\"|(?<!\")\"\"(?!\")|'[^'\\\n]{1,40}'|(?<!')''(?!')"
LITERAL = re.compile(_LITERAL)
LITERAL_RUN = re.compile(rf"(?:{_LITERAL})(?:[ \t]*[+,]?\s*(?:{_LITERAL})){{1,{MAX_PIECES - 1}}}")
LITERAL_NEEDLES = frozenset({"'", '"'})
# A Python f-string (`f"..."`, `rf'...'`) on one line: its text, its `{{`/`}}`, escapes and fields. A field that is
# only a string literal (`{'lace'}`, `{"Love"!s}`: `LITERAL_FIELD`) is glued to the text around it when the program
# runs, so the f-string is read with those fields as their text; other fields (`{x}`, `{'-' * 10}`) stay as written.
# Each part starts with a different character (or `{{` against `{` and a field's first character): linear.
_FSTRING_BODY = r"(?:[^{q}\\\n{{}}]|\\.|\{{\{{|\}}\}}|\{{[^{{}}{q}\n]{{1,80}}\}}){{0,400}}"
FSTRING = re.compile(
    r"(?<![\w\"'])(?:[fF][rR]?|[rR][fF])(?:\""
    + _FSTRING_BODY.format(q='"')
    + r"\"|'"
    + _FSTRING_BODY.format(q="'")
    + r"')"
)
LITERAL_FIELD = re.compile(r"""\{\s*(?:'([^'\\\n{}]{0,40})'|"([^"\\\n{}]{0,40})")\s*(?:![rsa]\s*)?\}""")
FSTRING_NEEDLES = frozenset({"f'", 'f"'})
# Character codes, three or more, as code writes a list or a sum of them: `76, 111, 118`, `chr(76)+chr(111)`,
# `(char) 76 + (char) 111`, `0x4c, 0x6f`.
_CODE = r"(?:0[xX][0-9a-fA-F]{2}|[0-9]{2,3})(?![\w.])"
_CODE_BETWEEN = (
    r"(?:\)?[ \t]*[,+;][ \t\n]*(?:(?:chr|char|Character\.toChars)[ \t]*\(|\((?:char|int)\)[ \t]*)?|[ \t]+)"
)
CODE_RUN = re.compile(rf"(?<![\w.]){_CODE}(?:{_CODE_BETWEEN}{_CODE}){{2,{MAX_PIECES - 1}}}")
MIN_LETTERS = 0.8  # of the characters that codes decode to, letters (or what a name or address holds)
# What a replacement holds when the decoded text had the candidate's name or contact details in it.
FOUND = ("[candidate]", "[email]", "[link]", "[phone]")

Reveals = Callable[[str], str | None]


def unescape(text: str) -> str:
    """`text` with its escapes (`ESCAPE`) decoded; an escape that decodes to no character stays as written."""

    def one(m: re.Match[str]) -> str:
        e = m.group()
        try:
            if e.startswith("\\N{"):
                return unicodedata.lookup(e[3:-1])
            if e.startswith("&#"):
                body = e[2:].rstrip(";")
                code = int(body[1:], 16) if body[:1] in "xX" else int(body)
            elif e[1] in "uUx":
                code = int(e[2:].strip("{}"), 16)
            else:
                code = int(e[1:], 8)
            return chr(code) if 0 < code <= 0x10FFFF else e
        except (KeyError, ValueError):
            return e

    return ESCAPE.sub(one, text)


def escaped_spans(text: str, start: int, end: int, reveals: Reveals) -> list[tuple[int, int]]:
    """`Rule.refine` for an `ESCAPED_RUN`, with the letters and digits just before it: its span when decoded it
    reveals the name or a contact detail."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    return [(start, end)] if reveals(_decoded_escapes(text[start:end])) is not None else []


@lru_cache(maxsize=256)  # a run is decoded to be judged, then again for its replacement
def _decoded_escapes(run: str) -> str:
    decoded = unescape(run)
    for _ in range(2):  # escaped twice over (`\x5cx41`): at most three rounds
        if "\\" not in decoded and "&#" not in decoded:
            break
        decoded = unescape(decoded)
    return decoded


def escaped_replacement(run: str, reveals: Reveals) -> str:
    """`Rule.replace` for an escaped run: its decoded text redacted."""
    return reveals(_decoded_escapes(run)) or run


def _joined(run: str) -> str:
    return "".join(m.group()[1:-1] for m in LITERAL.finditer(run))


def _strung(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a `LITERAL_RUN` whose literals are joined: a comma joins only characters (`{'A', 'd', 'a'}`);
    between longer strings it separates the items of a list (`["love", "lace"]` is two words of data)."""
    pieces = list(LITERAL.finditer(text, start, end))
    groups: list[list[re.Match[str]]] = [[pieces[0]]]
    for before, piece in itertools.pairwise(pieces):
        comma = "," in text[before.end() : piece.start()]
        if comma and (len(before.group()) != 3 or len(piece.group()) != 3):
            groups.append([piece])
        else:
            groups[-1].append(piece)
    return [(g[0].start(), g[-1].end()) for g in groups if len(g) > 1]


def literal_spans(text: str, start: int, end: int, reveals: Reveals) -> list[tuple[int, int]]:
    """`Rule.refine` for a `LITERAL_RUN`: the parts of it (`_strung`) whose literals joined reveal the name or a
    contact detail."""
    return [(s, e) for s, e in _strung(text, start, end) if reveals(_joined(text[s:e])) is not None]


def literal_replacement(run: str, reveals: Reveals) -> str:
    """`Rule.replace` for a run of literals: one literal of their joined text, redacted."""
    quote = run[:1]
    return f"{quote}{reveals(_joined(run)) or _joined(run)}{quote}"


def _fstring_parts(run: str) -> tuple[str, str] | None:
    """An `FSTRING`'s prefix with its quote, and its text with its literal fields glued in; None: it has none."""
    quote = next(i for i, c in enumerate(run) if c in "\"'")
    body = run[quote + 1 : -1]
    glued = LITERAL_FIELD.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), body)
    return (run[: quote + 1], glued) if glued != body else None


def fstring_spans(text: str, start: int, end: int, reveals: Reveals) -> list[tuple[int, int]]:
    """`Rule.refine` for an `FSTRING`: its span when its text, with its literal fields glued in, reveals the name or
    a contact detail."""
    parts = _fstring_parts(text[start:end])
    return [(start, end)] if parts is not None and reveals(parts[1]) is not None else []


def fstring_replacement(run: str, reveals: Reveals) -> str:
    """`Rule.replace` for an f-string: the same f-string, its glued text redacted (its other fields kept)."""
    parts = _fstring_parts(run)
    if parts is None:
        return run
    opening, glued = parts
    return f"{opening}{reveals(glued) or glued}{opening[-1]}"


def _decoded_codes(run: str) -> str | None:
    """The characters a run of codes stands for, or None when they are not mostly letters."""
    chars = []
    for m in re.finditer(r"0[xX][0-9a-fA-F]{2}|[0-9]{2,3}", run):
        code = int(m.group(), 16) if m.group()[1:2] in "xX" else int(m.group())
        chars.append(chr(code) if 32 <= code < 127 else " ")
    decoded = "".join(chars)
    letters = sum(c.isalpha() or c in " .@_+-" for c in decoded)
    return (
        decoded if sum(c.isalpha() for c in decoded) >= 3 and letters >= MIN_LETTERS * len(decoded) else None
    )


def code_spans(text: str, start: int, end: int, reveals: Reveals) -> list[tuple[int, int]]:
    """`Rule.refine` for a `CODE_RUN`: its span when the characters of its codes reveal the name or a contact
    detail."""
    decoded = _decoded_codes(text[start:end])
    return [(start, end)] if decoded is not None and reveals(decoded) is not None else []


def code_replacement(run: str, reveals: Reveals) -> str:
    """`Rule.replace` for a run of codes: the characters they stand for, redacted."""
    decoded = _decoded_codes(run)
    return (reveals(decoded) if decoded is not None else None) or run


def revealing(redact: Callable[[str], str]) -> Reveals:
    """`reveals` from a redaction of text as a program's output: the redacted text when it replaced the name or a
    contact detail (not only a gendered word or a handle, which code keeps in its strings), else None."""

    def reveals(text: str) -> str | None:
        out = redact(text)
        return out if any(f in out and f not in text for f in FOUND) else None

    return reveals
