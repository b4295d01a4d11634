"""Queue depth and lag, read from Postgres when `/metrics` is scraped (the worker serves no HTTP).

- `shadows_grading_lag_seconds`: age of the oldest scorecard version still pending (0 when none): how far grading
  is behind, whether the job waits, runs, or its worker died.
- `shadows_queue_jobs{queue,status}`: jobs waiting (`todo`) or running (`doing`), per queue.
- `shadows_queue_oldest_waiting_seconds{queue}`: how long the oldest job that is due has waited.
- `shadows_queue_running_silent_seconds{queue}`: the longest any job running in the queue has gone without a
  heartbeat of its worker (one with no worker: since it started). Past SHADOWS_WORKER_STALLED_AFTER_S plus a
  stalled check, no worker is requeueing it: every worker dead, or none beating steadily enough to judge
  (`queue.stalled_pass_deferred`). Grading lag shows this for grading only.
- `shadows_queue_jobs_failed_last_hour{queue,task}`: jobs that ended failed, no retry left, in the last hour (an
  invite e-mail never sent, a session's stored objects never erased, a room never closed, a retention run that
  raised); only series with a failure are served.
- `shadows_gradings_failed_last_hour{reason}`: scorecard versions stored `failed` in the last hour. A grading job
  that exhausts its retries stores a failed version and succeeds as a job, and with the default retry delays
  (about 13 minutes in all) a grading model that refuses fast fails every scorecard before the grading lag reaches
  its alert: this is the signal of that.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import structlog
from prometheus_client import Gauge

from api.db import scorecards_repo
from api.db.pool import Conn, Pool, connection
from api.errors import ServiceUnavailableError

log = structlog.get_logger(__name__)

GRADING_LAG = Gauge(
    "shadows_grading_lag_seconds", "Age of the oldest scorecard version still pending (0 when none)"
)
QUEUE_JOBS = Gauge("shadows_queue_jobs", "Jobs waiting (todo) or running (doing)", ["queue", "status"])
QUEUE_OLDEST_WAITING = Gauge(
    "shadows_queue_oldest_waiting_seconds", "How long the oldest due job of a queue has waited", ["queue"]
)
QUEUE_RUNNING_SILENT = Gauge(
    "shadows_queue_running_silent_seconds",
    "The longest a running job of a queue has gone without a heartbeat of its worker (no worker: since it started)",
    ["queue"],
)

FAILED_WINDOW_S = 3600
QUEUE_JOBS_FAILED = Gauge(
    "shadows_queue_jobs_failed_last_hour",
    "Jobs that ended failed, no retry left, in the last hour",
    ["queue", "task"],
)
GRADINGS_FAILED = Gauge(
    "shadows_gradings_failed_last_hour", "Scorecard versions stored failed in the last hour", ["reason"]
)


@dataclass(frozen=True)
class QueueStats:
    queue: str
    todo: int
    doing: int
    oldest_waiting_s: float
    running_silent_s: float


async def queue_stats(conn: Conn) -> list[QueueStats]:
    """Per queue: jobs waiting and running, the wait of the oldest due one (since it was deferred or put back for a
    retry, or since its scheduled time), and the longest silence of a running one's worker (its last heartbeat; a job
    whose worker is gone, unregistered or pruned: since it started)."""
    cur = await conn.execute(
        """
        select j.queue_name as queue,
               count(*) filter (where j.status = 'todo') as todo,
               count(*) filter (where j.status = 'doing') as doing,
               coalesce(max(extract(epoch from now() - greatest(e.at, j.scheduled_at)))
                 filter (where j.status = 'todo' and (j.scheduled_at is null or j.scheduled_at <= now())), 0)
                 as oldest_waiting_s,
               coalesce(max(extract(epoch from now() - coalesce(w.last_heartbeat, e.started, now())))
                 filter (where j.status = 'doing'), 0) as running_silent_s
        from procrastinate_jobs j
        left join procrastinate_workers w on w.id = j.worker_id
        left join lateral (
          select max(ev.at) filter (where ev.type in ('deferred', 'deferred_for_retry', 'retried')) as at,
                 max(ev.at) filter (where ev.type = 'started') as started
          from procrastinate_events ev
          where ev.job_id = j.id
        ) e on true
        where j.status in ('todo', 'doing')
        group by j.queue_name
        order by j.queue_name
        """
    )
    return [
        QueueStats(
            r["queue"],
            int(r["todo"]),
            int(r["doing"]),
            max(0.0, float(r["oldest_waiting_s"])),
            max(0.0, float(r["running_silent_s"])),
        )
        for r in await cur.fetchall()
    ]


async def grading_lag_seconds(conn: Conn) -> float:
    return await scorecards_repo.oldest_pending_age_s(conn)


async def failed_jobs(conn: Conn, window_s: float = FAILED_WINDOW_S) -> dict[tuple[str, str], int]:
    """(queue, task) -> jobs that ended failed within `window_s`: by their `failed` event, which procrastinate
    writes only when no retry is left (a retry is `deferred_for_retry`). Finished jobs are kept
    SHADOWS_WORKER_KEEP_FINISHED_JOBS_HOURS, so the window must be shorter (it is one hour)."""
    cur = await conn.execute(
        """
        select j.queue_name as queue, j.task_name as task, count(*) as n
        from procrastinate_events ev
        join procrastinate_jobs j on j.id = ev.job_id
        where ev.type = 'failed' and ev.at > now() - make_interval(secs => %s)
        group by j.queue_name, j.task_name
        """,
        (window_s,),
    )
    return {(r["queue"], r["task"]): int(r["n"]) for r in await cur.fetchall()}


async def failed_gradings(conn: Conn, window_s: float = FAILED_WINDOW_S) -> dict[str, int]:
    """reason -> scorecard versions stored `failed` within `window_s` (a version without a reason: `unknown`)."""
    cur = await conn.execute(
        """
        select coalesce(reason, 'unknown') as reason, count(*) as n
        from scorecards
        where status = 'failed' and completed_at > now() - make_interval(secs => %s)
        group by 1
        """,
        (window_s,),
    )
    return {r["reason"]: int(r["n"]) for r in await cur.fetchall()}


async def refresh_queue_metrics(pool: Pool) -> None:
    """Set the gauges from the database; when it is unreachable, leave them as they were and say so."""
    try:
        async with connection(pool) as conn:
            stats = await queue_stats(conn)
            lag = await grading_lag_seconds(conn)
            jobs_failed = await failed_jobs(conn)
            gradings_failed = await failed_gradings(conn)
    except (ServiceUnavailableError, psycopg.Error) as e:
        log.warning("metrics.queue_unavailable", error_type=type(e).__name__)
        return
    GRADING_LAG.set(lag)
    QUEUE_JOBS.clear()
    QUEUE_OLDEST_WAITING.clear()
    QUEUE_RUNNING_SILENT.clear()
    QUEUE_JOBS_FAILED.clear()
    GRADINGS_FAILED.clear()
    for (queue, task), n in jobs_failed.items():
        QUEUE_JOBS_FAILED.labels(queue=queue, task=task).set(n)
    for reason, n in gradings_failed.items():
        GRADINGS_FAILED.labels(reason=reason).set(n)
    for s in stats:
        QUEUE_JOBS.labels(queue=s.queue, status="todo").set(s.todo)
        QUEUE_JOBS.labels(queue=s.queue, status="doing").set(s.doing)
        QUEUE_OLDEST_WAITING.labels(queue=s.queue).set(s.oldest_waiting_s)
        QUEUE_RUNNING_SILENT.labels(queue=s.queue).set(s.running_silent_s)
