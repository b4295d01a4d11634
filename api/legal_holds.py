"""Legal holds: an organisation in a dispute stops retention from erasing one session's record until it lifts the
hold (`api.jobs.retention` skips a held session; `DELETE /v1/sessions/{id}` refuses one).

A hold is placed and lifted in one transaction that first locks the session's row, the lock the retention job takes
before it erases anything of the session: a hold placed while the job erases that session waits for it and then
finds the record gone (409 `record_erased`), and a hold that committed first is seen by the job, which then leaves
the session alone. Each hold is a row that stays once lifted (reason, the key that placed and lifted it, when): the
trail. Each placing and lifting is logged with the ids only, never the reason.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import structlog

from api.api_keys import hold_caller
from api.db import legal_holds_repo
from api.db.pool import Conn
from api.errors import ConflictError, NotFoundError

log = structlog.get_logger(__name__)

# Placing and lifting cannot grow one session's trail without bound.
MAX_HOLDS_PER_SESSION = 100


class LegalHoldExistsError(ConflictError):
    code = "legal_hold_exists"


class RecordErasedError(ConflictError):
    code = "record_erased"


class TooManyLegalHoldsError(ConflictError):
    code = "too_many_legal_holds"


class SessionOnLegalHoldError(ConflictError):
    code = "session_on_legal_hold"


def _not_found() -> NotFoundError:
    return NotFoundError("Session not found.", code="session_not_found")


async def place(
    conn: Conn, session_id: str, organization_id: UUID, key_id: UUID, reason: str
) -> dict[str, Any]:
    async with conn.transaction():
        session = await legal_holds_repo.lock_session(conn, session_id, organization_id)
        if session is None:
            raise _not_found()
        if session["retention_applied_at"] is not None:
            raise RecordErasedError(
                "Retention already erased this session's record; there is nothing left to hold."
            )
        if await legal_holds_repo.is_held(conn, session_id):
            raise LegalHoldExistsError(
                "This session is already on legal hold; lift it before placing another."
            )
        if await legal_holds_repo.count_holds(conn, session_id) >= MAX_HOLDS_PER_SESSION:
            raise TooManyLegalHoldsError(f"This session has had {MAX_HOLDS_PER_SESSION} holds.")
        hold = await legal_holds_repo.place(conn, session_id, organization_id, reason, key_id)
        await hold_caller(conn, key_id)
    log.info(
        "legal_hold.placed",
        session_id=session_id,
        organization_id=str(organization_id),
        hold_id=str(hold["id"]),
    )
    return hold


async def lift(
    conn: Conn, session_id: str, organization_id: UUID, key_id: UUID, reason: str | None
) -> dict[str, Any]:
    async with conn.transaction():
        if await legal_holds_repo.lock_session(conn, session_id, organization_id) is None:
            raise _not_found()
        hold = await legal_holds_repo.lift(conn, session_id, reason, key_id)
        if hold is None:
            raise NotFoundError("This session is not on legal hold.", code="legal_hold_not_found")
        await hold_caller(conn, key_id)  # a key revoked since it was let in lifts nothing (api.api_keys)
    log.info(
        "legal_hold.lifted",
        session_id=session_id,
        organization_id=str(organization_id),
        hold_id=str(hold["id"]),
    )
    return hold


async def refuse_if_held(conn: Conn, session_id: str) -> None:
    """For a deletion request, under the session's lock: a held record is not erased on request either."""
    if await legal_holds_repo.is_held(conn, session_id):
        raise SessionOnLegalHoldError("This session is on legal hold; lift the hold before deleting it.")
