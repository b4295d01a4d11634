"""A lane's heartbeat for as long as its procrastinate worker holds jobs, its shutdown included.

procrastinate's own heartbeat is one of the worker's side tasks, and its graceful shutdown cancels the side tasks
first and only then waits up to `shutdown_graceful_timeout` for the running jobs (`Worker._shutdown`, 3.10). Alone,
a stopping worker (SIGTERM at every deploy, a lane started again after losing the database) would fall silent while
its jobs still run; once silent for SHADOWS_WORKER_STALLED_AFTER_S, a live worker's `retry_stalled_jobs` would take
them for a dead worker's and run them a second time beside the first. `beating` writes the same heartbeat from
outside the worker, from before `Worker.run()` until it returns, by which time every job has finished or been
cancelled and put back. A failed beat is logged and tried again at the next one; procrastinate's own failing still
stops the lane, which is how a lane notices the database has gone.

The heartbeat cannot outlast an outage: a database away for longer than SHADOWS_WORKER_STALLED_AFTER_S leaves every
worker silent. Each beat therefore also tells the process's `Continuity` whether, and at what time of the database's
clock, it was written, and a worker judges others stalled only once its own beats have gone on for
STALLED_AFTER_S without a gap (`api.jobs.continuity`): a job that ran on through an outage is not requeued beside
itself once the database is back, provided its worker reaches the database again within STALLED_AFTER_S of the
judging one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog
from procrastinate.exceptions import ConnectorException
from procrastinate.worker import Worker

from api.jobs.continuity import Continuity

log = structlog.get_logger(__name__)

# procrastinate's own write of the heartbeat, with the database's time of it (the same transaction's `now()`).
BEAT = "SELECT procrastinate_update_heartbeat_v1(%(worker_id)s) AS beat, now() AS at"


async def _beat(
    worker: Worker, interval_s: float, lane: str, continuity: Continuity, stop: asyncio.Event
) -> None:
    failing = False
    while True:
        await asyncio.sleep(interval_s)
        worker_id = worker.worker_id  # None before it registers and once it has unregistered
        if stop.is_set():
            return
        if worker_id is None:
            continue
        begun = continuity.begin()
        try:
            row = await worker.app.connector.execute_query_one_async(BEAT, worker_id=worker_id)
        except ConnectorException as e:  # the database away: the next beat tries again
            continuity.missed()
            if not failing:
                log.warning("worker.heartbeat_failed", lane=lane, error_type=type(e.__cause__ or e).__name__)
            failing = True
            continue
        continuity.reached(begun, row["at"])
        failing = False


@contextlib.asynccontextmanager
async def beating(
    worker: Worker, interval_s: float, lane: str, continuity: Continuity
) -> AsyncIterator[None]:
    """Heartbeat `worker` every `interval_s` until the block exits (run `worker.run()` inside it), telling
    `continuity` of each beat."""
    stop = asyncio.Event()
    task = asyncio.create_task(
        _beat(worker, interval_s, lane, continuity, stop), name=f"shadows-heartbeat-{lane}"
    )
    try:
        yield
    finally:
        # The event as well as the cancellation: one that lands as the pool hands the beat a connection is lost
        # (psycopg_pool waits with asyncio.wait_for, which drops it on Python 3.11), and the beat would go on for
        # ever, the lane never starting again (tests/api/test_database_outage.py caught it).
        stop.set()
        task.cancel()
        # Not `await task`, which would take a cancellation of this task for the beat's own and swallow it.
        await asyncio.wait([task])
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("worker.heartbeat_stopped", lane=lane, error_type=type(error).__name__)
