"""Recall of the result checks (grader/claim_success.py, grader/claim_words.py, grader/claims.py): false claims
that the solution succeeded in other words, other languages, markdown and sentence shapes are problems, and what
the precision corpus lets through (a report of what the candidate said, "whether", "correct but too slow", a
complement of the approach) is let through only as far as it is true (tests/grader/test_claims_precision.py)."""

from __future__ import annotations

import pytest

from grader.bundle import Bundle
from grader.claims import claim_problems
from tests.grader.test_claims_precision import HIDDEN_FAILED, PASSED, TOO_SLOW, UNSUBMITTED


def _problems(text: str, bundle: Bundle) -> list[str]:
    return claim_problems([("dimensions.coding.justification", text)], bundle.facts, bundle.index)


# Said of the code, in words the first reading did not know: false where the hidden test failed or nothing was
# submitted.
OTHER_WORDS = [
    "The solution is _correct_.",
    "The solution is __fully correct__.",
    "The code is sound.",
    "The code is valid.",
    "The implementation is solid and complete.",
    "The final code is error-free.",
    "The code is fine.",
    "The code runs correctly.",
    "The program behaves correctly.",
    "The code executes correctly.",
    "The solution is a correct one.",
    "The code always returns the right indices.",
    "The code returns the correct indices for every input.",
    "The candidate cracked the problem.",
    "The candidate completed the task.",
    "Correctness: yes.",
    "La solución es válida.",
    "El código está bien.",
    "Le code est correct.",
    "Die Lösung ist korrekt.",
    "A solução está correta.",
    # A report the sentence, or the next one, takes up as the grader's own.
    "The candidate said the code was correct, and it was.",
    "The candidate said the code was correct, which it was.",
    "The candidate said the code was correct. It was.",
    "The candidate said the code was correct. Indeed it was.",
    "As the candidate said, the solution is correct.",
    "As they claimed, the code worked.",
    "The candidate rightly said the solution was correct.",
    "The candidate said the code was correct, as the submission showed.",
    "Dijo que su código funcionaba, y así fue.",
    "Como dijo la candidata, la solución es correcta.",
    "The candidate said the code was correct (it was).",
    "The candidate thought the code was correct \u2014 it was.",
    "They believed the solution was correct, and they were right.",
    "The candidate said the code was correct, and rightly so.",
    "The candidate believed, rightly, that the code was correct.",
    "The candidate assumed the code was correct \u2014 correctly.",
    "The candidate claimed the code passed, which was true.",
    "The candidate claimed the code passed; the submission confirms it.",
    "The candidate claimed the code passed, and the submission confirms it.",
    "The candidate said the code worked. The runs bear this out.",
    # The grader's own belief is its finding.
    "I believe the code is correct.",
    "We think the solution works.",
    "My impression is that the code is correct.",
    "Creo que la solución es correcta.",
    # A verb that makes it a fact, or a report that no longer governs the claim.
    "The candidate showed that the solution was correct.",
    "The candidate knew the code worked.",
    "After the candidate said they were done, the submission passed.",
    "The candidate said nothing and the code passed.",
    "The candidate claimed a hint, then the code passed.",
    "Whether or not they tested it, the code passed.",
    # The approach named first, then the code.
    "The candidate's idea was right and the code passed.",
    "The code's output was correct for every input.",
    "The analysis of their correct solution was thorough.",
    "The structure is sound and the code is correct.",
    "Code quality aside, the solution is correct.",
    # Lists and tables as a report renders them; the final answer is the code.
    "1) Correct solution",
    "| Correctness | \u2705 |",
    "The candidate's final answer was right.",
    "Readability aside, the code is fine.",
]


@pytest.mark.parametrize("text", OTHER_WORDS)
def test_a_false_claim_of_success_in_other_words_is_a_problem(text: str) -> None:
    assert _problems(text, HIDDEN_FAILED), text
    assert _problems(text, UNSUBMITTED), text


