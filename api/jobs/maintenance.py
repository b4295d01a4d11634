"""Periodic housekeeping of the queue: requeue the jobs of dead workers, and delete old finished jobs (the worker
also schedules retention and the ATS profile-link refresh from here).

procrastinate records a heartbeat per worker but does not requeue a dead worker's jobs by itself; its documented
recipe is a periodic task calling `get_stalled_jobs()` and `retry_job()`, which is `retry_stalled_jobs` here. The
worker registers both schedules from its settings at start-up (`register_periodic_tasks`) and runs one recovery
pass before it fetches its first job.
"""

from __future__ import annotations

import structlog
from procrastinate import App, JobContext
from procrastinate.exceptions import ConnectorException

from api.jobs.queue import queue
from api.jobs.resources import resources
from api.jobs.settings import WorkerSettings

log = structlog.get_logger(__name__)

MAINTENANCE_QUEUE = "maintenance"


async def requeue_stalled_jobs(app: App, stalled_after_s: float) -> int:
    """Put back in the queue every job running on a worker silent for `stalled_after_s` (or gone). Each job
    decides from its `attempts` whether it has been tried too often. Returns how many were requeued."""
    requeued = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s):
        try:
            await app.job_manager.retry_job(job)
        except ConnectorException as e:  # another worker requeued it first, or a queueing lock is taken
            log.info(
                "queue.stalled_job_not_requeued",
                job_id=job.id,
                task=job.task_name,
                error_type=type(e).__name__,
            )
            continue
        requeued += 1
        log.warning("queue.stalled_job_requeued", job_id=job.id, task=job.task_name, attempts=job.attempts)
    return requeued


@queue.task(
    name="retry_stalled_jobs", queue=MAINTENANCE_QUEUE, pass_context=True, queueing_lock="retry_stalled_jobs"
)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    await requeue_stalled_jobs(context.app, resources(context).worker_settings.stalled_after_s)


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
