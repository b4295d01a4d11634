"""A hint denied is no hint said to be given, and "didn't" denies as "did not" does (grader/claim_hints.py).

"The interviewer never gave a hint" (none given), "did not need a second hint" or "no second hint was given" (one
given) were read as a hint given or named, and a true sentence was sent to the repair round, then refused: the
checks of a hint given, a count, an ordinal, "the only hint" and "both hints" read no negation. And "didn't need any
hints", the common contraction, was not read as "no hints" at all where hints were given (the negation's pattern
wanted a word boundary inside "didn't"), so the false finding the check exists for passed."""

from __future__ import annotations

import pytest

from grader.claim_hints import hint_problems
from grader.schemas import Facts, HintFact


def _problems(text: str, hints: int) -> list[str]:
    facts = Facts(hints=[HintFact(seq=i + 1, t=60.0 * (i + 1)) for i in range(hints)])
    return hint_problems([("dimensions.problem_solving.justification", text)], facts)


@pytest.mark.parametrize(
    ("text", "hints"),
    [
        ("The interviewer never gave a hint.", 0),
        ("Neither hint was given.", 0),
        ("The interviewer never gave a second hint.", 1),
        ("The candidate did not need a second hint.", 1),
        ("The candidate never reached the second hint.", 1),
        ("The interviewer gave no second hint.", 1),
        ("No second hint was given.", 1),
        ("The candidate solved it without a second hint.", 1),
        ("The candidate did not need three hints, only one.", 1),
    ],
)
def test_a_denied_hint_is_no_hint_given(text: str, hints: int) -> None:
    assert _problems(text, hints) == [], text


@pytest.mark.parametrize(
    ("text", "hints"),
    [
        ("They didn't need any hints.", 2),
        ("The candidate didn't require a hint.", 1),
        ("They didn't use any hints at all.", 1),
        ("She hasn't needed a single hint.", 2),
        # still said: a negation before a time word, and the affirmed forms
        ("The candidate did not find the bug until the second hint.", 1),
        ("The candidate needed three hints.", 1),
        ("After the hint, they fixed the loop.", 0),
    ],
)
def test_a_hint_claim_the_facts_contradict_is_still_a_problem(text: str, hints: int) -> None:
    assert _problems(text, hints), text
