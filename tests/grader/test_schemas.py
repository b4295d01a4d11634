"""The grading contract refuses what the issue rules out: a band that is not the score's, a dimension or an observed
rubric item without evidence, a ready outcome without a scorecard, a failed one without a reason."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from grader.schemas import (
    BANDS,
    GradeOutcome,
    RubricItemAssessment,
    Scorecard,
    band_for,
)
from judge.bank import RubricItem


def _dim(score: int, **over: Any) -> dict[str, Any]:
    return {
        "score": score,
        "band": band_for(score),
        "justification": "Seen.",
        "evidence": [{"seq": 4, "quote": "x"}],
        **over,
    }


def _card(**over: Any) -> dict[str, Any]:
    return {
        "recommendation": "hire",
        "dimensions": {
            "problem_solving": _dim(3),
            "coding": _dim(4),
            "verification": _dim(1),
            "communication": _dim(2),
        },
        "rubric": [{"id": "tests_own_code", "mark": "met", "evidence": [{"seq": 7, "quote": ""}]}],
        **over,
    }


def test_bands_follow_scores_one_to_four() -> None:
    assert [band_for(s) for s in (1, 2, 3, 4)] == list(BANDS)
    assert BANDS == ("strong_no_hire", "no_hire", "hire", "strong_hire")
    for bad in (0, 5):
        with pytest.raises(ValueError, match="outside"):
            band_for(bad)


def test_a_valid_scorecard_lists_its_citations_and_mean_score() -> None:
    card = Scorecard.model_validate(_card())
    assert [e.seq for e in card.evidence()] == [4, 4, 4, 4, 7]
    assert card.overall_score() == 2.5


@pytest.mark.parametrize(
    "change",
    [
        {"dimensions": {**_card()["dimensions"], "coding": _dim(4, band="hire")}},  # band is not the score's
        {"dimensions": {**_card()["dimensions"], "coding": _dim(4, evidence=[])}},  # no evidence
        {"dimensions": {**_card()["dimensions"], "coding": {**_dim(4), "score": 5}}},  # score out of range
        {
            "dimensions": {k: v for k, v in _card()["dimensions"].items() if k != "verification"}
        },  # three dimensions
        {"dimensions": {**_card()["dimensions"], "charisma": _dim(4)}},  # a fifth one
        {
            "rubric": [{"id": "tests_own_code", "mark": "not_met", "evidence": []}]
        },  # observed without evidence
        {"rubric": [{"id": "tests_own_code", "mark": "maybe", "evidence": []}]},
        {"recommendation": "strong_yes"},  # the old six-step scale
        {"strengths": [""]},
        {"strengths": ["x" * 501]},
        {"candidate_advice": "x" * 4001},
        {"dimensions": {**_card()["dimensions"], "coding": _dim(4, evidence=[{"seq": 0, "quote": "x"}])}},
        {"extra": "field"},
    ],
)
def test_scorecard_refuses(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Scorecard.model_validate(_card(**change))


def test_not_observed_rubric_items_need_no_evidence() -> None:
    card = Scorecard.model_validate(_card(rubric=[{"id": "complexity_stated", "mark": "not_observed"}]))
    assert card.rubric[0].evidence == []


def test_outcomes_are_ready_with_a_scorecard_or_failed_with_a_reason() -> None:
    card = Scorecard.model_validate(_card())
    assert GradeOutcome(status="ready", scorecard=card).reason is None
    assert GradeOutcome.failed("citations_unverified").scorecard is None
    for bad in (
        {"status": "ready"},
        {"status": "ready", "scorecard": card, "reason": "x"},
        {"status": "failed"},
        {"status": "failed", "reason": "Not A Code"},
        {"status": "pending", "reason": "x"},
    ):
        with pytest.raises(ValidationError):
            GradeOutcome.model_validate(bad)


@pytest.mark.parametrize(
    "rubric_id", ["clarifies_requirements", "a", "x" * 64, "2_pointer", "_x", "x" * 65, "a-b", ""]
)
def test_the_bank_takes_exactly_the_rubric_ids_a_scorecard_can_store(rubric_id: str) -> None:
    """A question whose rubric id the scorecard refuses would fail every grading as an internal error: the bank
    refuses it at import instead, by the same rule."""

    def takes(model: Any, **fields: Any) -> bool:
        try:
            model(id=rubric_id, **fields)
        except ValidationError:
            return False
        return True

    assert takes(RubricItem, behaviour="Says what the code does") == takes(
        RubricItemAssessment, mark="not_observed", evidence=[]
    )
