"""Share links in Postgres: insert, look up by id, list and revoke a session's links."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api.db.pool import Conn

COLUMNS = "l.id, l.session_id, l.organization_id, l.created_at, l.expires_at, l.revoked_at"


async def insert_link(
    conn: Conn,
    link_id: UUID,
    session_id: str,
    organization_id: UUID,
    created_at: datetime,
    expires_at: datetime,
    *,
    cap: int | None = None,
) -> dict[str, Any] | None:
    """Insert the link; with `cap`, only while the session has fewer unexpired links (revoked ones count) than
    that (None otherwise). Counted under a lock on the session's row, so parallel mints cannot together pass it."""
    if cap is not None:
        await conn.execute("select 1 from sessions where id = %s for no key update", (session_id,))
        cur = await conn.execute(
            "select count(*) as n from share_links where session_id = %s and expires_at > %s",
            (session_id, created_at),
        )
        counted = await cur.fetchone()
        if counted is not None and int(counted["n"]) >= cap:
            return None
    cur = await conn.execute(
        f"""
        insert into share_links as l (id, session_id, organization_id, created_at, expires_at)
        values (%s, %s, %s, %s, %s)
        returning {COLUMNS}
        """,  # noqa: S608  # constant column list
        (link_id, session_id, organization_id, created_at, expires_at),
    )
    return await cur.fetchone()


async def get_link(conn: Conn, link_id: UUID) -> dict[str, Any] | None:
    """The link and whether its session still exists (`session_exists`)."""
    cur = await conn.execute(
        f"""
        select {COLUMNS} from share_links l join sessions s on s.id = l.session_id
        where l.id = %s and s.organization_id = l.organization_id
        """,  # noqa: S608  # constant column list
        (link_id,),
    )
    return await cur.fetchone()


async def list_links(conn: Conn, session_id: str, organization_id: UUID, limit: int) -> list[dict[str, Any]]:
    """Newest first."""
    cur = await conn.execute(
        f"""
        select {COLUMNS} from share_links l where l.session_id = %s and l.organization_id = %s
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
