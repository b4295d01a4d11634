"""The scorecard as integrations show it: a 0-100 score and a few flat figures (webhooks, Greenhouse, Ashby).

The 0-100 score maps the scorecard's `overall_score`, the mean of its four dimension scores (1 to 4), linearly:
`round((overall_score - 1) / 3 * 100)`. So 1.00 -> 0, 2.00 -> 33, 2.50 -> 50, 3.00 -> 67, 4.00 -> 100. The
recommendation band is the grader's own (strong_no_hire, no_hire, hire, strong_hire), not derived from the score.
A failed version has no score.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from api.timestamps import utc_z_or_none
from grader.schemas import DIMENSIONS, Facts, PassTally, Scorecard


def partner_score(overall_score: float | Decimal | None) -> int | None:
    if overall_score is None:
        return None
    value = (float(overall_score) - 1.0) / 3.0 * 100.0
    return max(0, min(100, round(value)))


def _tally(t: PassTally | None) -> dict[str, int] | None:
    return None if t is None else {"passed": t.passed, "total": t.total}


def summary(row: dict[str, Any]) -> dict[str, Any]:
    """A scorecard version (a `scorecards` row) as webhooks carry it."""
    card = (
        Scorecard.model_validate(row["scorecard"]) if row["status"] == "ready" and row["scorecard"] else None
    )
    facts = Facts.model_validate(row["facts"]) if row["facts"] else None
    overall = float(row["overall_score"]) if row["overall_score"] is not None else None
    return {
        "version": row["version"],
        "status": row["status"],
        "reason": row["reason"],
        "recommendation": card.recommendation if card else None,
        "overall_score": overall,
        "score": partner_score(overall),
        "dimensions": {name: getattr(card.dimensions, name).score for name in DIMENSIONS} if card else None,
        "tests": {
            "visible": _tally((facts.visible_tests.final or facts.visible_tests.best) if facts else None),
            "hidden": _tally((facts.hidden_tests.final or facts.hidden_tests.best) if facts else None),
        },
        "hints": len(facts.hints) if facts else None,
        # A version that failed grading always needs a person to look at the interview.
        "needs_human_review": bool(row["needs_human_review"]) or row["status"] == "failed",
        "rubric_version": row["rubric_version"],
        "completed_at": utc_z_or_none(row["completed_at"]),
    }


def _fraction(tally: dict[str, int] | None) -> str | None:
    return None if tally is None else f"{tally['passed']}/{tally['total']}"


FLAT_KEYS = (
    "grading",
    "grading_failure_reason",
    "recommendation",
    "overall_score",
    "tests_passed",
    "visible_tests_passed",
    "hidden_tests_passed",
    "hints",
    "rubric_version",
    "scorecard_version",
    "needs_human_review",
)


def flat_metadata(s: dict[str, Any] | None) -> dict[str, str | int | float | bool | None]:
    """`summary` as one flat object of primitives (Greenhouse's test_status `metadata`); every key null when
    there is no finished scorecard yet (a key is never missing)."""
    if s is None:
        return dict.fromkeys(FLAT_KEYS)
    return {
        "grading": s["status"],
        "grading_failure_reason": s["reason"],
        "recommendation": s["recommendation"],
        "overall_score": s["overall_score"],
        "tests_passed": _fraction(s["tests"]["hidden"]) or _fraction(s["tests"]["visible"]),
        "visible_tests_passed": _fraction(s["tests"]["visible"]),
        "hidden_tests_passed": _fraction(s["tests"]["hidden"]),
        "hints": s["hints"],
        "rubric_version": s["rubric_version"],
        "scorecard_version": s["version"],
        "needs_human_review": s["needs_human_review"],
    }
