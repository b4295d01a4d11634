"""Applies `supabase/migrations/*.sql` in order, each in its own transaction, tracked like the Supabase CLI does.

History lives in `supabase_migrations.schema_migrations`, the table `supabase db push` reads and writes, so a
database migrated by either tool is seen as up to date by the other. An advisory lock serialises concurrent
migrators (two API replicas starting at once).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import structlog

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


class MigrationError(Exception):
    """A migration file is misnamed or failed to apply (the failed one is rolled back)."""


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


async def migrate(
    database_url: str, directory: Path = MIGRATIONS_DIR, progress: Callable[[str], None] | None = None
) -> list[str]:
    """Apply pending migrations; returns the versions applied (empty when up to date). `progress` is told, one line
    each, when the run waits for another migrator's lock, when the database has migrations this release does not (a
    newer release migrated it), and before each migration it applies."""
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
                try:
                    async with conn.transaction():
                        await conn.execute(mig.sql.encode())  # file content from the repo, not user input
                        await conn.execute(
                            "insert into supabase_migrations.schema_migrations (version, name, statements) "
                            "values (%s, %s, %s)",
                            (mig.version, mig.name, [mig.sql]),
                        )
                except psycopg.Error as e:
                    raise MigrationError(
                        f"{mig.path.name} failed and was rolled back: {e}\n"
                        f"{_kept(applied_now, done)}; fix the cause and run it again: it goes on from {mig.path.name}"
                    ) from e
                log.info("db.migrated", version=mig.version, name=mig.name)
                applied_now.append(mig.version)
        finally:
            await conn.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))
    return applied_now
