"""The stalled-job pass judges other workers dead only once its own process has been beating for STALLED_AFTER_S
without a gap, up to the pass's `now()` (api.jobs.continuity, api.jobs.maintenance): after an outage every worker is
silent, the live ones too. On a real PostgreSQL with procrastinate's own functions; the worker processes themselves
are in tests/api/test_worker.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import psycopg
import pytest
from procrastinate import App, PsycopgConnector
from psycopg.rows import DictRow, dict_row

from api.db.pool import create_pool
from api.jobs.continuity import Continuity
from api.jobs.maintenance import recover_once_steady, requeue_stalled_jobs

Conn = psycopg.AsyncConnection[DictRow]

HEARTBEAT_S = 0.5
STALLED_AFTER_S = 2.0
UNWORKED_QUEUE = "tests_unworked"


def _at(seconds: float) -> datetime:
    return datetime(2026, 12, 7, 10, 0, 0) + timedelta(seconds=seconds)


def _beats(continuity: Continuity, times: list[datetime]) -> None:
    for at in times:
        continuity.reached(continuity.begin(), at)


def test_a_failed_beat_ends_the_streak_and_a_beat_begun_before_it_starts_none() -> None:
    continuity = Continuity(HEARTBEAT_S)
    _beats(continuity, [_at(0), _at(0.5), _at(1.0)])
    begun_before = continuity.begin()  # another lane's beat, in flight as this one fails
    continuity.missed()
    continuity.reached(begun_before, _at(1.1))
    assert continuity.streak is None
    _beats(continuity, [_at(1.5), _at(2.0)])
    assert continuity.streak is not None and continuity.streak.since == _at(1.5)


def test_a_beat_later_than_twice_the_heartbeat_starts_a_new_streak() -> None:
    continuity = Continuity(HEARTBEAT_S)
    _beats(continuity, [_at(0), _at(0.6), _at(1.2), _at(1.8), _at(2.4)])
    assert continuity.steady_for(STALLED_AFTER_S)
    _beats(continuity, [_at(3.5)])  # held up for 1.1 s: the database may have been away meanwhile
    assert not continuity.steady_for(STALLED_AFTER_S)
    assert continuity.streak is not None and continuity.streak.since == _at(3.5)
    _beats(continuity, [_at(3.4)])  # a concurrent lane's, written a moment earlier, answered later
    assert continuity.streak.since == _at(3.5) and continuity.streak.last == _at(3.5)


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    pool = create_pool(db_url, min_size=1, max_size=2)
    await pool.open(wait=True, timeout=30)
    app = App(connector=PsycopgConnector())
    try:
        async with app.open_async(pool=pool):
            yield app
    finally:
        await pool.close()


async def _now(db: Conn) -> datetime:
    cur = await db.execute("select now() as t")
    row = await cur.fetchone()
    assert row is not None
    now: datetime = row["t"]
    return now


async def worker_with_a_running_job(db: Conn, silent_s: float) -> tuple[int, int]:
    """A worker registration silent for `silent_s` by the database's clock, running a job, as other workers see one
    (a worker that dies now, with 0). The job is in a queue no worker takes: requeued, it stays queued."""
    async with db.transaction():
        cur = await db.execute("select worker_id from procrastinate_register_worker_v1()")
        worker_id = int((await cur.fetchone())["worker_id"])  # type: ignore[index]  # it returns its row
        await db.execute(
            "update procrastinate_workers set last_heartbeat = now() - make_interval(secs => %s) where id = %s",
            (silent_s, worker_id),
        )
        await db.execute(
            "select procrastinate_defer_jobs_v1(array[row(%s, 'tests.unknown', 0, null, null, "
            "'{}'::jsonb, null)]::procrastinate_job_to_defer_v1[])",
            (UNWORKED_QUEUE,),
        )
        cur = await db.execute(
            "select id from procrastinate_fetch_job_v2(array[%s]::varchar[], %s)", (UNWORKED_QUEUE, worker_id)
        )
        job_id = int((await cur.fetchone())["id"])  # type: ignore[index]  # the job just deferred
    return worker_id, job_id


async def requeued_at(db: Conn, job_id: int) -> datetime | None:
    """When a stalled pass put the job back in the queue (the database's clock), if one has."""
    cur = await db.execute(
        "select max(at) as at from procrastinate_events where job_id = %s and type = 'deferred_for_retry'",
        (job_id,),
    )
    row = await cur.fetchone()
    return None if row is None else row["at"]


async def _state(db: Conn, worker_id: int, job_id: int) -> tuple[str, bool]:
    cur = await db.execute("select status::text as s from procrastinate_jobs where id = %s", (job_id,))
    status = str((await cur.fetchone())["s"])  # type: ignore[index]  # the job exists
    cur = await db.execute("select 1 from procrastinate_workers where id = %s", (worker_id,))
    return status, await cur.fetchone() is not None


async def test_a_pass_judges_only_once_its_own_beats_have_gone_on_for_stalled_after_without_a_gap(
    app: App, db_url: str
) -> None:
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as db:
        dead = await worker_with_a_running_job(db, silent_s=10)
        live = await worker_with_a_running_job(db, silent_s=0)
        now = await _now(db)

        # Back from an outage 1 s ago: every worker silent for longer than STALLED_AFTER_S is not yet dead.
        just_back = Continuity(HEARTBEAT_S)
        _beats(just_back, [now - timedelta(seconds=s) for s in (1.0, 0.5, 0.0)])
        assert await requeue_stalled_jobs(app, STALLED_AFTER_S, just_back) == 0
        assert await _state(db, *dead) == ("doing", True)

        # Beating for 3 s, but its latest beat 1.5 s old (a gap up to now): the pass was held up, say by an outage.
        stale = Continuity(HEARTBEAT_S)
        _beats(stale, [now - timedelta(seconds=1.5 + 0.5 * i) for i in range(6, -1, -1)])
        assert stale.steady_for(STALLED_AFTER_S)
        assert await requeue_stalled_jobs(app, STALLED_AFTER_S, stale) == 0
        assert await _state(db, *dead) == ("doing", True)

        steady = Continuity(HEARTBEAT_S)
        now = await _now(db)  # the pass's own `now()` follows within the gap (1 s): its latest beat is fresh
        _beats(steady, [now - timedelta(seconds=0.5 * i) for i in range(6, -1, -1)])
        assert await requeue_stalled_jobs(app, STALLED_AFTER_S, steady) == 1
        assert await _state(db, *dead) == ("todo", False)  # requeued; its registration gone
        assert await _state(db, *live) == ("doing", True)


async def test_the_start_up_pass_waits_until_its_process_has_beaten_for_stalled_after(
    app: App, db_url: str
) -> None:
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as db:
        dead = await worker_with_a_running_job(db, silent_s=10)
        continuity = Continuity(HEARTBEAT_S)
        recovery = asyncio.create_task(recover_once_steady(app, STALLED_AFTER_S, continuity))
        now = await _now(db)
        _beats(continuity, [now - timedelta(seconds=2.0 - 0.5 * i) for i in range(4)])  # 1.5 s of beats
        await asyncio.sleep(0)
        assert not recovery.done()
        assert await _state(db, *dead) == ("doing", True)
        _beats(continuity, [now])  # 2 s of beats, the latest fresh
        await asyncio.wait_for(recovery, timeout=30)
        assert await _state(db, *dead) == ("todo", False)
