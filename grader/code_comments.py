"""Where the comments are in a candidate's code, for the four languages we run: a lexer that knows each language's
comment syntax and skips its string and character literals, so that `"#1 @keep"` or `"http://x/@keep"` is not read
as a comment and a comment after a string is still found.

- Python: `#` to the end of the line; strings `'...'`, `"..."`, `'''...'''`, `\"\"\"...\"\"\"` with any prefix
  (`r`, `b`, `f`, `u`, `rb`, `fr`, ...). A triple-quoted string that opens its line (a docstring) is documentation
  and counts as a comment. `//` is floor division.
- JavaScript, Java, C++: `//` to the end of the line and `/* ... */`; strings `"..."` and `'...'`, JavaScript
  template literals, Java text blocks, C++ raw strings `R"delim(...)delim"`. A `'` right after a letter or digit
  that is not a string prefix is C++'s digit separator (`1'000`), not a literal. `#` (a C++ directive, a JavaScript
  private field) is not a comment.
- Unknown language: both comment syntaxes and every literal.

An unterminated one-line literal ends at the end of its line; an unterminated comment or multi-line literal at the
end of the code.
"""

from __future__ import annotations

import re

LANGUAGES = {"python": "python", "javascript": "c", "java": "c", "cpp": "c", "c++": "c"}
PYTHON_PREFIX = re.compile(r"(?i:rb|br|fr|rf|r|b|f|u)$")
C_PREFIX = re.compile(r"(?:u8|u|U|L)?R?$")
RAW_OPEN = re.compile(r'R"([^()\\\s"]{0,16})\(')


def _line_end(code: str, i: int) -> int:
    end = code.find("\n", i)
    return len(code) if end < 0 else end


def _quoted_end(code: str, i: int, quote: str, *, multiline: bool) -> int:
    """The end of a literal whose body starts at `i` and closes with `quote`; a backslash escapes a character."""
    n = len(code)
    while i < n:
        if code[i] == "\\":
            i += 2
        elif code.startswith(quote, i):
            return i + len(quote)
        elif code[i] == "\n" and not multiline:
            return i
        else:
            i += 1
    return n


def _prefix(code: str, i: int) -> str:
    """The identifier characters right before position `i`."""
    j = i
    while j > 0 and (code[j - 1].isalnum() or code[j - 1] == "_"):
        j -= 1
    return code[j:i]


def comment_spans(
    code: str, language: str | None = None, literals: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """The spans of `code` that are comments (Python docstrings included), in order; the spans of its other string
    and character literals are added to `literals` when given."""
    kind = LANGUAGES.get((language or "").lower())
    hash_comments = kind in ("python", None)
    slash_comments = kind in ("c", None)
    spans: list[tuple[int, int]] = []
    n = len(code)
    i = 0
    while i < n:
        c = code[i]
        if (c == "#" and hash_comments) or (c == "/" and slash_comments and code.startswith("//", i)):
            end = _line_end(code, i)
            spans.append((i, end))
            i = end
        elif c == "/" and slash_comments and code.startswith("/*", i):
            close = code.find("*/", i + 2)
            end = n if close < 0 else close + 2
            spans.append((i, end))
            i = end
        elif c in "\"'`":
            start, i = i, _literal(code, i, kind, spans)
            if literals is not None and (not spans or spans[-1][1] != i) and i - start > 1:
                prefix = _prefix(code, start)  # `f"..."`, `R"(...)"`: the prefix is the literal's
                literal_prefix = PYTHON_PREFIX.fullmatch(prefix) or C_PREFIX.fullmatch(prefix)
                literals.append((start - len(prefix) if literal_prefix else start, i))
        else:
            i += 1
    return spans


def _literal(code: str, i: int, kind: str | None, spans: list[tuple[int, int]]) -> int:
    """Skip the literal that opens at `i` (or the lone character, when it opens none); the position after it."""
    c = code[i]
    prefix = _prefix(code, i)
    if c == "`":
        return _quoted_end(code, i + 1, "`", multiline=True) if kind in ("c", None) else i + 1
    if kind in ("c", None) and c == '"' and prefix.endswith("R") and C_PREFIX.fullmatch(prefix):
        raw = RAW_OPEN.match(code, i - 1)
        if raw is not None:
            close = code.find(f'){raw.group(1)}"', raw.end())
            return len(code) if close < 0 else close + len(raw.group(1)) + 2
    if prefix and not (PYTHON_PREFIX.fullmatch(prefix) or C_PREFIX.fullmatch(prefix)) and c == "'":
        return i + 1  # C++'s digit separator (`1'000`), or an apostrophe in a name
    triple = c * 3
    if code.startswith(triple, i) and (c == '"' or kind != "c"):  # Python strings, Java text blocks
        end = _quoted_end(code, i + 3, triple, multiline=True)
        opened = i - len(prefix)
        if kind != "c" and not code[code.rfind("\n", 0, opened) + 1 : opened].strip():
            spans.append((opened, end))  # a docstring: documentation, like a comment
        return end
    return _quoted_end(code, i + 1, c, multiline=False)
