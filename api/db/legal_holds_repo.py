"""Legal holds in Postgres: placing and lifting one (under the session row's lock), a session's trail, an
organisation's held sessions, and the test the retention job and a deletion request make."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api.db.pool import Conn

HOLD_COLUMNS = """
  h.id, h.session_id, h.reason, h.placed_at, h.placed_by_key_prefix, h.lifted_at, h.lifted_by_key_prefix,
  h.lift_reason
"""


async def lock_session(conn: Conn, session_id: str, organization_id: UUID) -> dict[str, Any] | None:
    """The session's row, locked for the caller's transaction: the lock the retention job's erase takes too, so a
    hold and an erase of one session never overlap. None for an unknown or another organisation's session."""
    cur = await conn.execute(
        "select id, retention_applied_at from sessions where id = %s and organization_id = %s for update",
        (session_id, organization_id),
    )
    return await cur.fetchone()


async def owns_session(conn: Conn, session_id: str, organization_id: UUID) -> bool:
    cur = await conn.execute(
        "select 1 from sessions where id = %s and organization_id = %s", (session_id, organization_id)
    )
    return await cur.fetchone() is not None


async def is_held(conn: Conn, session_id: str) -> bool:
    cur = await conn.execute(
        "select exists (select 1 from legal_holds where session_id = %s and lifted_at is null) as held",
        (session_id,),
    )
    row = await cur.fetchone()
    return bool(row and row["held"])


async def active_hold(conn: Conn, session_id: str) -> dict[str, Any] | None:
    cur = await conn.execute(
        f"select {HOLD_COLUMNS} from legal_holds h where h.session_id = %s and h.lifted_at is null",  # noqa: S608  # constant column list
        (session_id,),
    )
    return await cur.fetchone()


async def count_holds(conn: Conn, session_id: str) -> int:
    cur = await conn.execute("select count(*) as n from legal_holds where session_id = %s", (session_id,))
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def place(
    conn: Conn, session_id: str, organization_id: UUID, reason: str, key_id: UUID
) -> dict[str, Any]:
    """A new active hold (the caller holds the session's lock and checked there is none)."""
    cur = await conn.execute(
        f"""
        with placed as (
          insert into legal_holds (session_id, organization_id, reason, placed_by_key_id, placed_by_key_prefix)
          select %s, %s, %s, k.id, k.prefix from api_keys k where k.id = %s
          returning *
        )
        select {HOLD_COLUMNS} from placed h
        """,  # noqa: S608  # constant column list
        (session_id, organization_id, reason, key_id),
    )
    row = await cur.fetchone()
    assert row is not None  # the key authenticated this request
    return row


async def lift(conn: Conn, session_id: str, reason: str | None, key_id: UUID) -> dict[str, Any] | None:
    """Lift the session's active hold; None when it has none."""
    cur = await conn.execute(
        f"""
        with lifted as (
          update legal_holds set lifted_at = now(), lifted_by_key_id = k.id, lifted_by_key_prefix = k.prefix,
            lift_reason = %s
          from api_keys k where k.id = %s and legal_holds.session_id = %s and legal_holds.lifted_at is null
          returning legal_holds.*
        )
        select {HOLD_COLUMNS} from lifted h
        """,  # noqa: S608  # constant column list
        (reason, key_id, session_id),
    )
    return await cur.fetchone()


async def trail(conn: Conn, session_id: str, organization_id: UUID, limit: int) -> list[dict[str, Any]]:
    """Every hold of the session, placed or lifted, newest first."""
    cur = await conn.execute(
        f"""
        select {HOLD_COLUMNS} from legal_holds h where h.session_id = %s and h.organization_id = %s
        order by h.placed_at desc, h.id desc limit %s
        """,  # noqa: S608  # constant column list
        (session_id, organization_id, limit),
    )
    return await cur.fetchall()


async def held_sessions(
    conn: Conn, organization_id: UUID, limit: int, after: tuple[datetime, UUID] | None
) -> list[dict[str, Any]]:
    """The organisation's active holds, oldest first, from after the keyset `after` (placed_at, id)."""
    cur = await conn.execute(
        f"""
        select {HOLD_COLUMNS} from legal_holds h
        where h.organization_id = %(org)s and h.lifted_at is null
          and (%(after_at)s::timestamptz is null or (h.placed_at, h.id) > (%(after_at)s, %(after_id)s::uuid))
        order by h.placed_at, h.id limit %(limit)s
        """,  # noqa: S608  # constant column list
        {
            "org": organization_id,
            "after_at": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit,
        },
    )
    return await cur.fetchall()
