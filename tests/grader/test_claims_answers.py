"""A bare "no" answering a yes-or-no question about the tests, and a sentence under a label of the outcome
(grader/claims.py): "Did any test fail? No." says no test failed, "Did it pass every hidden test? No." says it did
not, and "Final verdict: rock solid." says the solution is; each must be what the recorded runs hold, in the four
interviews of the precision corpus (all passed, hidden test failed, never submitted, too slow)."""

from __future__ import annotations

import pytest

from grader.bundle import Bundle
from grader.claims import claim_problems
from tests.grader.test_claims_precision import HIDDEN_FAILED, PASSED, TOO_SLOW, UNSUBMITTED

EVERY = {"pass": PASSED, "hidden_failed": HIDDEN_FAILED, "unsubmitted": UNSUBMITTED, "too_slow": TOO_SLOW}


def _problems(text: str, bundle: Bundle) -> list[str]:
    return claim_problems([("dimensions.coding.justification", text)], bundle.facts, bundle.index)


def _refused(text: str) -> dict[str, bool]:
    return {case: bool(_problems(text, bundle)) for case, bundle in EVERY.items()}


# Whether a test failed, answered no: none failed, which only the interview where everything passed holds.
NONE_FAILED = [
    "Did any test fail? No.",
    "Did any test fail? Nope.",
    "Did any test fail? No, none.",
    "Did any test fail? No — not one.",
    "Did any of the hidden tests fail? No.",
    "Did any hidden test fail? No.",
    "Did a single test fail? No.",
    "Has any test failed? No.",
    "Did any test fail in the end? No.",
    "So, did any test fail? No.",
    "Were there failing tests? No.",
    "Were there failing hidden tests? No.",
    "Were there any failing hidden tests? No.",
    "Were there any test failures? No.",
    "Were there any failures? No.",
    "Were any of the tests failing? No.",
    "Did the code fail any tests? No.",
    "Did the final submission fail any hidden test? No.",
    "Did it fail anything? No.",
    "Did the submission fail anything? No, nothing.",
    "Did the submission fail anything? Nope, nothing at all.",
    "¿Falló alguna prueba? No.",
    "¿Falló alguna prueba oculta? No.",
    "¿Fallaron algunas pruebas? No, ninguna.",
    "¿Ha fallado alguna prueba? No.",
    "¿Hubo pruebas fallidas? No.",
    "¿La entrega falló alguna prueba? No.",
    "¿Falló algo? No.",
]


@pytest.mark.parametrize("text", NONE_FAILED)
def test_no_answering_whether_a_test_failed_says_none_did(text: str) -> None:
    assert _refused(text) == {"pass": False, "hidden_failed": True, "unsubmitted": True, "too_slow": True}, (
        text
    )


@pytest.mark.parametrize(
    "text",
    [
        "Did any visible test fail? No.",
        "¿Falló alguna prueba visible? No.",
        "Were there failing visible tests? No.",
    ],
)
def test_no_visible_test_failed_is_true_in_every_interview(text: str) -> None:
    assert not any(_refused(text).values()), text


# Whether it passed, answered no: it did not, which is false where it passed everything (a false negative about
# the candidate is unfair too) and true where the hidden test failed or timed out.
DID_NOT_PASS = [
    "Did it pass every hidden test? No.",
    "Did it pass the hidden test? No.",
    "Did it pass every hidden test? It did not.",
    "Did all the hidden tests pass? No.",
    "Did the hidden tests pass? No.",
    "Did it pass all the tests? No.",
    "Did the code pass? No.",
    "Did the submission pass? No.",
    "Did the final code pass every test? No.",
    "¿Pasó todas las pruebas ocultas? No.",
    "¿Pasó la prueba oculta? No.",
    "¿La entrega pasó las pruebas? No.",
]


@pytest.mark.parametrize("text", DID_NOT_PASS)
def test_no_answering_whether_it_passed_says_it_did_not(text: str) -> None:
    refused = _refused(text)
    assert refused["pass"] and not refused["hidden_failed"] and not refused["too_slow"], text
    assert not refused["unsubmitted"], text  # nothing submitted: it passed no hidden test


def test_no_answering_whether_the_visible_tests_passed_is_false_where_they_did() -> None:
    assert all(_refused("Did it pass the visible tests? No.").values())


