"""A session row as the organisation sees it in a list or after a change: `SessionSummary` with its scorecard
summary. The row carries `sessions_repo.SUMMARY_COLUMNS` (every query that feeds this selects them)."""

from __future__ import annotations

from typing import Any

from api.db import sessions_repo
from api.scheduling import ends_at
from api.schemas import ScorecardSummary, SessionSummary


def summary(row: dict[str, Any]) -> SessionSummary:
    return SessionSummary(
        id=row["id"],
        status=row["status"],
        question_id=row["question_id"],
        language=row["language"],
        languages=sessions_repo.session_languages(row),  # type: ignore[arg-type]  # checked by the database
        duration_minutes=row["duration_minutes"],
        extra_time_minutes=row["extra_time_minutes"],
        text_only=row["text_only"],
        role=row["role"],
        candidate={
            "name": row["candidate_name"],
            "email": row["candidate_email"],
            "external_id": row["candidate_external_id"],
        },
        created_at=row["created_at"],
        started_at=row["started_at"],
        ends_at=ends_at(row),
        ended_at=row["ended_at"],
        expires_at=row["expires_at"],
        end_reason=row["end_reason"],
        metadata=row["metadata"],
        scorecard=scorecard_summary(row),
    )


def scorecard_summary(row: dict[str, Any]) -> ScorecardSummary | None:
    """The session's latest scorecard version and the figures of its latest ready one (None before grading)."""
    if row["latest_scorecard_version"] is None:
        return None
    ready = row["ready_scorecard_version"] is not None
    return ScorecardSummary(
        version=row["latest_scorecard_version"],
        status=row["latest_scorecard_status"],
        ready_version=row["ready_scorecard_version"],
        recommendation=row["recommendation"],
        overall_score=float(row["overall_score"]) if ready and row["overall_score"] is not None else None,
        needs_human_review=row["needs_human_review"] if ready else None,
    )
