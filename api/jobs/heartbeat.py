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
judging one. The beats go over a connection of their own (`BeatLine`), outside the pool, made again at the next beat:
through the pool, a beat waits for a connection as jobs do, and after a long outage the pool connects again only at
its back-off (psycopg_pool doubles it from 1 s, up to 5 minutes after the first failure: 64 s, a minute into an
outage), so a live worker could stay silent that long after the database's return while another, whose pool came
back sooner, judged it; a pool its jobs hold in full would time the beats out as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator
from datetime import datetime

import psycopg
import structlog
from procrastinate.worker import Worker
from psycopg.rows import DictRow, dict_row

from api.jobs.continuity import Continuity
from api.jobs.db_clock import DATABASE_CLOCK, DatabaseClock

log = structlog.get_logger(__name__)

# procrastinate's own write of the heartbeat, with the database's time of it (the same transaction's `now()`).
BEAT = "SELECT procrastinate_update_heartbeat_v1(%(worker_id)s) AS beat, now() AS at"


class BeatLine:
    """The process's connection for every lane's heartbeat, outside the pool; one beat at a time, each one round trip
    within `timeout_s` (the connection made too). A beat that fails closes it, and the next connects again."""

    def __init__(self, url: str, timeout_s: float, clock: DatabaseClock = DATABASE_CLOCK) -> None:
        self._url = url  # carries the credentials: never logged
        self._timeout_s = timeout_s
        self._clock = clock  # told the database's time of each beat
        self._conn: psycopg.AsyncConnection[DictRow] | None = None
        self._lock = asyncio.Lock()

    async def beat(self, worker_id: int) -> datetime:
        """Write the worker's heartbeat; the database's time of it. psycopg.Error if it could not be written."""
        async with self._lock:
            conn = self._conn
            # Bounded, the connection made too: one beat held up (a lock, a silent network path, a server that takes
            # the connection and never answers) holds every lane's. libpq's connect_timeout alone is per address
            # tried, and a host name may give several. Cancelled mid-statement, psycopg asks the server to cancel it,
            # waiting up to 10 s more.
            try:
                async with asyncio.timeout(self._timeout_s):
                    if conn is None or conn.closed:
                        # Not prepared: one statement every heartbeat, and a transaction pooler cannot keep one.
                        conn = self._conn = await psycopg.AsyncConnection.connect(
                            self._url,
                            autocommit=True,
                            row_factory=dict_row,
                            prepare_threshold=None,
                            connect_timeout=max(2, math.ceil(self._timeout_s)),  # libpq's least is 2 s
                        )
                    sent = self._clock.ticks()
                    cur = await conn.execute(BEAT, {"worker_id": worker_id})
                    row = await cur.fetchone()
                    received = self._clock.ticks()
            # Failed, or cancelled mid-round-trip: the connection's state is unknown, the next beat connects anew.
            except BaseException as e:
                self._conn = None
                if conn is not None:
                    await conn.close()
                if isinstance(e, TimeoutError):
                    raise psycopg.OperationalError(
                        f"no answer to the heartbeat in {self._timeout_s} s"
                    ) from e
                raise
        if row is None:
            raise psycopg.DataError("the heartbeat returned no row")
        at: datetime = row["at"]
        self._clock.observe(at, sent, received)
        return at

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()


async def _beat(
    worker: Worker, interval_s: float, lane: str, continuity: Continuity, line: BeatLine, stop: asyncio.Event
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
            at = await line.beat(worker_id)
        except psycopg.Error as e:  # the database away: the next beat tries again
            continuity.missed()
            if not failing:
                log.warning("worker.heartbeat_failed", lane=lane, error_type=type(e).__name__)
            failing = True
            continue
        continuity.reached(begun, at)
        failing = False


@contextlib.asynccontextmanager
async def beating(
    worker: Worker, interval_s: float, lane: str, continuity: Continuity, line: BeatLine
) -> AsyncIterator[None]:
    """Heartbeat `worker` every `interval_s` over `line` until the block exits (run `worker.run()` inside it),
    telling `continuity` of each beat."""
    stop = asyncio.Event()
    task = asyncio.create_task(
        _beat(worker, interval_s, lane, continuity, line, stop), name=f"shadows-heartbeat-{lane}"
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