# A question about something else, a negated question, or an answer that says more: not read as "none failed".
NOT_DENIALS = [
    "Did any test fail on the first run? No.",
    "Did the code fail to compile? No.",
    "Did the candidate fail to explain the complexity? No.",
    "Did any test fail because of a timeout? No.",
    "Didn't any test fail? No.",
    "Did it pass on the first try? No.",
    "Did any test fail? No one knows.",
]


@pytest.mark.parametrize("text", NOT_DENIALS)
@pytest.mark.parametrize("case", sorted(EVERY))
def test_a_no_to_another_question_is_no_claim(text: str, case: str) -> None:
    assert _problems(text, EVERY[case]) == [], text


def test_a_denial_is_quoted_as_written_with_how_it_was_read() -> None:
    (problem,) = _problems("Did any test fail? No.", HIDDEN_FAILED)
    assert "'Did any test fail? No.' (read as 'nothing failed.')" in problem


# A label of the outcome: what follows is said of the end, of the solution when it names nothing else.
LABELLED = [
    "Final verdict: rock solid.",
    "Verdict: correct.",
    "Outcome: all green.",
    "Bottom line: it works.",
    "Final result: the solution is correct.",
    "Overall verdict: flawless.",
    "Hidden tests: all passing.",
    "Veredicto: impecable.",
    "Veredicto final: correcto.",
]


@pytest.mark.parametrize("text", LABELLED)
def test_a_labelled_outcome_is_a_claim(text: str) -> None:
    assert _refused(text) == {"pass": False, "hidden_failed": True, "unsubmitted": True, "too_slow": True}, (
        text
    )


@pytest.mark.parametrize("text", ["Result: all tests passed.", "Resultado: todas las pruebas pasaron."])
def test_a_labelled_result_of_all_tests_is_the_last_runs(text: str) -> None:
    """Every test of the last runs: the hidden one failed or timed out (never submitted, the visible ones were all)."""
    refused = _refused(text)
    assert refused["hidden_failed"] and refused["too_slow"] and not refused["pass"], text


@pytest.mark.parametrize(
    ("text", "case"),
    [
        ("Result: 2/2 visible tests, 0/1 hidden.", "hidden_failed"),
        ("Verdict: lean hire; the hidden test failed.", "hidden_failed"),
        ("Result: the first run failed both visible tests.", "pass"),
        ("Verdict: correct but too slow.", "too_slow"),
        ("Outcome: the visible tests passed; nothing was submitted.", "unsubmitted"),
    ],
)
def test_a_labelled_true_outcome_is_no_problem(text: str, case: str) -> None:
    assert _problems(text, EVERY[case]) == [], text


# True of the interview where the hidden test failed: each was refused.
TRUE_OF_A_HIDDEN_FAILURE = [
    "The visible tests were all green; the hidden one was not.",
    "The visible tests passed; the hidden one did not.",
    "The visible tests? Flawless.",
    "The visible tests? Perfect.",
]


@pytest.mark.parametrize("text", TRUE_OF_A_HIDDEN_FAILURE)
def test_true_of_a_hidden_failure(text: str) -> None:
    assert _problems(text, HIDDEN_FAILED) == [], text


@pytest.mark.parametrize(
    "text",
    ["The visible tests were all green; the hidden one was not.", "The hidden test? Flawless."],
)
def test_and_false_where_the_hidden_test_passed_or_failed(text: str) -> None:
    refused = _refused(text)
    assert refused["pass"] if "not" in text else refused["hidden_failed"] and not refused["pass"], text


@pytest.mark.parametrize(
    "text", ["Did it pass the hidden test? Yes, the only one.", "¿Pasó la prueba oculta? Sí, la única."]
)
def test_the_only_one_is_no_hedge(text: str) -> None:
    assert _refused(text) == {"pass": False, "hidden_failed": True, "unsubmitted": True, "too_slow": True}, (
        text
    )


def test_a_bare_word_after_a_statement_is_still_the_codes() -> None:
    """Only after tests named as a question is a lone word theirs: here "Correct." says the code is correct."""
    assert _problems("The visible tests passed. Correct.", HIDDEN_FAILED)
