"""Applies `supabase/migrations/*.sql` in order, each in its own transaction, tracked like the Supabase CLI does.

History lives in `supabase_migrations.schema_migrations`, the table `supabase db push` reads and writes, so a
database migrated by either tool is seen as up to date by the other. An advisory lock serialises concurrent
migrators (two API replicas starting at once).

Each migration waits at most `lock_timeout_s` for a lock on a table: an `alter table` queued behind a transaction a
live replica holds open would otherwise hold up every query on that table that came after it, for as long as that
transaction lasts. A migration that times out, or that PostgreSQL chose to fail to end a deadlock with another
transaction, is rolled back whole and tried again (`lock_attempts` in all, a pause between them), then the run stops
with `MigrationLockError`. Each statement runs for at most `statement_timeout_s` (0: no bound), set here so that a
role's own `statement_timeout` (the API's 30 s, docs/deployment.md) does not cut a backfill short.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import structlog
from psycopg.rows import TupleRow

log = structlog.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "supabase" / "migrations"
FILENAME = re.compile(r"^(?P<version>\d{14})_(?P<name>[a-z0-9_]+)\.sql$")
LOCK_KEY = 0x5AAD0005  # arbitrary, constant: pg_advisory_lock key for migrations

HISTORY_DDL = """
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text not null primary key,
  statements text[] null,
  name text null
);
"""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


LOCK_TIMEOUT_S = 5.0
LOCK_ATTEMPTS = 4
LOCK_RETRY_PAUSE_S = 5.0
STATEMENT_TIMEOUT_S = 1800.0


class MigrationError(Exception):
    """A migration file is misnamed or failed to apply (the failed one is rolled back)."""


class MigrationLockError(MigrationError):
    """A migration waited `lock_timeout_s` for a lock, or deadlocked, at each of its attempts (each rolled back)."""


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        m = FILENAME.match(path.name)
        if not m:
            raise MigrationError(f"{path}: migration files are named <14-digit timestamp>_<snake_name>.sql")
        migrations.append(Migration(m["version"], m["name"], path))
    return migrations


def _kept(applied_now: list[str], done: set[str]) -> str:
    """What a failed run leaves: the migrations it applied (each committed on its own) and where the database is."""
    latest = max(done | set(applied_now), default=None)
    return (
        f"{len(applied_now)} migration(s) of this run were applied and kept"
        + (f" ({', '.join(applied_now)})" if applied_now else "")
        + f"; the database is at version {latest or 'none (empty)'}"
    )


async def _apply(
    conn: psycopg.AsyncConnection[TupleRow],
    mig: Migration,
    lock_timeout_s: float,
    statement_timeout_s: float,
) -> None:
    """One migration and its history row, in one transaction, under the run's timeouts (`set local`: they end
    with it, and the advisory lock's wait between migrations is not bounded by them)."""
    async with conn.transaction():
        await conn.execute(
            "select set_config('lock_timeout', %s, true), set_config('statement_timeout', %s, true)",
            (f"{max(1, round(lock_timeout_s * 1000))}ms", f"{round(statement_timeout_s * 1000)}ms"),
        )
        await conn.execute(mig.sql.encode())  # file content from the repo, not user input
        await conn.execute(
            "insert into supabase_migrations.schema_migrations (version, name, statements) values (%s, %s, %s)",
            (mig.version, mig.name, [mig.sql]),
        )


