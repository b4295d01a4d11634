"""What the scorecard's words say the first run passed must be what the first run shown did (grader/claim_first.py):
"The first run passed every visible test" or "it passed both visible tests on the first try" had verified where the
first run failed both and a later run passed them, since a claim of passing was held against any run."""

from __future__ import annotations

from typing import Any

import pytest

from grader.claim_first import first_run_problems
from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest, scorecard
from tests.grader.bundles import interview
from tests.grader.conftest import MakeGrader
from tests.grader.test_claims_precision import BUNDLES, CASES, PASSED

# PASSED (tests/grader/bundles.py): the first run [7] went 0/2, the second [10] 2/2, the submission [14] passed all.


def _problems(text: str) -> list[str]:
    return first_run_problems([("dimensions.verification.justification", text)], PASSED.index)


@pytest.mark.parametrize(
    "text",
    [
        "The first run passed every visible test.",
        "The first run passed.",
        "Their code passed all visible tests on the first try.",
        "The candidate's first run passed both visible tests.",
        "It passed every visible test on the first attempt.",
        "Their very first run was green.",
        "The first run passed 2/2 visible tests.",  # a count some run holds, not the first
        "La primera ejecución pasó las pruebas visibles.",
        "The first\u200b run passed every visible test.",
    ],
)
def test_the_first_run_said_to_pass_must_have_passed(text: str) -> None:
    assert _problems(text), text


@pytest.mark.parametrize(
    "text",
    [
        "The first run failed both visible tests.",
        "The first run had 0 of 2 tests passing.",
        "After a failed first run, the code passed both visible tests.",
        "The first run passing every visible test came at 130 s.",  # the facts' wording: another run
        "The first run that passed every visible test came after the hint.",
        "The candidate did not pass on the first try.",
        "The candidate said the first run passed.",
        "Did it pass on the first try? No.",
        "The submission was accepted on the first try.",  # the first submission
        "The first submission passed every test.",
        "The second run passed both visible tests.",
    ],
)
def test_what_the_first_run_did_and_other_runs_are_not_problems(text: str) -> None:
    assert _problems(text) == [], text


def test_the_true_sentences_of_the_precision_corpus_pass() -> None:
    assert [(t, n) for t, n in CASES if first_run_problems([("x", t)], BUNDLES[n].index)] == []


async def test_a_scorecard_that_says_the_first_run_passed_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    def flattering(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["verification"]["justification"] = (
            "Their code passed both visible tests on the first try."
        )
        return FakeReply(body=card)

    model.responder = lambda body: flattering(body) if len(model.requests) == 1 else honest(body)
    outcome = await make_grader().grade(interview())
    assert outcome.status == "ready" and outcome.scorecard is not None
    assert "first try" not in outcome.scorecard.model_dump_json()
    assert "the first one, [7], did not pass" in model.requests[1]["messages"][-1]["content"]

    model.requests.clear()
    model.responder = flattering
    outcome = await make_grader().grade(interview())
    assert (outcome.status, outcome.reason) == ("failed", "citations_unverified")
