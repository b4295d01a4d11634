"""Applies `supabase/migrations/*.sql` in order, each in its own transaction, tracked like the Supabase CLI does.

History lives in `supabase_migrations.schema_migrations`, the table `supabase db push` reads and writes, so a
database migrated by either tool is seen as up to date by the other. An advisory lock serialises concurrent
migrators (two API replicas starting at once).
"""

from __future__ import annotations

import re
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


async def migrate(database_url: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations; returns the versions applied (empty when up to date)."""
    migrations = discover(directory)
    applied_now: list[str] = []
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            await conn.execute(HISTORY_DDL)
            cur = await conn.execute("select version from supabase_migrations.schema_migrations")
            done = {row[0] for row in await cur.fetchall()}
            for mig in migrations:
                if mig.version in done:
                    continue
                try:
                    async with conn.transaction():
                        await conn.execute(mig.sql.encode())  # file content from the repo, not user input
                        await conn.execute(
                            "insert into supabase_migrations.schema_migrations (version, name, statements) "
                            "values (%s, %s, %s)",
                            (mig.version, mig.name, [mig.sql]),
                        )
                except psycopg.Error as e:
                    raise MigrationError(f"{mig.path.name} failed and was rolled back: {e}") from e
                log.info("db.migrated", version=mig.version, name=mig.name)
                applied_now.append(mig.version)
        finally:
            await conn.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))
    return applied_now
