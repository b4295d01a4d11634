"""The attempt bookkeeping shared by the outboxes the worker delivers from (`webhook_deliveries`, `ats_callbacks`).

A row is `pending` until an attempt delivers it (`delivered`) or no retry is left (`failed`). Every attempt counts
and keeps its status code and error; a pending row carries the time of its next attempt. Only a pending row moves:
an attempt that lost a race with `fail_pending` (an endpoint disabled meanwhile) changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal
from uuid import UUID

from psycopg import sql

from api.db import outbound_leases_repo
from api.db.pool import Conn

Outbox = Literal["webhook_deliveries", "ats_callbacks"]
# Each outbox's job: its task and the argument naming its row.
JOBS: dict[Outbox, tuple[str, str]] = {
    "webhook_deliveries": ("deliver_webhook", "delivery_id"),
    "ats_callbacks": ("deliver_ats_callback", "callback_id"),
}


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


async def move_due_jobs(conn: Conn, table: Outbox, due: Sequence[Mapping[str, UUID | datetime]]) -> int:
    """Bring the waiting (`todo`) jobs of these rows forward to their `at` (never later): the second statement of
    a resume (a new ATS key, a webhook endpoint's new URL), after the one that took and changed the rows (`due`:
    its `id`, `at`). Its own statement, so its own snapshot: one change of the rows and the move of the jobs in one
    statement read the jobs as they stood when it started, and a retry procrastinate wrote while that statement
    waited on a row (one another worker's `bring_job_forward` held) was not moved, while that worker, reading the
    row before the change, moved nothing either; the job kept the old key's or receiver's wait (a day). Now either
    the worker held the row first, and its retry was written before this statement starts, or the resume held it
    first, and the worker reads it after the resume commits. How many jobs were moved."""
    if not due:
        return 0
    task, arg = JOBS[table]
    cur = await conn.execute(
        """
        update procrastinate_jobs j set scheduled_at = due.at
        from unnest(%(ids)s::text[], %(ats)s::timestamptz[]) as due(id, at)
        where j.task_name = %(task)s and j.status = 'todo' and j.args->>%(arg)s = due.id and j.scheduled_at > due.at
        """,
        {"ids": [str(r["id"]) for r in due], "ats": [r["at"] for r in due], "task": task, "arg": arg},
    )
    return cur.rowcount


async def bring_job_forward(conn: Conn, table: Outbox, row_id: UUID, job_id: int) -> bool:
    """After procrastinate wrote the retry of the row's job (status `todo`, `scheduled_at` from the attempt's wait, or
    from its receiver's pause): the job is due no later than the row's `next_attempt_at` once its receiver is not
    paused. Something may have brought that forward, and lifted the pause, while the job was still running (a new
    ATS key, a webhook endpoint's new URL: `resume_for_new_key`, `resume_for_new_url`, which move only jobs already
    `todo`). The row is read under its lock first (in the caller's transaction), so such a change under way is
    waited for, and the pause is read after it, in a statement of its own that sees it; a change that takes the row
    after this read moves the job itself, in a statement that starts after it holds the row (`move_due_jobs`). A
    pause that stands keeps the job's wait (and its spread). Whether the job was moved."""
    if table == "ats_callbacks":
        cur = await conn.execute(
            "select organization_id, provider, next_attempt_at from ats_callbacks"
            " where id = %s and status = 'pending' for share",
            (row_id,),
        )
        row = await cur.fetchone()
        target = None if row is None else outbound_leases_repo.ats_target(row["provider"])
    else:
        cur = await conn.execute(
            """
            select e.organization_id, d.endpoint_id, d.next_attempt_at from webhook_deliveries d
            join webhook_endpoints e on e.id = d.endpoint_id
            where d.id = %s and d.status = 'pending' for share of d
            """,
            (row_id,),
        )
        row = await cur.fetchone()
        target = None if row is None else outbound_leases_repo.webhook_target(row["endpoint_id"])
    if row is None or row["next_attempt_at"] is None:
        return False
    cur = await conn.execute(
        """
        update procrastinate_jobs j set scheduled_at = greatest(%(at)s, now())
        where j.id = %(job)s and j.status = 'todo'
          and j.scheduled_at > greatest(%(at)s, now()) + interval '1 second'
          and not exists (select from outbound_pauses p
                          where p.organization_id = %(org)s and p.target = %(target)s and p.until > now())
        """,
        {"at": row["next_attempt_at"], "job": job_id, "org": row["organization_id"], "target": target},
    )
    return cur.rowcount == 1
