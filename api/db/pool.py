"""The async connection pool: the only way the API reaches Postgres."""

from __future__ import annotations

import asyncio
import os
import select
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from time import monotonic
from typing import Any

import psycopg
import structlog
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout, TooManyRequests

from api.errors import ServiceUnavailableError

Conn = psycopg.AsyncConnection[DictRow]
log = structlog.get_logger(__name__)


class DatabaseUnavailableError(ServiceUnavailableError):
    code = "database_unavailable"


async def _configure(
    conn: psycopg.AsyncConnection[DictRow],
    lock_timeout_s: float | None,
    statement_timeout_s: float | None = None,
) -> None:
    await conn.set_autocommit(True)
    # The session's settings: kept for the connection's life in the pool.
    for name, seconds in (("lock_timeout", lock_timeout_s), ("statement_timeout", statement_timeout_s)):
        if seconds is not None:
            ms = max(1, round(seconds * 1000))  # 0 would be PostgreSQL's "no bound"
            await conn.execute("select set_config(%s, %s, false)", (name, f"{ms}ms"))


def _shows_something(conn: Conn) -> bool:
    """Whether an idle connection's socket has anything to read: a healthy one has nothing (every answer was read
    before it went back to the pool), a server that went away left its last word or the end of the stream there. A
    poll of the socket, no round trip."""
    try:
        fd = conn.pgconn.socket
    except psycopg.OperationalError:  # libpq closed it already
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _Cutoff:
    """Called at a caller's deadline: shuts down the socket of the connection being checked, so that the round trip
    waiting on it fails at once (OperationalError), as it would had the server closed it."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.done = False

    def __call__(self) -> None:
        self.done = True
        try:
            fd = self.conn.pgconn.socket
        except psycopg.OperationalError:  # libpq closed it already
            return
        try:
            # A duplicate of the descriptor: shutting it down ends the connection under libpq's own descriptor too.
            with socket.socket(fileno=os.dup(fd)) as dup:
                dup.shutdown(socket.SHUT_RDWR)
        except OSError:  # ended meanwhile
            pass


class Pool(AsyncConnectionPool[Conn]):
    """psycopg_pool's pool, with the check of a connection as it is handed out and the sweep of the idle ones.

    A restart, a failover or a pooler's restart ends every server connection; handed out as it is, each idle one in
    the pool would fail the caller that drew it (a 503 per pooled connection of every process, after the database is
    back). So `getconn` polls the socket of the connection it draws (no round trip): one that shows something is
    asked for real (`check_connection`, one round trip: a pending notification passes it); one that fails is
    dropped (the pool connects a new one) and the caller draws again at once, with no back-off, within its own
    `timeout` (past it, or once every connection the pool may hold plus one new one failed, PoolTimeout: a 503
    through `connection`). That `timeout` bounds the check's round trip too: a server that stopped answering (a hung
    host, a silent network path) would hold the caller for as long as TCP takes to give up, so at the caller's
    deadline the connection's socket is shut down (`_Cutoff`; cancelling the round trip would not end it, psycopg
    then waits on the server to cancel the query), the connection is closed, never handed out, and the caller gets
    PoolTimeout. The caller never waits on the other idle connections: the first failure starts one sweep of them
    (`check`) in a task of the pool's own, at most one at a time, none once `close` has begun, cancelled by `close`.
    A caller cancelled while it checks a connection (its client gone, a timeout) stays cancelled; the connection is
    replaced.

    psycopg_pool's own check loop is not used (no `check=` callback): it waits a back-off (about 1 s) after a
    connection fails its check. Its `check()` catches the cancellation of whoever awaits it, so only the pool's own
    sweep task awaits it, never a caller."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sweep_task: asyncio.Task[None] | None = None
        self._closing = False  # from the start of `close`: no sweep starts that it would not end

    async def getconn(self, timeout: float | None = None) -> Conn:  # noqa: ASYNC109 psycopg_pool's signature
        budget = self.timeout if timeout is None else timeout
        deadline = monotonic() + budget
        try:
            # Every connection it may hold ended, then a new one failed too: give up (a 503), whatever time is left.
            for _ in range(self.max_size + 1):
                conn = await super().getconn(deadline - monotonic())
                if not _shows_something(conn):
                    return conn
                # Within the caller's own wait: a server that stopped answering (a hung host, a network path gone
                # silent) would otherwise hold the caller past it for as long as TCP takes to give up. Cancelling the
                # round trip would not end it: psycopg then asks the server to cancel the query and waits for it.
                cut = _Cutoff(conn)
                timer = asyncio.get_running_loop().call_later(max(0.0, deadline - monotonic()), cut)
                try:
                    try:
                        await self.check_connection(conn)
                    finally:
                        # Disarmed as the round trip ends, whatever its end: armed, it would shut down the socket of
                        # a connection handed back to the pool (a caller cancelled mid-check) after another drew it.
                        timer.cancel()
                    if cut.done:  # the deadline came with the answer: the socket is shut down all the same
                        raise psycopg.OperationalError("the check was cut off at the caller's deadline")
                except psycopg.Error:
                    await conn.close()  # the pool replaces a closed connection as it takes it back
                    await self.putconn(conn)
                    if cut.done:
                        log.warning("db.connection_check_timed_out", pool=self.name)
                        raise PoolTimeout from None  # named for the whole wait below
                    log.warning("db.connection_lost", pool=self.name)
                    self._start_sweep()
                    continue
                except BaseException:
                    # Cancelled mid-round-trip: psycopg has ended the round trip (an idle connection goes back to the
                    # pool) or closed it (the pool replaces it).
                    await self.putconn(conn)
                    raise
                return conn
        except PoolTimeout:
            # The message names the whole wait, not the last attempt's.
            raise PoolTimeout(f"couldn't get a working connection after {budget:.2f} sec") from None
        raise PoolTimeout(f"{self.max_size + 1} connections in a row had ended; the database is failing them")

    def _start_sweep(self) -> None:
        if self._closing or self.closed or (self._sweep_task is not None and not self._sweep_task.done()):
            return
        self._sweep_task = asyncio.create_task(self._sweep(), name=f"{self.name}-sweep")

    async def _sweep(self) -> None:
        try:
            await self.check()  # psycopg_pool's: each idle connection asked, those that fail replaced
        except Exception:  # the pool goes on without it: each caller still checks what it draws
            log.exception("db.sweep_failed", pool=self.name)

    async def close(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109 psycopg_pool's signature
        # Callers still draw connections while it waits for the sweep below (the pool closes after it): one that
        # draws an ended connection then must not start a sweep that nothing ends or awaits.
        self._closing = True
        sweep, self._sweep_task = self._sweep_task, None
        if sweep is not None:
            # psycopg_pool's check() catches the cancellation of the connection it is asking and goes on to the
            # next: wait for it no longer than the close itself may take.
            sweep.cancel()
            await asyncio.wait([sweep], timeout=timeout)
        await super().close(timeout)


def create_pool(
    url: str,
    *,
    min_size: int = 2,
    max_size: int = 20,
    prepared: bool = True,
    timeout_s: float = 10.0,
    max_waiting: int = 0,
    on_connect: Callable[[Conn], None] | None = None,
    lock_timeout_s: float | None = None,
    statement_timeout_s: float | None = None,
) -> Pool:
    """`timeout_s`: how long a caller waits for a connection; `max_waiting`: how many may wait (0: no bound);
    `on_connect` runs once on each new connection (the API's query tracing); `lock_timeout_s`: how long a statement
    waits for a lock before it fails (LockNotAvailable, a 503 through `connection`; None: PostgreSQL's own, no
    bound); `statement_timeout_s`: how long one statement may run before PostgreSQL cancels it (QueryCanceled, a
    503 through `connection` too; None: no bound). Behind a transaction pooler (Supabase's port 6543) a session
    setting reaches only the server connection it was set on, so there the bounds hold only where the pooler
    happens to reuse that connection."""
    kwargs: dict[str, Any] = {"row_factory": dict_row}
    if not prepared:
        kwargs["prepare_threshold"] = None

    async def configure(conn: Conn) -> None:
        if on_connect is not None:
            on_connect(conn)
        await _configure(conn, lock_timeout_s, statement_timeout_s)

    return Pool(
        url,
        connection_class=Conn,
        min_size=min_size,
        max_size=max_size,
        kwargs=kwargs,
        configure=configure,
        open=False,
        timeout=timeout_s,
        max_waiting=max_waiting,
        name="shadows-api",
    )


@asynccontextmanager
async def connection(pool: Pool) -> AsyncIterator[Conn]:
    """A pooled connection in autocommit mode; use `async with conn.transaction()` for multi-statement writes.

    An unreachable, saturated or failing database is a retryable 503. A statement past one of PostgreSQL's program
    limits (SQLSTATE class 54, e.g. a value too large for its index) is not: psycopg files it under
    OperationalError too, but retrying the same request fails the same way, so it stays our error (a 500 with its
    traceback in the log), never an outage a client retries for ever."""
    try:
        async with pool.connection() as conn:
            yield conn
    except (psycopg.OperationalError, PoolTimeout, TooManyRequests) as e:
        if isinstance(e, psycopg.Error) and (e.sqlstate or "").startswith("54"):
            raise
        stats = pool.get_stats()
        log.warning(
            "db.unavailable",
            error_type=type(e).__name__,
            pool_size=stats.get("pool_size"),
            pool_available=stats.get("pool_available"),
            requests_waiting=stats.get("requests_waiting"),
        )
        raise DatabaseUnavailableError("The database is unavailable; try again shortly.") from e
