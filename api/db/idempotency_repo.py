"""Stored answers of idempotent session creation (`session_idempotency_keys`; `api.idempotency`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.db.pool import Conn

# How long a key is honoured: past it, the key claims afresh (its old row is replaced, or pruned by the hourly
# retention job before then: api/jobs/pruning.py).
KEEP_HOURS = 24


async def claim(conn: Conn, org_id: UUID, key: str, request_sha256: bytes) -> dict[str, Any] | None:
    """In the transaction that will schedule the session: None when this request claimed the key (go on, then
    `store`); otherwise the row that holds it. The unique (organization_id, key) constraint makes a request that
    claims a key another transaction has claimed and not yet ended wait for it: its commit leaves that row (read
    here), its rollback leaves the key free (claimed here). A row older than KEEP_HOURS is claimed over: its old
    session and answer stay until `store` replaces them in this transaction (a session's deletion sets `session_id`
    null, which makes the row a tombstone: `erased_at`, migration 20270120090000; the release before this one still
    sets it null in its claim over, which the new `created_at` and fingerprint tell apart: 20270123090000)."""
    # Twice at most: a row read gone was pruned (or its organisation deleted) after the insert conflicted.
    while True:
        cur = await conn.execute(
            f"""
            insert into session_idempotency_keys (organization_id, key, request_sha256) values (%s, %s, %s)
            on conflict (organization_id, key) do update
              set request_sha256 = excluded.request_sha256, created_at = now(), erased_at = null
              where session_idempotency_keys.created_at < now() - interval '{KEEP_HOURS} hours'
            returning id
            """,  # noqa: S608  # an integer constant
            (org_id, key, request_sha256),
        )
        if await cur.fetchone() is not None:
            return None
        cur = await conn.execute(
            "select request_sha256, session_id, response, erased_at from session_idempotency_keys "
            "where organization_id = %s and key = %s",
            (org_id, key),
        )
        row = await cur.fetchone()
        if row is not None:
            return row


async def store(conn: Conn, org_id: UUID, key: str, session_id: str, sealed_response: str) -> None:
    """The answer to give a repeat of the request that claimed the key (same transaction as the claim)."""
    await conn.execute(
        "update session_idempotency_keys set session_id = %s, response = %s where organization_id = %s and key = %s",
        (session_id, sealed_response, org_id, key),
    )
