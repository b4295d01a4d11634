"""Text a candidate, an ATS or an organisation wrote, as the files people download write it, so that a file opened
elsewhere (a spreadsheet, a terminal) shows it as the text it is.

**CSV cells** (the history export, api/db/history_repo.py). A spreadsheet reads a cell that starts with `=`, `+`,
`-` or `@` as a formula, and where a cell starts depends on the reader, not on the file: Excel splits a line at the
list separator of the computer's locale (";" in German or French ones), other readers guess a tab or a "|", and a
reader splitting there takes the file's quotes for text (they are mid-cell for it), so a line break inside a quoted
cell ends its row. A rule on the first character only left `Ada;=HYPERLINK("http://x","y")` a formula there. One
rule covers every such reader: each piece of a text cell that starts the cell or follows a character a spreadsheet
may split at (`BOUNDARIES`: ";", "|", a tab and every line break) gets a leading apostrophe when its first
character, after any a spreadsheet may skip (`SKIPPED`: every blank, control, format or invisible character, and the
double quote that opens a quoted cell), is a sign (`SIGNS`: the four and every character Unicode's compatibility
form reads as one: the full-width U+FF1D, U+FF0B, U+FF0D, U+FF20, and small, superscript and subscript ones). The
comma needs no rule: it is the file's own separator, and PostgreSQL quotes every cell that holds one. A cell that
starts with a tab or a carriage return also gets one (OWASP's list), whatever follows. A separator chosen by hand in
an import dialog (a space, or any "other" character) is not covered: every "a - b" would change.

**JSON** (`session.json` and the JSON export). JSON writers escape C0 controls but write DEL, the C1 controls
(U+009B is a terminal's CSI, as ESC "[" is) and the characters that reorder or hide text raw: `cat` of the file
could drive a terminal or show text in another order. `escape_json` writes each of `JSON_ESCAPED` as `\\uXXXX` (a
surrogate pair past U+FFFF); they only ever occur inside JSON strings, so the JSON read back is the same.
"""

from __future__ import annotations

import re
import unicodedata

from grader.invisible import IGNORABLE

# The four signs and every character whose compatibility form (NFKC) is one of them (the same in Unicode 9.0 to
# 17.0; tests/api/test_export_text.py checks it against Python's unicodedata).
SIGNS = "+\\-=@\u207a\u207c\u208a\u208c\ufb29\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20"
# Where a spreadsheet may start a cell inside ours: its list separator (";"), the separators it may guess (tab,
# "|"), and every line break (Python's str.splitlines: LF, VT, FF, CR, FS, GS, RS, NEL, LS, PS).
LINE_BREAKS = "\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029"
BOUNDARIES = ";|\t" + LINE_BREAKS
# What a spreadsheet may skip before a formula's sign: every control (Cc), format character (Cf), space or
# separator (Zs, Zl, Zp), white space and default-ignorable character (grader/invisible.py), and the double quote.
_BLANKS = (
    "\x01-\x20\x7f-\xa0\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u1680\u17b4\u17b5"
    "\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
SKIPPED = '"' + _BLANKS + IGNORABLE  # a character class's contents (with ranges)


def _members(char_class: str) -> set[int]:
    """The code points a character class's contents name (single characters and "a-b" ranges)."""
    out: set[int] = set()
    i = 0
    while i < len(char_class):
        if char_class[i] == "\\":  # an escaped "-" (the only escape these classes use)
            out.add(ord(char_class[i + 1]))
            i += 2
        elif i + 2 < len(char_class) and char_class[i + 1] == "-":
            out.update(range(ord(char_class[i]), ord(char_class[i + 2]) + 1))
            i += 3
        else:
            out.add(ord(char_class[i]))
            i += 1
    return out


def _pg_class(points: set[int]) -> str:
    """A PostgreSQL regular expression's bracket expression naming `points`, as escapes (ranges where they run)."""

    def esc(c: int) -> str:
        return f"\\u{c:04x}" if c < 0x10000 else f"\\U{c:08x}"

    parts: list[str] = []
    ordered = sorted(points)
    start = prev = ordered[0]
    for c in [*ordered[1:], -1]:
        if c == prev + 1:
            prev = c
            continue
        parts.append(esc(start) if start == prev else f"{esc(start)}-{esc(prev)}")
        start = prev = c
    return "[" + "".join(parts) + "]"


SIGN_POINTS = _members(SIGNS)
BOUNDARY_POINTS = _members(BOUNDARIES)
SKIPPED_POINTS = _members(SKIPPED)

# A piece's start (the cell's, or just after a boundary), what may be skipped that is not itself a boundary (the
# last boundary before a sign starts the piece), and the sign: the apostrophe goes after the start.
_START = f"(^|{_pg_class(BOUNDARY_POINTS)})"
_SKIP = f"({_pg_class(SKIPPED_POINTS - BOUNDARY_POINTS)}*)"
CELL_FORMULA = f"{_START}{_SKIP}({_pg_class(SIGN_POINTS)})"
CELL_FORMULA_REPLACEMENT = "\\1'\\2\\3"

# For a JSON text written into a CSV cell (the export's metadata): its boundaries as JSON escapes, so no piece of it
# starts after one and its JSON reads back the same (a boundary only ever occurs inside a JSON string).
JSON_CELL_ESCAPES = {c: f"\\u{ord(c):04x}" for c in ";|\x85\u2028\u2029"}

# --- JSON ---------------------------------------------------------------------------------------------------------

# DEL, the C1 controls, and every format, invisible or line/paragraph separator character: what may be skipped
# before a sign but the C0 controls (every JSON writer escapes them), the double quote and the spaces (Zs).
JSON_ESCAPED = frozenset(c for c in SKIPPED_POINTS if c >= 0x7F and unicodedata.category(chr(c)) != "Zs")
_JSON_ESCAPED_RE = re.compile(_pg_class(set(JSON_ESCAPED)))


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escape_json(text: str) -> str:
    """A JSON text with each of `JSON_ESCAPED` written as its `\\u` escape: the same JSON, none of them raw. ASCII
    text is only searched for DEL (a regular expression reads about 30 ns a character; `isascii` far less)."""
    if text.isascii():
        return text.replace("\x7f", "\\u007f")
    return _JSON_ESCAPED_RE.sub(lambda m: _json_escape(m[0]), text)
