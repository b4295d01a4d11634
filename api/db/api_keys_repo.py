"""An organisation's API keys: listed, issued and revoked (`api.api_keys`). Only a key's SHA-256 is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api.db.pool import Conn
from api.security import digest

KEY_FIELDS = (
    "id, organization_id, name, prefix, created_at, last_used_at, revoked_at, "
    "issued_by_key_id, issued_by_key_prefix"
)

# A statement that changes several keys locks them first, in id order (`order by id for no key update`): then two
# such transactions (a revocation `with_issued`, a prune moving keys up: `revoke_many`, `move_issued_up`) wait one
# for the other, never each on the other (a deadlock: PostgreSQL ends one, a revocation's request or a retention run).


async def lock_org(conn: Conn, org_id: UUID) -> bool:
    """Serialise changes to one organisation's keys (inside a transaction): the bound on active keys and the
    last-key refusal count the active keys, and two concurrent revocations must not both see the other's key. `no key
    update`: it does not wait for, nor hold up, the rows that reference the organisation (sessions being created)."""
    cur = await conn.execute("select 1 from organizations where id = %s for no key update", (org_id,))
    return await cur.fetchone() is not None


async def count_active(conn: Conn, org_id: UUID) -> int:
    cur = await conn.execute(
        "select count(*) as n from api_keys where organization_id = %s and revoked_at is null", (org_id,)
    )
    row = await cur.fetchone()
    assert row is not None  # count(*) returns a row
    return int(row["n"])


async def insert_key(
    conn: Conn, org_id: UUID, key: str, name: str | None, issued_by: UUID | None = None
) -> dict[str, Any]:
    """`issued_by`: the key whose request issued this one (None: the operator's CLI); its prefix is kept too, and it
    is the first key up the chain the walk of `issued_by` (below) goes through (`issued_under_key_id`)."""
    cur = await conn.execute(
        f"""
        insert into api_keys (
          organization_id, key_hash, prefix, name, issued_by_key_id, issued_by_key_prefix, issued_under_key_id
        )
        values (%s, %s, %s, %s, %s, (select prefix from api_keys where id = %s), %s)
        returning {KEY_FIELDS}
        """,  # noqa: S608  # constant column list
        (org_id, digest(key), key[:8], name, issued_by, issued_by, issued_by),
    )
    row = await cur.fetchone()
    assert row is not None  # insert ... returning
    return row


async def get_key(
    conn: Conn, key_id: UUID, org_id: UUID | None = None, *, lock: bool = False
) -> dict[str, Any] | None:
    """The key `key_id`; with `org_id`, only when it is that organisation's."""
    cur = await conn.execute(
        f"select {KEY_FIELDS} from api_keys where id = %s and (%s::uuid is null or organization_id = %s)"  # noqa: S608  # constant column list
        + (" for no key update" if lock else ""),
        (key_id, org_id, org_id),
    )
    return await cur.fetchone()


async def hold_live(conn: Conn, key_id: UUID) -> bool:
    """Whether the key is unrevoked, holding its row (`for share`) until the caller's transaction ends: a revocation
    (an update of the row) that committed before is seen, and one under way is waited for and seen; one that comes
    after waits for the caller's commit. Take it last in the transaction (after any lock on the organisation's row,
    which a revocation takes before the key's), so that it never waits while holding what a revocation needs."""
    cur = await conn.execute(
        "select 1 from api_keys where id = %s and revoked_at is null for share", (key_id,)
    )
    return await cur.fetchone() is not None


async def revoke(conn: Conn, key_id: UUID) -> dict[str, Any]:
    """Revoke the key (a revoked key keeps its first revocation time)."""
    cur = await conn.execute(
        f"update api_keys set revoked_at = coalesce(revoked_at, now()) where id = %s returning {KEY_FIELDS}",  # noqa: S608  # constant column list
        (key_id,),
    )
    row = await cur.fetchone()
    assert row is not None  # the caller read it under lock
    return row


async def issued_by(conn: Conn, key_id: UUID) -> list[UUID]:
    """The unrevoked keys `key_id` issued, and those they issued, on down (through revoked keys too: a key revoked
    alone still leads to what it issued). The walk goes by `issued_under_key_id`, not `issued_by_key_id`: when a key
    in the middle is pruned (30 days after its revocation) what it issued moves up to its own issuer
    (`move_issued_up`), so the chain holds; `issued_by_key_id` is set null then, and names the direct issuer only."""
    cur = await conn.execute(
        """
        with recursive issued(id) as (
          select id from api_keys where issued_under_key_id = %s
          union
          select k.id from api_keys k join issued i on k.issued_under_key_id = i.id
        )
        select k.id from api_keys k join issued i using (id) where k.revoked_at is null order by k.id
        """,
        (key_id,),
    )
    return [r["id"] for r in await cur.fetchall()]


async def move_issued_up(conn: Conn, pruned: list[UUID]) -> None:
    """Before the keys `pruned` are deleted (in the same transaction, their rows locked; revoked keys, which issue
    nothing more): each key issued under one of them is moved up to the nearest key above it that stays, so the walk
    of `issued_by` from a key further up still reaches it. Keys pruned together may be each other's issuers: the
    walk up skips every one of them. The keys moved are locked first, in id order (above)."""
    await conn.execute(
        "select 1 from api_keys where issued_under_key_id = any(%(pruned)s) and not (id = any(%(pruned)s)) "
        "order by id for no key update",
        {"pruned": pruned},
    )
    await conn.execute(
        """
        with recursive up(id, above) as (
          select id, issued_under_key_id from api_keys where id = any(%(pruned)s)
          union all
          select up.id, k.issued_under_key_id from up join api_keys k on k.id = up.above
          where up.above = any(%(pruned)s)
        ),
        kept(id, above) as (
          select id, above from up where above is null or not (above = any(%(pruned)s))
        )
        update api_keys k set issued_under_key_id = kept.above from kept
        where k.issued_under_key_id = kept.id and not (k.id = any(%(pruned)s))
        """,
        {"pruned": pruned},
    )


async def revoke_many(conn: Conn, key_ids: list[UUID]) -> list[dict[str, Any]]:
    """Revoke each of the keys (a revoked one keeps its first revocation time), locked first in id order
    (above)."""
    await conn.execute("select 1 from api_keys where id = any(%s) order by id for no key update", (key_ids,))
    cur = await conn.execute(
        f"update api_keys set revoked_at = coalesce(revoked_at, now()) where id = any(%s) "  # noqa: S608  # constant column list
        f"returning {KEY_FIELDS}",
        (key_ids,),
    )
    return sorted(await cur.fetchall(), key=lambda r: (r["created_at"], r["id"]))


async def list_keys(
    conn: Conn, org_id: UUID, limit: int, after: tuple[datetime, UUID] | None = None
) -> list[dict[str, Any]]:
    """The organisation's keys, newest first (revoked ones too), after the cursor's position."""
    cur = await conn.execute(
        f"select {KEY_FIELDS} from api_keys where organization_id = %s "  # noqa: S608  # constant column list
        "and (%s::timestamptz is null or (created_at, id) < (%s, %s)) "
        "order by created_at desc, id desc limit %s",
        (
            org_id,
            after[0] if after else None,
            after[0] if after else None,
            after[1] if after else None,
            limit,
        ),
    )
    return await cur.fetchall()


async def touch(conn: Conn, key_id: UUID) -> None:
    """Record that the key was used now, unless that was recorded within the last minute (replicas racing write at
    most one row version each)."""
    await conn.execute(
        "update api_keys set last_used_at = now() where id = %s "
        "and (last_used_at is null or last_used_at < now() - interval '1 minute')",
        (key_id,),
    )
