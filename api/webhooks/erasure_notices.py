"""What the delivery jobs need of an erasure's notices (`outbox_emit_erasure`, api/erasure.py).

A session erased on request leaves two kinds of rows that outlive it: a `session.erased` webhook delivery per
subscribed endpoint, and an ATS call of kind `erased` (Ashby's update, or Greenhouse's PATCH). Their session is
gone, so the call is loaded without it (`load_call`: the session's assessment went with it, and
`ats_callbacks_repo.load_callback` reads through it).

A request of the session already in flight when the erasure commits is not stopped, and its row went with the
session: `still_there` says whether its job should wait for a retry at all. A job kept for a retry that can never
come held the session's lock until it ran (hours, late in the schedule), and the erasure's notice, queued behind it
on that lock, waited as long.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from psycopg import sql

from api.db.pool import Conn, Pool, connection


async def load_call(conn: Conn, callback_id: UUID) -> dict[str, Any] | None:
    """An erasure's ATS call, in the shape `load_callback` gives (Greenhouse's keeps its callback URL, the
    assessment that held it being gone; Ashby's has none)."""
    cur = await conn.execute(
        """
        select cb.id, cb.session_id, cb.organization_id, cb.provider, cb.kind, cb.scorecard_version, cb.status,
               cb.attempts, cb.created_at, cb.callback_url
        from ats_callbacks cb
        where cb.id = %s and cb.kind = 'erased'
        """,
        (callback_id,),
    )
    return await cur.fetchone()


async def still_there(
    pool: Pool, table: Literal["webhook_deliveries", "ats_callbacks"], row_id: UUID
) -> bool:
    """Whether the row is still kept (its session was not erased while its request was in flight)."""
    async with connection(pool) as conn:
        cur = await conn.execute(
            sql.SQL("select exists (select from {table} where id = %s) as kept").format(
                table=sql.Identifier(table)
            ),
            (row_id,),
        )
        row = await cur.fetchone()
    return bool(row and row["kept"])
