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
from procrastinate.worker import Worker
from psycopg.rows import DictRow, dict_row
from pydantic import ValidationError

from api.db.pool import create_pool
from api.jobs.continuity import Continuity
from api.jobs.heartbeat import BeatLine, beating
from api.jobs.maintenance import recover_once_steady, requeue_stalled_jobs
from api.jobs.settings import WorkerSettings
from tests.api.grading_support import wait_until

Conn = psycopg.AsyncConnection[DictRow]

HEARTBEAT_S = 0.5
STALLED_AFTER_S = 2.0
UNWORKED_QUEUE = "tests_unworked"


def _at(seconds: float) -> datetime:
    return datetime(2026, 12, 7, 10, 0, 0) + timedelta(seconds=seconds)


def _beats(continuity: Continuity, times: list[datetime]) -> None:
    for at in times:
        continuity.reached(continuity.begin(), at)


@pytest.mark.parametrize(("stalled_after_s", "accepted"), [(29.9, False), (30.0, True)])
def test_stalled_after_is_at_least_three_heartbeats(stalled_after_s: float, accepted: bool) -> None:
    """A judging worker takes only a beat missing for twice the heartbeat for a gap, so a live worker may be silent
    through an outage it did not see for that and its own period more: 20 s of a 10 s heartbeat, then 10 s."""
    settings = {"heartbeat_s": 10.0, "stalled_after_s": stalled_after_s}
    if accepted:
        assert WorkerSettings(_env_file=None, **settings).stalled_after_s == stalled_after_s  # type: ignore[call-arg, arg-type]
    else:
        with pytest.raises(ValidationError, match="three times SHADOWS_WORKER_HEARTBEAT_S"):
            WorkerSettings(_env_file=None, **settings)  # type: ignore[call-arg, arg-type]


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


# What happened to the job, committed only once the pass, having picked it, waits to requeue it.
MEANWHILE = {
    # Another worker's pass requeued it and a live worker took it: procrastinate's retry_job takes any `doing` job by
    # its id, and requeued it under the live worker, which ran it beside the next worker to take it.
    "requeued_and_taken": (
        "select procrastinate_retry_job_v2(%(job)s, now(), null, null, null)",
        "select procrastinate_fetch_job_v2(array[%(queue)s]::varchar[], %(live)s)",
    ),
    # Its worker, only slow, ended it: retry_job takes a `failed` job too, and it would have run again.
    "ended_failed": ("select procrastinate_finish_job_v1(%(job)s, 'failed', false)",),
}


@pytest.mark.parametrize("meanwhile", sorted(MEANWHILE))
async def test_a_pass_requeues_a_job_only_if_it_is_still_running_under_the_worker_it_judged(
    app: App, db_url: str, meanwhile: str
) -> None:
    connect = psycopg.AsyncConnection.connect
    async with (
        await connect(db_url, autocommit=True, row_factory=dict_row) as db,
        await connect(db_url, autocommit=True, row_factory=dict_row) as other,
    ):
        _, job = await worker_with_a_running_job(db, silent_s=10)
        cur = await db.execute("select worker_id from procrastinate_register_worker_v1()")
        live = int((await cur.fetchone())["worker_id"])  # type: ignore[index]  # it returns its row
        steady = Continuity(heartbeat_s=5.0)  # a gap of 10 s: the pass's wait below leaves its streak fresh
        now = await _now(db)
        _beats(steady, [now - timedelta(seconds=0.5 * i) for i in range(6, -1, -1)])
        cur = await other.execute("select pg_backend_pid() as pid")
        other_pid = (await cur.fetchone())["pid"]  # type: ignore[index]  # select always returns a row

        async with other.transaction():
            await other.execute("select 1 from procrastinate_jobs where id = %s for update", (job,))
            for statement in MEANWHILE[meanwhile]:
                await other.execute(statement, {"job": job, "queue": UNWORKED_QUEUE, "live": live})
            pass_ = asyncio.create_task(requeue_stalled_jobs(app, STALLED_AFTER_S, steady))

            async def waiting_for_the_job() -> bool:
                cur = await db.execute(
                    "select 1 from pg_stat_activity where datname = current_database() and pid <> %s "
                    "and wait_event_type = 'Lock' and query ilike %s",
                    (other_pid, "%procrastinate_retry_job_v2%"),
                )
                return await cur.fetchone() is not None

            await wait_until(waiting_for_the_job, within_s=30, what="the pass to wait for the job's row")

        assert await asyncio.wait_for(pass_, timeout=30) == 0
        cur = await db.execute(
            "select status::text as s, worker_id, attempts from procrastinate_jobs where id = %s", (job,)
        )
        row = await cur.fetchone()
        assert row is not None
        expected = {"requeued_and_taken": ("doing", live, 1), "ended_failed": ("failed", None, 1)}[meanwhile]
        assert (row["s"], row["worker_id"], row["attempts"]) == expected


