"""Patterns for words in any script: literal terms as whole words, including in scripts written without spaces
(Han, kana, Hangul, Thai), compiled cheaply until a text needs the costlier bounds (grader.redact's rules)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

# Scripts written without spaces between words and without capitals (Han, kana, Hangul in its matching form of
# jamo, Thai): a name there is not set apart by a word boundary ("我是张伟").
UNSPACED = (
    "\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
)


# Case-sensitive whatever the pattern's flags: those scripts have no case, and under re.I the compiler folds every
# character of their ranges (18 ms a pattern, most of the cost of a session's redactor, rebuilt for each name).
_WORD_START = rf"(?-i:(?<!\w)|(?<=[{UNSPACED}])|(?=[{UNSPACED}]))"
_WORD_END = rf"(?-i:(?!\w)|(?=[{UNSPACED}])|(?<=[{UNSPACED}]))"


HAS_UNSPACED = re.compile(f"[{UNSPACED}]")


def bounded(term: str) -> str:
    """`term` as a word: not inside another word, except in a script written without spaces (`UNSPACED`)."""
    return f"{_WORD_START}{term}{_WORD_END}"


class Words:
    """`term` as a word (`bounded`), compiled the cheap way until a text needs the other. Where a text holds no
    character of a script without spaces, a word's bounds are just `(?<!\\w)` and `(?!\\w)`: the same matches, from
    a pattern without the ranges of those scripts, whose compilation (7 ms a pattern, for each session's name) was
    most of what grading a session cost. The full pattern is compiled for the first text that needs it."""

    def __init__(self, term: str, flags: int = 0, literals: frozenset[str] | None = None) -> None:
        self.term, self.flags = term, flags
        self.plain = re.compile(rf"(?<!\w){term}(?!\w)", flags)
        self._full: re.Pattern[str] | None = None
        self.literals = literals  # the words it matches, when they are literal (grader/needles.py reads them)

    @property
    def full(self) -> re.Pattern[str]:
        if self._full is None:
            self._full = re.compile(bounded(self.term), self.flags)
        return self._full

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        return self.for_text(text).finditer(text, pos, len(text) if endpos is None else endpos)

    def for_text(self, text: str, unspaced: bool | None = None) -> re.Pattern[str]:
        """The pattern for `text`; `unspaced`: whether it holds a character of `UNSPACED`, when already known."""
        if unspaced is None:
            unspaced = HAS_UNSPACED.search(text) is not None
        return self.full if unspaced else self.plain


def alternation(terms: Iterable[str], flags: int = 0) -> Words:
    """Any of the literal `terms` as a word, the longest where several match at one place."""
    return compiled_alternation(frozenset(terms), flags)


@lru_cache(maxsize=256)  # the gendered words' are the same for every session, and each is a tree to build
def compiled_alternation(unique: frozenset[str], flags: int) -> Words:
    if flags & re.I and not all(t.isascii() for t in unique):
        ordered = sorted(unique, key=len, reverse=True)
        return Words("(?:" + "|".join(re.escape(t) for t in ordered) + ")", flags, unique)
    return Words(f"(?:{trie({t.lower() for t in unique} if flags & re.I else unique)})", flags, unique)


def trie(terms: Iterable[str]) -> str:
    """A regex matching exactly `terms`, shaped as a tree of their prefixes: at each place the engine follows the
    one branch the next character allows, rather than trying every term in turn (a hundred gendered words tried at
    every word of every line were a large part of a grading bundle's cost). Longer terms come first, as in a
    longest-first alternation: a branch's continuation is greedy, and ending the term there is what is left. Terms
    that differ only in case must be given once (lower-cased, under re.I): the branches of one character and the
    other would otherwise be tried one after the other, the shorter term first."""
    tree: dict[str, Any] = {}
    for term in terms:
        node = tree
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}  # a term ends here

    def emit(node: dict[str, Any]) -> str:
        branches = []
        for ch, child in sorted(node.items()):
            if not ch:
                continue
            # A chain of nodes with one way on is one literal: the recursion goes as deep as the tree branches, not
            # as long as a term is (a candidate's self-introduced "name" of 4,000 letters overflowed the stack).
            chain = [ch]
            while len(child) == 1 and "" not in child:
                ((ch, child),) = child.items()
                chain.append(ch)
            branches.append(re.escape("".join(chain)) + emit(child))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)
