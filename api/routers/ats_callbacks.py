"""Organisation routes for the calls back to the ATS that asked for a session (Greenhouse's completion PATCH,
Ashby's assessment.update): their log, per session and across the organisation's sessions (where the failed ones,
the ATS's dead letters, are found), and sending one again once what made it fail is fixed (the ATS was down past
the retry schedule, the customer's Ashby key was wrong, the integration key was re-issued meanwhile)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api import keyset
from api.api_keys import hold_caller
from api.db import ats_callbacks_repo, sessions_repo
from api.deps import DbConn, OrgCaller
from api.errors import ConflictError, NotFoundError
from api.ids import SessionId
from api.openapi_errors import DB, error_responses

router = APIRouter(prefix="/v1/sessions", tags=["integrations"])
org_router = APIRouter(prefix="/v1/ats-callbacks", tags=["integrations"])
# Each call sent again is a row kept with the session and a request to the ATS: a send-again loop cannot grow
# either without bound (a session's own calls are bounded by its scorecard versions).
MAX_RESENDS_PER_SESSION = 100


class TooManyAtsCallbacksError(ConflictError):
    code = "too_many_ats_callbacks"


class AtsCallbackOut(BaseModel):
    id: UUID
    provider: Literal["greenhouse", "ashby"]
    kind: Literal[
        "completed", "invite_withheld", "started", "grading", "result", "cancelled", "expired", "erased"
    ]
    scorecard_version: int | None
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    # What the ATS said, when its answer had error fields (Ashby's errorInfo code and message): bounded, links and
    # keys left out (api.integrations.ats_answers).
    last_response: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


class AtsCallbackPage(BaseModel):
    data: list[AtsCallbackOut]


class OrgAtsCallbackOut(AtsCallbackOut):
    session_id: str


class OrgAtsCallbackPage(BaseModel):
    data: list[OrgAtsCallbackOut]
    next_cursor: str | None


def _out(row: dict[str, object]) -> AtsCallbackOut:
    return AtsCallbackOut.model_validate(
        {**row, "next_attempt_at": row["next_attempt_at"] if row["status"] == "pending" else None}
    )


def _no_such_call() -> NotFoundError:
    return NotFoundError("No such call for this session.", code="ats_callback_not_found")


async def _own_session(conn: DbConn, session_id: str, org: OrgCaller) -> None:
    if await sessions_repo.get_session(conn, session_id, organization_id=org.id) is None:
        raise NotFoundError("Session not found.", code="session_not_found")


@router.get(
    "/{session_id}/ats-callbacks", response_model=AtsCallbackPage, responses=error_responses(*DB, 401, 404)
)
async def list_ats_callbacks(session_id: SessionId, org: OrgCaller, conn: DbConn) -> AtsCallbackPage:
    """The calls back to the ATS for this session, oldest first: each with its status, attempts, last status code,
    error and what the ATS said (`last_response`). Empty when no ATS asked for the session."""
    await _own_session(conn, session_id, org)
    return AtsCallbackPage(data=[_out(r) for r in await ats_callbacks_repo.list_callbacks(conn, session_id)])


@router.post(
    "/{session_id}/ats-callbacks/{callback_id}/send-again",
    status_code=202,
    response_model=AtsCallbackOut,
    responses=error_responses(*DB, 401, 404, 409),
)
async def send_ats_callback_again(
    session_id: SessionId, callback_id: UUID, org: OrgCaller, conn: DbConn
) -> AtsCallbackOut:
    """Queue a delivered or failed call again, as a new call with a fresh retry schedule (built when it is sent:
    Ashby gets the latest result and a live report link). A 409 while it is pending (its retries are under way),
    and while a call sending it again is: one resend at a time, however many requests arrive together. A session's
    calls are sent again at most 100 times in all (409 `too_many_ats_callbacks`). A key revoked while the request
    was under way sends nothing again (401 `invalid_api_key`)."""
    await _own_session(conn, session_id, org)
    async with conn.transaction():
        if await ats_callbacks_repo.count_resends(conn, session_id) >= MAX_RESENDS_PER_SESSION:
            if await ats_callbacks_repo.get_callback(conn, session_id, callback_id) is None:
                raise _no_such_call()
            raise TooManyAtsCallbacksError(
                f"This session's calls to the ATS were sent again {MAX_RESENDS_PER_SESSION} times already."
            )
        row = await ats_callbacks_repo.send_callback_again(conn, session_id, callback_id)
        if row is not None:
            # A call to the ATS, as a webhook replay is a request to a receiver: none for a key revoked since it was
            # let in (the count above waited on the session's resend lock meanwhile).
            await hold_caller(conn, org.key_id)
        if row is None:
            existing = await ats_callbacks_repo.get_callback(conn, session_id, callback_id)
            if existing is None:
                raise _no_such_call()
            raise ConflictError(
                "This call is still pending; its retries are under way."
                if existing["status"] == "pending"
                else "A call sending this one again is still pending; its retries are under way.",
                code="ats_callback_pending",
            )
    return _out(row)


@org_router.get("", response_model=OrgAtsCallbackPage, responses=error_responses(*DB, 400, 401, 422))
async def list_org_ats_callbacks(
    org: OrgCaller,
    conn: DbConn,
    status: Literal["pending", "delivered", "failed"] | None = None,
    cursor: Annotated[str | None, Query(max_length=keyset.MAX_CHARS)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> OrgAtsCallbackPage:
    """The calls back to the ATSs across the organisation's sessions, newest first, each with its session. With
    `status=failed`: every result or status the ATS never took (retries used up, refused, no live key), to fix and
    send again. Pass `next_cursor` back as `cursor` for the next page."""
    rows = await ats_callbacks_repo.list_org_callbacks(
        conn, org.id, status=status, before=keyset.decode(cursor) if cursor else None, limit=limit + 1
    )
    rows, next_cursor = keyset.page(rows, limit, "created_at")
    return OrgAtsCallbackPage(
        data=[
            OrgAtsCallbackOut.model_validate({**_out(r).model_dump(), "session_id": r["session_id"]})
            for r in rows
        ],
        next_cursor=next_cursor,
    )
