"""A pooled connection asked whether it still works (`Pool.getconn`'s check) by a server that stopped answering: the
caller waits no longer than its own timeout. Real PostgreSQL, reached through a TCP relay on loopback that can go
silent, as a hung host or a network path that drops everything does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from time import monotonic

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from api.db.pool import Pool, _shows_something, connection, create_pool


class _Relay:
    """Relays TCP connections on 127.0.0.1 to `host:port`. `silence()` makes the connections open at that moment go
    silent: what their client sends is read and dropped (the server never hears it, so never answers), while what
    the server sends still reaches the client (`heard_while_silent` is set when some has). Later ones relay as usual,
    as a new connection to a live replica would. `hold()` makes them slow instead: what their client sends is kept
    (`held` is set when some is) until `release()` passes it on, as a congested path would."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.heard_while_silent = asyncio.Event()
        self.held = asyncio.Event()
        self._released = asyncio.Event()
        self._open: list[dict[str, bool]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    def silence(self) -> None:
        for state in self._open:
            state["silent"] = True

    def hold(self) -> None:
        self._released.clear()
        for state in self._open:
            state["held"] = True

    def release(self) -> None:
        for state in self._open:
            state["held"] = False
        self._released.set()

    async def __aenter__(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(self.host, self.port)
        state = {"silent": False, "held": False}
        self._open.append(state)

        async def pump(r: asyncio.StreamReader, w: asyncio.StreamWriter, upstream: bool) -> None:
            try:
                with contextlib.suppress(ConnectionError):
                    while data := await r.read(65536):
                        if upstream and state["silent"]:
                            continue  # dropped
                        if upstream and state["held"]:
                            self.held.set()
                            await self._released.wait()
                        w.write(data)
                        await w.drain()
                        if not upstream and state["silent"]:
                            self.heard_while_silent.set()
            finally:
                w.close()

        pumps = [
            asyncio.create_task(pump(client_r, server_w, upstream=True)),
            asyncio.create_task(pump(server_r, client_w, upstream=False)),
        ]
        self._tasks.update(pumps)
        await asyncio.gather(*pumps, return_exceptions=True)


@contextlib.asynccontextmanager
async def _relayed_pool(db_url: str) -> AsyncIterator[tuple[_Relay, Pool]]:
    """The app's pool of one connection, reached through a `_Relay`; that connection already drawn once, to listen
    on `shadows_pool_probe` (a notify there makes its socket show something while it is idle in the pool)."""
    target = psycopg.conninfo.conninfo_to_dict(db_url)
    relay = _Relay(str(target["host"]), int(str(target["port"])))
    async with relay as port:
        pool = create_pool(
            psycopg.conninfo.make_conninfo(db_url, host="127.0.0.1", port=port),
            min_size=1,
            max_size=1,
            timeout_s=10,
        )
        await pool.open(wait=True)
        try:
            async with connection(pool) as conn:
                await conn.execute("listen shadows_pool_probe")
            yield relay, pool
        finally:
            await pool.close()


async def test_a_check_the_server_never_answers_ends_at_the_callers_timeout(db_url: str) -> None:
    # A connection whose socket shows something is asked for real (one round trip) before it is handed out. That
    # round trip had no bound: a server that stopped answering held the request past its own wait for a connection
    # (SHADOWS_API_DB_POOL_TIMEOUT_S), for as long as TCP took to give up (minutes), and with it a request slot.
    async with _relayed_pool(db_url) as (relay, pool):
        relay.silence()  # the server hears nothing more from the pooled connection
        async with await psycopg.AsyncConnection.connect(db_url, autocommit=True) as other:
            # The idle connection's socket shows something: it is asked before it is handed out.
            await other.execute("notify shadows_pool_probe")
        await asyncio.wait_for(relay.heard_while_silent.wait(), 10)

        started = monotonic()
        with pytest.raises(PoolTimeout):
            await asyncio.wait_for(pool.getconn(timeout=0.5), 5)
        # The caller's 0.5 s and a loaded box's slack; never the unanswered round trip's minutes.
        assert monotonic() - started < 3

        # The silent connection was closed, never handed out again: the pool serves a new one.
        async with connection(pool) as conn:
            cur = await conn.execute("select 1 as one")
            assert await cur.fetchone() == {"one": 1}


async def test_a_caller_cancelled_mid_check_leaves_the_connection_working_in_the_pool(db_url: str) -> None:
    # A caller cancelled (its client gone) while the drawn connection's check was in flight handed the connection
    # back to the pool with the check's cut-off still armed: at that caller's deadline it shut down the socket of a
    # healthy pooled connection (or of one another caller had drawn meanwhile). The cut-off is disarmed as the round
    # trip ends, so the connection stays in the pool, working, past the cancelled caller's deadline.
    async with _relayed_pool(db_url) as (relay, pool):
        async with connection(pool) as conn:
            pooled = conn
        # The idle connection's socket shows something: it is asked before it is handed out.
        async with await psycopg.AsyncConnection.connect(db_url, autocommit=True) as other:
            await other.execute("notify shadows_pool_probe")
        loop = asyncio.get_running_loop()
        shows = asyncio.Event()
        loop.add_reader(pooled.pgconn.socket, shows.set)
        try:
            await asyncio.wait_for(shows.wait(), 10)
        finally:
            loop.remove_reader(pooled.pgconn.socket)
        assert _shows_something(pooled)

        relay.hold()
        deadline = monotonic() + 2.0  # ample for psycopg's cancellation below on a loaded box
        drawing = asyncio.create_task(pool.getconn(timeout=2.0))
        await asyncio.wait_for(relay.held.wait(), 5)  # its check's round trip is under way
        # psycopg_pool's own lock, taken as a busy pool's other tasks take it: the cancelled caller's hand-back
        # waits on it, here until past that caller's deadline.
        async with pool._lock:
            drawing.cancel()
            relay.release()  # the round trip ends (psycopg waits for it once cancelled)
            await asyncio.sleep(max(0.0, deadline - monotonic()) + 0.2)
        with pytest.raises(asyncio.CancelledError):
            await drawing
        assert not pooled.closed  # the check answered: handed back to the pool, idle and working
        async with connection(pool) as conn:
            assert conn is pooled  # the same connection: never cut off, so never replaced
            cur = await conn.execute("select 1 as one")
            assert await cur.fetchone() == {"one": 1}
