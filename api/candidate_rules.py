"""What a candidate may do, and when: consent before the start, code only while the interview runs, one final
answer unless the organisation allows resubmission. The routes of the candidate page share these checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from api.db import events_repo, orgs_repo, sessions_repo
from api.db.pool import Conn
from api.errors import ConflictError
from api.scheduling import ends_at
from api.settings import ApiSettings


@dataclass(frozen=True)
class Policies:
    """The organisation's interview policies as they apply to one session (practice sessions allow both)."""

    allow_text_only: bool
    allow_resubmission: bool


async def session_org(conn: Conn, session: dict[str, Any]) -> dict[str, Any] | None:
    org_id = session.get("organization_id")
    return await orgs_repo.get_org(conn, org_id) if org_id else None


def policies(session: dict[str, Any], org: dict[str, Any] | None) -> Policies:
    if org is None:
        return Policies(allow_text_only=True, allow_resubmission=True)
    return Policies(
        allow_text_only=bool(org["allow_text_only"]) or bool(session.get("text_only")),
        allow_resubmission=bool(org["allow_resubmission"]),
    )


async def has_consented(conn: Conn, session_id: str) -> bool:
    return bool(await events_repo.list_events(conn, session_id, types=["consent"]))


def require_in_progress(session: dict[str, Any], settings: ApiSettings, now: datetime | None = None) -> None:
    """The interview has started and its time (with extra time and the grace) is not over."""
    if session["status"] == "scheduled":
        raise ConflictError("The interview has not started yet.", code="not_started")
    if session["status"] != "in_progress":
        raise ConflictError("This interview has already finished.", code="session_finished")
    end = ends_at(session)
    if end is not None and (now or datetime.now(UTC)) > end + timedelta(minutes=settings.token_grace_minutes):
        raise ConflictError("The time for this interview is over.", code="time_over")


async def require_editable(conn: Conn, session: dict[str, Any], org: dict[str, Any] | None) -> None:
    """After the final answer the code is read-only, unless the organisation allows resubmission."""
    if not policies(session, org).allow_resubmission and await sessions_repo.has_submission(
        conn, session["id"]
    ):
        raise ConflictError("Your final answer is already submitted.", code="already_submitted")