@pytest.mark.parametrize("text", OTHER_WORDS)
def test_the_same_words_are_no_problem_where_every_test_passed(text: str) -> None:
    assert _problems(text, PASSED) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "The solution is correct but too slow.",
        "The code is correct; it just times out on the hidden test.",
        "La solución es correcta pero demasiado lenta.",
        "Su código funciona, pero es demasiado lento.",
    ],
)
def test_correct_but_too_slow_holds_only_where_every_failure_was_a_time_limit(text: str) -> None:
    assert _problems(text, TOO_SLOW) == [], text
    assert _problems(text, HIDDEN_FAILED), text  # a wrong answer: not correct
    assert _problems(text, UNSUBMITTED), text  # nothing judged


@pytest.mark.parametrize(
    "text",
    [
        "The code passed everything, though it was slow.",
        "The solution was accepted, just slowly.",
        "The code is correct for every input, but slow.",
        "The solution is bug-free but too slow.",
        "The code is correct, not slow.",
        "The code is correct and never timed out.",
        "El código es correcto y nada lento.",
    ],
)
def test_passing_said_with_slowness_is_still_a_claim_that_every_test_passed(text: str) -> None:
    assert _problems(text, TOO_SLOW), text


@pytest.mark.parametrize(
    "text",
    [
        "The solution passed the visible tests but not the hidden one.",
        "The visible tests passed, the hidden one did not.",
        "The code timed out on the hidden test.",
        "The hidden test timed out.",
    ],
)
def test_the_hidden_test_said_to_fail_where_it_passed_is_a_problem(text: str) -> None:
    """ "not the hidden one" is read with its negation (it was read as "one hidden test passed"), and a time limit is
    a failure."""
    assert _problems(text, PASSED), text
    assert _problems(text, HIDDEN_FAILED) == [], text


def test_a_short_clause_is_quoted_with_its_sentence_for_the_repair_round() -> None:
    (problem,) = _problems("Correct, all in all, but is that enough?", HIDDEN_FAILED)
    assert problem.startswith("- dimensions.coding.justification: 'Correct' in 'Correct,"), problem


def test_the_repair_round_is_told_when_a_report_was_taken_up() -> None:
    (problem,) = _problems("The candidate said the code was correct, and it was.", HIDDEN_FAILED)
    assert "takes up as yours what it reports" in problem
    (problem,) = _problems("The final code is correct.", HIDDEN_FAILED)
    assert "takes up" not in problem


@pytest.mark.parametrize(
    "text",
    [
        "They believed the solution was correct, and they were wrong.",
        "The candidate said the code was correct, but it was not.",
        "They believed the solution was correct, which it was not.",
        "The candidate said the code was correct. It was not.",
        "The candidate said the code was correct. It wasn't.",
        "The candidate said, 'I think it works now,' and submitted.",
        "The candidate claimed the code passed, which the hidden test did not confirm.",
        "The candidate claimed the code passed, which the test didn't confirm.",
        "The candidate claimed the code passed; the submission does not confirm it.",
        "The candidate claimed the code passed, which was not true.",
        "The candidate said the code worked. The runs showed otherwise.",
        "The candidate said the code worked, which the hidden test showed to be wrong.",
        "The candidate said the code worked. The hidden test showed a wrong answer.",
    ],
)
def test_a_report_the_sentence_denies_or_quotes_is_no_claim(text: str) -> None:
    assert _problems(text, HIDDEN_FAILED) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "The submission passed all tests.",
        "The submission passed all the tests.",
        "Their submission passed every test.",
        "La entrega pasó todas las pruebas.",
    ],
)
def test_all_tests_said_of_the_submission_needs_a_submission_that_passed_every_test(text: str) -> None:
    """A run of the visible tests that passed them all held "all tests passed"; said of the submission, its tests
    are every test, the hidden ones too."""
    assert _problems(text, HIDDEN_FAILED), text
    assert _problems(text, PASSED) == [], text


def test_all_tests_said_of_a_run_still_holds_where_a_run_passed_them() -> None:
    assert _problems("The second run passed all tests.", HIDDEN_FAILED) == []
