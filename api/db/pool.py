"""The async connection pool: the only way the API reaches Postgres."""

from __future__ import annotations

import select
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
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


Pool = AsyncConnectionPool[Conn]


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


def _check_on_checkout(pool_of: Callable[[], Pool]) -> Callable[[Conn], Any]:
    """The pool's check as it hands out a connection. A restart, a failover or a pooler's restart ends every server
    connection; handed out as it is, each idle one in the pool would fail the request that drew it (a 503 per pooled
    connection of every process, after the database is back). A connection whose socket shows something is asked
    for real (psycopg_pool's `check_connection`, one round trip: a pending notification passes it); one that fails
    makes the pool check all its idle connections at once, then the caller gets another (a new one when the database
    is back; when it is gone, a 503 once `timeout_s` is spent, as for any caller of a pool that cannot connect)."""

    async def check(conn: Conn) -> None:
        if not _shows_something(conn):
            return
        try:
            await AsyncConnectionPool.check_connection(conn)
        except psycopg.Error:
            log.warning("db.connection_lost", pool=pool_of().name)
            # The other idle connections ended with it: drop them now, not one request each.
            await pool_of().check()
            raise

    return check


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

    pool: Pool = AsyncConnectionPool(
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
        check=_check_on_checkout(lambda: pool),
    )
    return pool


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
