"""Organisation routes for legal holds: place and lift one on a session, read a session's trail, list the held
sessions (`api.legal_holds`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api import keyset, legal_holds
from api.db import legal_holds_repo
from api.deps import DbConn, OrgCaller
from api.errors import NotFoundError
from api.ids import SessionId
from api.openapi_errors import BODY, DB, error_responses
from api.schemas import refuse_unstorable

router = APIRouter(tags=["legal holds"])
MAX_TRAIL = legal_holds.MAX_HOLDS_PER_SESSION


class HoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="Why (a case or matter reference, say).")
    _storable = field_validator("reason")(refuse_unstorable)


class HoldLift(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, min_length=1, max_length=1000)
    _storable = field_validator("reason")(refuse_unstorable)


class LegalHoldOut(BaseModel):
    id: UUID
    session_id: str
    active: bool
    reason: str
    placed_at: datetime
    placed_by: str = Field(description="The prefix of the organisation API key that placed it.")
    lifted_at: datetime | None
    lifted_by: str | None = Field(
        description="The prefix of the key that lifted it; null while it is active."
    )
    lift_reason: str | None


class LegalHoldPage(BaseModel):
    data: list[LegalHoldOut]
    next_cursor: str | None = None


def _out(row: dict[str, Any]) -> LegalHoldOut:
    return LegalHoldOut(
        id=row["id"],
        session_id=row["session_id"],
        active=row["lifted_at"] is None,
        reason=row["reason"],
        placed_at=row["placed_at"],
        placed_by=row["placed_by_key_prefix"],
        lifted_at=row["lifted_at"],
        lifted_by=row["lifted_by_key_prefix"],
        lift_reason=row["lift_reason"],
    )


@router.post(
    "/v1/sessions/{session_id}/legal-hold",
    status_code=201,
    response_model=LegalHoldOut,
    responses=error_responses(*BODY, *DB, 401, 404, 409),
)
async def place_legal_hold(
    session_id: SessionId, body: HoldCreate, org: OrgCaller, conn: DbConn
) -> LegalHoldOut:
    """Hold this session's record: the retention job does not erase it, and it cannot be deleted on request, until
    the hold is lifted. Recorded with its reason, the key that placed it and when. 409 `legal_hold_exists` when it is
    held already, `record_erased` when retention erased the record before the hold."""
    return _out(await legal_holds.place(conn, session_id, org.id, org.key_id, body.reason))


@router.delete(
    "/v1/sessions/{session_id}/legal-hold",
    response_model=LegalHoldOut,
    responses=error_responses(*BODY, *DB, 401, 404),
)
async def lift_legal_hold(
    session_id: SessionId, org: OrgCaller, conn: DbConn, body: Annotated[HoldLift | None, Body()] = None
) -> LegalHoldOut:
    """Lift the session's hold (optionally saying why). The hold stays on record; retention erases the record on its
    next hourly pass if its period has run out. 404 `legal_hold_not_found` when the session is not held."""
    return _out(await legal_holds.lift(conn, session_id, org.id, org.key_id, body.reason if body else None))


@router.get(
    "/v1/sessions/{session_id}/legal-holds",
    response_model=LegalHoldPage,
    responses=error_responses(*DB, 401, 404),
)
async def list_session_legal_holds(session_id: SessionId, org: OrgCaller, conn: DbConn) -> LegalHoldPage:
    """Every hold of this session, active or lifted, newest first: who placed and lifted each, when and why."""
    rows = await legal_holds_repo.trail(conn, session_id, org.id, MAX_TRAIL)
    if not rows and not await legal_holds_repo.owns_session(conn, session_id, org.id):
        raise NotFoundError("Session not found.", code="session_not_found")
    return LegalHoldPage(data=[_out(r) for r in rows])


@router.get("/v1/legal-holds", response_model=LegalHoldPage, responses=error_responses(*DB, 400, 401))
async def list_legal_holds(
    org: OrgCaller,
    conn: DbConn,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=keyset.MAX_CHARS)] = None,
) -> LegalHoldPage:
    """The organisation's sessions on legal hold now, the longest held first; `next_cursor` pages on."""
    after = keyset.decode(cursor) if cursor is not None else None
    rows, next_cursor = keyset.page(
        await legal_holds_repo.held_sessions(conn, org.id, limit + 1, after), limit, "placed_at"
    )
    return LegalHoldPage(data=[_out(r) for r in rows], next_cursor=next_cursor)
