"""Jobs are retried, and given back by a stopping worker, at times of the database's clock (`api.jobs.db_clock`):
procrastinate runs a job once `scheduled_at <= now()` by the database, so a retry time taken from a worker host's
clock an hour ahead held every retry an hour late (and one an hour behind retried at once)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import procrastinate.utils
import psycopg
import pytest
from procrastinate.jobs import Job
from psycopg.rows import DictRow

from api.jobs.db_clock import DatabaseClock
from api.jobs.enqueue import enqueue
from api.jobs.heartbeat import BeatLine
from api.jobs.retry import JobRetryPolicy
from tests.fakes.job_tasks import record_probe

Conn = psycopg.AsyncConnection[DictRow]


class _Retryable(Exception):
    retryable = True


class _Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _job(attempts: int = 0) -> Job:
    return Job(
        id=1, queue="grading", lock=None, queueing_lock=None, task_name="grade_session", attempts=attempts
    )


async def _database_now(db: Conn) -> datetime:
    row = await (await db.execute("select now() as now")).fetchone()
    assert row is not None
    now: datetime = row["now"]
    return now


def test_retry_and_release_times_count_on_from_the_database_reading_whatever_the_host_clock_does() -> None:
    ticks = _Ticks()
    host = [datetime(2026, 1, 1, tzinfo=UTC)]
    clock = DatabaseClock(wall=lambda: host[0], monotonic=ticks)
    policy = JobRetryPolicy(delays_s=(30.0, 60.0), jitter=0.0, clock=clock)
    # Before any reading: the host's clock.
    assert policy.get_retry_decision(exception=_Retryable(), job=_job()).retry_at == host[0] + timedelta(
        seconds=30
    )

    database = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    clock.observe(database, sent=1000.0, received=1000.2)  # read 0.1 s after the middle of the round trip...
    ticks.t = 1010.1  # ...and 10 s later, the host's clock jumped a year back
    host[0] = datetime(2026, 6, 1, tzinfo=UTC)

    retry = policy.get_retry_decision(exception=_Retryable(), job=_job(attempts=1))
    release = policy.get_retry_decision(exception=asyncio.CancelledError(), job=_job())
    assert retry is not None and release is not None
    assert retry.retry_at == database + timedelta(seconds=10 + 60)
    assert release.retry_at == database + timedelta(seconds=10)


@pytest.mark.parametrize("skew", [timedelta(hours=1), -timedelta(hours=1)], ids=["ahead", "behind"])
async def test_a_worker_host_clock_an_hour_off_retries_by_the_database_clock(
    db: Conn, db_url: str, skew: timedelta
) -> None:
    clock = DatabaseClock(wall=lambda: datetime.now(UTC) + skew)
    policy = JobRetryPolicy(delays_s=(30.0,), jitter=0.0, clock=clock)

    await clock.read(db)  # as the worker does at start-up
    retry = policy.get_retry_decision(exception=_Retryable(), job=_job())
    assert retry is not None and retry.retry_at is not None
    assert abs(retry.retry_at - (await _database_now(db) + timedelta(seconds=30))) < timedelta(seconds=20)

    # Each heartbeat reads the clock again.
    beaten = DatabaseClock(wall=lambda: datetime.now(UTC) + skew)
    row = await (await db.execute("insert into procrastinate_workers default values returning id")).fetchone()
    assert row is not None
    line = BeatLine(db_url, timeout_s=5, clock=beaten)
    try:
        await line.beat(row["id"])
    finally:
        await line.close()
    assert abs(beaten.now() - await _database_now(db)) < timedelta(seconds=20)  # not an hour


async def test_a_job_deferred_for_later_is_due_by_the_database_clock_not_the_host_clock(
    db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # procrastinate's `schedule_in` adds the delay to this host's clock, here an hour ahead.
    monkeypatch.setattr(procrastinate.utils, "utcnow", lambda: datetime.now(UTC) + timedelta(hours=1))
    async with db.transaction():
        job_id = await enqueue(db, record_probe, key="later", schedule_in_s=60)
    row = await (
        await db.execute(
            "select scheduled_at - now() as due_in from procrastinate_jobs where id = %s", (job_id,)
        )
    ).fetchone()
    assert row is not None
    assert timedelta(seconds=30) < row["due_in"] <= timedelta(seconds=61)  # not 61 minutes
