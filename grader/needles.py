"""Literals a pattern's every match holds ("needles"), read from the pattern itself, so that grader/redact.py skips
the scan of a text holding none of them: most of a session's lines hold no link, platform, bracket or name, and a
redaction rule's regex, which opens with a lookbehind, is otherwise tried at every position of every text.

`required` reads the pattern's parse: a sequence of literals (and small classes, `[?&]`) is a set of exact strings;
a repeat that may match nothing, a large class or a group reference knows nothing; an alternation needs one of its
branches' literals. Of the sets a sequence requires, the most selective is kept (the longest shortest literal). A
set is used only when it is sound against the text in lower case (`gate`): the regex engine's IGNORECASE also
matches a few letters whose lower case differs (the dotless i, U+0131, matches `i`; the long s, U+017F, `s`; Greek's
final and medial sigma each other), so a needle with one of them is not used, and a text holding one is always
scanned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes (tests/grader/test_needles.py)
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from grader.word_patterns import Words, trie

# Characters that `re.IGNORECASE` matches to a letter other than their `str.lower()` (the dotless i, the long s, the
# Kelvin sign's neighbours in Greek and Cyrillic, ...): computed from the engine's own tables in
# tests/grader/test_needles.py, which fails when a Python release changes them.
FOLD_EXCEPTIONS = frozenset(
    "\u0130\u0131\u017f\u0345\u0390\u03b0\u03b2\u03b5\u03b8\u03b9\u03ba\u03bc\u03c0\u03c1\u03c2\u03c3\u03c6\u03d0"
    "\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u0432\u0434\u043e\u0441\u0442\u044a\u0463\u1c80\u1c81\u1c82\u1c83\u1c84"
    "\u1c85\u1c86\u1c87\u1c88\u1e61\u1e9b\u1fbe\u1fd3\u1fe3\ua64b\u00b5\ufb05\ufb06"
)
_FOLD_EXCEPTION = re.compile("[" + "".join(sorted(FOLD_EXCEPTIONS)) + "]")
MAX_STRINGS = 64  # an exact set past this many strings is not multiplied further
MAX_CLASS = 8  # a class of more characters than this is any character
MAX_REPEATS = 4  # a repeat of an exact part up to this many times is exact too
MAX_NEEDLES = 128  # a requirement of more literals than this costs more to look for than it saves
MAX_COMMON = 8  # a list with a two-letter word is used up to this many literals


@dataclass(frozen=True)
class _Info:
    exact: frozenset[str] | None  # the part matches exactly one of these (lower case); None: not known
    required: frozenset[str] | None  # its every match holds one of these; None: nothing known


_ANY = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)


def _as_required(strings: frozenset[str] | set[str]) -> frozenset[str] | None:
    return None if "" in strings else frozenset(strings)


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two requirements a match meets both of: the longer shortest literal, then fewer."""
    if a is None or b is None:
        return a if b is None else b
    return max(a, b, key=lambda s: (min(map(len, s)), -len(s)))


def _sequence(items: list[tuple[Any, Any]]) -> _Info:
    chain: set[str] = {""}
    best: frozenset[str] | None = None
    whole = True
    for op, av in items:
        info = _node(op, av)
        if info.exact is not None and len(chain) * len(info.exact) <= MAX_STRINGS:
            chain = {a + b for a in chain for b in info.exact}
            continue
        whole = False
        best = _better(best, _as_required(chain))
        if info.exact is not None:
            chain = set(info.exact)
        else:
            best = _better(best, info.required)
            chain = {""}
    if whole:
        return _Info(frozenset(chain), _as_required(chain))
    return _Info(None, _better(best, _as_required(chain)))


def _lower(c: str) -> str | None:
    """`c` as its needle: in lower case, or None when IGNORECASE folds it otherwise (`İ` also matches `i`)."""
    low = c.lower()
    return None if c in FOLD_EXCEPTIONS or len(low) != 1 or low in FOLD_EXCEPTIONS else low


