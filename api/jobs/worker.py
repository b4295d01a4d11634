"""The worker behind `shadows worker`: runs queued jobs until SIGTERM or SIGINT.

Its job slots are split into lanes (`api.jobs.lanes`): grading and the other jobs in one, webhook deliveries and
calls back to an ATS in another, each a procrastinate worker with its own concurrency, so slow receivers cannot
hold the slots grading needs.

On the first signal it stops fetching, gives running jobs `SHADOWS_WORKER_SHUTDOWN_GRACE_S` to finish, then cancels
the rest, which go back to the queue at once (JobRetryPolicy) for another worker; it heartbeats until they have
ended (`api.jobs.heartbeat`), so no other worker takes them meanwhile. A worker that dies without that
(SIGKILL, OOM, a lost host) stops its heartbeat; after `SHADOWS_WORKER_STALLED_AFTER_S` any live worker requeues its
jobs (`maintenance.retry_stalled_jobs`, and a pass at every worker's start-up), a worker that has itself been beating
for that long without a gap (`api.jobs.continuity`), so that an outage, which silences every worker, is not taken for
their deaths. A lane that stops by itself, having lost the database, is started again once it answers (`_run_lane`):
the worker outlives an outage.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import signal
import socket
import sys
import time
from typing import Any

import psycopg
import structlog
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Job
from procrastinate.worker import Worker
from psycopg_pool import PoolTimeout

from api.db import attempts_repo
from api.db.pool import connection, create_pool
from api.errors import ServiceUnavailableError
from api.jobs.continuity import Continuity
from api.jobs.db_clock import DATABASE_CLOCK
from api.jobs.heartbeat import BeatLine, beating
from api.jobs.lanes import Lane, plan_lanes
from api.jobs.logs import route_queue_logs
from api.jobs.maintenance import recover_once_steady, register_periodic_tasks
from api.jobs.queue import TASK_MODULES, queue
from api.jobs.resources import CONTEXT_KEY, WorkerResources
from api.jobs.settings import WorkerSettings
from api.judging import LazyJudge
from api.logs import configure_logging
from api.metrics import WORKER_LANE_RESTARTS
from api.run_admission import RunAdmission
from api.settings import ApiSettings
from api.webhooks.schedule import RowRetryDecision
from grader.prompts import PromptError
from grader.prompts import validate_all as validate_grader_prompts
from grader.settings import get_grader_settings
from judge.settings import get_settings as get_judge_settings

log = structlog.get_logger(__name__)


class WorkerStartError(RuntimeError):
    """The worker could not start: no database, no queue schema, an extra import that does not exist."""


def _import_extras(settings: WorkerSettings) -> None:
    for path in settings.extra_import_paths:
        try:
            importlib.import_module(path)
        except ImportError as e:
            raise WorkerStartError(f"SHADOWS_WORKER_EXTRA_IMPORTS: cannot import {path!r}") from e


async def run_worker(settings: ApiSettings, worker_settings: WorkerSettings) -> None:
    """Run until SIGTERM/SIGINT, then stop within the grace period (plus the time to put jobs back)."""
    configure_logging(json_lines=settings.log_json)
    route_queue_logs()
    if not settings.database_url:
        raise WorkerStartError("DATABASE_URL is not set")
    _import_extras(worker_settings)
    try:
        validate_grader_prompts()
    except PromptError as e:
        raise WorkerStartError(f"the grader's prompts are broken: {e}") from e
    register_periodic_tasks(queue, worker_settings)
    for (
        module
    ) in TASK_MODULES:  # imported now rather than when the worker starts: their tasks name the queues
        importlib.import_module(module)
    known = {task.queue for task in queue.tasks.values()} - {"builtin"}
    unknown = set(worker_settings.queue_names or ()) - known
    if unknown:
        raise WorkerStartError(
            f"SHADOWS_WORKER_QUEUES names unknown queue(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )

    lanes = plan_lanes(known, worker_settings)
    from api.jobs.grading import GRADING_QUEUE

    if any(GRADING_QUEUE in lane.queues for lane in lanes) and get_grader_settings().configured:
        # The pipeline and the model's SDK, imported by the first grading otherwise: about 0.8 s of CPU that made the
        # first session after a start late to its scorecard (bench grader_throughput's max), spent now instead. A
        # worker that grades nothing with them (no model, or a grader of its own) never loads either.
        importlib.import_module("grader.pipeline")
        importlib.import_module("grader.client")
    cap = settings.outbound_max_concurrency_per_organization
    if any(lane.name == "deliveries" for lane in lanes) and cap >= worker_settings.delivery_concurrency:
        raise WorkerStartError(
            f"SHADOWS_API_OUTBOUND_MAX_CONCURRENCY_PER_ORGANIZATION ({cap}) must be below "
            f"SHADOWS_WORKER_DELIVERY_CONCURRENCY ({worker_settings.delivery_concurrency}): one organisation's "
            "slow receivers would hold every delivery slot"
        )

    pool = create_pool(
        settings.database_url,
        min_size=1,
        max_size=max(settings.db_pool_max, worker_settings.pool_size),
        prepared=settings.db_prepared_statements,
        timeout_s=settings.db_pool_timeout_s,  # the API's wait for a connection, the worker's too
    )
    try:
        await pool.open(wait=True, timeout=30)
    except PoolTimeout as e:
        await pool.close()
        raise WorkerStartError("cannot reach the database at DATABASE_URL") from e
    try:  # retries are timed by the database's clock from the first job on, not the host's (api.jobs.db_clock)
        async with connection(pool) as conn:
            await DATABASE_CLOCK.read(conn)
    except (
        ServiceUnavailableError,
        psycopg.Error,
    ) as e:  # the host's clock until the first heartbeat reads it
        log.warning("worker.database_clock_unread", error_type=type(e).__name__)
    judge = LazyJudge(get_judge_settings())
    metrics = None
    if (
        worker_settings.metrics_port is not None
    ):  # what this process counts (webhook deliveries) for Prometheus
        from prometheus_client import start_http_server

        metrics, _ = start_http_server(worker_settings.metrics_port, addr=worker_settings.metrics_host)
        log.info("worker.metrics", port=metrics.server_port)
    name = f"{socket.gethostname()}:{os.getpid()}"
    admission = RunAdmission(
        capacity=settings.run_concurrency or judge.settings.slots,
        max_waiting=settings.run_queue_max,
        max_per_tenant=settings.run_queue_per_tenant,
        wait_s=settings.run_queue_wait_s,
    )
    continuity = Continuity(worker_settings.heartbeat_s)
    line = BeatLine(settings.database_url, timeout_s=worker_settings.heartbeat_s)
    context = {CONTEXT_KEY: WorkerResources(settings, worker_settings, pool, judge, admission, continuity)}
    loop = asyncio.get_running_loop()
    try:
        async with queue.open_async(pool=pool):
            if not await queue.check_connection_async():
                raise WorkerStartError("the queue's tables are missing: run `shadows db migrate` first")
            recovery = asyncio.create_task(
                recover_once_steady(queue, worker_settings.stalled_after_s, continuity),
                name="shadows-worker-recovery",
            )
            stop_requested = asyncio.Event()
            run = asyncio.create_task(
                _run_lanes(lanes, name, worker_settings, context, continuity, line, stop_requested),
                name="shadows-worker",
            )

            stopping: list[str] = []

            def stop(signame: str) -> None:
                if stopping:
                    log.info("worker.already_stopping", signal=signame)
                    return
                stopping.append(signame)
                log.info("worker.stopping", signal=signame, grace_s=worker_settings.shutdown_grace_s)
                stop_requested.set()  # each lane's worker is asked too (`_run_lane`): a cancellation can be lost
                run.cancel()  # procrastinate turns this into its graceful shutdown

            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop, sig.name)
            log.info(
                "worker.started",
                worker=name,
                lanes={
                    lane.name: {"queues": list(lane.queues), "concurrency": lane.concurrency}
                    for lane in lanes
                },
            )
            try:
                await run
            except asyncio.CancelledError:
                if not stopping or not run.done():
                    raise  # cancelled from outside, not by a signal
            finally:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(sig)
                recovery.cancel()
                await asyncio.wait([recovery])
                if not recovery.cancelled() and (error := recovery.exception()) is not None:
                    log.error("worker.recovery_failed", error_type=type(error).__name__)
    finally:
        pipeline = sys.modules.get("grader.pipeline")  # its default client, if this worker graded with it
        if pipeline is not None:
            await pipeline.aclose()
        if metrics is not None:
            metrics.shutdown()
        await judge.aclose()
        await line.close()
        await pool.close()
    log.info("worker.stopped", worker=name)


async def _run_lanes(
    lanes: list[Lane],
    name: str,
    worker_settings: WorkerSettings,
    context: dict[str, Any],
    continuity: Continuity,
    line: BeatLine,
    stop_requested: asyncio.Event,
) -> None:
    """One procrastinate worker per lane, all stopping together: cancelled (a signal), each shuts down gracefully;
    one failing stops the others, and its error is the worker's; one that lost the database starts again."""
    async with asyncio.TaskGroup() as group:
        for lane in lanes:
            group.create_task(
                _run_lane(lane, name, worker_settings, context, continuity, line, stop_requested),
                name=f"shadows-worker-{lane.name}",
            )


