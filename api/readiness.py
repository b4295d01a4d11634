"""Whether this process can serve (`/readyz`): the database answers with this release's schema and, when one is set,
the shared rate-limit store answers; checked by one request at a time, whose answer those that waited for it share.

`/readyz` needs no credentials (a load balancer asks it). Checked per request, an anonymous burst of it took a pooled
connection each: the pool's connections and its bounded queue of waiters were spent on readiness, so the other
routes answered 503 `database_unavailable`, and so did `/readyz` itself (`not_ready`), which tells the load balancer
to take the replica out of rotation. A burst now holds one pooled connection at most, as `/metrics` scrapes do
(`api.ops_metrics.DatabaseGauges`): a request that arrives while a check runs waits for it and takes its answer;
one that arrives after it has ended checks afresh, so an outage (or its end) shows in the next answer."""

from __future__ import annotations

import asyncio
import functools

import psycopg
from limits.errors import StorageError

from api.db.migrate import MigrationError, discover
from api.db.pool import Conn, Pool, connection
from api.errors import ServiceUnavailableError
from api.ratelimits import RateLimits

DATABASE_UNREACHABLE = "The database is not reachable."
SCHEMA_BEHIND = "The database's schema is older than this release: run `shadows db migrate`."
STORE_UNREACHABLE = "The rate-limit store (Redis) is not reachable."


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
    """One per app. `problem()` is why the process is not ready, or None when it is."""

    def __init__(self) -> None:
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
            answer = await self._check(pool, ratelimits)
            # Only a check that ended counts (a cancelled one leaves the waiters to check for themselves).
            self._last, self._checks = answer, self._checks + 1
            return answer

    async def _check(self, pool: Pool, ratelimits: RateLimits) -> str | None:
        try:
            async with connection(pool) as conn:
                await conn.execute("select 1")
                if not self._schema_current:
                    self._schema_current = await schema_current(conn)
        except ServiceUnavailableError:
            return DATABASE_UNREACHABLE
        if not self._schema_current:
            return SCHEMA_BEHIND
        if not await store_answers(ratelimits):
            return STORE_UNREACHABLE
        return None
