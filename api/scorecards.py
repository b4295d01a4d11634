"""Scorecard versions as the API returns them: every citation enriched with the event it cites (type, time, and
for transcript lines start and end), and the coaching view a practice candidate reads."""

from __future__ import annotations

from typing import Any

from api.db import scorecards_repo
from api.db.pool import Conn
from grader.schemas import (
    CandidateDimensionOut,
    CandidateRubricItemOut,
    CandidateScorecardOut,
    DimensionOut,
    Evidence,
    EvidenceOut,
    Facts,
    RubricItemOut,
    Scorecard,
    ScorecardAttempt,
    ScorecardOut,
    UsageOut,
)

Cited = dict[int, dict[str, Any]]
SPEAKERS: dict[Any, Any] = {"user": "candidate", "assistant": "interviewer"}  # a transcript line's role
# Who made a run or submission (its event's `by`); an old event without one was the candidate's.
RUNNERS: dict[Any, Any] = {
    None: "candidate",
    "candidate": "candidate",
    "agent": "interviewer",
    "grader": "grader",
}
RUN_TYPES = frozenset({"test_run", "submission"})


def _scorecard(row: dict[str, Any]) -> Scorecard | None:
    return (
        Scorecard.model_validate(row["scorecard"]) if row["status"] == "ready" and row["scorecard"] else None
    )


def _facts(row: dict[str, Any]) -> Facts | None:
    return Facts.model_validate(row["facts"]) if row["facts"] else None


def _evidence(items: list[Evidence], cited: Cited) -> list[EvidenceOut]:
    out = []
    for e in items:
        event = cited.get(e.seq)
        out.append(
            EvidenceOut(
                seq=e.seq,
                quote=e.quote,
                where=e.where,
                type=event["type"] if event else None,
                t=event["t"] if event else None,
                start=event["start"] if event else None,
                end=event["end"] if event else None,
                speaker=SPEAKERS.get(event.get("role")) if event else None,
                typed=event.get("typed") if event else None,
                by=RUNNERS.get(event.get("by")) if event and event["type"] in RUN_TYPES else None,
            )
        )
    return out


async def _cited(conn: Conn, session_id: str, rows: list[dict[str, Any]]) -> Cited:
    seqs = [e.seq for row in rows if (card := _scorecard(row)) for e in card.evidence()]
    return await scorecards_repo.cited_events(conn, session_id, seqs)


def attempt(row: dict[str, Any]) -> ScorecardAttempt:
    return ScorecardAttempt(
        version=row["version"],
        status=row["status"],
        reason=row["reason"],
        trigger=row["trigger"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )


def org_view(row: dict[str, Any], cited: Cited) -> ScorecardOut:
    card = _scorecard(row)
    return ScorecardOut(
        session_id=row["session_id"],
        version=row["version"],
        status=row["status"],
        reason=row["reason"],
        trigger=row["trigger"],
        recommendation=card.recommendation if card else None,
        overall_score=float(row["overall_score"]) if row["overall_score"] is not None else None,
        dimensions=(
            {
                name: DimensionOut(
                    score=d.score,
                    band=d.band,
                    justification=d.justification,
                    evidence=_evidence(d.evidence, cited),
                )
                for name, d in card.dimensions.items()
            }
            if card
            else None
        ),
        rubric=[
            RubricItemOut(id=i.id, behaviour=i.behaviour, mark=i.mark, evidence=_evidence(i.evidence, cited))
            for i in (card.rubric if card else [])
        ],
        strengths=list(card.strengths) if card else [],
        areas_to_improve=list(card.areas_to_improve) if card else [],
        candidate_advice=card.candidate_advice if card else None,
        facts=_facts(row),
        needs_human_review=row["needs_human_review"],
        model=row["model"],
        prompt_version=row["prompt_version"],
        rubric_version=row["rubric_version"],
        usage=UsageOut(
            input_tokens=row["input_tokens"],
            output_tokens=row["output_tokens"],
            cost_usd=float(row["cost_usd"]) if row["cost_usd"] is not None else None,
            samples=row["samples"],
            duration_ms=row["duration_ms"],
        ),
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )


def candidate_view(row: dict[str, Any], cited: Cited) -> CandidateScorecardOut:
    card = _scorecard(row)
    return CandidateScorecardOut(
        session_id=row["session_id"],
        version=row["version"],
        status=row["status"],
        reason=row["reason"],
        dimensions=(
            {
                name: CandidateDimensionOut(
                    justification=d.justification, evidence=_evidence(d.evidence, cited)
                )
                for name, d in card.dimensions.items()
            }
            if card
            else None
        ),
        rubric=[
            CandidateRubricItemOut(id=i.id, behaviour=i.behaviour, mark=i.mark)
            for i in (card.rubric if card else [])
        ],
        strengths=list(card.strengths) if card else [],
        areas_to_improve=list(card.areas_to_improve) if card else [],
        candidate_advice=card.candidate_advice if card else None,
        facts=_facts(row),
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )


async def shown_view(
    conn: Conn, session_id: str, *, coach: bool
) -> ScorecardOut | CandidateScorecardOut | None:
    """The version a reader is shown (the latest ready one, else the newest), with the newest as its
    `latest_attempt`; None before any grading."""
    found = await scorecards_repo.shown_and_latest(conn, session_id)
    if found is None:
        return None
    shown, latest = found
    views = await (candidate_views if coach else org_views)(conn, session_id, [shown])
    return views[0].model_copy(update={"latest_attempt": attempt(latest)})


async def org_views(conn: Conn, session_id: str, rows: list[dict[str, Any]]) -> list[ScorecardOut]:
    cited = await _cited(conn, session_id, rows)
    return [org_view(r, cited) for r in rows]


async def candidate_views(
    conn: Conn, session_id: str, rows: list[dict[str, Any]]
) -> list[CandidateScorecardOut]:
    cited = await _cited(conn, session_id, rows)
    return [candidate_view(r, cited) for r in rows]
