"""A claim that negates or excepts a subset of the tests is judged against that subset's own results (grader/claims.py,
grader/claim_reading.py): "Not all the hidden tests passed.", "Visible tests passed; the hidden test did not.",
"Every test passed except the hidden one.", "Las pruebas visibles pasaron, pero la oculta no." are true where the
hidden tests did not all pass and must be accepted there; where every test passed they are false and refused, and an
over-claim ("All hidden tests passed.") is still refused where a hidden test failed."""

from __future__ import annotations

from typing import Any

import pytest

from grader.bundle import Bundle, build_bundle
from grader.claims import claim_problems
from grader.facts import compute_facts
from grader.schemas import BundleInput
from tests.grader.bundles import interview, run_result


def _bundle(source: BundleInput) -> Bundle:
    return build_bundle(source, compute_facts(source))


def _with_hidden(hidden: list[bool]) -> BundleInput:
    """Both visible tests passed at the end and in the submission, whose hidden tests went as `hidden` says."""
    source = interview(submitted=True)
    result: dict[str, Any] = run_result(2, None)
    for i, ok in enumerate(hidden):
        result["tests"].append(
            {"id": f"h{i + 1}", "verdict": "accepted" if ok else "wrong_answer", "hidden": True}
        )
    result["passed"] = sum(t["verdict"] == "accepted" for t in result["tests"])
    result["total"] = len(result["tests"])
    verdict = "accepted" if result["passed"] == result["total"] else "wrong_answer"
    runs = list(source.runs)
    runs[-1] = runs[-1].model_copy(update={"result": result, "verdict": verdict})
    return source.model_copy(update={"runs": runs})


PASSED = _bundle(interview(submitted=True))  # every test passed: 2/2 visible, 1/1 hidden
ONE_FAILED = _bundle(_with_hidden([False]))  # the only hidden test failed: 0/1
TWO_OF_THREE = _bundle(_with_hidden([True, True, False]))  # hidden tests 2/3


def _problems(text: str, bundle: Bundle) -> list[str]:
    return claim_problems([("dimensions.coding.justification", text)], bundle.facts, bundle.index)


def test_the_interviews_are_as_the_sentences_assume() -> None:
    for bundle, hidden in ((PASSED, (1, 1)), (ONE_FAILED, (0, 1)), (TWO_OF_THREE, (2, 3))):
        final = bundle.facts.hidden_tests.final
        visible = bundle.facts.visible_tests.final
        assert final is not None and (final.passed, final.total) == hidden
        assert visible is not None and (visible.passed, visible.total) == (2, 2)


# True where the hidden test (or one of the hidden tests) failed; false where every test passed.
SUBSET_DENIED = [
    "Not all the hidden tests passed.",
    "Not all of the hidden tests passed in the end.",
    "Visible tests passed; the hidden test did not.",
    "The visible tests passed. The hidden ones did not.",
    "The visible tests passed, but the hidden one failed.",
    "The visible tests passed, but not the hidden tests.",
    "Both visible tests passed, while the hidden test did not.",
    "Every test passed except the hidden test.",
    "All tests passed except the hidden one.",
    "All tests passed, except the hidden one.",
    "The final submission passed every test except a hidden one.",
    "It passed everything except the hidden tests.",
    "All tests except the hidden one passed.",
    "All the visible tests passed but the hidden one did not.",
    "Las pruebas visibles pasaron, pero la oculta no.",
    "Las visibles pasaron; la oculta no.",
    "Todas las pruebas pasaron excepto la oculta.",
    "Las pruebas visibles pasaron, pero la oculta falló.",
]


@pytest.mark.parametrize("text", SUBSET_DENIED)
def test_a_claim_that_negates_or_excepts_the_hidden_tests_is_true_where_they_failed(text: str) -> None:
    assert _problems(text, ONE_FAILED) == [], text
    assert _problems(text, TWO_OF_THREE) == [], text


@pytest.mark.parametrize("text", SUBSET_DENIED)
def test_the_same_claim_is_refused_where_every_test_passed(text: str) -> None:
    assert _problems(text, PASSED), text


@pytest.mark.parametrize(
    "text",
    [
        "All hidden tests passed.",
        "Every test passed, hidden tests included.",
        "The hidden tests passed; the visible tests did not.",
        "Every hidden test passed except the visible ones.",
        "All tests passed except one visible test.",  # the visible tests all passed, and a hidden one failed
        "The submission passed every test except two hidden ones.",  # one failed, not two
        "Visible tests failed; the hidden ones did not.",
    ],
)
def test_an_over_claim_or_the_wrong_subset_is_still_refused(text: str) -> None:
    assert _problems(text, TWO_OF_THREE), text


@pytest.mark.parametrize(
    "text",
    [
        "Every test passed except one hidden test.",
        "All hidden tests passed except one.",
        "The submission passed every test except one.",
        "Every hidden test passed but one.",
        "All but one of the hidden tests passed.",
        "All hidden tests except one passed.",
        "Todas las pruebas ocultas pasaron excepto una.",
    ],
)
def test_an_exception_by_count_is_read_as_that_many_failed(text: str) -> None:
    """An exception by count says that many of the tests failed and the rest passed: one of three hidden tests."""
    assert _problems(text, TWO_OF_THREE) == [], text
    assert _problems(text, PASSED), text


def test_an_exception_that_names_no_tests_keeps_its_reading() -> None:
    """ "except the duplicates case" names no tests: some but not all of them passed, which no run here held."""
    assert _problems("The visible tests passed except the duplicates case.", PASSED)
