"""A signature in code or in what a program prints (grader/redact.py): the author a candidate names where no name rule
knows them, a name not on file or a handle (`@author zqdev`, `__author__ = "Priya Raman"`, `# Author: zq_dev`,
`// written by Priya Raman`, `# autor: zqdev`, `print("made by zq.dev")`), replaced as `[candidate]`.

What decides:
- a label that says author (`@author` and `__author__ =` anywhere in code, and a constant named for the author,
  `AUTHOR = "..."`, `const authorName = '...'`, not indented or a class's `static final`; "author:", "autor:",
  "auteur:" in a comment or a program's output, since in code `author: str` is a field, and only as a label, not a
  word of a sentence: no letter or digit before it on its line but across a punctuation mark, so "# the author: Knuth"
  of a book's data stays): what follows is theirs, one to three words to the end of the line, a punctuation mark or a
  word of the sentence's own ("Author: zqdev (github)" takes "zqdev"); a name the label gives in lower case letters is
  so in each of its words ("author: priya raman", 2026-12-05: its surname had stayed);
- a verb of making with "by" ("written by", "created by", "escrito por", "geschrieben von", ...): only a word
  written as a name (a capital, then lower case: "Priya Raman", not `DP`, `HashMap`, nor an everyday word or an
  algorithm's eponym: "made by Dijkstra") or as a handle (letters with digits, `_` or `.`, not all capitals:
  `zq_dev`, `zqdev42`, not `MAX_N`) and up to two more names after it, on the cue's line, so "written by hand",
  "sorted by key", "created by the loop" and a call ("written by save_data()") stay; after a word that names the
  solving ("solved by", "solution by", "code by", "resuelto por"), what follows is as often the method, title-cased
  in a heading ("Solution by Binary Search", "solved by Sorting", "code by Python"): a name only as a full name (two
  words or more) none of whose words is one of a method's (`_METHOD_WORDS`), or a handle.
"""

from __future__ import annotations

import re

from grader.everyday_words import CODE_EPONYMS, COMMON_WORDS
from grader.intro_words import weak_name
from grader.spoken import BOUNDARY
from grader.word_patterns import HAS_UNSPACED

