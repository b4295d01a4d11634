"""Scorecard routes: read the latest version or all of them (organisation, or a practice session's candidate), and
re-grade a finished session (organisation). Reads are counted as report reads are (api/report_limits.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, ConfigDict

from api import guess_limits, report_limits
from api.api_keys import hold_caller
from api.db import scorecards_repo, sessions_repo
from api.deps import (
    DbConn,
    Org,
    OrgCaller,
    Settings,
    admitted_api_key,
    admitted_invite,
    bearer,
    own_session,
    require_org,
    session_for_invite,
)
from api.errors import ForbiddenError, NotFoundError
from api.ids import SessionId
from api.jobs.grading import request_regrade
from api.openapi_errors import BODY, DB, error_responses
from api.org_limits import count_regrade
from api.scorecards import candidate_views, org_views, shown_view
from api.security import INVITE_PREFIX
from api.settings import ApiSettings
from grader.schemas import CandidateScorecardOut, CandidateScorecardPage, ScorecardOut, ScorecardPage

router = APIRouter(prefix="/v1/sessions", tags=["scorecards"])
MAX_VERSIONS_LISTED = 100


class GradeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GradeAccepted(BaseModel):
    session_id: str
    version: int
    status: Literal["pending"] = "pending"


@dataclass(frozen=True)
class CandidateReader:
    session: dict[str, Any]


Reader = Org | CandidateReader


async def scorecard_reader(request: Request, conn: DbConn, settings: Settings) -> Reader:
    """An organisation key, or a candidate's invite (practice sessions only: see `_readable_session`)."""
    if bearer(request).startswith(INVITE_PREFIX):
        return CandidateReader(
            await session_for_invite(conn, bearer(request), settings, usable=False, request=request)
        )
    return await require_org(request, conn)


@guess_limits.lookup_guard
async def admit_reader(request: Request, settings: Settings) -> None:
    """What `counted_reader` checks before it takes a pooled connection: an invite's reader is counted per client
    address (anyone may try invites; api/report_limits.py), and a credential not shaped as one we issue, or from an
    address the guess limits have spent, is refused. A refusal takes no connection: taken first, an anonymous burst
    of such reads held the whole pool and its queue, and every other caller got 503 `database_unavailable`."""
    token = bearer(request)
    if token.startswith(INVITE_PREFIX):
        await report_limits.count_client(request, settings)
        admitted_invite(token, request)
    else:
        admitted_api_key(request)


@guess_limits.lookup_guard
async def counted_reader(
    request: Request,
    _admitted: Annotated[None, Depends(admit_reader)],  # solved before the connection: a refusal takes none
    conn: DbConn,
    settings: Settings,
) -> Reader:
    """`scorecard_reader` for a read of a report, its timeline or its scorecard, once `admit_reader` let it in. A
    route puts it before its own `conn`, which is the same connection (FastAPI solves parameters in order)."""
    return await scorecard_reader(request, conn, settings)


async def count_read(request: Request, settings: ApiSettings, reader: Reader) -> None:
    """Count a read of a report, a timeline or a scorecard once its reader is known: per organisation with its key;
    with a practice invite per session, as a link is (its client address was counted by `counted_reader`)."""
    if isinstance(reader, CandidateReader):
        await report_limits.count_link(request, settings, report_limits.practice_bucket(reader.session["id"]))
    else:
        await report_limits.count_org(request, settings, reader.id)


async def _readable_session(conn: DbConn, session_id: str, reader: Reader) -> dict[str, Any]:
    if isinstance(reader, CandidateReader):
        session = own_session(reader.session, session_id)
        if not session["practice"]:
            raise ForbiddenError(
                "The results of this interview go to the company that scheduled it.",
                code="scorecard_not_shared",
            )
        return session
    row = await sessions_repo.get_session(conn, session_id, organization_id=reader.id)
    if row is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    return row


ScorecardReader = Annotated[Reader, Depends(counted_reader)]


@router.get(
    "/{session_id}/scorecard",
    response_model=ScorecardOut | CandidateScorecardOut,
    responses=error_responses(*DB, 401, 403, 404, 429),
)
async def read_scorecard(
    session_id: SessionId, request: Request, reader: ScorecardReader, conn: DbConn, settings: Settings
) -> ScorecardOut | CandidateScorecardOut:
    """The scorecard to read: the latest `ready` version, or the newest version (`pending` or `failed`, with its
    `reason`) while none is ready; `latest_attempt` is the newest version, so a re-grade that is pending or failed
    shows there without hiding the ready scorecard. 404 before any grading. A practice candidate (invite as bearer)
    gets the coaching view, without bands, scores or recommendation. Limited as the report page is
    (SHADOWS_API_REPORT_READ_ORG_RATE_LIMIT per organisation; an invite per session and client address): 429
    `rate_limited` with Retry-After."""
    await count_read(request, settings, reader)
    await _readable_session(conn, session_id, reader)
    view = await shown_view(conn, session_id, coach=isinstance(reader, CandidateReader))
    if view is None:
        raise NotFoundError("This session has not been graded yet.", code="scorecard_not_found")
    return view


@router.get(
    "/{session_id}/scorecards",
    response_model=ScorecardPage | CandidateScorecardPage,
    responses=error_responses(*DB, 401, 403, 404, 429),
)
async def list_scorecards(
    session_id: SessionId, request: Request, reader: ScorecardReader, conn: DbConn, settings: Settings
) -> ScorecardPage | CandidateScorecardPage:
    """Every version, newest first (at most the latest 100); an empty list before any grading. Limited as
    `GET /v1/sessions/{id}/scorecard` is (429 `rate_limited`)."""
    await count_read(request, settings, reader)
    await _readable_session(conn, session_id, reader)
    rows = await scorecards_repo.list_versions(conn, session_id, limit=MAX_VERSIONS_LISTED)
    if isinstance(reader, CandidateReader):
        return CandidateScorecardPage(data=await candidate_views(conn, session_id, rows))
    return ScorecardPage(data=await org_views(conn, session_id, rows))


@router.post(
    "/{session_id}/grade",
    status_code=202,
    response_model=GradeAccepted,
    responses=error_responses(*BODY, *DB, 401, 404, 409, 429),
)
async def grade_session(
    session_id: SessionId,
    org: OrgCaller,
    conn: DbConn,
    settings: Settings,
    request: Request,
    body: Annotated[GradeBody | None, Body()] = None,
) -> GradeAccepted:
    """Re-grade a completed or abandoned session: a new scorecard version, graded in the background; earlier
    versions are kept. 409 `grading_pending` while a version is still being graded, and 409
    `too_many_scorecard_versions` once the session has SHADOWS_API_SCORECARD_VERSIONS_PER_SESSION versions; 409
    `record_deleted` once retention deleted the interview record (the kept scorecard stays the one shown). At most
    SHADOWS_API_REGRADE_RATE_LIMIT re-grades per organisation across its sessions: past it 429 `rate_limited` with
    Retry-After, counted before anything is read or stored. A key revoked while the request was under way grades
    nothing (401 `invalid_api_key`)."""
    await count_regrade(request.app.state.ratelimits, settings, org.id)
    async with conn.transaction():
        version = await request_regrade(
            conn, session_id, organization_id=org.id, max_versions=settings.scorecard_versions_per_session
        )
        # A paid grading whose result the ATS and the receivers are sent next: only while the key that asked is
        # unrevoked (the regrade may have waited on the session's row).
        await hold_caller(conn, org.key_id)
    return GradeAccepted(session_id=session_id, version=version)
