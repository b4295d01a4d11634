"""When a session may be used: joins until its end plus the grace period, runs and submissions only while it is
in progress and before that same moment. The end is `api.scheduling.ends_at`, the one source of a session's end.
Once it stops running, its record takes new events (the agent's, and the runs that add theirs) only for
`complete_after_abandon_s` more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api.errors import ConflictError
from api.scheduling import ends_at
from api.settings import ApiSettings


def closes_at(session: dict[str, Any], settings: ApiSettings) -> datetime | None:
    """The moment joins and runs stop: the session's end plus the grace period (None before it starts)."""
    end = ends_at(session)
    return end + timedelta(minutes=settings.token_grace_minutes) if end is not None else None


def require_not_over(session: dict[str, Any], settings: ApiSettings, now: datetime | None = None) -> None:
    """409 `session_time_up` once the session's time and grace are spent (joins, runs, the agent's runs)."""
    close = closes_at(session, settings)
    if close is not None and (now or datetime.now(UTC)) >= close:
        raise ConflictError("This interview's time is up.", code="session_time_up")


def require_record_open(session: dict[str, Any], settings: ApiSettings, now: datetime | None = None) -> None:
    """409 `session_finished` once the session stopped running more than `complete_after_abandon_s` ago: its record
    is closed (graded, reported) and a run, like any event, would add to it afterwards. Within that grace a run that
    the end overtook by a moment still counts. `api.db.events_repo` checks it again under the session's row lock."""
    ended = session.get("ended_at")
    if session["status"] in ("scheduled", "in_progress") or ended is None:
        return
    if (now or datetime.now(UTC)) - ended >= timedelta(seconds=settings.complete_after_abandon_s):
        raise ConflictError("This session has already finished.", code="session_finished")


def require_running(session: dict[str, Any], settings: ApiSettings, now: datetime | None = None) -> None:
    """A candidate's run or submission: the session has started and its time is not up."""
    if session["status"] == "scheduled" or session.get("started_at") is None:
        raise ConflictError(
            "The interview has not started yet; runs open once it starts.", code="session_not_started"
        )
    require_not_over(session, settings, now)
