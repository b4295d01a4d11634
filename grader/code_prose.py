"""Prose written in code outside its comments: sentences typed into the editor as they are, which no code writes.

A comment "# I tested every edge case by hand" earns no credit (grader/credit.py): it claims work and shows none.
The same sentence typed on a line of its own, with no `#` before it, is no comment to the lexer
(grader/code_comments.py), and its words counted as the code's identifiers: a snapshot quote of "I walked the
interviewer through duplicates and negative numbers" earned verification and communication as code of theirs.

`prose_spans` finds, outside comments and string literals, a run of three or more words in a row that are not a
keyword of the four languages, with only spaces or tabs between them, on one line; the span is that run with the
keywords around it ("and I tested each one by hand before submitting"). Code never writes three names in a row:
Python has no two adjacent names but soft keywords (`match`, `case`, `type`), and a declaration of Java, C++ or
JavaScript puts at most a type and a name side by side (`ListNode node`), the keywords of the declaration aside
(`public static final`, `unsigned long long`, `for (const x of nums)`). A C++ directive's line (`#pragma GCC
optimize`) is the preprocessor's and not read. A word in a script written without spaces (Han, kana, Hangul,
Thai) outside comments and literals is prose too ("我逐一测试了所有边界情况"): such names are legal in Python, Java and
JavaScript, and no code of the bank has one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from grader.code_comments import comment_spans
from grader.word_patterns import HAS_UNSPACED

PROSE_RUN = 3  # names in a row that make a run prose
WORD = re.compile(r"[^\W\d]\w*")
GAP = re.compile(r"[ \t]+")
# Keywords, contextual keywords and alternative operator tokens of Python, JavaScript, Java and C++: words that stand
# between names with only spaces around them (`x if y else z`, `x of y`, `Shape permits Circle`, `a and b`).
KEYWORDS = frozenset(
    """
    and as assert async await break case catch class const continue def default del delete do elif else enum
    except export extends false final finally for from function global if import in instanceof is lambda let new
    none nonlocal not null nullptr or pass private protected public raise return self static struct super switch
    this throw throws true try typeof undefined using var void while with yield match type of get set
    int long short byte char bool boolean float double auto unsigned signed namespace typename template virtual
    override operator friend inline constexpr consteval constinit volatile mutable register extern sizeof typedef
    union goto abstract interface implements package native transient synchronized strictfp sealed permits record
    non exports requires module noexcept explicit decltype static_cast dynamic_cast reinterpret_cast const_cast
    bitand bitor xor compl not_eq and_eq or_eq xor_eq debugger label print exec
    """.split()  # noqa: SIM905  # a word list reads better as text
)
_DIRECTIVE = re.compile(r"^[ \t]*#", re.MULTILINE)


@lru_cache(maxsize=8)
def prose_spans(code: str, language: str | None) -> tuple[tuple[int, int], ...]:
    """Where `code` has prose outside its comments and string literals (the module's rule), in order."""
    chars = list(code)
    literals: list[tuple[int, int]] = []
    for start, end in (*comment_spans(code, language, literals), *literals):
        chars[start:end] = "\x00" * (end - start)  # no word, no gap: a run does not go on across it
    if (language or "").lower() in ("cpp", "c++"):
        for m in _DIRECTIVE.finditer(code):
            end = code.find("\n", m.end())
            end = len(code) if end < 0 else end
            chars[m.start() : end] = "\x00" * (end - m.start())
    bare = "".join(chars)
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        names = longest = 0
        for word in run:
            names = 0 if word.group(0).lower() in KEYWORDS else names + 1
            longest = max(longest, names)
        if longest >= PROSE_RUN:
            spans.append((run[0].start(), run[-1].end()))
        run.clear()

    for word in WORD.finditer(bare):
        if HAS_UNSPACED.search(word.group(0)):
            spans.append(word.span())
        if run and not GAP.fullmatch(bare, run[-1].end(), word.start()):
            close()
        run.append(word)
    if run:
        close()
    return tuple(sorted(spans))
