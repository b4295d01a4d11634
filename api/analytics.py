"""Interview analytics for an organisation over a date range: the figures of `GET /v1/analytics/summary` (and of
the HTML page that charts them).

The range is `from` to `to`, ISO dates, both inclusive, in UTC, over the sessions' creation dates; by default the
last 30 days including today. Definitions (docs/reports.md):
- completion rate: completed / (completed + abandoned + expired), where expired means never finished and past its
  expiry; sessions still to come and cancelled ones do not count;
- recommendations, dimensions and review flags: each session's latest ready scorecard;
- a question's pass rate: finished sessions on it with an accepted submission (every test, hidden ones too) over
  its finished sessions; time to first passing run: from the interview's start to its first run or submission
  with every judged test passing (a custom-input run checks nothing: never), the median over the sessions that had one;
- average hints: hints given per finished session.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import psycopg
from pydantic import BaseModel, Field

from api.db import analytics_repo
from api.db.pool import Conn
from api.errors import ServiceUnavailableError, UnprocessableError

STATUSES = ("scheduled", "in_progress", "completed", "abandoned", "cancelled")
BANDS = ("strong_no_hire", "no_hire", "hire", "strong_hire")
DIMENSIONS = ("problem_solving", "coding", "verification", "communication")

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


class DateRange(BaseModel):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, UTC)

    @property
    def until(self) -> datetime:
        """Exclusive: the start of the day after `end`."""
        return datetime.combine(self.end + timedelta(days=1), time.min, UTC)


def date_range(start: date | None, end: date | None, *, today: date | None = None) -> DateRange:
    today = today or datetime.now(UTC).date()
    if end is None:
        end = today if start is None or start <= today else start
    if end >= date.max:  # the range ends at the start of the day after `end`
        raise UnprocessableError(f"query.to: must be before {date.max.isoformat()}", code="validation_error")
    if start is None:
        start = date.fromordinal(max(1, end.toordinal() - (DEFAULT_DAYS - 1)))  # never before 0001-01-01
    if start > end:
        raise UnprocessableError("query.from: must not be after `to`", code="validation_error")
    if (end - start).days + 1 > MAX_DAYS:
        raise UnprocessableError(f"query.from: the range is at most {MAX_DAYS} days", code="validation_error")
    return DateRange(start=start, end=end)


class Distribution(BaseModel):
    average: float | None
    count: int
    scores: dict[str, int]  # "1".."4" -> sessions


class QuestionFigures(BaseModel):
    question_id: str
    slug: str | None
    title: str | None
    sessions: int  # finished sessions on this question
    passed: int
    pass_rate: float | None
    median_time_to_first_pass_s: float | None


class Summary(BaseModel):
    range: DateRange
    timezone: str = "UTC"
    sessions: int
    by_status: dict[str, int]
    completion_rate: float | None
    recommendations: dict[str, int]
    graded_sessions: int
    dimensions: dict[str, Distribution]
    questions: list[QuestionFigures]
    average_hints: float | None
    needs_human_review: int
    scorecards: dict[str, int]  # the latest version's status -> sessions


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class AnalyticsTimeoutError(ServiceUnavailableError):
    code = "analytics_timeout"


async def summarize(conn: Conn, organization_id: UUID, rng: DateRange, *, timeout_s: float) -> Summary:
    """The figures, read in one transaction whose statements may take `timeout_s` in all (each query is bounded by
    it; PostgreSQL cancels one past it): an organisation's three-year range is its own to ask for, but not a query
    that holds a connection and a backend for as long as it likes."""
    try:
        async with conn.transaction():
            await conn.execute(
                "select set_config('statement_timeout', %s, true)", (f"{max(1, round(timeout_s * 1000))}ms",)
            )
            return await _summarize(conn, organization_id, rng)
    except psycopg.errors.QueryCanceled as e:
        raise AnalyticsTimeoutError(
            "The figures took too long to compute; try again shortly or ask for a shorter range.",
            retry_after=30,
        ) from e


async def _summarize(conn: Conn, organization_id: UUID, rng: DateRange) -> Summary:
    since, until = rng.since, rng.until
    figures = await analytics_repo.session_figures(conn, organization_id, since, until)
    by_status = {status: int(figures["by_status"].get(status, 0)) for status in STATUSES}
    over = by_status["completed"] + by_status["abandoned"] + int(figures["expired"])
    recommendations = {band: int(figures["recommendations"].get(band, 0)) for band in BANDS}

    counts: dict[str, dict[str, int]] = {d: {str(n): 0 for n in range(1, 5)} for d in DIMENSIONS}
    for row in await analytics_repo.dimension_figures(conn, organization_id, since, until):
        if row["dimension"] in counts:
            counts[row["dimension"]][str(row["score"])] = int(row["n"])
    dimensions = {}
    for name, scores in counts.items():
        total = sum(scores.values())
        average = sum(int(k) * v for k, v in scores.items()) / total if total else None
        dimensions[name] = Distribution(
            average=round(average, 2) if average is not None else None, count=total, scores=scores
        )

    questions = [
        QuestionFigures(
            question_id=str(r["question_id"]),
            slug=r["slug"],
            title=r["title"],
            sessions=int(r["sessions"]),
            passed=int(r["passed"]),
            pass_rate=_ratio(int(r["passed"]), int(r["sessions"])),
            median_time_to_first_pass_s=(
                round(float(r["median_first_pass_s"]), 1) if r["median_first_pass_s"] is not None else None
            ),
        )
        for r in await analytics_repo.question_figures(conn, organization_id, since, until)
    ]
    hints = figures["average_hints"]
    return Summary(
        range=rng,
        sessions=sum(by_status.values()),
        by_status=by_status,
        completion_rate=_ratio(by_status["completed"], over),
        recommendations=recommendations,
        graded_sessions=sum(recommendations.values()),
        dimensions=dimensions,
        questions=questions,
        average_hints=round(float(hints), 2) if hints is not None else None,
        needs_human_review=int(figures["review"]),
        scorecards={
            status: int(figures["scorecards"].get(status, 0)) for status in ("pending", "ready", "failed")
        },
    )
