"""What a candidate may do, and when: consent to the exact text in force before the start, code only while the
interview runs, one final answer (and no runs after it) unless the organisation allows resubmission. The candidate
page's routes and the run flow share these checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.db import orgs_repo, sessions_repo
from api.db.pool import Conn
from api.errors import ConflictError
from api.notices import Notice, render_notice
from api.session_window import require_running
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


def session_notice(found: sessions_repo.CandidateRow) -> Notice:
    """The notice the session's candidate is shown now: the version in force, rendered from the session's and its
    organisation's values as they are now."""
    return render_notice(found.session, found.org, sessions_repo.session_languages(found.session))


def consented(found: sessions_repo.CandidateRow, notice: Notice | None = None) -> bool:
    """The candidate agreed to the notice they are shown now (`notice`, or `session_notice`), word for word: the
    version alone does not bind it (`sessions_repo.CandidateRow.agreed_to`)."""
    return found.agreed_to((notice or session_notice(found)).sha256)


def may_start(found: sessions_repo.CandidateRow) -> bool:
    """The session may move from scheduled to in_progress, by whichever path starts it (POST /start, or the
    candidate joining the room: LiveKit's `participant_joined`): only on a consent to the notice in force, word for
    word (`consented`). A room token outlives the text it was minted under (the organisation renamed, its retention
    period or the session's extra time changed), and a client other than our page can join with it. A session
    already under way (or finished) starts nothing."""
    return found.session["status"] != "scheduled" or consented(found)


def may_join_room(session: dict[str, Any], consented: bool) -> bool:
    """No room token before the candidate has agreed to the notice: joining the room starts the interview. A session
    already under way has been agreed to. Never one for a session that has finished (cancelled, completed,
    abandoned): a token cannot be taken back, and joining would recreate the room and dispatch the agent again;
    this also holds for a cancellation that committed after the caller's invite was checked."""
    if session["status"] not in ("scheduled", "in_progress"):
        return False
    return consented or session["status"] == "in_progress"


def require_in_progress(session: dict[str, Any], settings: ApiSettings, now: datetime | None = None) -> None:
    """The interview has started, has not finished, and its time (with extra time and the grace) is not over; the
    same codes as runs (`session_not_started`, `session_time_up`)."""
    if session["status"] not in ("scheduled", "in_progress"):
        raise ConflictError("This interview has already finished.", code="session_finished")
    require_running(session, settings, now)


async def require_editable(conn: Conn, session: dict[str, Any], org: dict[str, Any] | None) -> None:
    """After the final answer the code is read-only and none of the session's code runs again (drafts, Runs, custom
    input, the agent's runs), unless the organisation allows resubmission (practice sessions do)."""
    if not policies(session, org).allow_resubmission and await sessions_repo.has_submission(
        conn, session["id"]
    ):
        raise ConflictError("Your final answer is already submitted.", code="already_submitted")
