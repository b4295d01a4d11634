"""The attempt bookkeeping shared by the outboxes the worker delivers from (`webhook_deliveries`, `ats_callbacks`).

A row is `pending` until an attempt delivers it (`delivered`) or no retry is left (`failed`). Every attempt counts
and keeps its status code and error; a pending row carries the time of its next attempt. Only a pending row moves:
an attempt that lost a race with `fail_pending` (an endpoint disabled meanwhile) changes nothing.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from psycopg import sql

from api.db.pool import Conn

Outbox = Literal["webhook_deliveries", "ats_callbacks"]


async def record_attempt(
    conn: Conn,
    table: Outbox,
    row_id: UUID,
    *,
    delivered: bool,
    status_code: int | None,
    error: str | None,
    retry_in_s: float | None,
    response: str | None = None,
) -> bool:
    """One attempt's outcome: delivered, failed for good (`retry_in_s` None), or pending until the next one.
    `response` is what the receiver answered, as the table keeps it (a webhook's: the start of its body; an ATS's:
    the excerpt of its error fields, `api.integrations.ats_answers`), replacing the previous attempt's. Whether the
    row was pending and took it (else something ended it meanwhile, or it is gone, and nothing changed)."""
    query = sql.SQL(
        """
        update {table} set
          attempts = attempts + 1, last_attempt_at = now(), last_status_code = %(code)s, last_error = %(error)s,
          last_response = %(response)s,
          status = case when %(delivered)s then 'delivered' when %(retry)s::float8 is null then 'failed'
                        else 'pending' end,
          delivered_at = case when %(delivered)s then now() else delivered_at end,
          next_attempt_at = case when %(retry)s::float8 is null then next_attempt_at
                                 else now() + make_interval(secs => %(retry)s::float8) end
        where id = %(id)s and status = 'pending'
        """
    ).format(table=sql.Identifier(table))
    params = {
        "code": status_code,
        "error": error,
        "response": response,
        "delivered": delivered,
        "retry": None if delivered else retry_in_s,
        "id": row_id,
    }
    cur = await conn.execute(query, params)
    return cur.rowcount == 1


async def fail_pending(conn: Conn, table: Outbox, row_id: UUID, error: str) -> bool:
    """Finish a pending row without an attempt (its endpoint was disabled or deleted, or it cannot be sent).
    Whether it was pending (else nothing changed)."""
    cur = await conn.execute(
        sql.SQL(
            "update {table} set status = 'failed', last_error = %s where id = %s and status = 'pending'"
        ).format(table=sql.Identifier(table)),
        (error, row_id),
    )
    return cur.rowcount == 1