async def test_a_worker_beats_while_its_pool_has_no_connection_to_give(db_url: str) -> None:
    """A live worker's pool may hand out no connection for longer than STALLED_AFTER_S: after a long outage it
    connects again only at its back-off (64 s, a minute into one), or its jobs hold every connection. Beating
    through it, the worker fell silent meanwhile and another, back sooner, took it for dead; its beats go over a
    connection of their own (`BeatLine`)."""
    pool = create_pool(db_url, min_size=1, max_size=1, timeout_s=0.2)
    await pool.open(wait=True, timeout=30)
    app = App(connector=PsycopgConnector())
    line = BeatLine(db_url, timeout_s=2)
    connect = psycopg.AsyncConnection.connect
    try:
        async with (
            app.open_async(pool=pool),
            await connect(db_url, autocommit=True, row_factory=dict_row) as db,
        ):
            worker_id, _ = await worker_with_a_running_job(db, silent_s=10)
            worker = Worker(app=app, queues=[UNWORKED_QUEUE])  # not run: the registration above is its own
            worker.worker_id = worker_id
            continuity = Continuity(HEARTBEAT_S)

            async def beaten() -> bool:
                cur = await db.execute(
                    "select last_heartbeat > now() - interval '5 seconds' as fresh from procrastinate_workers "
                    "where id = %s",
                    (worker_id,),
                )
                row = await cur.fetchone()
                return row is not None and bool(row["fresh"])

            async with pool.connection(), beating(worker, HEARTBEAT_S, "tests", continuity, line):
                # The pool's only connection held: a beat through it would wait 0.2 s and fail.
                await wait_until(beaten, within_s=10, what="a heartbeat")
            assert continuity.streak is not None
    finally:
        await line.close()
        await pool.close()


async def test_a_beat_line_whose_connection_ended_connects_again_at_the_next_beat(
    db: Conn, db_url: str
) -> None:
    """No back-off: a live worker beats again within a heartbeat of the database's return."""
    worker_id, _ = await worker_with_a_running_job(db, silent_s=10)
    line = BeatLine(db_url, timeout_s=2)
    try:
        first = await line.beat(worker_id)
        cur = await db.execute(
            "select pg_terminate_backend(pid) as ended from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid() and query like %s",
            ("%procrastinate_update_heartbeat_v1%",),
        )
        assert [row["ended"] for row in await cur.fetchall()] == [True]
        try:
            again = await line.beat(worker_id)
        except psycopg.OperationalError:  # the ended connection's failure, once; this one connects anew
            again = await line.beat(worker_id)
        assert again > first
    finally:
        await line.close()


async def test_a_beat_held_up_fails_within_its_timeout_and_the_next_connects_anew(
    db: Conn, db_url: str
) -> None:
    """One beat held up would hold every lane's (they share the connection)."""
    worker_id, _ = await worker_with_a_running_job(db, silent_s=10)
    line = BeatLine(db_url, timeout_s=1.0)
    try:
        async with db.transaction():
            await db.execute("select 1 from procrastinate_workers where id = %s for update", (worker_id,))
            with pytest.raises(psycopg.OperationalError, match="no answer"):
                await asyncio.wait_for(line.beat(worker_id), timeout=15)
        before = await _now(db)
        assert await line.beat(worker_id) >= before
    finally:
        await line.close()


