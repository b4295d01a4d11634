"""A lane's bring-forward of a retry (api.jobs.worker.LaneWorker._bring_forward) failing on a real PostgreSQL: the
retry was written first, so the job keeps the wait its attempt earned, and neither the job's end nor the lane goes
down with it. Two real failures: the connection closed under it (its backend terminated, as by a failover or an
operator), and a server that refuses writes (read-only, as a standby answering after a failover)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest
from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.jobs import Job, Status
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool
from structlog.testing import capture_logs

from api.jobs.resources import CONTEXT_KEY, WorkerResources
from api.jobs.worker import LaneWorker
from api.webhooks.schedule import RowRetryDecision
from tests.api.ashby_support import start_assessment
from tests.conftest import ApiServer
from tests.fakes.ashby import FakeAshby

Conn = psycopg.AsyncConnection[DictRow]
ADA = {
    "ashby_id": "cand-bring-forward",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
}


def _lane(app: App, pool: Any) -> LaneWorker:
    resources = WorkerResources(
        settings=None,  # type: ignore[arg-type]  # not read by the bring-forward
        worker_settings=None,  # type: ignore[arg-type]  # not read by the bring-forward
        pool=pool,
        judge=None,  # type: ignore[arg-type]  # not used
        admission=None,  # type: ignore[arg-type]  # not used
    )
    return LaneWorker(lane="delivery", app=app, additional_context={CONTEXT_KEY: resources})


async def _due(db: Conn, job_id: int) -> dict[str, Any] | None:
    cur = await db.execute(
        "select status::text as status, scheduled_at <= now() + interval '1 second' as due"
        " from procrastinate_jobs where id = %s",
        (job_id,),
    )
    return await cur.fetchone()


@pytest.mark.parametrize("failure", ["connection_closed", "read_only"])
async def test_a_bring_forward_the_database_fails_keeps_the_jobs_wait_and_raises_nothing(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, db_url: str, failure: str
) -> None:
    # Before, only ServiceUnavailableError was caught: a read-only server's refusal (an InternalError that
    # `connection` does not translate) escaped the job's end, ending its task with an error nobody awaited.
    session_id = await start_assessment(ashby, ADA)
    cur = await db.execute(
        "update ats_callbacks set next_attempt_at = now() where session_id = %s and kind = 'invite_withheld'"
        " returning id",
        (session_id,),
    )
    row = await cur.fetchone()
    assert row is not None
    cid = UUID(str(row["id"]))
    cur = await db.execute(
        "update procrastinate_jobs set status = 'doing' where task_name = 'deliver_ats_callback'"
        " and args->>'callback_id' = %s returning *",
        (str(cid),),
    )
    job_row = await cur.fetchone()
    assert job_row is not None
    job = Job.from_row(dict(job_row))
    assert job.id is not None
    # The attempt's wait: a day, which the row (due now) says the job need not keep.
    decision = RowRetryDecision(
        retry_at=datetime.now(UTC) + timedelta(days=1), table="ats_callbacks", row_id=cid
    )
    options = "-c default_transaction_read_only=on" if failure == "read_only" else ""
    failing: AsyncConnectionPool[Conn] = AsyncConnectionPool(
        db_url,
        min_size=1,
        max_size=1,
        open=False,
        timeout=10,
        kwargs={"autocommit": True, "row_factory": dict_row, "options": options},
    )
    await failing.open(wait=True, timeout=10)
    try:
        if failure == "connection_closed":
            async with failing.connection() as held:
                pid = held.info.backend_pid
            # Waits until the backend has ended: the pool hands out the connection it no longer checks.
            cur = await db.execute("select pg_terminate_backend(%s, 10000) as ended", (pid,))
            assert await cur.fetchone() == {"ended": True}
        app = App(connector=PsycopgConnector())
        async with app.open_async(
            pool=api_server.app.state.pool
        ):  # procrastinate's own write: the healthy pool
            lane = _lane(app, failing)
            with capture_logs() as logs:
                await lane._persist_job_status(
                    job,
                    status=Status.FAILED,
                    retry_decision=decision,
                    context=JobContext(
                        app=app, job=job, start_timestamp=time.time(), abort_reason=lambda: None
                    ),
                    job_result=None,
                )
            assert (
                lane.stopped_by is None
            )  # the job's end was written: nothing for the lane to start again for
            (lost,) = (e for e in logs if e["event"] == "worker.retry_not_brought_forward")
            assert lost["job_id"] == job.id and lost["log_level"] == "warning"
            assert await _due(db, job.id) == {"status": "todo", "due": False}  # the wait its attempt earned
            # The same bring-forward on a database that answers moves it: the failure above was the only reason.
            await _lane(app, api_server.app.state.pool)._bring_forward(job.id, decision)
            assert await _due(db, job.id) == {"status": "todo", "due": True}
    finally:
        await failing.close()
