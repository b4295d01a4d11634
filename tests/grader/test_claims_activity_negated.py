"""A sentence that denies what the candidate did is no claim that they did it (grader/claim_activity.py).

"The candidate submitted nothing" and "they submitted no code" were read as "the candidate submitted": the verb had
a person before it and no negation before it, so where the candidate made no submission, a true sentence was sent to
the repair round and then refused. The negation was after the verb, in its object. A report in the present or
infinitive ("did not say they never ran it", "never mentioned that they ...") is a report as "said" already was."""

from __future__ import annotations

import pytest

from grader.claim_activity import activity_problems
from tests.grader.test_claims_activity import CASES


def _problems(text: str, case: str) -> list[str]:
    return activity_problems([("dimensions.verification.justification", text)], CASES[case])


@pytest.mark.parametrize(
    "sentence",
    [
        "The candidate submitted nothing before time ran out.",
        "They submitted no code.",
        "The candidate submitted no solution at all.",
        "She submitted none of her attempts.",
        "The candidate submitted neither version.",
    ],
)
@pytest.mark.parametrize("case", ["unsubmitted", "interviewer_only"])
def test_a_negated_object_is_no_claim_of_a_submission(sentence: str, case: str) -> None:
    assert _problems(sentence, case) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The candidate did not say they never ran the code.",
        "The candidate never mentioned that they never ran the tests.",
        "The candidate admitted they never ran the code.",
    ],
)
def test_a_report_in_any_tense_is_no_claim(sentence: str) -> None:
    assert _problems(sentence, "submitted") == []


@pytest.mark.parametrize(
    ("sentence", "case"),
    [
        ("The candidate submitted the code.", "unsubmitted"),  # an object that affirms
        ("The candidate submitted it no more than once.", "unsubmitted"),  # 'no more than' is no negation
        ("The candidate ran the code no more than once.", "interviewer_only"),
        ("The candidate submitted twice.", "unsubmitted"),
        ("The candidate never ran the code.", "submitted"),
    ],
)
def test_sentences_the_record_contradicts_are_still_caught(sentence: str, case: str) -> None:
    assert _problems(sentence, case), sentence
