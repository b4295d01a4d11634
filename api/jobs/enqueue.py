"""Deferring a job on the caller's own connection, inside the caller's transaction.

procrastinate inserts the job with its SQL function `procrastinate_defer_jobs_v1` on whatever connection it is
given (`Task.configure(connection=...)`). On ours, the job row commits or rolls back with the change that caused
it: a rollback drops the job, a commit keeps it, and a crash in between loses neither half alone.
"""

from __future__ import annotations

from typing import Any

from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.tasks import Task
from psycopg.pq import TransactionStatus

from api.db.pool import Conn


class EnqueueOutsideTransactionError(RuntimeError):
    """A programming error: enqueue() was called on a connection that is not inside a transaction."""


async def enqueue(
    conn: Conn,
    task: Task[Any, Any, Any],
    *,
    lock: str | None = None,
    queueing_lock: str | None = None,
    schedule_in_s: float | None = None,
    priority: int | None = None,
    **task_kwargs: Any,
) -> int | None:
    """Defer `task(**task_kwargs)` in the transaction open on `conn` (`async with conn.transaction(): ...`).

    Returns the job id, or None when `queueing_lock` is taken by a job still waiting (that job does the work; the
    caller's transaction stays usable). `lock`: jobs sharing it never run at the same time. Arguments are stored
    in the queue and identify the job in logs: ids only, never personal data.
    """
    if conn.info.transaction_status != TransactionStatus.INTRANS:
        raise EnqueueOutsideTransactionError("enqueue() must run inside the caller's transaction")
    options: dict[str, Any] = {"connection": conn}
    if lock is not None:
        options["lock"] = lock
    if queueing_lock is not None:
        options["queueing_lock"] = queueing_lock
    if schedule_in_s is not None:
        # Due by the database's clock, which decides when it runs, not this host's (`schedule_in` would add the
        # delay to the host's: a host clock an hour off ran the job an hour early or late).
        cur = await conn.execute(
            "select clock_timestamp() + make_interval(secs => %s) as at", (float(schedule_in_s),)
        )
        row = await cur.fetchone()
        assert row is not None  # a select without from returns its row
        options["schedule_at"] = row["at"]
    if priority is not None:
        options["priority"] = priority
    deferrer = task.configure(**options)
    try:
        # A savepoint: a refused queueing lock rolls back only the attempted insert.
        async with conn.transaction():
            return await deferrer.defer_async(**task_kwargs)
    except AlreadyEnqueued:
        return None