LANE_RESTART_DELAYS_S = (1.0, 2.0, 5.0, 10.0, 30.0)  # then 30 s each time, until a run lasts a minute

# procrastinate deletes, as each lane starts, every worker registration silent for its `stalled_worker_timeout`, and
# the jobs running under one are then left with no worker, which every stalled pass requeues. With STALLED_AFTER_S
# there, a lane starting again after an outage would delete the registrations of live workers silent through it, and
# their running jobs would run twice. A year: never, in effect; the stalled pass deletes them instead, judging as it
# judges jobs (`api.jobs.maintenance`).
PROCRASTINATE_PRUNE_AFTER_S = 365 * 86_400.0


class LaneWorker(Worker):
    """A lane's procrastinate worker, which stops (for `_run_lane` to start it again) when a job's end cannot be
    written.

    A database restart short enough for procrastinate's listener to make its connection again at once (a failover,
    a pooler's restart, connections ended by an operator) stops nothing: the pool replaces the ended connections as
    it hands them out and the heartbeats go on. A job whose end (succeeded, failed, to retry) was being written on
    one of those connections lost that write, and procrastinate goes on without it: the job stayed `doing` under a
    registration that the live lane kept beating, so no stalled-job pass ever took it, until the process stopped.
    Stopped, the lane unregisters (the job's worker is then none) or, the database still away, falls silent: the
    next stalled pass (`SHADOWS_WORKER_STALLED_CHECK_S`) queues the job again. Nothing else is lost by a lane that
    goes on: a notification of a new job or an abort sent while its listener was away is found by the polls
    (`SHADOWS_WORKER_POLL_S`), and its registration and heartbeat rows are in the database, which kept them."""

    def __init__(self, *, lane: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lane = lane
        self.stopped_by: str | None = None  # why it stopped itself: the error of the write it lost

    async def _persist_job_status(self, job: Job, *args: Any, **kwargs: Any) -> None:
        try:
            await super()._persist_job_status(job, *args, **kwargs)
            decision = kwargs.get("retry_decision")
            if isinstance(decision, RowRetryDecision) and job.id is not None:
                await self._bring_forward(job.id, decision)
        except ConnectorException as e:
            if not isinstance(e.__cause__, psycopg.OperationalError):
                raise  # the database answered (the job no longer `doing`: requeued meanwhile), nothing was cut off
            error_type = type(e.__cause__).__name__
            log.warning(
                "worker.job_end_lost",
                lane=self.lane,
                job_id=job.id,
                task=job.task_name,
                error_type=error_type,
            )
            self.stopped_by = self.stopped_by or error_type
            # Its jobs get the grace, then the lane starts again (`_run_lane`).
            self.stop()  # type: ignore[no-untyped-call]  # procrastinate leaves stop() unannotated

    async def _bring_forward(self, job_id: int, decision: RowRetryDecision) -> None:
        """The retry just written is due no later than its outbox row now says (`RowRetryDecision`).

        The retry is written before this runs, so a failure here loses nothing but the bring-forward: the job keeps
        the wait its attempt earned. Every database failure is that: the database away, a connection closed under
        the statement, a timeout (the pool's wait, a statement or lock timeout: `DatabaseUnavailableError` from
        `connection`), or a refusal that `connection` leaves as it is (a server answering read-only after a
        failover, a program limit: `psycopg.Error`). Raised, one ended the job's task with an error nobody awaits
        (asyncio's "exception was never retrieved"), past the lane's handling of a lost job end. Anything else is
        a bug in this code, and a cancellation is the lane's shutdown: both propagate."""
        found = (self.additional_context or {}).get(CONTEXT_KEY)
        if not isinstance(found, WorkerResources):
            return  # a worker without our resources (a test running procrastinate alone): nothing to read
        try:
            async with connection(found.pool) as conn, conn.transaction():
                moved = await attempts_repo.bring_job_forward(conn, decision.table, decision.row_id, job_id)
        except (ServiceUnavailableError, psycopg.Error) as e:
            log.warning(
                "worker.retry_not_brought_forward",
                job_id=job_id,
                error_type=type(e.__cause__ or e).__name__,
                sqlstate=getattr(e.__cause__ or e, "sqlstate", None),
            )
            return
        if moved:
            log.info("worker.retry_brought_forward", job_id=job_id, table=decision.table)


def _cancelling() -> bool:
    """Whether this task was asked to stop (cancelled), even if what it awaited raised something else instead."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def _stop_when(stop_requested: asyncio.Event, worker: Worker) -> None:
    await stop_requested.wait()
    worker.stop()  # type: ignore[no-untyped-call]  # procrastinate leaves stop() unannotated


async def _run_lane(
    lane: Lane,
    name: str,
    worker_settings: WorkerSettings,
    context: dict[str, Any],
    continuity: Continuity,
    line: BeatLine,
    stop_requested: asyncio.Event,
) -> None:
    """A lane's procrastinate worker, started again whenever it stops by itself. procrastinate stops a worker, and
    returns as if asked to, when one of its side tasks fails: the listener's connection ended by a database restart
    or failover and not made again at once, a heartbeat not written; ours stops too when a job's end was not written
    (`LaneWorker`). Left so, the lane takes no more jobs, and once every lane has stopped the process exits 0
    ("worker.stopped") after a database blip of a second, never to come back under a supervisor that restarts
    failures only; a failed fetch raises ConnectorException out of the lane. Either way the lane waits and starts
    again. A lane that was cancelled (a signal) is never started again, even when its shutdown, the database away,
    raised ConnectorException in place of the cancellation.

    A stop (`stop_requested`, set by the signal handler with the cancellation) is also asked of the lane's worker
    itself, once its run has begun: a signal in the first moments of a start, while procrastinate was registering the
    lane, lost its cancellation there (a database call's), and the lane then ran its loop as if never asked to stop,
    until killed (2 starts in 8 under load)."""
    attempt = 0
    while True:
        if stop_requested.is_set():
            raise asyncio.CancelledError
        started = time.monotonic()
        worker = LaneWorker(
            lane=lane.name,
            app=queue,
            name=f"{name}/{lane.name}",
            queues=list(lane.queues),  # a list: psycopg adapts lists, not tuples, to arrays
            concurrency=lane.concurrency,
            shutdown_graceful_timeout=worker_settings.shutdown_grace_s,
            update_heartbeat_interval=worker_settings.heartbeat_s,
            stalled_worker_timeout=PROCRASTINATE_PRUNE_AFTER_S,
            fetch_job_polling_interval=worker_settings.poll_s,
            abort_job_polling_interval=worker_settings.poll_s,
            additional_context=context,
            install_signal_handlers=False,  # ours in run_worker: a second signal must not kill mid-shutdown
            listen_notify=True,
            delete_jobs="never",
        )
        # Asks the run to stop once a stop is requested. run() clears a stop request made before it began, so one
        # made before the run is caught just before it (no await between), and the watcher's for one after.
        watcher = asyncio.create_task(
            _stop_when(stop_requested, worker), name=f"shadows-worker-{lane.name}-stop"
        )
        try:
            # Its own heartbeat stops before its shutdown waits for the jobs: ours goes on until they have ended.
            async with beating(worker, worker_settings.heartbeat_s, lane.name, continuity, line):
                if stop_requested.is_set():
                    raise asyncio.CancelledError
                await worker.run()  # type: ignore[no-untyped-call]  # procrastinate leaves run() unannotated
            if _cancelling() or stop_requested.is_set():  # a shutdown that did not pass the cancellation on
                raise asyncio.CancelledError
            error_type = worker.stopped_by
        except ConnectorException as e:  # a fetch, or registering the lane again, while the database is away
            if _cancelling() or stop_requested.is_set():
                # A signal came while the database was away: procrastinate's graceful shutdown then fails to
                # unregister the lane and raises this in place of the cancellation. Stop, never start again.
                raise asyncio.CancelledError from e
            error_type = type(e.__cause__ or e).__name__
        finally:
            watcher.cancel()
        attempt = 1 if time.monotonic() - started >= 60 else attempt + 1
        delay = LANE_RESTART_DELAYS_S[min(attempt, len(LANE_RESTART_DELAYS_S)) - 1]
        # Its jobs have ended (finished, or cancelled after the grace), the lane beating meanwhile. One whose end the
        # database did not take stays "doing" under a registration nothing beats any more: requeued once stale.
        log.warning("worker.lane_restarting", lane=lane.name, delay_s=delay, error_type=error_type)
        WORKER_LANE_RESTARTS.labels(lane=lane.name).inc()
        await asyncio.sleep(delay)
