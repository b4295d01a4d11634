"""Whether this process can serve (`/readyz`): the database answers with this release's schema and, when one is set,
the shared rate-limit store answers; checked by one request at a time, whose answer those that waited for it share.

`/readyz` needs no credentials (a load balancer asks it). Checked per request, an anonymous burst of it took a pooled
connection each: the pool's connections and its bounded queue of waiters were spent on readiness, so the other
routes answered 503 `database_unavailable`, and so did `/readyz` itself (`not_ready`), which tells the load balancer
to take the replica out of rotation. A burst now holds one pooled connection at most, as `/metrics` scrapes do
(`api.ops_metrics.DatabaseGauges`): a request that arrives while a check runs waits for it and takes its answer;
one that arrives after it has ended checks afresh, so an outage (or its end) shows in the next answer.

The whole check is bounded in time (`SHADOWS_API_READYZ_TIMEOUT_S`, below a load balancer's probe timeout): a database
or Redis host that stops answering (a black-holed path: no refusal, no reset) held the check, and every request
waiting for it, for as long as TCP takes to give up, so the probe timed out instead of getting a 503 `not_ready`
naming what did not answer. At the deadline the statement's round trip is cut off by shutting down the connection's
socket (`api.db.pool._Cutoff`; cancelling it would not end it: psycopg then waits on the server to cancel the query);
the connection is closed, so the pool discards it and connects a new one. The Redis PING is cancelled (redis-py
disconnects a connection whose read was cancelled). A check that timed out is a completed check: the requests that
waited for it take its answer, and the lock is released with it.

The database and Redis are checked at once, each up to the same deadline, and the answer names every one that did
not answer (both, when neither did). Checked one after the other, a database that answered just before the deadline
left Redis no time: the 503 named Redis, which was never given its turn, and said nothing true about the database."""

from __future__ import annotations

import asyncio
import functools
from time import monotonic

import psycopg
import structlog
from limits.errors import StorageError
from psycopg_pool import PoolTimeout, TooManyRequests

from api.db.migrate import MigrationError, discover
from api.db.pool import Conn, Pool, _Cutoff
from api.ratelimits import RateLimits

log = structlog.get_logger(__name__)

DATABASE_UNREACHABLE = "The database is not reachable."
SCHEMA_BEHIND = "The database's schema is older than this release: run `shadows db migrate`."
STORE_UNREACHABLE = "The rate-limit store (Redis) is not reachable."
DATABASE_SILENT = "The database did not answer within SHADOWS_API_READYZ_TIMEOUT_S ({timeout:g} s)."
STORE_SILENT = (
    "The rate-limit store (Redis) did not answer within SHADOWS_API_READYZ_TIMEOUT_S ({timeout:g} s)."
)


@functools.cache
def newest_shipped() -> str | None:
    """The newest migration this release ships (supabase/migrations), or None where none is shipped with it."""
    try:
        shipped = discover()
    except (OSError, MigrationError):
        return None
    return shipped[-1].version if shipped else None


async def schema_current(conn: Conn) -> bool:
    """The newest migration this release ships is applied (a database a newer release migrated further is too)."""
    newest = newest_shipped()
    if newest is None:
        return True
    try:
        cur = await conn.execute(
            "select exists (select from supabase_migrations.schema_migrations where version = %s) as applied",
            (newest,),
        )
    except psycopg.errors.UndefinedTable:  # never migrated
        return False
    row = await cur.fetchone()
    return bool(row and row["applied"])


async def store_answers(ratelimits: RateLimits) -> bool:
    try:
        return await ratelimits.storage.check()  # Redis: a PING, bounded by its socket timeouts; memory: True
    except StorageError:
        return False


class Readiness:
    """One per app. `problem()` is why the process is not ready, or None when it is; it answers within about
    `timeout_s` (the running check's deadline), however the database and Redis behave."""

    def __init__(self, timeout_s: float = 3.0) -> None:
        self.timeout_s = timeout_s
        self._lock = asyncio.Lock()
        self._checks = 0  # completed checks
        self._last: str | None = None  # the answer of the newest completed check
        # Checked until it holds once: a schema does not go back.
        self._schema_current = False

    async def problem(self, pool: Pool, ratelimits: RateLimits) -> str | None:
        seen = self._checks
        async with self._lock:
            if self._checks != seen:  # one ended while this request waited: its answer is as fresh
                return self._last
            answer = await self._check(pool, ratelimits, monotonic() + self.timeout_s)
            # Only a check that ended counts (a cancelled one leaves the waiters to check for themselves).
            self._last, self._checks = answer, self._checks + 1
            return answer

    async def _check(self, pool: Pool, ratelimits: RateLimits, deadline: float) -> str | None:
        # Both at once, each bounded by the same deadline: one after the other, a database answering just before
        # the deadline left Redis no time, and the answer named Redis, which had not been asked in time.
        async with asyncio.TaskGroup() as checks:
            database = checks.create_task(self._check_database(pool, deadline))
            store = checks.create_task(self._check_store(ratelimits, deadline))
        problems = [p for p in (database.result(), store.result()) if p is not None]
        return " ".join(problems) if problems else None

    async def _check_store(self, ratelimits: RateLimits, deadline: float) -> str | None:
        answers = False
        try:
            # limits' check() answers False for any exception, the cancellation at the deadline included: whether
            # the bound ended it is read from the bound itself.
            async with asyncio.timeout(max(0.0, deadline - monotonic())) as bound:
                answers = await store_answers(ratelimits)
        except TimeoutError:
            pass
        if bound.expired():
            log.warning("readyz.store_timed_out", timeout_s=self.timeout_s)
            return STORE_SILENT.format(timeout=self.timeout_s)
        return None if answers else STORE_UNREACHABLE

    async def _check_database(self, pool: Pool, deadline: float) -> str | None:
        cut: _Cutoff | None = None
        try:
            # The pool's own wait for a connection is bounded by the same deadline (a hung connection check in it
            # is cut off there, `Pool.getconn`).
            async with pool.connection(timeout=max(0.001, deadline - monotonic())) as conn:
                cut = _Cutoff(conn)
                timer = asyncio.get_running_loop().call_later(max(0.0, deadline - monotonic()), cut)
                try:
                    await conn.execute("select 1")
                    if not self._schema_current:
                        self._schema_current = await schema_current(conn)
                finally:
                    # Disarmed before the connection goes back: armed, it would shut down the socket of a
                    # connection another caller drew meanwhile.
                    timer.cancel()
                    if cut.done:  # cut off (or the answer came with the deadline): never handed out again
                        await conn.close()
        except (psycopg.OperationalError, PoolTimeout, TooManyRequests) as e:
            silent = (cut is not None and cut.done) or monotonic() >= deadline
            log.warning("readyz.database_failed", error_type=type(e).__name__, timed_out=silent)
            return DATABASE_SILENT.format(timeout=self.timeout_s) if silent else DATABASE_UNREACHABLE
        if not self._schema_current:
            return SCHEMA_BEHIND
        return None
