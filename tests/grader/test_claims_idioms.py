"""Idioms of success (grader/claim_idioms.py, read by grader/claim_success.py) and answers to a yes-or-no question
(grader/claims.py): "the code is bulletproof", "rock solid", "airtight", "does what it says on the tin", "nails every
edge case", "checks out", "all green", "funciona a la perfección" say the solution works, so they hold only where the
recorded runs say it passed every test; hedged, negated, hypothetical, reported, aimed at or said of the approach or
the code's style they are no claim. A yes with a quantity ("Did it pass the hidden tests? Yes — every test.") is read
with the question's word of passing, not as a quantity that cannot be checked; a sentence that goes on about the tests
named before it ("The visible tests? All green.") is about those tests, not the code."""

from __future__ import annotations

import pytest

from grader.bundle import Bundle
from grader.claims import claim_problems
from tests.grader.test_claims_precision import HIDDEN_FAILED, PASSED, TOO_SLOW, UNSUBMITTED

FAILED = {"hidden_failed": HIDDEN_FAILED, "unsubmitted": UNSUBMITTED, "too_slow": TOO_SLOW}
EVERY = {**FAILED, "pass": PASSED}


def _problems(text: str, bundle: Bundle) -> list[str]:
    return claim_problems([("dimensions.coding.justification", text)], bundle.facts, bundle.index)


# Said of the code (or of nothing else), each says the solution works.
IDIOMS = [
    "The code does what it says on the tin.",
    "Their final code does exactly what it says on the tin.",
    "The final code is bulletproof.",
    "It's bulletproof.",
    "The final code is bulletproof against edge cases.",
    "The submission is rock solid.",
    "It's rock-solid.",
    "Rock solid.",
    "The code is airtight.",
    "Their implementation is air-tight.",
    "Their solution is watertight.",
    "The final version is ironclad.",
    "The solution was spot on.",
    "The candidate delivered a rock-solid, bug-free implementation.",
    "The solution nails all the edge cases.",
    "The code nailed every edge case.",
    "The code hits every case.",
    "The code checks out.",
    "Everything checked out.",
    "The implementation checks out on every input.",
    "All green.",
    "All green on the final submission.",
    "The code covers all the bases.",
    "Their solution ticks every box.",
    "The code runs like clockwork.",
    "The submission went off without a hitch.",
    "The code is watertight and efficient.",
    "In the end the code was bulletproof.",
    "La solución es impecable.",
    "El código final es intachable.",
    "Su código es a prueba de balas.",
    "El código no falla en ningún caso.",
    "La solución funciona de maravilla.",
    # questions answered yes
    "Is it bulletproof? Yes.",
    "Was the code airtight? Yes.",
    "Did it handle every case? Yes.",
]


@pytest.mark.parametrize("text", IDIOMS)
@pytest.mark.parametrize("case", sorted(FAILED))
def test_an_idiom_of_success_is_refused_where_the_runs_say_otherwise(text: str, case: str) -> None:
    assert _problems(text, FAILED[case]), text


@pytest.mark.parametrize("text", IDIOMS)
def test_an_idiom_of_success_holds_where_every_test_passed(text: str) -> None:
    assert _problems(text, PASSED) == [], text


# Hedged, negated, hypothetical, reported, aimed at, asked and not answered yes, or said of the approach, the analysis
# or the code's style: no claim that the solution works, in any interview.
NOT_CLAIMS = [
    "The code would be bulletproof with a null check.",
    "It would have been airtight with one more check.",
    "A bulletproof solution would need a null check.",
    "If it had handled duplicates, the code would be flawless.",
    "La solución sería impecable con una comprobación más.",
    "The code is not quite rock solid.",
    "The code is not flawless.",
    "The solution was far from bulletproof.",
    "The code was anything but bulletproof.",
    "The code was anything but correct.",
    "In the end, it was far from flawless.",
    "Nobody would call it bulletproof.",
    "El código no es impecable.",
    "The code is almost flawless.",
    "The code is bulletproof only for sorted input.",
    "The code looks rock solid, but it was never checked on duplicates.",
    "The interviewer asked whether it was flawless.",
    "The interviewer asked if the solution was bulletproof.",
    "The candidate asked whether the code handled every case.",
    "Was the code bulletproof? Not quite.",
    "Is it rock solid? Hardly.",
    "The candidate claimed the code was bulletproof.",
    "They said their code was airtight.",
    "The candidate believed the code handled every case.",
    "La candidata dijo que su código funcionaba a la perfección.",
    "The candidate aimed for a bulletproof solution.",
    "The candidate set out to write a bulletproof solution.",
    "The candidate's goal was a flawless submission.",
    "The candidate hoped for a clean sweep of the tests.",
    "Their reasoning was airtight.",
    "The complexity analysis was flawless.",
    "Their explanation was spot on.",
    "The candidate's estimate was spot on.",
    "The plan was rock solid.",
    "The candidate's walkthrough handled every case.",
    "Their dry run nailed every case.",
    "The candidate's walkthrough hit every case.",
    "The candidate's reasoning checks out.",
    "The math checks out.",
    "They checked out the starter code.",
    "The candidate checked out early and stopped testing.",
    "The code's structure is rock solid.",
    "The code style is clean and airtight.",
    "The code style is correct.",
    "The code's formatting is flawless.",
    "Their naming is rock solid.",
    "Su planteamiento es impecable.",
    "El enfoque es impecable.",
]


