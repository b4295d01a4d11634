"""The keys we issue to an ATS (Greenhouse, Ashby) in Postgres: issue, rotation, revocation and lookups.

Revoking a key (a rotation's or a disconnection's) forgets its secrets in the same statement: a trigger clears its
sealed copy and the organisation's sealed Ashby API key (migration 20270201090000). Only a live key's are read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.db.pool import Conn


async def issue_key(
    conn: Conn,
    organization_id: UUID,
    provider: str,
    *,
    key_hash: bytes,
    key_sealed: str,
    prefix: str,
    provider_api_key_sealed: str | None,
) -> dict[str, Any]:
    """A new live key for (organisation, ATS); the one it replaces is revoked in the same transaction. Issues are
    serialised on the organisation's row, so one issued at the same time (on any replica) is revoked too, instead
    of both inserting a live key and the later one failing on `integration_keys_live_idx`."""
    async with conn.transaction():
        await conn.execute("select 1 from organizations where id = %s for no key update", (organization_id,))
        await conn.execute(
            """
            update integration_keys set revoked_at = now()
            where organization_id = %s and provider = %s and revoked_at is null
            """,
            (organization_id, provider),
        )
        cur = await conn.execute(
            """
            insert into integration_keys (organization_id, provider, key_hash, key_sealed, prefix,
                                          provider_api_key_sealed)
            values (%s, %s, %s, %s, %s, %s)
            returning id, prefix, created_at
            """,
            (organization_id, provider, key_hash, key_sealed, prefix, provider_api_key_sealed),
        )
        row = await cur.fetchone()
    assert row is not None
    return row


async def revoke_keys(conn: Conn, organization_id: UUID, provider: str) -> int:
    cur = await conn.execute(
        """
        update integration_keys set revoked_at = now()
        where organization_id = %s and provider = %s and revoked_at is null
        returning id
        """,
        (organization_id, provider),
    )
    return len(await cur.fetchall())


async def key_by_hash(conn: Conn, provider: str, key_hash: bytes) -> dict[str, Any] | None:
    cur = await conn.execute(
        """
        select id, organization_id, key_hash from integration_keys
        where key_hash = %s and provider = %s and revoked_at is null
        """,
        (key_hash, provider),
    )
    return await cur.fetchone()


async def live_key(conn: Conn, organization_id: UUID, provider: str) -> dict[str, Any] | None:
    cur = await conn.execute(
        """
        select id, key_sealed, provider_api_key_sealed from integration_keys
        where organization_id = %s and provider = %s and revoked_at is null
        """,
        (organization_id, provider),
    )
    return await cur.fetchone()


async def was_revoked(conn: Conn, provider: str, key_hash: bytes) -> bool:
    """Whether `key_hash` is a key we issued for `provider` and have since revoked (kept 30 days after): a stale key
    an ATS still presents, not a guess, so its lookup spends no guess budget (api/guess_limits.py). Greenhouse and
    Ashby call from a few addresses of their own: counted, one customer's stale key spent that address's budget, and
    every other customer's key this process had not yet seen valid was refused 429 from there."""
    cur = await conn.execute(
        "select 1 from integration_keys where key_hash = %s and provider = %s and revoked_at is not null",
        (key_hash, provider),
    )
    return await cur.fetchone() is not None


async def hold_live_key(conn: Conn, key_id: UUID) -> bool:
    """Whether the ATS key is unrevoked, holding its row (`for share`) until the caller's transaction ends: a
    rotation or revocation that committed before is seen, one under way is waited for and seen, one that comes after
    waits for the caller's commit (as `api_keys_repo.hold_live`). Take it last in the transaction."""
    cur = await conn.execute(
        "select 1 from integration_keys where id = %s and revoked_at is null for share", (key_id,)
    )
    return await cur.fetchone() is not None
