"""A database that ended every connection (a restart, a failover, a pooler's restart) and came back: the API answers
the requests after it, and a running `shadows worker` goes on taking jobs, on its own, without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import psycopg_pool.pool_async
import pytest
import structlog.testing
from prometheus_client.parser import text_string_to_metric_families
from psycopg import sql
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool
from psycopg_pool._acompat import asleep as real_asleep  # what the pool's check loop backs off with

from api.db.pool import Pool, connection, create_pool
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


async def _pool_with_idle_connections_that_ended(db_url: str, pg_admin_url: str) -> Pool:
    """A pool (the API's, as `create_pool` makes it) holding four idle connections, each of which the server ended."""
    pool = create_pool(db_url, min_size=4, max_size=8, timeout_s=10)
    await pool.open(wait=True)
    assert pool.get_stats()["pool_available"] == 4, pool.get_stats()
    await asyncio.to_thread(_end_connections, pg_admin_url, db_url)
    return pool


async def _use(pool: Pool) -> None:
    async with connection(pool) as conn:
        cur = await conn.execute("select 1 as one")
        assert await cur.fetchone() == {"one": 1}


async def test_a_checkout_that_draws_an_ended_connection_gets_another_without_waiting_on_a_sweep(
    db_url: str, pg_admin_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The request that drew a dead connection used to sweep every idle connection itself (`pool.check()`), then wait
    # psycopg_pool's back-off (about 1 s) before it drew again. Neither may happen in the request: a sweep runs, if
    # at all, in a task of the pool's own.
    pool = await _pool_with_idle_connections_that_ended(db_url, pg_admin_url)
    sweeps: list[asyncio.Task[Any] | None] = []
    back_offs: list[tuple[asyncio.Task[Any] | None, float]] = []
    real_check = pool.check

    async def check() -> None:
        sweeps.append(asyncio.current_task())
        await real_check()

    async def asleep(seconds: float) -> None:
        back_offs.append((asyncio.current_task(), seconds))
        await real_asleep(seconds)

    monkeypatch.setattr(pool, "check", check)
    monkeypatch.setattr(psycopg_pool.pool_async, "asleep", asleep)
    try:
        with structlog.testing.capture_logs() as logged:
            await _use(pool)
        request = asyncio.current_task()
        assert "db.connection_lost" in [e["event"] for e in logged]  # it did draw one that had ended
        assert request not in sweeps
        assert [s for task, s in back_offs if task is request] == []
    finally:
        await pool.close()


async def test_a_checkout_cancelled_while_it_checks_connections_stays_cancelled(
    db_url: str, pg_admin_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request whose client went away, or that ran out of time, is cancelled wherever it waits. While it checked
    # the pool's other idle connections (psycopg_pool's `check()`, which catches CancelledError), the cancellation
    # was swallowed and the request went on to draw a connection and run.
    pool = await _pool_with_idle_connections_that_ended(db_url, pg_admin_url)
    real_check, real_check_connection = pool.check, AsyncConnectionPool.check_connection
    checking_the_second = asyncio.Event()
    sweep_may_run = asyncio.Event()
    checks_in_request = 0

    async def check() -> None:
        if asyncio.current_task() is not request:
            # A sweep of the pool's own goes after the request: the request meets the next ended connection itself.
            await sweep_may_run.wait()
        await real_check()

    async def check_connection(conn: Conn) -> None:
        nonlocal checks_in_request
        if asyncio.current_task() is request:
            checks_in_request += 1
            if checks_in_request == 2:  # the first failed: the request checks another connection
                checking_the_second.set()
                await asyncio.Event().wait()  # a round trip that has not answered yet, until cancelled
        await real_check_connection(conn)

    monkeypatch.setattr(pool, "check", check)
    monkeypatch.setattr(AsyncConnectionPool, "check_connection", staticmethod(check_connection))
    request = asyncio.create_task(_use(pool))
    try:
        await asyncio.wait_for(checking_the_second.wait(), 10)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(request, 10)
        sweep_may_run.set()
        await _use(pool)  # the connection it was checking went back, or was replaced: the pool still serves
    finally:
        sweep_may_run.set()
        request.cancel()
        await asyncio.gather(request, return_exceptions=True)
        await pool.close()


async def test_requests_that_draw_ended_connections_start_one_sweep_at_a_time_and_close_ends_it(
    db_url: str, pg_admin_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every request that drew a dead connection swept the whole pool, each its own sweep, all at once.
    pool = await _pool_with_idle_connections_that_ended(db_url, pg_admin_url)
    real_check = pool.check
    started = in_flight = most = 0
    first_may_finish, second_started = asyncio.Event(), asyncio.Event()

    async def check() -> None:
        nonlocal started, in_flight, most
        started += 1
        in_flight += 1
        most = max(most, in_flight)
        if in_flight > 1:
            second_started.set()
        try:
            if started == 1:
                # A sweep still running while more requests find ended connections.
                await first_may_finish.wait()
            await real_check()
        finally:
            in_flight -= 1

    monkeypatch.setattr(pool, "check", check)
    requests = asyncio.gather(*(_use(pool) for _ in range(3)))
    overlap = asyncio.create_task(second_started.wait())
    try:
        either: set[asyncio.Future[Any]] = {requests, overlap}
        await asyncio.wait(either, timeout=20, return_when=asyncio.FIRST_COMPLETED)
        assert (started, most) == (1, 1)
        assert requests.done() and requests.exception() is None  # answered with the first sweep still running
        await asyncio.wait_for(pool.close(), 10)  # the pool's close ends the sweep it started
        assert in_flight == 0
    finally:
        first_may_finish.set()
        overlap.cancel()
        await asyncio.gather(requests, overlap, return_exceptions=True)
        await pool.close()


async def test_a_checkout_that_draws_an_ended_connection_while_the_pool_closes_starts_no_sweep_it_would_not_end(
    db_url: str, pg_admin_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `close` waits for the running sweep before the pool is closed; psycopg_pool's `check()` goes on past a
    # cancellation, so that wait can last. A request drawing an ended connection meanwhile started a second sweep,
    # which `close` had already let go of: nothing cancelled or awaited it, and it ran on against the closed pool.
    pool = await _pool_with_idle_connections_that_ended(db_url, pg_admin_url)
    real_check = pool.check
    sweeps: list[asyncio.Task[Any] | None] = []
    cancelled, release = asyncio.Event(), asyncio.Event()

    async def check() -> None:
        sweeps.append(asyncio.current_task())
        if len(sweeps) == 1:
            while not release.is_set():
                try:
                    await release.wait()
                except asyncio.CancelledError:  # psycopg_pool's check() goes on to the next connection
                    cancelled.set()
        await real_check()

    monkeypatch.setattr(pool, "check", check)
    closing: asyncio.Task[None] | None = None
    try:
        await _use(pool)  # drew an ended connection: the first sweep runs
        assert len(sweeps) == 1

        async def settled() -> bool:  # every connection the pool holds is in and idle: none still connecting
            stats = pool.get_stats()
            return bool(stats["pool_available"] == stats["pool_size"] >= 4)

        await wait_until(settled, within_s=20, what="the pool's replacements")
        closing = asyncio.create_task(pool.close(timeout=20))
        await asyncio.wait_for(cancelled.wait(), 10)
        await asyncio.to_thread(_end_connections, pg_admin_url, db_url)
        with structlog.testing.capture_logs() as logged:
            await _use(pool)  # the pool is not closed yet: it still serves, drawing an ended connection first
        assert "db.connection_lost" in [e["event"] for e in logged]
        release.set()
        await asyncio.wait_for(closing, 20)
        assert len(sweeps) == 1, sweeps
    finally:
        release.set()
        if closing is not None:
            await asyncio.gather(closing, return_exceptions=True)
        await pool.close()
