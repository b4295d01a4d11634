"""`/readyz` answers within SHADOWS_API_READYZ_TIMEOUT_S whatever its peers do: a database or Redis host that stops
answering (a black-holed path: the connection stays open, nothing comes back, nothing is refused) held the one
shared check, and every request waiting for it, for as long as TCP takes to give up. Each peer here is a real
socket on loopback that accepts and then never answers; the database one is a proxy to the real test server that
goes silent on the connections it already carries, so a pooled connection that passed the pool's own check hangs
on the check's `select 1`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from time import monotonic
from typing import Any, cast

import psycopg
import pytest
from limits.aio.storage import MemoryStorage
from psycopg_pool import PoolTimeout

from api.db.pool import Pool, create_pool
from api.ratelimits import RateLimits, storage_for
from api.readiness import DATABASE_SILENT, STORE_SILENT, Readiness
from api.settings import ApiSettings

TIMEOUT_S = 0.5


class SilentPeer:
    """A TCP listener on loopback. Without `upstream` it accepts and never answers; with one it forwards every
    connection to it until `silence()`, after which the connections it carries stay open and forward nothing (new
    ones still forward)."""

    def __init__(self, upstream: tuple[str, int] | None = None) -> None:
        self.upstream = upstream
        self.silent = asyncio.Event()
        self.accepted = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, gate: asyncio.Event
    ) -> None:
        while data := await reader.read(65536):
            if gate.is_set():
                return  # swallowed, and nothing more is read: the peer has gone silent
            writer.write(data)
            await writer.drain()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._writers.append(writer)
        if self.upstream is None:
            await asyncio.Event().wait()  # accepted, never answered (cancelled at the end)
            return
        gate = self.silent if not self.silent.is_set() else asyncio.Event()
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        self._writers.append(up_writer)
        await asyncio.gather(self._pipe(reader, up_writer, gate), self._pipe(up_reader, writer, gate))
        if gate.is_set():
            await asyncio.Event().wait()  # hold both connections open, silent

    def _track(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def silence(self) -> None:
        self.silent.set()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[SilentPeer]:
        server = await asyncio.start_server(self._track, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            for w in self._writers:
                w.close()
            await server.wait_closed()


def _via(url: str, port: int) -> str:
    params = psycopg.conninfo.conninfo_to_dict(url)
    params.update(host="127.0.0.1", port=str(port))
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items() if v is not None})


async def test_a_database_that_stops_answering_is_not_ready_within_the_bound_and_its_connection_discarded(
    db_url: str,
) -> None:
    params = psycopg.conninfo.conninfo_to_dict(db_url)
    upstream = (str(params.get("host") or "127.0.0.1"), int(params.get("port") or 5432))
    if upstream[0].startswith("/"):  # a Unix socket directory: the server listens on loopback too
        upstream = ("127.0.0.1", upstream[1])
    readiness = Readiness(TIMEOUT_S)
    ratelimits = RateLimits(MemoryStorage())
    async with SilentPeer(upstream).running() as peer:
        pool = create_pool(_via(db_url, peer.port), min_size=1, max_size=1, timeout_s=30)
        await pool.open(wait=True)
        try:
            assert await readiness.problem(pool, ratelimits) is None
            peer.silence()  # the pooled connection stays open; the next statement on it gets no answer

            started = monotonic()
            answers = await asyncio.gather(*(readiness.problem(pool, ratelimits) for _ in range(3)))
            elapsed = monotonic() - started

            silent = DATABASE_SILENT.format(timeout=TIMEOUT_S)
            assert answers == [silent] * 3  # the waiters took the timed-out check's answer
            assert elapsed < TIMEOUT_S + 1.0, elapsed  # not the pool's 30 s, nor TCP's minutes
            assert not readiness._lock.locked()
            # The cut-off connection went back closed and was discarded: the next check gets a fresh connection
            # (through the proxy, which forwards new ones) and the process is ready again.
            assert await readiness.problem(pool, ratelimits) is None
            assert peer.accepted >= 2
        finally:
            await pool.close(timeout=1)


async def test_a_database_host_that_accepts_and_never_answers_is_not_ready_within_the_bound(
    db_url: str,
) -> None:
    readiness = Readiness(TIMEOUT_S)
    async with SilentPeer().running() as peer:
        pool = create_pool(_via(db_url, peer.port), min_size=1, max_size=1, timeout_s=30)
        await pool.open(wait=False)
        try:
            started = monotonic()
            answer = await readiness.problem(pool, RateLimits(MemoryStorage()))
            assert monotonic() - started < TIMEOUT_S + 1.0
        finally:
            await pool.close(timeout=0.2)
    assert answer == DATABASE_SILENT.format(timeout=TIMEOUT_S)
    assert "database" in answer and "SHADOWS_API_READYZ_TIMEOUT_S" in answer
    assert not readiness._lock.locked()


async def test_a_redis_that_accepts_and_never_answers_is_not_ready_within_the_bound(
    db_url: str, api_settings: ApiSettings
) -> None:
    readiness = Readiness(TIMEOUT_S)
    pool = create_pool(db_url, min_size=1, max_size=1)
    await pool.open(wait=True)
    try:
        async with SilentPeer().running() as peer:
            # Its own socket timeout is far past the readiness bound: the bound alone ends the PING.
            settings = api_settings.model_copy(
                update={"redis_url": f"redis://127.0.0.1:{peer.port}/0", "redis_timeout_s": 30.0}
            )
            ratelimits = RateLimits(storage_for(settings))
            started = monotonic()
            answer = await readiness.problem(pool, ratelimits)
            assert monotonic() - started < TIMEOUT_S + 1.0
            assert peer.accepted == 1
    finally:
        await pool.close()
    assert answer == STORE_SILENT.format(timeout=TIMEOUT_S)
    assert "Redis" in answer
    assert not readiness._lock.locked()


class _Answered:
    async def fetchone(self) -> dict[str, bool]:
        return {"applied": True}


class SlowDatabase:
    """A pool whose connection comes after `delay_s` and answers at once, or, with `delay_s` None, never comes (the
    pool's wait ends at the caller's timeout with PoolTimeout, as a real pool's does)."""

    def __init__(self, delay_s: float | None) -> None:
        self.delay_s = delay_s

    @contextlib.asynccontextmanager
    async def connection(self, timeout: float) -> AsyncIterator[SlowDatabase]:  # noqa: ASYNC109  # the pool's own parameter
        if self.delay_s is None:
            await asyncio.sleep(timeout)
            raise PoolTimeout("no connection")
        await asyncio.sleep(self.delay_s)
        yield self

    async def execute(self, *args: Any) -> _Answered:
        return _Answered()


class SlowStore(MemoryStorage):
    """A rate-limit store whose PING answers after `delay_s`, or never (None)."""

    def __init__(self, delay_s: float | None) -> None:
        super().__init__()
        self.delay_s = delay_s

    async def check(self) -> bool:
        await (asyncio.sleep(self.delay_s) if self.delay_s is not None else asyncio.Event().wait())
        return True


QUICK_TIMEOUT_S = 0.2
DB_SILENT = DATABASE_SILENT.format(timeout=QUICK_TIMEOUT_S)
REDIS_SILENT = STORE_SILENT.format(timeout=QUICK_TIMEOUT_S)


@pytest.mark.parametrize(
    ("database_s", "store_s", "expected"),
    [
        # The database answers just before the deadline and Redis at once-ish: checked one after the other, Redis
        # was left no time and the 503 named it.
        (0.8 * QUICK_TIMEOUT_S, 0.4 * QUICK_TIMEOUT_S, None),
        (None, 0.4 * QUICK_TIMEOUT_S, DB_SILENT),  # only the database is named
        (0.0, None, REDIS_SILENT),  # only Redis is named
        (None, None, f"{DB_SILENT} {REDIS_SILENT}"),  # both are named, not just the first one asked
    ],
)
async def test_readyz_checks_the_database_and_redis_at_once_and_names_exactly_those_that_did_not_answer(
    database_s: float | None, store_s: float | None, expected: str | None
) -> None:
    readiness = Readiness(QUICK_TIMEOUT_S)
    pool = cast(Pool, SlowDatabase(database_s))  # speaks the part of the pool's interface the check uses
    answer = await readiness.problem(pool, RateLimits(SlowStore(store_s)))
    assert answer == expected
    assert not readiness._lock.locked()
