"""A pooled connection asked whether it still works (`Pool.getconn`'s check) by a server that stopped answering: the
caller waits no longer than its own timeout. Real PostgreSQL, reached through a TCP relay on loopback that can go
silent, as a hung host or a network path that drops everything does."""

from __future__ import annotations

import asyncio
import contextlib
from time import monotonic

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from api.db.pool import connection, create_pool


class _Relay:
    """Relays TCP connections on 127.0.0.1 to `host:port`. `silence()` makes the connections open at that moment go
    silent: what their client sends is read and dropped (the server never hears it, so never answers), while what
    the server sends still reaches the client (`heard_while_silent` is set when some has). Later ones relay as usual,
    as a new connection to a live replica would."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.heard_while_silent = asyncio.Event()
        self._open: list[dict[str, bool]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    def silence(self) -> None:
        for state in self._open:
            state["silent"] = True

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
        state = {"silent": False}
        self._open.append(state)

        async def pump(r: asyncio.StreamReader, w: asyncio.StreamWriter, upstream: bool) -> None:
            try:
                with contextlib.suppress(ConnectionError):
                    while data := await r.read(65536):
                        if upstream and state["silent"]:
                            continue  # dropped
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


async def test_a_check_the_server_never_answers_ends_at_the_callers_timeout(db_url: str) -> None:
    # A connection whose socket shows something is asked for real (one round trip) before it is handed out. That
    # round trip had no bound: a server that stopped answering held the request past its own wait for a connection
    # (SHADOWS_API_DB_POOL_TIMEOUT_S), for as long as TCP took to give up (minutes), and with it a request slot.
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
        finally:
            await pool.close()