async def migrate(
    database_url: str,
    directory: Path = MIGRATIONS_DIR,
    progress: Callable[[str], None] | None = None,
    *,
    lock_timeout_s: float = LOCK_TIMEOUT_S,
    lock_attempts: int = LOCK_ATTEMPTS,
    lock_retry_pause_s: float = LOCK_RETRY_PAUSE_S,
    statement_timeout_s: float = STATEMENT_TIMEOUT_S,
) -> list[str]:
    """Apply pending migrations; returns the versions applied (empty when up to date). `progress` is told, one line
    each, when the run waits for another migrator's lock, when the database has migrations this release does not (a
    newer release migrated it), before each migration it applies and before it tries one again that waited
    `lock_timeout_s` for a lock. `statement_timeout_s` 0: no bound."""
    if not (
        lock_timeout_s > 0 and lock_attempts >= 1 and lock_retry_pause_s >= 0 and statement_timeout_s >= 0
    ):
        raise ValueError("lock_timeout_s > 0, lock_attempts >= 1, pauses and statement_timeout_s >= 0")
    say = progress or (lambda _line: None)
    migrations = discover(directory)
    applied_now: list[str] = []
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        cur = await conn.execute("select pg_try_advisory_lock(%s)", (LOCK_KEY,))
        row = await cur.fetchone()
        if not (row and row[0]):
            say(
                "waiting for another migrator (a `shadows db migrate` or `shadows dev` running now) to finish"
            )
            await conn.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            await conn.execute(HISTORY_DDL)
            cur = await conn.execute("select version from supabase_migrations.schema_migrations")
            done = {row[0] for row in await cur.fetchall()}
            unknown = done - {mig.version for mig in migrations}
            if unknown:  # an image rolled back after a newer one migrated: nothing undoes that schema
                say(
                    f"warning: the database has {len(unknown)} migration(s) this release does not have (newest "
                    f"{max(unknown)}): a newer release migrated it, and this one may not work with its schema"
                )
            pending = [mig for mig in migrations if mig.version not in done]
            for n, mig in enumerate(pending, 1):
                say(f"applying {n}/{len(pending)}: {mig.path.name}")
                attempt = 1
                while True:
                    try:
                        await _apply(conn, mig, lock_timeout_s, statement_timeout_s)
                        break
                    except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected) as e:
                        # Either way another transaction held a lock it needed, and all it did is rolled back.
                        deadlock = isinstance(e, psycopg.errors.DeadlockDetected)
                        if attempt < lock_attempts:
                            why = (
                                "deadlocked with another transaction"
                                if deadlock
                                else f"waited {lock_timeout_s:g} s for a lock another transaction holds"
                            )
                            say(
                                f"{mig.path.name} {why} and was rolled back; trying again in {lock_retry_pause_s:g} s "
                                f"(attempt {attempt + 1}/{lock_attempts})"
                            )
                            log.warning(
                                "db.migration_lock_wait",
                                version=mig.version,
                                attempt=attempt,
                                deadlock=deadlock,
                            )
                            await asyncio.sleep(lock_retry_pause_s)
                            attempt += 1
                            continue
                        last = " (the last attempt deadlocked with it)" if deadlock else ""
                        raise MigrationLockError(
                            f"{mig.path.name} was rolled back: {lock_attempts} time(s) it waited {lock_timeout_s:g} s "
                            f"for a lock that another transaction held{last} (a long transaction of a running API "
                            "replica or worker, or a query: find it in pg_stat_activity), so as not to hold up every "
                            f"query queued behind it\n{_kept(applied_now, done)}; run it again when that transaction "
                            f"has ended (it goes on from {mig.path.name}), or give it longer: --lock-timeout SECONDS"
                        ) from e
                    except psycopg.errors.QueryCanceled as e:
                        if "statement timeout" not in (e.diag.message_primary or ""):  # cancelled by someone
                            raise MigrationError(
                                f"{mig.path.name} failed and was rolled back: {e}\n{_kept(applied_now, done)}; "
                                f"run it again: it goes on from {mig.path.name}"
                            ) from e
                        raise MigrationError(
                            f"{mig.path.name} was rolled back: a statement ran past the statement timeout "
                            f"({statement_timeout_s:g} s)\n{_kept(applied_now, done)}; run it again with a longer "
                            f"one (--statement-timeout SECONDS, 0: none): it goes on from {mig.path.name}"
                        ) from e
                    except psycopg.Error as e:
                        raise MigrationError(
                            f"{mig.path.name} failed and was rolled back: {e}\n{_kept(applied_now, done)}; "
                            f"fix the cause and run it again: it goes on from {mig.path.name}"
                        ) from e
                log.info("db.migrated", version=mig.version, name=mig.name)
                applied_now.append(mig.version)
        finally:
            await conn.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))
    return applied_now
