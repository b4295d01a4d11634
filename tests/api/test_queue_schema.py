"""The queue's schema is procrastinate's own: our migration carries the pinned version's schema.sql byte for byte,
and the migrated database has exactly the catalog procrastinate builds when it applies its schema itself."""

from __future__ import annotations

import importlib.metadata
from importlib import resources
from typing import Any

import psycopg
from procrastinate import App, PsycopgConnector
from psycopg.rows import DictRow, dict_row

from api.db.migrate import MIGRATIONS_DIR

Conn = psycopg.AsyncConnection[DictRow]
PINNED = "3.10.0"
MIGRATION = MIGRATIONS_DIR / "20261201000000_procrastinate_schema.sql"
# Indexes of ours on procrastinate's tables (named `shadows_*`), beside its own; nothing of procrastinate reads them.
OUR_INDEXES = {
    # shadows_queue_jobs_failed_last_hour (migration 20270121090000)
    "shadows_procrastinate_events_failed_at_idx": "CREATE INDEX shadows_procrastinate_events_failed_at_idx ON "
    "public.procrastinate_events USING btree (at) WHERE (type = 'failed'::procrastinate_job_event_type)",
}

CATALOG_QUERIES = {
    "columns": """
        select c.relname, c.relkind, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) as type,
               a.attnotnull, pg_get_expr(d.adbin, d.adrelid) as default
        from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where n.nspname = 'public' and c.relname like 'procrastinate%%' and a.attnum > 0 and not a.attisdropped
        order by 1, 3""",
    "indexes": """
        select indexname, indexdef from pg_indexes
        where schemaname = 'public' and tablename like 'procrastinate%%' order by 1""",
    "constraints": """
        select conrelid::regclass::text as rel, conname, pg_get_constraintdef(oid) as def from pg_constraint
        where conrelid::regclass::text like 'procrastinate%%' order by 1, 2""",
    "functions": """
        select p.proname, pg_get_function_identity_arguments(p.oid) as args, pg_get_functiondef(p.oid) as def
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.proname like 'procrastinate%%' order by 1, 2""",
    "triggers": """
        select tgname, pg_get_triggerdef(oid) as def from pg_trigger
        where not tgisinternal and tgrelid::regclass::text like 'procrastinate%%' order by 1""",
    "types": """
        select t.typname, t.typtype, e.enumlabel, e.enumsortorder from pg_type t
        join pg_namespace n on n.oid = t.typnamespace left join pg_enum e on e.enumtypid = t.oid
        where n.nspname = 'public' and t.typname like 'procrastinate%%' order by 1, 4""",
}


async def _catalog(conn: Conn) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name, query in CATALOG_QUERIES.items():
        cur = await conn.execute(query)
        out[name] = await cur.fetchall()
    return out


def test_the_migration_carries_the_pinned_procrastinate_schema_byte_for_byte() -> None:
    installed = importlib.metadata.version("procrastinate")
    assert installed == PINNED, (
        f"procrastinate {installed} is installed but the queue schema migration is {PINNED}'s: add the package's "
        f"migrations newer than {PINNED} (procrastinate/sql/migrations) as new migrations, then update PINNED"
    )
    shipped = (resources.files("procrastinate.sql") / "schema.sql").read_text(encoding="utf-8")
    text = MIGRATION.read_text(encoding="utf-8")
    begin = f"-- BEGIN procrastinate {PINNED} schema.sql\n"
    end = f"-- END procrastinate {PINNED} schema.sql\n"
    assert text[text.index(begin) + len(begin) : text.index(end)] == shipped


async def test_migrated_catalog_equals_the_one_procrastinate_builds(db: Conn, empty_db_url: str) -> None:
    reference = App(connector=PsycopgConnector(conninfo=empty_db_url, min_size=1, max_size=1))
    async with reference.open_async():
        await reference.schema_manager.apply_schema_async()
    async with await psycopg.AsyncConnection.connect(
        empty_db_url, autocommit=True, row_factory=dict_row
    ) as conn:
        expected = await _catalog(conn)

    actual = await _catalog(db)
    ours = {r["indexname"]: r["indexdef"] for r in actual["indexes"] if r["indexname"] in OUR_INDEXES}
    actual["indexes"] = [r for r in actual["indexes"] if r["indexname"] not in OUR_INDEXES]

    assert ours == OUR_INDEXES
    assert all(expected.values()), "the reference catalog is empty: the queries found nothing"
    for kind in CATALOG_QUERIES:
        assert actual[kind] == expected[kind], kind


PRIVILEGES = """
    select count(*) filter (where has_function_privilege('public', p.oid, 'execute')) as public_exec,
           count(*) as n
    from pg_proc p where p.proname like 'procrastinate%%'
"""


async def test_procrastinate_finds_its_schema_and_supabase_roles_cannot_use_it(
    db: Conn, db_url: str, empty_db_url: str
) -> None:
    app = App(connector=PsycopgConnector(conninfo=db_url, min_size=1, max_size=1))
    async with app.open_async():
        assert await app.check_connection_async()
    cur = await db.execute(
        "select relname, relrowsecurity from pg_class where relname like 'procrastinate%%' and relkind = 'r'"
    )
    tables = {r["relname"]: r["relrowsecurity"] for r in await cur.fetchall()}
    assert set(tables) == {
        "procrastinate_jobs",
        "procrastinate_events",
        "procrastinate_periodic_defers",
        "procrastinate_workers",
    }
    assert all(tables.values())
    row = await (await db.execute(PRIVILEGES)).fetchone()
    assert row is not None and row["n"] > 10 and row["public_exec"] == 0
    # Without our revokes every function is executable by PUBLIC (so the check above can fail).
    reference = App(connector=PsycopgConnector(conninfo=empty_db_url, min_size=1, max_size=1))
    async with reference.open_async():
        await reference.schema_manager.apply_schema_async()
    async with await psycopg.AsyncConnection.connect(
        empty_db_url, autocommit=True, row_factory=dict_row
    ) as conn:
        ref = await (await conn.execute(PRIVILEGES)).fetchone()
    assert ref is not None and ref["public_exec"] == ref["n"] == row["n"]
