"""Stored answers of idempotent session creation (`session_idempotency_keys`; `api.idempotency`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from api.db.pool import Conn

# How long a key is honoured: past it, the key claims afresh (its old row is replaced, or pruned by the hourly
# retention job before then: api/jobs/pruning.py).
KEEP_HOURS = 24


@dataclass(frozen=True)
class KeyNames:
    """What one organisation's key is looked up as: `stored`, its HMAC (the name of its row), and `as_sent`, the key
    itself, the name of the rows the release before migration 20270130090000 stored, for the rest of their 24 hours
    (a request with the key renames them). Never logged."""

    stored: bytes = field(repr=False)
    as_sent: str = field(repr=False)


async def claim(conn: Conn, org_id: UUID, names: KeyNames, request_sha256: bytes) -> dict[str, Any] | None:
    """In the transaction that will schedule the session: None when this request claimed the key (go on, then
    `store`); otherwise the row that holds it (`rename_as_sent` first). The unique (organization_id, key_hmac)
    index makes a request that claims a key another transaction has claimed and not yet ended wait for it: its
    commit leaves that row (read here), its rollback leaves the key free (claimed here). A row older than
    KEEP_HOURS is claimed over: its old session and answer stay until `store` replaces them in this transaction (a
    session's deletion sets `session_id` null, which makes the row a tombstone: `erased_at`, migration
    20270120090000; a claim over, with its new `created_at` and fingerprint, never does: 20270123090000)."""
    # Twice at most: a row read gone was pruned (or its organisation deleted) after the insert conflicted.
    while True:
        cur = await conn.execute(
            f"""
            insert into session_idempotency_keys (organization_id, key_hmac, request_sha256) values (%s, %s, %s)
            on conflict (organization_id, key_hmac) do update
              set request_sha256 = excluded.request_sha256, created_at = now(), erased_at = null
              where session_idempotency_keys.created_at < now() - interval '{KEEP_HOURS} hours'
            returning id
            """,  # noqa: S608  # an integer constant
            (org_id, names.stored, request_sha256),
        )
        if await cur.fetchone() is not None:
            return None
        cur = await conn.execute(
            "select request_sha256, session_id, response, erased_at from session_idempotency_keys "
            "where organization_id = %s and key_hmac = %s",
            (org_id, names.stored),
        )
        row = await cur.fetchone()
        if row is not None:
            return row


async def rename_as_sent(conn: Conn, org_id: UUID, names: KeyNames) -> None:
    """Before `claim`, in a statement of its own (committed whatever the request's answer, a 409 or 422 too): the
    key's row, if the release before migration 20270130090000 named it by the key as sent, takes the key's HMAC.
    A concurrent request's rename goes first (this one then finds nothing left to rename: the condition is read
    again under the row's lock) or waits for this one. Since that migration no row is named as sent anew (a trigger
    refuses it), so none is in flight unseen; 24 hours after it, none is left."""
    await conn.execute(
        """
        update session_idempotency_keys set key = null, key_hmac = %s
        where organization_id = %s and key = %s
          and not exists (select from session_idempotency_keys where organization_id = %s and key_hmac = %s)
        """,
        (names.stored, org_id, names.as_sent, org_id, names.stored),
    )


async def store(conn: Conn, org_id: UUID, names: KeyNames, session_id: str, sealed_response: str) -> None:
    """The answer to give a repeat of the request that claimed the key (same transaction as the claim)."""
    await conn.execute(
        "update session_idempotency_keys set session_id = %s, response = %s "
        "where organization_id = %s and key_hmac = %s",
        (session_id, sealed_response, org_id, names.stored),
    )


async def rename_session_key_as_sent(conn: Conn, session_id: str, name: Callable[[UUID, str], bytes]) -> int:
    """Before the session's erasure, in its transaction: its key's row, if the release before migration
    20270130090000 stored the key as sent, takes the key's HMAC (`name`) instead, so that the tombstone keeps no key
    as sent. How many rows were renamed (0 or 1)."""
    cur = await conn.execute(
        "select id, organization_id, key from session_idempotency_keys "
        "where session_id = %s and key is not null for update",
        (session_id,),
    )
    rows = await cur.fetchall()
    for row in rows:
        await conn.execute(
            "update session_idempotency_keys set key = null, key_hmac = %s where id = %s",
            (name(row["organization_id"], row["key"]), row["id"]),
        )
    return len(rows)