def _node(op: Any, av: Any) -> _Info:  # one return per kind of node
    if op is sre.LITERAL:
        low = _lower(chr(av))
        return _ANY if low is None else _Info(frozenset({low}), None)
    if op is sre.IN:
        chars: set[str | None] = set()
        for item_op, item in av:
            if item_op is sre.LITERAL:
                chars.add(_lower(chr(item)))
            elif item_op is sre.RANGE and item[1] - item[0] < MAX_CLASS:
                chars.update(_lower(chr(c)) for c in range(item[0], item[1] + 1))
            else:
                return _ANY  # a negated class, a category, a large range
        if None in chars or not 0 < len(chars) <= MAX_CLASS:
            return _ANY
        return _Info(frozenset(c for c in chars if c is not None), None)
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return _EMPTY  # zero-width
    if op is sre.SUBPATTERN:
        return _sequence(av[3].data)
    if op is sre.ATOMIC_GROUP:
        return _sequence(av.data)
    if op is sre.BRANCH:
        branches = [_sequence(b.data) for b in av[1]]
        exacts = [b.exact for b in branches]
        if all(e is not None for e in exacts) and sum(len(e) for e in exacts if e) <= MAX_STRINGS:
            union = frozenset().union(*(e for e in exacts if e is not None))
            return _Info(union, _as_required(union))
        needed = [b.required if b.exact is None else _as_required(b.exact) for b in branches]
        if any(n is None for n in needed):
            return _ANY
        union = frozenset().union(*(n for n in needed if n is not None))
        return _Info(None, union) if len(union) <= MAX_NEEDLES else _ANY
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        info = _sequence(sub.data)
        if low == high == 1:
            return info
        if info.exact is not None and high <= MAX_REPEATS:  # `(?:s)?`, `\d{3}`: each count's strings
            exact: set[str] = set()
            power = {""}
            for count in range(high + 1):
                if count >= low:
                    exact |= power
                power = {a + b for a in power for b in info.exact}
                if len(exact) + len(power) > MAX_STRINGS:
                    break
            else:
                return _Info(frozenset(exact), _as_required(exact))
        if low == 0:
            return _ANY
        return _Info(None, info.required if info.exact is None else _as_required(info.exact))
    return _ANY  # any character, a category, a group reference, a conditional


def _useful(needles: frozenset[str] | None) -> frozenset[str]:
    """The needles, or none (always scan) when they are unsound in lower case or too common to skip anything: a
    single letter or digit is in nearly every text, and a long list with two-letter words (`at`, `co`, `my`) holds
    one of them nearly as often."""
    if not needles or any(_FOLD_EXCEPTION.search(n) for n in needles):
        return frozenset()
    short = [n for n in needles if len(n) < 3 and n.isalnum()]
    if any(len(n) == 1 for n in short) or (short and len(needles) > MAX_COMMON):
        return frozenset()
    return needles


@lru_cache(maxsize=1024)  # the module's rules are the same for every session; a name's are built once each
def _required(pattern: str, flags: int) -> frozenset[str]:
    try:
        parsed = _parser.parse(pattern, flags)
    except (re.error, TypeError, ValueError):
        return frozenset()
    info = _sequence(parsed.data)
    return _useful(info.required if info.exact is None else _as_required(info.exact))


def required(pattern: re.Pattern[str] | Words) -> frozenset[str]:
    """Literals (lower case), one of which is in every match of `pattern`; empty: no such set is known."""
    if isinstance(pattern, Words) and pattern.literals is not None:  # its matches are its words: no parse
        lowered = {_lower_word(w) for w in pattern.literals}
        return frozenset() if None in lowered else _useful(frozenset(w for w in lowered if w is not None))
    compiled = pattern.plain if isinstance(pattern, Words) else pattern
    return _required(compiled.pattern, compiled.flags)


def _lower_word(word: str) -> str | None:
    letters = [_lower(c) for c in word]
    return None if None in letters else "".join(c for c in letters if c is not None)


def sound_for(text: str) -> bool:
    """Whether needles can be looked for in `text.lower()`: it holds no letter that IGNORECASE folds otherwise."""
    return _FOLD_EXCEPTION.search(text) is None


class Needles:
    """Literals (lower case) one of which a text must hold to be scanned, and how to look for them: a few by
    substring, more in one search of a tree of their prefixes."""

    __slots__ = ("_search", "strings")

    def __init__(self, strings: frozenset[str]) -> None:
        self.strings = strings
        self._search = re.compile(trie(strings)).search if len(strings) > FEW else None

    def __bool__(self) -> bool:
        return bool(self.strings)

    def any_in(self, lower: str) -> bool:
        if self._search is not None:
            return self._search(lower) is not None
        return any(n in lower for n in self.strings)


FEW = 8  # up to this many needles, substring tests are quicker than a search (and than compiling one)


@lru_cache(maxsize=1024)
def gate(own: frozenset[str], pattern: re.Pattern[str] | Words) -> Needles:
    """The needles a rule's text must hold: its own (`own`, lower case) if sound, else those its pattern requires."""
    if own:
        return Needles(frozenset() if any(_FOLD_EXCEPTION.search(n) for n in own) else own)
    return Needles(required(pattern))
