"""A quote of a run's result keeps the count its words are about (grader/run_quotes.py): "passed", quoted of a run
whose visible tests went 0/2, had verified and been stored as that run's evidence, which a report shows as the run's
result; so had "visible tests 2/2 passed; hidden tests" of a submission whose hidden test failed."""

from __future__ import annotations

import pytest

from grader.bundle import Bundle, build_bundle
from grader.evidence import check
from grader.facts import compute_facts
from grader.schemas import Evidence
from tests.grader.test_claims_precision import _submitted

# seq 7: " wrong_answer; visible tests 0/2 passed" then its failed tests ("failed example-1 (wrong_answer): args
# [[2,7,11,15],9] expected [0,1] got []; message ..."); seq 14: " wrong_answer; visible tests 2/2 passed; hidden
# tests 0/1 passed (failed: 1 wrong_answer)".
HIDDEN_FAILED: Bundle = build_bundle(_submitted("wrong_answer"), compute_facts(_submitted("wrong_answer")))


@pytest.mark.parametrize(
    ("seq", "quote"),
    [
        (7, "passed"),
        (14, "passed"),
        (14, "hidden tests"),
        (7, "visible tests"),
        (14, "visible tests 2/2 passed; hidden tests"),
        (14, "passed; hidden tests 0/1 passed"),
        (14, "wrong_answer)"),  # of "(failed: 1 wrong_answer)", without its count
    ],
)
def test_a_run_quote_that_leaves_out_the_count_its_words_are_about_is_refused(seq: int, quote: str) -> None:
    result = check(Evidence(seq=seq, quote=quote), HIDDEN_FAILED.index)
    assert isinstance(result, str) and "leaves out" in result and "the run's result" in result, (
        quote,
        result,
    )


@pytest.mark.parametrize(
    ("seq", "quote"),
    [
        (7, "wrong_answer"),
        (7, "visible tests 0/2 passed"),
        (7, "0/2 passed"),
        (7, "visible tests 0/2"),
        (7, "expected [0,1]"),
        (7, "expected [0,1] got []"),
        (7, "failed example-1 (wrong_answer)"),
        (14, "hidden tests 0/1 passed"),
        (14, "tests 0/1 passed"),
        (14, "hidden tests 0/1 passed (failed: 1 wrong_answer)"),
        (14, "visible tests 2/2 passed; hidden tests 0/1 passed"),
        (14, "1 wrong_answer"),
    ],
)
def test_whole_results_and_numbers_with_their_words_still_verify(seq: int, quote: str) -> None:
    assert check(Evidence(seq=seq, quote=quote), HIDDEN_FAILED.index) == Evidence(seq=seq, quote=quote)
