"""A reason for leaving in the candidate's own words, and the call as what is left.

A review found "I have to go, I have a thing", "I gotta go, my kid's crying" and "I need to jump, another call" left
to the classifier: after a verb of leaving only reasons on a closed list were read ("for a meeting", "something came
up", "my kid is calling"). The rule now reads the form of a reason: a short clause ending the turn in which one of the
candidate's people, pets, rides or devices does something ("my <someone> is / has / <past tense> ..."), or they have
something to be at ("I have a thing", "I've got a family thing at four"). A clause about the work ("my code is broken",
"I have a bug", "my team's approach") is no reason. It also found the call read as leaving when it was the code's: "I
need to drop the call, uh, to sort" and "I have to drop off the call stack" asked to end. The call is now part of the
verb's phrase ("drop the call", "hop off the call"), and what follows it is read as what follows a verb of leaving.
Generated over askers x verbs x pauses x clauses, each in the 8 transcriptions of `_variants`.
"""

from __future__ import annotations

import itertools

import pytest

from agent.addressing import asks_to_end, confirms, explicit_request
from tests.agent.test_transcript_forms import _variants

ASKERS = ["I need to", "I have to", "I gotta", "gotta", "I'm gonna have to", "Sorry, I have to"]
VERBS = ["go", "run", "leave", "drop", "head out", "hop off"]
PAUSES = [", ", ". ", "... ", " "]
# Reasons no list names: someone of the candidate's life doing something, or something they have to be at.
REASONS = [
    "I have a thing", "I've got a thing", "I have a family thing at four", "I have something in five minutes",
    "I have stuff to do", "there's an emergency", "my kid's crying", "my son is sick", "my boss needs me",
    "my wife just called", "my daughter woke up", "my neighbour is at the door", "my little brother has a thing",
    "my roommate's locked out", "my laptop died", "my cat is throwing up, sorry", "my delivery arrived, bye",
]  # fmt: skip
# The same form about the work: a bare verb, a pause, then a clause of the code.
WORK_CLAUSES = [
    "my code is broken", "my test is failing", "my loop is wrong", "my function returns null", "I have a bug",
    "I have the answer", "I have an idea", "I have a question", "my index was off", "my helper has a bug",
    "my tests passed", "my team's approach", "my power function returns one", "my meeting rooms solution is wrong",
    "my call stack is empty", "I have a call to foo", "I have a meeting point", "I have a class for the node",
    "my house robber dp has a bug", "my meeting scheduling is off", "I have a date string", "my car class is done",
    "my train of thought is gone", "I have a thing to fix", "my phone number parser failed",
]  # fmt: skip


def _turns(askers: list[str], verbs: list[str], clauses: list[str]) -> list[str]:
    return [f"{a} {v}{p}{c}" for a, v, p, c in itertools.product(askers, verbs, PAUSES, clauses)]


def test_a_clause_of_the_candidates_life_after_a_verb_of_leaving_asks_to_end() -> None:
    """2,448 turns, each as written (with or without a pause): before, 1,440 were left to the classifier."""
    missed = [t for t in _turns(ASKERS, VERBS, REASONS) if asks_to_end(t) is not True]
    assert missed == []


def test_every_transcript_of_a_reason_after_a_comma_asks_to_end() -> None:
    """Each also a yes to "shall we stop here?" (`confirms`)."""
    turns = [f"{a} {v}, {c}" for a, v, c in itertools.product(ASKERS[:3], ["go", "run", "drop"], REASONS)]
    missed = [
        v for turn in turns for v in _variants(turn) if asks_to_end(v) is not True or confirms(v) is not True
    ]
    assert missed == []


def test_a_clause_of_the_work_after_a_bare_verb_never_asks_to_end() -> None:
    """False positives, the form above with the code's words (1,500 turns, 8,160 texts): none is read as leaving."""
    askers = ["I need to", "I gotta", "Sorry, I have to"]
    turns = _turns(askers, ["go", "run", "drop", "leave", "jump"], WORK_CLAUSES)
    # (a "leave" or "give_up" request is also True here)
    taken = [v for turn in turns for v in _variants(turn) if asks_to_end(v) is True]
    assert taken == []


@pytest.mark.parametrize(
    "words",
    [
        "I need to jump, another call",
        "I need to jump, my kid's crying",
        "gotta hop, I have a thing",
        "I need to jump now, sorry",
        "I have to go, I have a thing",
        "I gotta go, my kid's crying",
        "I need to drop the call",
        "I need to drop off the call",
        "I have to drop off the call now, sorry",
        "gotta hop off the call",
        "I need to drop the call, my kid's crying",
        "I'm leaving the call",
    ],
)
def test_leaving_with_a_reason_or_off_the_call_asks_to_end(words: str) -> None:
    assert asks_to_end(words) is True
    assert explicit_request(words) == "leave"


@pytest.mark.parametrize(
    "words",
    [
        "I need to drop the call to foo()",
        "I need to drop the second call",
        "we should drop the call, uh, to sort",
        "I need to drop the call. To foo we pass the list",
        "I have to drop off the call stack",
        "I need to drop the call - to sort - and use a heap",
        "we need to drop the call... to the helper",
        "let's drop the recursive call",
    ],
)
def test_the_code_s_call_is_not_leaving(words: str) -> None:
    """Before, "drop the call, uh, to sort", "drop the call. To foo ..." and "drop off the call stack" asked to end
    in some transcription: a pause after "the call" was taken for its end, and "off the call" for leaving whatever
    followed."""
    for variant in _variants(words):
        assert asks_to_end(variant) is not True, variant
        assert confirms(variant) is not True, variant


@pytest.mark.parametrize(
    "words", ["I need to jump", "at zero we need to jump to the end", "I have to hop over it"]
)
def test_a_bare_jump_or_hop_goes_to_the_classifier(words: str) -> None:
    """A bare "jump" may be the work ("at zero we need to jump"): never read as leaving, and with its word of leaving
    never refused outright either (before, False: no classifier asked when the model ended the interview)."""
    for variant in _variants(words):
        assert asks_to_end(variant) is None, variant
