"""Erasing one candidate's session on request (`DELETE /v1/sessions/{id}`; GDPR, Illinois' AI Video Interview Act).

In one transaction: the session row and everything recorded about it (events, runs, scorecard versions, share links,
staged uploads, artifact records: they cascade), its candidate when no other session refers to them (else the names
and address it alone gave them: `artifacts_repo`), a `session_deletions` row (ids and counts, no personal data), and
a queued `erase_session_artifacts` job. After the commit the stored objects are removed at once as well; if storage
fails then, the job removes them (retried). An interview in progress must be cancelled first, and a session on
legal hold (`api.legal_holds`) released first. The interviewer's claim row is locked before the session row, the
order of the agent's posts: an old job's last post (its flush after leaving, its completion) is stored before the
erasure, or finds the session gone (404).

Whoever holds a copy hears of it, in the same transaction (`outbox_emit_erasure`, migration
20270106090000_session_erased_notices.sql): each subscribed webhook endpoint a `session.erased` event (the
session id and when it was erased, nothing else), and Ashby, when it ordered the assessment, a last
`assessment.update` (kind `erased`: cancelled, the record deleted); Greenhouse, when it ordered it, a last `PATCH`
(kind `erased`, `outbox_emit_greenhouse_erasure`, 20270122090000_greenhouse_erasure_notice.sql), after which its
test_status read answers `erased`. Both go after anything of the session already in
flight, on the session's own job locks; its deliveries and calls still queued go with it and are never sent. An
endpoint not subscribed to `session.erased` is told too when it was sent (or is being sent) any of the session's.

The `Idempotency-Key` that scheduled the session stays claimed, a tombstone for the rest of its 24 hours
(`api.idempotency`): if the release before migration 20270130090000 stored it as sent, it takes its HMAC first, in
the same transaction, so that the tombstone keeps no key an integrator may have built from the candidate's data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog

from api import legal_holds
from api.api_keys import hold_caller
from api.artifacts import erase_artifacts
from api.db import artifacts_repo, idempotency_repo
from api.db.pool import Conn
from api.errors import ConflictError, NotFoundError
from api.jobs.artifacts import request_erasure
from api.storage import StorageBackend, StorageError

if TYPE_CHECKING:
    from api.idempotency import KeyNamer

log = structlog.get_logger(__name__)


class SessionInProgressError(ConflictError):
    code = "session_in_progress"


async def delete_session(
    conn: Conn,
    storage: StorageBackend,
    session_id: str,
    organization_id: UUID,
    *,
    key_namer: KeyNamer,
    caller: UUID | None = None,
) -> dict[str, Any]:
    async with conn.transaction():
        # The interviewer's claim row before the session row, as the agent's posts lock them (its holder check, then
        # the append or completion: api.db.interviewers_repo): the cascade deletes the claim row, and an erasure
        # that locked the session row first deadlocked with the old job's last post (one aborted, a 503). A post
        # under way is stored first; one that comes later finds the session gone (404).
        await conn.execute(
            """
            select from session_interviewers c join sessions s on s.id = c.session_id
            where c.session_id = %s and s.organization_id = %s for update of c
            """,
            (session_id, organization_id),
        )
        cur = await conn.execute(
            "select status from sessions where id = %s and organization_id = %s for update",
            (session_id, organization_id),
        )
        row = await cur.fetchone()
        if row is None:
            raise NotFoundError("Session not found.", code="session_not_found")
        if row["status"] == "in_progress":
            raise SessionInProgressError("The interview is in progress; cancel it before deleting it.")
        await legal_holds.refuse_if_held(conn, session_id)  # under the row's lock, as a hold is placed
        cur = await conn.execute(
            "select provider, callback_url from ats_assessments where session_id = %s", (session_id,)
        )
        ats = await cur.fetchone()
        # Before the delete, which keeps them: the endpoints sent some of the session's deliveries are read from
        # those (each is told, subscribed or not). The notices carry only the session id, never the candidate's data.
        await conn.execute(
            "select outbox_emit_erasure(%s, %s, %s)",
            (session_id, organization_id, ats is not None and ats["provider"] == "ashby"),
        )
        if ats is not None and ats["provider"] == "greenhouse" and ats["callback_url"]:
            # After the call above, which cancels the session's jobs still waiting: this one goes after them.
            await conn.execute(
                "select outbox_emit_greenhouse_erasure(%s, %s, %s)",
                (session_id, organization_id, ats["callback_url"]),
            )
        # The key's row locked: a retry renaming it meanwhile goes first (then nothing is left to rename) or waits.
        await idempotency_repo.rename_session_key_as_sent(conn, session_id, key_namer.name)
        deleted = await artifacts_repo.delete_session(conn, session_id)
        assert deleted is not None  # locked above
        removed: dict[str, Any] = deleted["removed"]
        await artifacts_repo.log_deletion(conn, session_id, organization_id, "request", removed)
        await request_erasure(conn, session_id)
        if caller is not None:  # irreversible: never for a key revoked since it was let in (api.api_keys)
            await hold_caller(conn, caller)
    try:
        removed["storage_objects"] = await erase_artifacts(storage, session_id)
    except StorageError as e:
        removed["storage_objects"] = None  # the queued job removes them
        log.warning("session.erase_storage_deferred", session_id=session_id, retryable=e.retryable)
    log.info(
        "session.deleted",
        session_id=session_id,
        organization_id=str(organization_id),
        reason="request",
        **removed,
    )
    return removed
