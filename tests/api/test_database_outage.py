"""A database that ended every connection (a restart, a failover, a pooler's restart) and came back: the API answers
the requests after it, and a running `shadows worker` goes on taking jobs, on its own, without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psycopg
from prometheus_client.parser import text_string_to_metric_families
from psycopg import sql
from psycopg.rows import DictRow, dict_row

from api.db.pool import connection
from api.jobs.enqueue import enqueue
from tests.api.grading_support import wait_until
from tests.conftest import CLIENT_TLS, ApiServer, StartWorker, free_port
from tests.fakes.job_tasks import record_probe

Conn = psycopg.AsyncConnection[DictRow]


def _end_connections(pg_admin_url: str, db_url: str, *, refuse: bool = False) -> None:
    """What a restart does to each connection of the test's database: its server process ends (the client reads
    57P01, "terminating connection due to administrator command"). With `refuse`, new ones are refused until
    `_accept_connections`: the database is down, for this database only."""
    name = str(psycopg.conninfo.conninfo_to_dict(db_url)["dbname"])
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        if refuse:
            conn.execute(sql.SQL("alter database {} allow_connections false").format(sql.Identifier(name)))
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            (name,),
        )
        deadline = time.monotonic() + 30
        while conn.execute(
            "select count(*) from pg_stat_activity where datname = %s", (name,)
        ).fetchone() != (0,):
            assert time.monotonic() < deadline, "the database's connections did not end"
            time.sleep(0.02)


def _accept_connections(pg_admin_url: str, db_url: str) -> None:
    name = str(psycopg.conninfo.conninfo_to_dict(db_url)["dbname"])
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("alter database {} allow_connections true").format(sql.Identifier(name)))


async def test_requests_after_the_database_ended_every_connection_are_answered(
    api_server: ApiServer, pg_admin_url: str, db_url: str
) -> None:
    s = await api_server.create_session()
    path, headers = f"/v1/sessions/{s['id']}", api_server.org_headers()
    pool = api_server.app.state.pool
    # Several pooled connections, idle, as a replica's pool is between bursts.
    async with contextlib.AsyncExitStack() as held:
        for _ in range(4):
            await held.enter_async_context(connection(pool))
    for r in await asyncio.gather(*(api_server.client.get(path, headers=headers) for _ in range(4))):
        assert r.status_code == 200, r.text
    idle = pool.get_stats()["pool_available"]
    assert idle >= 4, pool.get_stats()

    await asyncio.to_thread(_end_connections, pg_admin_url, db_url)

    # Each idle connection had ended; each used to fail the request that drew it (a 503 database_unavailable).
    at_once = await asyncio.gather(*(api_server.client.get(path, headers=headers) for _ in range(idle)))
    one_by_one = [await api_server.client.get("/readyz") for _ in range(idle)]
    assert [r.status_code for r in at_once + one_by_one] == [200] * (2 * idle), [r.text for r in at_once]


async def test_a_worker_goes_on_taking_jobs_after_a_database_outage(
    db_url: str, pg_admin_url: str, start_worker: StartWorker, tmp_path: Path
) -> None:
    probes = tmp_path / "probes"
    probes.mkdir()
    port = free_port()
    worker = start_worker(
        SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.job_tasks",
        SHADOWS_TEST_PROBE_DIR=str(probes),
        SHADOWS_WORKER_METRICS_PORT=str(port),
    )

    # Down for several heartbeats (0.5 s here, WORKER_TEST_ENV) and fetch polls: every one of them fails meanwhile.
    await asyncio.to_thread(_end_connections, pg_admin_url, db_url, refuse=True)
    await asyncio.sleep(2)
    assert worker.proc.poll() is None, worker.log_path.read_text()[-3000:]
    await asyncio.to_thread(_accept_connections, pg_admin_url, db_url)

    db: Conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row)

    async def lanes_beating() -> bool:
        # Each lane is a procrastinate worker with a heartbeat row; a lane that stopped has none, or a stale one.
        cur = await db.execute(
            "select count(*) as n from procrastinate_workers where last_heartbeat > now() - interval '2 seconds'"
        )
        row = await cur.fetchone()
        return row is not None and row["n"] == 2  # jobs and deliveries

    async def job_runs(key: str) -> None:
        async with db.transaction():
            await enqueue(db, record_probe, key=key)

        async def ran() -> bool:
            return (probes / f"probe-{key}").exists()

        await wait_until(ran, within_s=30, what=f"the job {key} to run")

    try:
        await job_runs("after_the_outage")
        await wait_until(lanes_beating, within_s=30, what="both lanes to beat again")
        await job_runs("later")
    except AssertionError as e:
        raise AssertionError(
            f"{e}; worker {worker.proc.poll()=}: {worker.log_path.read_text()[-3000:]}"
        ) from None
    finally:
        await db.close()
    assert worker.proc.poll() is None
    async with httpx.AsyncClient(verify=CLIENT_TLS) as client:
        metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    restarts = {
        s.labels["lane"]: s.value
        for family in text_string_to_metric_families(metrics)
        for s in family.samples
        if s.name == "shadows_worker_lane_restarts_total"
    }
    assert restarts and all(n >= 1 for n in restarts.values()), restarts


async def test_a_worker_told_to_stop_while_the_database_is_away_stops(
    db_url: str, pg_admin_url: str, start_worker: StartWorker
) -> None:
    # SIGTERM (a deploy, a node drained) in the middle of an outage: each lane's graceful shutdown cannot unregister
    # it (the pool's wait for a connection runs out) and procrastinate raises that in place of the cancellation.
    # Taken for a lost database, the lane was started again, every 1-30 s, and the process never exited. The pool
    # waits 2 s here, not its 10 s default: the stop is the same, sooner.
    worker = start_worker(SHADOWS_API_DB_POOL_TIMEOUT_S="2")
    await asyncio.to_thread(_end_connections, pg_admin_url, db_url, refuse=True)
    try:
        worker.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.to_thread(worker.proc.wait, 45)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running: {worker.log_path.read_text()[-3000:]}") from None
    finally:
        await asyncio.to_thread(_accept_connections, pg_admin_url, db_url)
    assert code == 0, worker.log_path.read_text()[-3000:]
    events = [e.get("event") for e in worker.log_events()]
    assert "worker.stopped" in events
    after_signal = events[events.index("worker.stopping") :]
    assert "worker.lane_restarting" not in after_signal, after_signal
