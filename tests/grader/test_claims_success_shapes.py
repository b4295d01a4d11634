"""Sentence shapes of the success check (grader/claim_success.py, grader/claim_words.py, grader/claims.py): the
task done said with a modal inside it ("does what it should"), a question its next sentence answers yes ("Does it
work? It does."), every test said of the code rather than a run ("The code passed every single test") are claims
that the solution succeeded; a statement that there is no result, a report with an aside after its "that" ("said
that, in the end, it worked"), a report said beside its claim ("It works, the candidate said.") and a question left
unanswered or answered no are none."""

from __future__ import annotations

import pytest

from grader.bundle import Bundle
from grader.claims import claim_problems
from tests.grader.test_claims_precision import HIDDEN_FAILED, PASSED, TOO_SLOW, UNSUBMITTED


def _problems(text: str, bundle: Bundle) -> list[str]:
    return claim_problems([("dimensions.coding.justification", text)], bundle.facts, bundle.index)


# The code said to do what it was to do: a modal inside what it was to do is no hypothesis.
TASK_DONE = [
    "The code does what it should.",
    "The code did what it was supposed to.",
    "The solution does what it should do.",
    "It does what it is supposed to.",
    "The final code does everything it should.",
    "The implementation does what the problem requires.",
    "The code does precisely what the task asks.",
    "The code did what it had to.",
    "The code behaves as it should.",
    "The code works as it should.",
    "The function behaves exactly as specified.",
    "The program functions as it should.",
    "The implementation did its job.",
    "The solution got the job done.",
    "El código hace lo que debe.",
    "La solución hace exactamente lo que se pedía.",
    "El programa hizo lo que tenía que hacer.",
    "El código funciona como debe.",
]
# A yes-or-no question the next sentence answers yes says what it asked.
ANSWERED_YES = [
    "Did the code pass? Yes.",
    "Does it work? It does.",
    "Did the solution work? Yes, it did.",
    "Is the code correct? Yes.",
    "Is the solution correct? Absolutely.",
    "Has the code passed? It has.",
    "Did it work? Of course it did.",
    "Does it work? The answer is yes.",
    "**Does it work?** Yes.",
    "Did the code pass all tests? Yes.",
    "Did the code work? The runs confirm it.",
    "¿Funciona el código? Sí.",
    "¿Pasó la entrega? Sí, pasó.",
    "Isn't the code correct? It is.",
    "Didn't it pass? It did.",
    "Does it work? Well, yes.",
    "Does it work? It absolutely does.",
    "The code works, doesn't it?",
]
# Every test, said of the code (not of a run of it): the hidden ones too, so what the last submission held.
EVERY_TEST_OF_THE_CODE = [
    "The code passed every single test.",
    "The code passed each and every test.",
    "It passed each and every test.",
    "Their code passed every single test case.",
    "The code passed every test.",
    "The solution passed all of the tests.",
    "It then passed every test.",
    "The code went green on every test.",
    "The solution passed each and every one of the tests.",
    "El código pasó todas y cada una de las pruebas.",
    "La solución superó todas las pruebas.",
]
FALSE = TASK_DONE + ANSWERED_YES + EVERY_TEST_OF_THE_CODE


@pytest.mark.parametrize("text", FALSE)
def test_success_in_these_shapes_is_a_problem_where_the_hidden_test_failed_or_never_ran(text: str) -> None:
    assert _problems(text, HIDDEN_FAILED), text
    assert _problems(text, UNSUBMITTED), text


@pytest.mark.parametrize("text", FALSE)
def test_success_in_these_shapes_is_no_problem_where_every_test_passed(text: str) -> None:
    assert _problems(text, PASSED) == [], text


# True where the hidden test failed and where nothing was submitted: none says the solution succeeded.
NO_CLAIM = [
    # No result is no success.
    "There is no hidden-test result to report.",
    "No hidden-test result to report, since nothing was submitted.",
    "There were no hidden-test results, because the code was never submitted.",
    # A report's "that" with an aside after it.
    "The candidate said that, in the end, it worked.",
    "The candidate said that, after the fix, the code was correct.",
    "The candidate said that, finally, the code passed.",
    "They said that, given the examples, the code was correct.",
    "La candidata dijo que, al final, su código funcionaba.",
    # A report said beside its claim, a partial quote.
    "It works, the candidate said, but they did not submit it.",
    "The code, the candidate claimed, was correct.",
    '"My code works," the candidate said.',
    "The solution is correct, she said confidently.",
    "According to the candidate, the solution was complete and correct.",
    'Because "the solution is correct", in their words, they stopped testing.',
    'The candidate said the code "just works", which would be true only if the hidden test passed.',
    'The candidate said it "works", which would need the hidden test to confirm.',
    # A modal outside what the code was to do is still one; the task done denied or said of someone else.
    "The code would do what it should with a null check.",
    "Everything would have passed with a null check.",
    "The code did not do what it was supposed to.",
    "The candidate did what the interviewer asked.",
    "They described what the code should do before writing it.",
    # A question left unanswered, answered no or in part; a question about something else.
    "Does it work?",
    "Did the code pass? Only the visible tests.",
    "Is the code correct? Not quite.",
    "Does it work? It does not.",
    "Did the code pass all hidden tests? No.",
    "Is the code correct? The hidden test says otherwise.",
    "Does the code work on all inputs? Unknown.",
    "Did the candidate test edge cases? No.",
    "Did the candidate explain the approach? Yes.",
    "Did the code pass the visible tests? Yes.",
    # Every test said of a run, or of the ones it ran.
    "The code passed all the tests it ran.",
    "The second run passed all tests.",
]


@pytest.mark.parametrize("text", NO_CLAIM)
@pytest.mark.parametrize("case", ["hidden_failed", "unsubmitted"])
def test_these_shapes_say_no_success(text: str, case: str) -> None:
    bundle = {"hidden_failed": HIDDEN_FAILED, "unsubmitted": UNSUBMITTED}[case]
    assert _problems(text, bundle) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "The code works, as the candidate said.",
        "The code is correct, they said, and the runs agree.",
        "It works, she said \u2014 and it did.",
        "The code works, they said. It does.",
        "The code passed, they said nothing.",
        "According to the judge, the code is correct.",
        "La entrega sí pasó todas las pruebas ocultas.",
    ],
)
def test_a_report_taken_up_or_no_report_at_all_is_still_a_claim(text: str) -> None:
    """A report beside its claim that the sentence takes up, words that are no report ("they said nothing", "the
    judge"), and Spanish "sí" (no condition "si") leave the claim the grader's."""
    assert _problems(text, HIDDEN_FAILED), text
    assert _problems(text, PASSED) == [], text


def test_an_answered_question_is_read_with_the_slowness_in_its_answer() -> None:
    text = "Is the code correct? Yes, but it is too slow."
    assert _problems(text, TOO_SLOW) == []
    assert _problems(text, HIDDEN_FAILED)


def test_failing_said_of_the_code_is_still_read_against_any_run() -> None:
    """Only passing said of the code is every test's: the first run's failures are the code's too."""
    assert _problems("The code failed some tests at first.", PASSED) == []
