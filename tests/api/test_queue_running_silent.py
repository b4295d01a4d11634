"""A job left running under a dead worker is visible to an operator whatever its queue, even when no stalled pass
requeues it (every worker dead, or none beating steadily enough to judge): `shadows_queue_running_silent_seconds`,
read from a real PostgreSQL as `/metrics` reads it. Grading lag covers grading jobs only."""

from __future__ import annotations

import psycopg
from prometheus_client import REGISTRY
from psycopg.rows import DictRow

from api.db.pool import create_pool
from api.jobs.metrics import queue_stats, refresh_queue_metrics
from tests.api.test_stalled_pass import UNWORKED_QUEUE, worker_with_a_running_job

Conn = psycopg.AsyncConnection[DictRow]


async def _running_silent_s(db: Conn) -> float:
    (stats,) = [s for s in await queue_stats(db) if s.queue == UNWORKED_QUEUE]
    return stats.running_silent_s


async def test_a_running_job_shows_how_long_its_worker_has_been_silent(db: Conn, db_url: str) -> None:
    live = await worker_with_a_running_job(db, silent_s=0)
    assert await _running_silent_s(db) < 5
    await worker_with_a_running_job(db, silent_s=600)  # dead ten minutes ago, its job never requeued
    assert 600 <= await _running_silent_s(db) < 700

    pool = create_pool(db_url, min_size=1, max_size=1)
    await pool.open(wait=True, timeout=30)
    try:
        await refresh_queue_metrics(pool)
    finally:
        await pool.close()
    sample = REGISTRY.get_sample_value("shadows_queue_running_silent_seconds", {"queue": UNWORKED_QUEUE})
    assert sample is not None and 600 <= sample < 700

    # Its registration gone (unregistered with a job whose end was lost, or deleted): silent since the job started.
    await db.execute("delete from procrastinate_workers where id <> %s", (live[0],))
    await db.execute(
        "update procrastinate_events set at = now() - interval '900 seconds' "
        "where type = 'started' and job_id in (select id from procrastinate_jobs where worker_id is null)"
    )
    assert 900 <= await _running_silent_s(db) < 1000


async def test_a_requeued_job_is_no_longer_silent(db: Conn) -> None:
    """Put back in the queue it keeps its dead worker's id (procrastinate's retry_job), but nothing runs it."""
    _, job_id = await worker_with_a_running_job(db, silent_s=600)
    assert await _running_silent_s(db) >= 600
    await db.execute("select procrastinate_retry_job_v2(%s, now(), null, null, null)", (job_id,))
    assert await _running_silent_s(db) == 0
