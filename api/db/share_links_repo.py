"""Share links in Postgres: insert, look up by id, list and revoke a session's links."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api.db.pool import Conn

COLUMNS = (
    "l.id, l.session_id, l.organization_id, l.created_at, l.expires_at, l.revoked_at, l.api_key_id, "
    "l.integration_key_id"
)


_OWNER = (
    "select organization_id from sessions"
    " where id = %(id)s and (%(org)s::uuid is null or organization_id = %(org)s)"
)
_LOCK_EXCLUSIVE = _OWNER + " for no key update"
_LOCK_SHARED = _OWNER + " for key share"


async def lock_session(
    conn: Conn, session_id: str, organization_id: UUID | None, *, exclusive: bool
) -> UUID | None:
    """The organisation of the session a link is minted for, its row locked until the link's transaction ends (None:
    no such session, or not `organization_id`'s). A session read before that transaction could be erased before the
    insert, which then failed on the foreign key (a 500); under this lock the erasure waits, or is already seen.
    `exclusive` (`for no key update`) also serialises mints of one session, so a cap counted under it holds."""
    cur = await conn.execute(
        _LOCK_EXCLUSIVE if exclusive else _LOCK_SHARED, {"id": session_id, "org": organization_id}
    )
    row = await cur.fetchone()
    return None if row is None else row["organization_id"]


async def insert_link(
    conn: Conn,
    link_id: UUID,
    session_id: str,
    organization_id: UUID,
    created_at: datetime,
    expires_at: datetime,
    *,
    cap: int | None = None,
    api_key_id: UUID | None = None,
    integration_key_id: UUID | None = None,
) -> dict[str, Any] | None:
    """Insert the link (the caller holds `lock_session`, exclusive when capped); with `cap`, only while the session
    has fewer unexpired links (revoked ones count) than that (None otherwise). Counted under that lock on the
    session's row, so parallel mints cannot together pass it."""
    if cap is not None:
        cur = await conn.execute(
            "select count(*) as n from share_links where session_id = %s and expires_at > %s",
            (session_id, created_at),
        )
        counted = await cur.fetchone()
        if counted is not None and int(counted["n"]) >= cap:
            return None
    cur = await conn.execute(
        f"""
        insert into share_links as l (id, session_id, organization_id, created_at, expires_at, api_key_id,
                                      integration_key_id)
        values (%s, %s, %s, %s, %s, %s, %s)
        returning {COLUMNS}
        """,  # noqa: S608  # constant column list
        (link_id, session_id, organization_id, created_at, expires_at, api_key_id, integration_key_id),
    )
    return await cur.fetchone()


async def get_link(conn: Conn, link_id: UUID) -> dict[str, Any] | None:
    """The link while its session is still its organisation's, and whether the integration key it was minted for
    (if any) has been revoked (`integration_key_revoked`)."""
    cur = await conn.execute(
        f"""
        select {COLUMNS}, (l.integration_key_id is not null and not exists (
                 select 1 from integration_keys k where k.id = l.integration_key_id and k.revoked_at is null
               )) as integration_key_revoked
        from share_links l join sessions s on s.id = l.session_id
        where l.id = %s and s.organization_id = l.organization_id
        """,  # noqa: S608  # constant column list
        (link_id,),
    )
    return await cur.fetchone()


async def bound_to_live_key(conn: Conn, link_ids: list[UUID]) -> set[UUID]:
    """Which of these links are bound to an integration key that is still live."""
    if not link_ids:
        return set()
    cur = await conn.execute(
        """
        select l.id from share_links l join integration_keys k on k.id = l.integration_key_id
        where l.id = any(%s) and k.revoked_at is null
        """,
        (link_ids,),
    )
    return {row["id"] for row in await cur.fetchall()}


async def count_minted_for_ats(conn: Conn, session_id: str) -> int:
    """How many of the session's unexpired links (revoked ones included) were minted for an ATS integration key."""
    cur = await conn.execute(
        """
        select count(*) as n from share_links
        where session_id = %s and integration_key_id is not null and expires_at > now()
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def revoke_by_id(conn: Conn, link_id: UUID) -> None:
    await conn.execute(
        "update share_links set revoked_at = coalesce(revoked_at, now()) where id = %s", (link_id,)
    )


async def list_links(conn: Conn, session_id: str, organization_id: UUID, limit: int) -> list[dict[str, Any]]:
    """Newest first, with the prefix of the key each was minted with (`key_prefix`, None for links Shadows minted
    itself) and whether that key is an ATS integration key now revoked (`integration_key_revoked`)."""
    cur = await conn.execute(
        f"""
        select {COLUMNS}, coalesce(ak.prefix, ik.prefix) as key_prefix,
               (ik.id is not null and ik.revoked_at is not null) as integration_key_revoked
        from share_links l
        left join api_keys ak on ak.id = l.api_key_id
        left join integration_keys ik on ik.id = l.integration_key_id
        where l.session_id = %s and l.organization_id = %s
        order by l.created_at desc, l.id limit %s
        """,  # noqa: S608  # constant column list
        (session_id, organization_id, limit),
    )
    return await cur.fetchall()


async def revoke_link(
    conn: Conn, session_id: str, organization_id: UUID, link_id: UUID
) -> dict[str, Any] | None:
    """Revoke (idempotent: a revoked link keeps its first revocation time). None when no such link."""
    cur = await conn.execute(
        f"""
        update share_links l set revoked_at = coalesce(l.revoked_at, now())
        where l.id = %s and l.session_id = %s and l.organization_id = %s
        returning {COLUMNS}
        """,  # noqa: S608  # constant column list
        (link_id, session_id, organization_id),
    )
    return await cur.fetchone()
