"""Work that ended failed for good reaches an operator: jobs with no retry left, by queue and task, and scorecard
versions stored failed, by reason, each over the last hour, read from a real PostgreSQL as `/metrics` reads it. A
grading that exhausts its retries succeeds as a job and leaves no pending version, so neither the queue's gauges nor
the grading lag showed it."""

from __future__ import annotations

import psycopg
from prometheus_client import REGISTRY
from psycopg.rows import DictRow

from api.db.pool import create_pool
from api.jobs.metrics import refresh_queue_metrics
from tests.api.history_support import add_scorecard, insert_sessions, question_ids
from tests.api.test_stalled_pass import UNWORKED_QUEUE, worker_with_a_running_job

Conn = psycopg.AsyncConnection[DictRow]


async def _refresh(db_url: str) -> None:
    pool = create_pool(db_url, min_size=1, max_size=1)
    await pool.open(wait=True, timeout=30)
    try:
        await refresh_queue_metrics(pool)
    finally:
        await pool.close()


async def test_jobs_failed_for_good_in_the_last_hour_are_counted_by_queue_and_task(
    db: Conn, db_url: str
) -> None:
    jobs = [(await worker_with_a_running_job(db, silent_s=0))[1] for _ in range(4)]
    for job_id in jobs[:3]:
        await db.execute("select procrastinate_finish_job_v1(%s, 'failed', false)", (job_id,))
    # Its failure two hours old: not in the last hour.
    await db.execute(
        "update procrastinate_events set at = now() - interval '2 hours' where job_id = %s and type = 'failed'",
        (jobs[2],),
    )
    # Put back for a retry: not a failure.
    await db.execute("select procrastinate_retry_job_v2(%s, now(), null, null, null)", (jobs[3],))

    await _refresh(db_url)
    labels = {"queue": UNWORKED_QUEUE, "task": "tests.unknown"}
    assert REGISTRY.get_sample_value("shadows_queue_jobs_failed_last_hour", labels) == 2

    await db.execute(
        "update procrastinate_events set at = now() - interval '2 hours' where type = 'failed'",
    )
    await _refresh(db_url)
    assert REGISTRY.get_sample_value("shadows_queue_jobs_failed_last_hour", labels) is None


async def test_scorecard_versions_failed_in_the_last_hour_are_counted_by_reason(
    db: Conn, db_url: str
) -> None:
    cur = await db.execute(
        "insert into organizations (name, slug) values ('Acme', 'acme-failures') returning id"
    )
    org = (await cur.fetchone())["id"]  # type: ignore[index]  # insert ... returning
    question = next(iter((await question_ids(db)).values()))
    sessions = await insert_sessions(db, org, [{"question_id": question} for _ in range(4)])
    for sid in sessions[:3]:
        await add_scorecard(db, sid, status="failed")  # reason citations_unverified
    await add_scorecard(db, sessions[3], status="ready")
    await db.execute(
        "update scorecards set reason = 'grader_unavailable' where session_id = %s", (sessions[0],)
    )
    await db.execute(
        "update scorecards set completed_at = now() - interval '2 hours' where session_id = %s",
        (sessions[1],),
    )

    await _refresh(db_url)
    sample = REGISTRY.get_sample_value
    assert sample("shadows_gradings_failed_last_hour", {"reason": "grader_unavailable"}) == 1
    assert sample("shadows_gradings_failed_last_hour", {"reason": "citations_unverified"}) == 1
    assert sample("shadows_grading_lag_seconds") == 0  # what the lag alert alone saw of them