_MADE = (
    r"written|created|coded|made|solved|authored|signed|submitted|solution|code|escrito|hecho|creado"
    r"|resuelto|programado|codigo|ecrit|cree|fait|geschrieben|erstellt|programmiert"
)
# Words of solving rather than of making: a method follows them as often as a person ("Solution by Sorting").
_SOLVING = frozenset({"solved", "solution", "code", "resuelto", "codigo"})
# Words of a method's name, written as a name in a heading ("Solution by Binary Search", "solved by Dynamic
# Programming", "code by Python"): after a word of solving, a full name with one of them is the method.
_METHOD_WORDS = frozenset(
    """
    binary linear search brute force dynamic programming greedy divide conquer union find disjoint two three
    pointers pointer sliding prefix suffix sums merge quick counting radix bucket topological depth breadth first
    monotonic hashing hash table trie segment tree bit manipulation backtracking recursion memoization tabulation
    iteration simulation math graph traversal sorting sort heap queue deque stack set map bitmask bitmasking python
    java javascript typescript rust kotlin swift ruby golang scala
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# Anywhere in code: a doc tag or Python's module attribute, and a verb of making with "by" (in a string too:
# `print("made by zq.dev")`); a constant of the module's, not indented, that says who wrote it (`AUTHOR = "Priya
# Raman"`, `const authorName = 'zq_dev';`, 2026-12-05: as `__author__` is), or a constant indented in a
# class (`private static final String AUTHOR = "Priya Raman";`); a variable inside a function or a class, `author =
# row["author"]`, `book.author = "Knuth"`, is data.
_INDENTED_CONSTANT = r"(?:[ \t]+(?=(?:(?:public|private|protected|static)[ \t]+)*(?:final|const)[ \t]))?"
_DECLARED = r"(?:(?:export|const|let|var|static|final|public|private|protected|string|str)[ \t]+)*"
# Who git records as a commit's author, in a command or its settings (2026-12-05, graderI4): `git config user.name
# "Kwame Mensah"`, `git config --global user.email zq`, `git -c user.name=zq commit`, `git commit --author "Priya Raman
# <p@x.io>"`, `GIT_AUTHOR_NAME=zq`, and said ("git config user dot name Priya Raman"). What follows is theirs.
_GIT_IDENTITY = (
    r"git(?:[ \t]+-c|[ \t]+config(?:[ \t]+--?[\w-]+)*)[ \t]+user(?:\.|[ \t]+dot[ \t]+|[ \t]+)(?:name|email)"
    r"(?:[ \t]*=[ \t]*|[ \t]+)[\"'`]?[ \t]*"
    r"|git[ \t]+commit\b[^\n]{0,200}?--author(?:[ \t]*=[ \t]*|[ \t]+)[\"'`]?[ \t]*"
    r"|git_(?:author|committer)_(?:name|email)[ \t]*=[ \t]*[\"'`]?[ \t]*"
)
AUTHOR_CUE = re.compile(
    rf"(?<![\w-])(?:(?P<label>@author[ \t]+|__author__[ \t]*=[ \t]*[\"'`]?[ \t]*|{_GIT_IDENTITY}"
    rf"|(?<=^){_INDENTED_CONSTANT}{_DECLARED}author_?(?:name)?(?:[ \t]*:[ \t]*str)?[ \t]*=[ \t]*[\"'`][ \t]*)"
    rf"|(?P<verb>{_MADE})[ \t]+(?:by|por|par|von)[ \t]+)",
    re.IGNORECASE | re.MULTILINE,
)
# In a comment or a program's output only (in code, `author: str` is a field and `by=` an argument): a label.
# Also a label of who keeps or signs the code ("Maintainer:", "Signed-off-by:", "Co-authored-by:", "Reviewed-by:",
# "Contributor:"), and a copyright with its years ("# Copyright (c) 2026 Priya Raman", "// (c) Priya Raman", "# ©
# 2025-2026 zq_dev").
_YEARS = r"(?:[ \t]+\d{4}(?:[ \t]*[-\u2013,][ \t]*\d{4})*,?)?"
AUTHOR_LABEL = re.compile(
    r"(?<![\w-])(?P<label>(?:author|autor|auteur|autorin|maintainer|maintained[ \t]+by|signed(?:-off-by)?"
    # git's trailers that name a person ("Co-authored-by: Priya Raman <...>", "Reviewed-by: ...").
    r"|(?:co-authored|co-developed|reviewed|acked|tested|reported|suggested|helped|mentored|requested)-by"
    r"|contributor|firmado)[ \t]*:[ \t]*[\"'`]?[ \t]*"
    # Who a label says to reach or who owns or sent the work (2026-12-05, graderI4: "# Contact: Priya Raman", "Owner:
    # zq_dev", "Submitted by: ..."): a thing follows them as often ("# owner: parent node", "# Contact: support"),
    # so only a name or a handle, as after a verb of making (a lower-case word alone, "contact: zqdev", stays).
    r"|(?P<person>(?:contact(?:[ \t]+(?:person|name))?|point[ \t]+of[ \t]+contact|poc|owner|owned[ \t]+by"
    r"|submitter|submitted[ \t]+by|prepared[ \t]+by|written[ \t]+by|applicant|interviewee|student"
    r"|contacto|propietario|enviado[ \t]+por)[ \t]*[:\u2013\u2014-][ \t]*[\"'`]?[ \t]*)"
    rf"|(?:copyright(?:[ \t]*(?:\(c\)|\u00a9))?|\(c\)|\u00a9){_YEARS}[ \t]+(?:by[ \t]+)?)",
    re.IGNORECASE,
)
_WORD = re.compile(r"@?[^\W_][\w.'-]*[\w]|@?[^\W_]")
_AS_NAME = re.compile(r"[^\W\d_][^\W\d_A-Z]*(?:['-][^\W\d_][^\W\d_A-Z]+)?")
_SPACE = re.compile(r"[ \t]+")
_SHAPED = re.compile(r"[._]|[^\W\d_]\d|\d[^\W\d_]")  # `zq_dev`, `zq.dev`, `zqdev42` (not `HashMap`)


def _theirs(word: str, first: bool, labelled: bool, lower_case: bool = False) -> bool:
    """`word` can be (a piece of) who signs: see the module's rules. `lower_case`: after a label whose first word is
    written in lower case letters ("author: priya raman"), the name's next words are written so too."""
    bare = word.lstrip("@").rstrip(".")
    lower = bare.lower()
    if lower in BOUNDARY or (lower in COMMON_WORDS and not bare[:1].isupper()) or HAS_UNSPACED.search(bare):
        return False  # a name in Han, kana or Hangul is matched without word bounds by the rules for names
    if first and labelled:
        return True
    if lower_case and bare.isalpha() and bare.islower() and len(bare) > 1 and lower not in CODE_EPONYMS:
        return True
    if lower in COMMON_WORDS or lower in CODE_EPONYMS:
        return False  # "solved by Dijkstra", "made by Hand"
    as_name = len(bare) > 1 and _AS_NAME.fullmatch(bare) is not None  # `Priya`, `O'Brien`, `Jean-Luc`
    shaped = first and bare != bare.upper() and (_SHAPED.search(bare) is not None or word.startswith("@"))
    return (bare[:1].isupper() and as_name) or shaped


def author_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `AUTHOR_CUE` and `AUTHOR_LABEL`: who the label or the verb `text[start:end]` names."""
    cue = AUTHOR_CUE.match(text, start, end) or AUTHOR_LABEL.match(text, start, end)
    labelled = cue is not None and cue.group("label") is not None
    if cue is not None and cue.re is AUTHOR_LABEL and _in_a_sentence(text, start):
        return []
    if labelled and cue is not None and cue.re is AUTHOR_CUE and not _a_tag(cue.group("label")):
        first = _WORD.match(
            text, end
        )  # a constant's value: a name, a handle or a word no list holds, not `'x'`
        if first is None or not _named(first.group()):
            return []
    if cue is not None and cue.groupdict().get("person") is not None:
        labelled = False  # a name or a handle only, as after a verb (`_theirs`): "# owner: parent node" stays
    verb = cue.groupdict().get("verb") if cue is not None else None
    stop = end
    words: list[str] = []
    for n in range(3):
        gap = _SPACE.match(text, stop) if n else None
        at = gap.end() if gap else stop
        m = _WORD.match(text, at)
        lower_case = labelled and bool(words) and words[0].isalpha() and words[0].islower()
        if m is None or not _theirs(m.group(), n == 0, labelled, lower_case) or text.startswith("(", m.end()):
            break  # a word before "(" is a call: "written by save_data()"
        words.append(m.group())
        stop = m.end()
    solving = words and verb is not None and verb.lower() in _SOLVING and not _handle_shaped(words[0])
    # After a word of solving, a name only as a full name, none of whose words is a method's.
    if solving and (len(words) < 2 or any(w.lower() in _METHOD_WORDS for w in words)):
        return []
    return [(end, stop)] if stop > end else []


def _a_tag(label: str) -> bool:
    """The label is `@author` or `__author__ =`, not a constant named for the author."""
    return label.lstrip().lower().startswith(("@author", "__author__"))


def _named(word: str) -> bool:
    """A constant's value that can be who wrote the code: written as a name or a handle, or a lower-case word of
    three letters or more that no list holds (`"priya raman"`; not `'x'`, `"unknown"`, `"none"`)."""
    lower = word.lower()
    if _theirs(word, first=True, labelled=False):
        return True
    return (
        word.isalpha()
        and word.islower()
        and len(word) >= 3
        and lower not in COMMON_WORDS
        and weak_name([word])
    )


def _handle_shaped(word: str) -> bool:
    """`word` is written as a handle (`zq_dev`, `zqdev42`, `@zq`), not as a name."""
    bare = word.lstrip("@").rstrip(".")
    return word.startswith("@") or (bare != bare.upper() and _SHAPED.search(bare) is not None)


def _in_a_sentence(text: str, start: int) -> bool:
    """The label at `start` follows a letter or a digit on its line (spaces between): a word of a sentence ("the
    author: Knuth"), not a label."""
    k = start - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    return k >= 0 and text[k].isalnum()


_GIT = re.compile(_GIT_IDENTITY, re.IGNORECASE)


def said_author_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `AUTHOR_CUE` and `AUTHOR_LABEL` in speech (typed into the chat or said): a label or a verb of
    making where its clause opens ("Contact: Priya Raman", "Okay. Submitted by Priya Raman"; "a book written by
    Robert Martin" is talk about a book), and who git records anywhere ("git config user dot name Priya Raman"); not
    a doc tag's or a constant's form (`@author`, `__author__ =`), which are code's."""
    cue = AUTHOR_CUE.match(text, start, end) or AUTHOR_LABEL.match(text, start, end)
    if cue is None:
        return []
    label = cue.groupdict().get("label") or ""
    git = _GIT.match(label) is not None
    if not git and (_in_a_sentence(text, start) or (cue.re is AUTHOR_CUE and label)):
        return []  # a tag or a constant is code's: "`__author__ =` anywhere in code" is prose about it
    first = _WORD.match(text, end)
    if not git and (first is None or not _named(first.group())):
        return []  # a name, a handle or a word no list holds: "COPYRIGHT HOLDERS BE LIABLE", "Contact: support"
    return author_spans(text, start, end)


def labelled_in_literal(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for a string literal of code (grader/phone_forms.py `STRING_LITERAL`): a signature's label that
    opens it (`"Contact: Priya Raman"`, `'Owner: zq_dev'`, `"Maintainer: ..."`), as in a comment. A label inside a
    sentence of the literal stays, as in a comment."""
    m = AUTHOR_LABEL.search(text, start + 1, end - 1)
    if m is None or text[start + 1 : m.start()].strip(" \t"):
        return []
    return [(a, min(b, end - 1)) for a, b in author_spans(text, m.start(), m.end()) if a < end - 1]
