"""The solution said fit for use ("good to go", "production-ready", "ready to ship", "did exactly what was asked",
"listo para producción") is a claim that it succeeded: it must be what the last submission holds, as "passed" and
"correct" are (grader/claim_success.py)."""

from __future__ import annotations

import pytest

from tests.grader.test_claims_success import FAILED, PASSED, UNSUBMITTED, _problems

FIT = [
    "The final code is good to go.",
    "The solution is production-ready.",
    "Their code is production ready.",
    "The submission is ready to ship.",
    "The code was ready for production.",
    "Their submission did exactly what was asked.",
    "The solution does what the problem asked.",
    "El código está listo para producción.",
]


@pytest.mark.parametrize("sentence", FIT)
def test_fit_for_use_is_refused_where_a_hidden_test_failed_or_nothing_was_submitted(sentence: str) -> None:
    assert _problems(sentence, FAILED), sentence
    assert _problems(sentence, UNSUBMITTED), sentence


@pytest.mark.parametrize("sentence", FIT)
def test_fit_for_use_stands_where_the_last_submission_passed_every_test(sentence: str) -> None:
    assert _problems(sentence, PASSED) == [], sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "The approach is good to go, but the code fails the hidden test.",
        "The candidate asked whether the code was good to go.",
        "The code is not production-ready yet.",
        "The code would be ready to ship with input validation.",
        "The code's structure is production-ready.",
    ],
)
def test_what_is_not_such_a_claim_is_not_refused(sentence: str) -> None:
    assert _problems(sentence, FAILED) == [], sentence