@pytest.mark.parametrize("text", NOT_CLAIMS)
@pytest.mark.parametrize("case", sorted(EVERY))
def test_a_hedged_negated_reported_or_other_idiom_is_no_claim(text: str, case: str) -> None:
    assert _problems(text, EVERY[case]) == [], text


# A yes with a quantity answers the question with its word of passing: true where every test passed ...
ANSWERED_WITH_A_QUANTITY = [
    "Did it pass the hidden tests? Yes — every test.",
    "Did it pass the hidden tests? Yes: all of them.",
    "Did it pass the hidden tests? Yes, every single one.",
    "Did it pass the hidden tests? Yes — all of them.",
    "Did it pass all the hidden tests? Yep, all of them.",
    "Did the final code pass the tests? Yes, every test.",
    "Did the code pass every test? Yes — every one.",
    "Did the submission pass every test? Yes — every single one.",
    "Did it pass? Yes — every test, hidden included.",
    "Did the submission pass? It did — every test.",
    "¿Pasó las pruebas ocultas? Sí, todas.",
    "¿Pasó las pruebas ocultas? Sí — todas.",
]


@pytest.mark.parametrize("text", ANSWERED_WITH_A_QUANTITY)
def test_a_yes_with_a_quantity_is_read_as_the_question_says(text: str) -> None:
    assert _problems(text, PASSED) == [], text


@pytest.mark.parametrize("text", ANSWERED_WITH_A_QUANTITY)
def test_a_yes_with_a_quantity_is_refused_where_the_hidden_test_failed(text: str) -> None:
    assert _problems(text, HIDDEN_FAILED), text


# ... and of the tests it asked about: the visible ones passed where the hidden one failed.
TRUE_OF_A_HIDDEN_FAILURE = [
    "Did it pass the visible tests? Yes — both.",
    "Did it pass the visible tests? Yes, every single one.",
    "Did it pass the visible tests? Yes: all of them.",
    "Did the code pass the visible tests? Yes, both of them.",
    "Did any hidden test fail? Yes, one.",
    "Did it pass the hidden tests? No — it failed the only one.",
    "Did it pass every test? No: one failed.",
    "Did it handle every case? No.",
    "Was it all green? No — the hidden test failed.",
    "The visible tests? All green.",
    "The visible tests? Green across the board.",
    "The visible tests? None failed.",
    "The visible tests came back green, but the hidden test failed.",
    "The candidate aced the visible tests but failed the hidden one.",
    "The code looked rock solid on the visible tests, but the hidden test failed.",
    "The candidate thought the solution was flawless; the hidden test showed otherwise.",
]


@pytest.mark.parametrize("text", TRUE_OF_A_HIDDEN_FAILURE)
def test_a_true_answer_or_a_sentence_about_the_tests_before_is_no_problem(text: str) -> None:
    assert _problems(text, HIDDEN_FAILED) == [], text


@pytest.mark.parametrize(
    "text", ["Did any hidden test fail? No — none.", "Did any hidden test fail? Yes, one."]
)
def test_an_answer_about_failures_is_checked(text: str) -> None:
    """ "No — none." answering "did any fail?" says none failed; "Yes, one." says one failed."""
    refused = {case: bool(_problems(text, bundle)) for case, bundle in EVERY.items()}
    if text.endswith("none."):
        assert refused == {"hidden_failed": True, "unsubmitted": True, "too_slow": True, "pass": False}
    else:
        assert refused["pass"] and not refused["hidden_failed"]
