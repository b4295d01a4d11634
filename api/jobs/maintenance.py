"""Periodic housekeeping of the queue: requeue the jobs of dead workers, and delete old finished jobs (the worker
also schedules retention and the ATS profile-link refresh from here).

procrastinate records a heartbeat per worker but does not requeue a dead worker's jobs by itself; its documented
recipe is a periodic task calling `get_stalled_jobs()` and `retry_job()`, which is `retry_stalled_jobs` here. The
worker registers both schedules from its settings at start-up (`register_periodic_tasks`) and runs one recovery
pass once it has been beating for SHADOWS_WORKER_STALLED_AFTER_S (`recover_once_steady`).

A pass judges only while this process's own heartbeats have gone on without a gap for STALLED_AFTER_S up to the
pass's `now()` (`api.jobs.continuity`), checked in the same statement that picks the jobs: after an outage every
worker is silent, the live ones too, until they reach the database again. It also deletes the registrations of
workers silent that long that hold no running job, in place of procrastinate's pruning at each lane's start, which
is turned off (`api.jobs.worker`): that one judges by silence alone, and a live worker's registration deleted after
an outage would leave its running jobs with no worker, requeued whatever it did next.
"""

from __future__ import annotations

import structlog
from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Job
from procrastinate.psycopg_connector import wrap_exceptions
from psycopg.rows import tuple_row

from api.jobs.continuity import Continuity, Streak
from api.jobs.queue import queue
from api.jobs.resources import resources
from api.jobs.settings import WorkerSettings

log = structlog.get_logger(__name__)

MAINTENANCE_QUEUE = "maintenance"

# Whether the judging worker's own streak of beats covers the last `stalled_after_s` and is fresh (its latest beat no
# older than a gap): a pass sent just before an outage and run after it sees a stale streak and judges nothing.
_STEADY = """
    %(since)s::timestamptz <= now() - make_interval(secs => %(stalled_after_s)s)
    AND %(last)s::timestamptz >= now() - make_interval(secs => %(gap_s)s)
"""

# procrastinate's `select_stalled_jobs_by_heartbeat` (3.10), judged only when steady.
_STALLED_JOBS = (
    """
SELECT job.id, status, task_name, priority, lock, queueing_lock,
       args, scheduled_at, queue_name, attempts, job.worker_id
  FROM procrastinate_jobs job
  LEFT JOIN procrastinate_workers w ON w.id = job.worker_id
 WHERE job.status = 'doing'
   AND (job.worker_id IS NULL OR w.last_heartbeat < now() - make_interval(secs => %(stalled_after_s)s))
   AND """
    + _STEADY
)

# One job of those picked, put back only if, locked, it is still `doing` under the worker it was picked under, that
# worker still silent and this process still steady. procrastinate's `retry_job` takes any `doing` or `failed` job by
# its id: another pass may have requeued it since, and a live worker taken it, or its worker, only slow, ended it. The
# lock is taken in the subquery, so that the check is made again on the row as it is once a writer's lock is released.
_REQUEUE = (
    """
SELECT procrastinate_retry_job_v2(locked.id, now(), NULL, NULL, NULL)
  FROM (SELECT job.id
          FROM procrastinate_jobs job
         WHERE job.id = %(job_id)s
           AND job.status = 'doing'
           AND job.worker_id IS NOT DISTINCT FROM %(worker_id)s::bigint
           AND (job.worker_id IS NULL OR EXISTS (
                SELECT FROM procrastinate_workers w
                 WHERE w.id = job.worker_id
                   AND w.last_heartbeat < now() - make_interval(secs => %(stalled_after_s)s)))
           FOR UPDATE OF job) locked
 WHERE """  # noqa: S608  # constants only
    + _STEADY
)

# The registrations of workers silent that long with no running job, deleted in two statements of one transaction:
# the first locks them (waiting for a worker that is taking a job under one to commit, its foreign key check holding
# the row), the second, with a snapshot taken after, deletes those still without one. In one statement the check
# would see the job as before the wait, and the delete set its worker to none (ON DELETE SET NULL), which the next
# pass requeues at once, beside its run. A worker taking a job after the lock finds its registration gone and fails
# (its lane starts again, registered anew).
_LOCK_SILENT_WORKERS = (
    """
SELECT w.id
  FROM procrastinate_workers w
 WHERE w.last_heartbeat < now() - make_interval(secs => %(stalled_after_s)s)
   AND """
    + _STEADY
    + """
 ORDER BY w.id
   FOR UPDATE
"""
)

_PRUNE_SILENT_WORKERS = """
DELETE FROM procrastinate_workers w
 WHERE w.id = ANY(%(locked)s::bigint[])
   AND NOT EXISTS (SELECT FROM procrastinate_jobs j WHERE j.worker_id = w.id AND j.status = 'doing')
"""