async def test_a_silent_worker_taking_a_job_as_the_pass_prunes_it_keeps_its_registration_and_job(
    app: App, db_url: str
) -> None:
    """The pass deletes the registrations of silent workers with no running job. One that takes a job as it does
    (committed while the delete waits on its row) must keep it: deleted, the job's worker would become none (the
    foreign key's ON DELETE SET NULL), and the next pass would requeue it at once, beside its run."""
    connect = psycopg.AsyncConnection.connect
    async with (
        await connect(db_url, autocommit=True, row_factory=dict_row) as db,
        await connect(db_url, autocommit=True, row_factory=dict_row) as other,
    ):
        cur = await db.execute("select worker_id from procrastinate_register_worker_v1()")
        silent = int((await cur.fetchone())["worker_id"])  # type: ignore[index]  # it returns its row
        await db.execute(
            "update procrastinate_workers set last_heartbeat = now() - interval '10 seconds' where id = %s",
            (silent,),
        )
        await db.execute(
            "select procrastinate_defer_jobs_v1(array[row(%s, 'tests.unknown', 0, null, null, "
            "'{}'::jsonb, null)]::procrastinate_job_to_defer_v1[])",
            (UNWORKED_QUEUE,),
        )
        steady = Continuity(heartbeat_s=5.0)  # a gap of 10 s: the pass's wait below leaves its streak fresh
        now = await _now(db)
        _beats(steady, [now - timedelta(seconds=0.5 * i) for i in range(6, -1, -1)])
        cur = await other.execute("select pg_backend_pid() as pid")
        other_pid = (await cur.fetchone())["pid"]  # type: ignore[index]  # select always returns a row

        async with other.transaction():
            cur = await other.execute(
                "select id from procrastinate_fetch_job_v2(array[%s]::varchar[], %s)",
                (UNWORKED_QUEUE, silent),
            )
            job = (await cur.fetchone())["id"]  # type: ignore[index]  # the job deferred above
            pass_ = asyncio.create_task(requeue_stalled_jobs(app, STALLED_AFTER_S, steady))

            async def waiting_for_the_worker() -> bool:
                cur = await db.execute(
                    "select 1 from pg_stat_activity where datname = current_database() and pid <> %s "
                    "and wait_event_type = 'Lock' and query ilike %s",
                    (other_pid, "%procrastinate_workers%"),
                )
                return await cur.fetchone() is not None

            await wait_until(
                waiting_for_the_worker, within_s=30, what="the pass to wait for the worker's row"
            )

        assert await asyncio.wait_for(pass_, timeout=30) == 0
        assert await _state(db, silent, job) == ("doing", True)
        cur = await db.execute("select worker_id from procrastinate_jobs where id = %s", (job,))
        assert (await cur.fetchone())["worker_id"] == silent  # type: ignore[index]  # the job exists


async def test_a_beat_whose_server_never_answers_the_connection_fails_within_its_timeout() -> None:
    """A server (or pooler) that takes the connection and then says nothing: libpq's connect_timeout is per address
    tried, at least 2 s each, and a host name may give several, all the while holding every lane's beat. The beat,
    connection included, fails within its own timeout, says nothing of the credentials, and leaves no socket open."""
    accepted: list[asyncio.StreamReader] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(reader)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    line = BeatLine(
        f"postgresql://beats:s3cret-pw@127.0.0.1:{port},127.0.0.1:{port}/shadows?sslmode=prefer",
        timeout_s=0.5,
    )
    try:
        started = asyncio.get_running_loop().time()
        # Not wait_for: its task would keep the failure, and with it what the beat made.
        with pytest.raises(psycopg.OperationalError) as failed:
            async with asyncio.timeout(30):
                await line.beat(1)
        assert asyncio.get_running_loop().time() - started < 1.5  # 4 s, two addresses at libpq's least
        assert "s3cret" not in repr(failed.value) and "s3cret" not in str(failed.value.__cause__)
        del failed  # as the heartbeat drops it: no reference left to what the beat made
        assert accepted
        for reader in accepted:  # each connection the beat made is closed by it
            await asyncio.wait_for(reader.read(), timeout=5)
            assert reader.at_eof()
    finally:
        await line.close()
        server.close()


async def test_a_beat_cancelled_while_it_connects_leaves_no_socket_open() -> None:
    """A lane's shutdown cancels its beat wherever it is, the connection half made included."""
    accepted: list[asyncio.StreamReader] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(reader)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    line = BeatLine(f"postgresql://beats@127.0.0.1:{port}/shadows", timeout_s=30)
    try:
        beat = asyncio.create_task(line.beat(1))

        async def connecting() -> bool:
            return bool(accepted)

        await wait_until(connecting, within_s=10, what="the beat's connection")
        beat.cancel()
        await asyncio.wait([beat])
        assert beat.cancelled()
        del beat  # as the lane drops its heartbeat's task
        await asyncio.wait_for(accepted[0].read(), timeout=5)
        assert accepted[0].at_eof()
    finally:
        await line.close()
        server.close()
