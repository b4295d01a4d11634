""" "For the first time" is the first time the clause's event happened, not the first run (grader/claim_first.py).

"After the hint, the code passed every visible test for the first time" is true where the first run failed and a
later one passed: it names the first passing run, as "the first run that passed" does. It was read as "the first
run passed" and a true sentence was sent to the repair round, then refused; so were "the first time the code
passed ..." and "por primera vez". A first run said to pass "none" or "neither" of the tests is a negation, as "no"
already was. A first run said to pass, in any of its forms, is still held to the first run."""

from __future__ import annotations

import time

import pytest

from grader.claim_first import first_run_problems
from tests.grader.test_claims_precision import PASSED

# PASSED (tests/grader/bundles.py): the first run [7] went 0/2, the second [10] 2/2, the submission [14] passed all.


def _problems(text: str) -> list[str]:
    return first_run_problems([("dimensions.verification.justification", text)], PASSED.index)


@pytest.mark.parametrize(
    "text",
    [
        "After the hint, the code passed every visible test for the first time.",
        "The code passed both visible tests for the first time at 130 s.",
        "Only after the hint did the code pass for the very first time.",
        "It was the first time the code passed every visible test.",
        "Tras la pista, el código pasó las pruebas visibles por primera vez.",
        "The candidate's first run passed neither visible test.",
        "The first run passed none of the visible tests.",
    ],
)
def test_the_first_passing_and_a_denied_pass_are_no_claim_about_the_first_run(text: str) -> None:
    assert _problems(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "It passed every visible test the first time.",
        "The first run passed every visible test, for the first time in the session.",
        "Their code passed all visible tests on the first try.",
        "La primera ejecución pasó las pruebas visibles.",
    ],
)
def test_a_first_run_said_to_pass_is_still_held_to_the_first_run(text: str) -> None:
    assert _problems(text), text


def test_reading_the_occasion_is_linear() -> None:
    text = "the code passed for the very first time " * 2_500  # 100 KB, one clause
    began = time.perf_counter()
    assert _problems(text) == []
    assert time.perf_counter() - began < 1.0  # about 0.04 s; read back to the clause's start each time, 10 s
