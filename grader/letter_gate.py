"""Whether every match of a redaction rule's pattern needs a letter in its text, read from the pattern's parse, so
that grader/redact_apply.py skips the rule on a text without one: most of what a program prints (`[3, 1, 2]`,
`-1`, `{"0": 4}`) is digits, punctuation and spaces, which a rule for a cue word, a name or a word said never
matches, though its regex, opening with a lookbehind, is tried at every position.

A letter here is an ASCII letter or any character outside ASCII (`LETTERED`): the regex engine's IGNORECASE folds
no character to an ASCII digit, punctuation mark or space, nor one of those to anything but itself
(tests/grader/test_letter_gate.py reads that from the engine). `needs_letter` says yes only where it is sure: a
literal letter; a class of letters only (`[a-z]`, `[^\\W\\d_]`); a sequence with one such part; an alternation whose
every branch needs one; a repeat of at least once of one; a lookaround that requires one (the text must hold it
though the match does not). Anything else (a large class, `\\w`, a group reference, a repeat that may match nothing)
is not known to need a letter, and the rule is always scanned.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from grader.word_patterns import Words

# A character that is not an ASCII digit, punctuation mark, space or control: a text without one skips the rules
# whose every match needs a letter.
LETTERED = re.compile(r"[^\x00-\x40\x5b-\x60\x7b-\x7f]")

# `[^\W\d_]`, a letter in any script: negated, these three among its items.
_ANY_SCRIPT_LETTER = frozenset(
    {(sre.CATEGORY, sre.CATEGORY_NOT_WORD), (sre.CATEGORY, sre.CATEGORY_DIGIT), (sre.LITERAL, ord("_"))}
)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _letter(code: int) -> bool:
    return code >= 0x80 or chr(code).isalpha()


def _class(items: list[tuple[Any, Any]]) -> bool:
    if items and items[0][0] is sre.NEGATE:
        return {(op, av) for op, av in items[1:] if op is not sre.RANGE} >= _ANY_SCRIPT_LETTER
    for op, av in items:
        if op is sre.LITERAL:
            if not _letter(av):
                return False
        elif op is sre.RANGE:
            low, high = av
            if not (
                low >= 0x80 or ord("a") <= low <= high <= ord("z") or ord("A") <= low <= high <= ord("Z")
            ):
                return False
        else:
            return False
    return bool(items)


def _sequence(items: Any) -> bool:
    return any(_node(op, av) for op, av in items)


def _node(op: Any, av: Any) -> bool:  # one return per kind of node
    if op is sre.LITERAL:
        return _letter(av)
    if op is sre.IN:
        return _class(av)
    if op is sre.SUBPATTERN:
        return _sequence(av[3].data)
    if op is sre.ATOMIC_GROUP:
        return _sequence(av.data)
    if op is sre.ASSERT:  # a lookahead or lookbehind that must match: the text holds what it needs
        return _sequence(av[1].data)
    if op is sre.BRANCH:
        return all(_sequence(branch.data) for branch in av[1])
    if op in _REPEATS:
        low, _high, sub = av
        return low >= 1 and _sequence(sub.data)
    return False  # any character, a negative lookaround, a category, a group reference, a conditional


@lru_cache(maxsize=1024)  # the module's rules are the same for every session; a name's are built once each
def _needs(pattern: str, flags: int) -> bool:
    try:
        parsed = _parser.parse(pattern, flags)
    except (re.error, TypeError, ValueError):
        return False
    return _sequence(parsed.data)


def needs_letter(pattern: re.Pattern[str] | Words) -> bool:
    """Whether every match of `pattern` is in a text holding a `LETTERED` character."""
    compiled = pattern.plain if isinstance(pattern, Words) else pattern
    return _needs(compiled.pattern, compiled.flags)
