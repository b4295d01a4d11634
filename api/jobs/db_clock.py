"""The database's clock as this worker process reads it: the times the worker writes for the database to compare
with its own `now()` (when a job is retried: procrastinate runs a job once `scheduled_at <= now()`).

procrastinate's retry strategies give a retry's time as an instant (`RetryDecision(retry_at=...)`), and computed
from the host's clock they move with its skew: a worker host whose clock ran an hour ahead put every retry, and a
job given back by a stopping worker, an hour late, where no alert sees it (`shadows_queue_oldest_waiting_seconds`
counts only jobs that are due); one an hour behind retried at once, its back-off gone. So the worker reads the
database's `now()` (at start-up and with every heartbeat, `api.jobs.heartbeat`) and counts on from the latest
reading with the monotonic clock: a reading is off by at most half its round trip, and a jump of the host's clock
after it changes nothing. Before any reading, the host's clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import structlog

log = structlog.get_logger(__name__)

SKEW_WARNING_S = 2.0  # a host clock this far from the database's is said (once, until it is back within)


def _wall() -> datetime:
    return datetime.now(UTC)


class DatabaseClock:
    """One per process (`DATABASE_CLOCK`); `wall` and `monotonic` are the host's clocks (tests give others)."""

    def __init__(
        self, wall: Callable[[], datetime] = _wall, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._wall = wall
        self._monotonic = monotonic
        # The latest reading: the database's time, and the monotonic time then.
        self._reading: tuple[datetime, float] | None = None
        self._skewed = False

    def observe(self, database_now: datetime, sent: float, received: float) -> None:
        """A statement sent at monotonic `sent` and answered at `received` read the database's `now()`."""
        middle = (sent + received) / 2
        self._reading = (database_now, middle)
        skew = (self._wall() - timedelta(seconds=self._monotonic() - middle) - database_now).total_seconds()
        if abs(skew) > SKEW_WARNING_S and not self._skewed:
            log.warning("worker.clock_skew", host_minus_database_s=round(skew, 3))
        elif abs(skew) <= SKEW_WARNING_S and self._skewed:
            log.info("worker.clock_skew_gone", host_minus_database_s=round(skew, 3))
        self._skewed = abs(skew) > SKEW_WARNING_S

    def ticks(self) -> float:
        """The monotonic clock the readings count on with: time a statement by it for `observe`."""
        return self._monotonic()

    def now(self) -> datetime:
        """The database's clock now (the host's until a first reading)."""
        if self._reading is None:
            return self._wall()
        at, then = self._reading
        return at + timedelta(seconds=self._monotonic() - then)

    async def read(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """Take a reading over `conn` (autocommit: `now()` is this statement's time)."""
        sent = self._monotonic()
        cur = await conn.execute("select now()")
        row = await cur.fetchone()
        received = self._monotonic()
        if row is None:
            raise psycopg.DataError("select now() returned no row")
        value = row["now"] if isinstance(row, dict) else row[0]
        self.observe(value, sent, received)


DATABASE_CLOCK = DatabaseClock()