def _judging(streak: Streak, stalled_after_s: float, continuity: Continuity) -> dict[str, object]:
    return {
        "since": streak.since,
        "last": streak.last,
        "stalled_after_s": stalled_after_s,
        "gap_s": continuity.gap_s,
    }


async def requeue_stalled_jobs(app: App, stalled_after_s: float, continuity: Continuity) -> int:
    """Put back in the queue every job running on a worker silent for `stalled_after_s` (or gone), if this process
    has been beating for that long without a gap (`continuity`); otherwise nothing, left for a later pass. Each job
    decides from its `attempts` whether it has been tried too often. Returns how many were requeued."""
    streak = continuity.streak
    if streak is None or not continuity.steady_for(stalled_after_s):
        log.info("queue.stalled_pass_deferred", reason="not_beating_long_enough")
        return 0
    judging = _judging(streak, stalled_after_s, continuity)
    rows = await app.connector.execute_query_all_async(_STALLED_JOBS, **judging)
    requeued = 0
    for job in (Job.from_row(row) for row in rows):
        try:
            done = await app.connector.execute_query_all_async(
                _REQUEUE, job_id=job.id, worker_id=job.worker_id, **judging
            )
        except ConnectorException as e:  # a queueing lock taken, or the database away
            log.info(
                "queue.stalled_job_not_requeued",
                job_id=job.id,
                task=job.task_name,
                error_type=type(e).__name__,
            )
            continue
        if not done:
            log.info(
                "queue.stalled_job_not_requeued",
                job_id=job.id,
                task=job.task_name,
                reason="changed_meanwhile",
            )
            continue
        requeued += 1
        log.warning("queue.stalled_job_requeued", job_id=job.id, task=job.task_name, attempts=job.attempts)
    await _prune_silent_workers(app, judging)
    return requeued


async def _prune_silent_workers(app: App, judging: dict[str, object]) -> None:
    connector = app.connector
    if not isinstance(connector, PsycopgConnector):
        raise TypeError("the stalled pass needs procrastinate's PsycopgConnector")
    async with wrap_exceptions(), connector.pool.connection() as conn, conn.transaction():
        cur = conn.cursor(row_factory=tuple_row)
        await cur.execute(_LOCK_SILENT_WORKERS, judging)
        locked = [worker_id for (worker_id,) in await cur.fetchall()]
        if locked:
            await conn.execute(_PRUNE_SILENT_WORKERS, {"locked": locked})


async def recover_once_steady(app: App, stalled_after_s: float, continuity: Continuity) -> None:
    """The start-up pass: once this process has beaten for `stalled_after_s` without a gap. A database lost meanwhile
    fails it; the periodic passes go on."""
    await continuity.wait_steady(stalled_after_s)
    try:
        await requeue_stalled_jobs(app, stalled_after_s, continuity)
    except ConnectorException as e:
        log.warning("queue.stalled_pass_failed", error_type=type(e.__cause__ or e).__name__)


@queue.task(
    name="retry_stalled_jobs", queue=MAINTENANCE_QUEUE, pass_context=True, queueing_lock="retry_stalled_jobs"
)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    found = resources(context)
    if found.continuity is None:
        raise RuntimeError(
            "retry_stalled_jobs runs in `shadows worker` only: it needs the worker's heartbeats"
        )
    await requeue_stalled_jobs(context.app, found.worker_settings.stalled_after_s, found.continuity)


@queue.task(
    name="remove_finished_jobs",
    queue=MAINTENANCE_QUEUE,
    pass_context=True,
    queueing_lock="remove_finished_jobs",
)
async def remove_finished_jobs(context: JobContext, timestamp: int) -> None:
    hours = resources(context).worker_settings.keep_finished_jobs_hours
    await context.app.job_manager.delete_old_jobs(
        nb_hours=hours, include_failed=True, include_cancelled=True, include_aborted=True
    )


def register_periodic_tasks(app: App, settings: WorkerSettings) -> None:
    """Schedule the housekeeping from the settings (once per process)."""
    from api.integrations.callbacks import PROFILE_REFRESH_CRON, refresh_ats_profile_links  # task modules of
    from api.jobs.lapsed_sessions import LAPSED_SESSIONS_CRON, sweep_lapsed_sessions
    from api.jobs.retention import RETENTION_CRON, apply_retention  # their own

    schedules = (
        (retry_stalled_jobs, settings.stalled_check_cron, "stalled"),
        (remove_finished_jobs, "17 * * * *", "hourly"),
        (apply_retention, RETENTION_CRON, "retention"),
        (refresh_ats_profile_links, PROFILE_REFRESH_CRON, "ats_profile_links"),
        (sweep_lapsed_sessions, LAPSED_SESSIONS_CRON, "lapsed_sessions"),
    )
    for task, cron, periodic_id in schedules:
        if (task.name, periodic_id) not in app.periodic_registry.periodic_tasks:
            app.periodic_registry.register_task(
                task=task, cron=cron, periodic_id=periodic_id, configure_kwargs={}
            )
