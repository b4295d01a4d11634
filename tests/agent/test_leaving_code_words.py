"""A reason for leaving is about the candidate's life, never the code's: a clause that names the work is no reason.

A review of the leaving reasons (agent.ending_words ``_CLAUSE_EN``, ``_REASON_EN``) found the clause "my <someone or
something of one's life> <does something>" read the code's words as a life: its nouns include words of the code
("child", "children", "parents", "package", "shift", "power", "bus", "delivery", "car", "computer"), an adjective
may come before the noun ("my left child") and any five words after the verb. "I need to go, my left child is null so
I return", "I need to go, my package is missing an import" and "I have to go, my child is null" asked to end (the
interviewer's "shall we stop here?" in the middle of the coding). A clause naming the work (a value, a structure, a
step of the code) is now no reason, whatever the noun; the life's own reasons are unchanged.
Generated: askers x verbs x pauses x clauses, each in the 8 transcriptions of `_variants`.
"""

from __future__ import annotations

import itertools

from agent.addressing import asks_to_end, confirms
from tests.agent.test_transcript_forms import _variants

ASKERS = ["I need to", "I have to", "gotta"]
VERBS = ["go", "leave", "drop", "jump"]
PAUSES = [", ", ". ", " "]
# Nouns of the life list said of the code: a tree's family, a package, a shift, a bus, a power, a computer's work.
CODE_CLAUSES = [
    "my left child is null so I return", "my child is null", "my children are empty", "my parents are visited",
    "my right child has no children", "my package is missing an import", "my shift is off by one",
    "my power is negative", "my bus queue is full", "my delivery is sorted by time",
    "my car is the head of the list", "my computer says the stack overflowed", "my computer's compiling",
    "my son node returns null", "my parent is none here", "my brother node is the next index",
    "my kids array is sorted", "my battery value is zero", "my team has an off by one",
    "my family of functions returns a list", "my house class is wrong", "my phone number is parsed wrong",
]  # fmt: skip
# The life's own, unchanged (also with a word that a code might use, in the life's sense).
LIFE_CLAUSES = [
    "my kid's crying", "my son is sick", "my computer is dying", "my battery is at five percent",
    "my ride is here", "my laptop died", "my power just went out", "my little brother just got home",
    "my neighbour is at the door", "my delivery arrived, bye", "my internet is down",
    "my boss needs me right now", "my child is sick", "my parents just arrived",
]  # fmt: skip


def _turns(clauses: list[str]) -> list[str]:
    return [f"{a} {v}{p}{c}" for a, v, p, c in itertools.product(ASKERS, VERBS, PAUSES, clauses)]


def test_a_clause_naming_the_code_never_asks_to_end() -> None:
    """1,056 turns, 8 transcriptions each: before, "my left child is null so I return" and 13 more asked to end."""
    taken = [v for turn in _turns(CODE_CLAUSES) for v in _variants(turn) if asks_to_end(v) is True]
    assert taken == []


def test_a_yes_that_goes_on_about_the_code_is_no_yes_to_stopping() -> None:
    """The same clause after a verb of leaving answering "shall we stop here?" is no yes (`confirms`)."""
    turns = [f"I need to go, {c}" for c in CODE_CLAUSES]
    assert [t for t in turns if confirms(t) is True] == []


def test_the_life_s_own_reasons_still_ask_to_end() -> None:
    turns = [f"{a} {v}, {c}" for a, v, c in itertools.product(ASKERS, VERBS[:3], LIFE_CLAUSES)]
    assert [t for t in turns if asks_to_end(t) is not True] == []
