"""Schema migrations: from an empty database, re-run as a no-op, and the design note's tables and constraints."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Jsonb

from api.db.migrate import MigrationError, MigrationLockError, discover, migrate
from api.stored_json import stored_bytes

Conn = psycopg.AsyncConnection[DictRow]

# tech.md §5: every column of the design note's five tables (our migration may add more, never fewer).
TECH_COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "questions": {
        "id": ("uuid", "NO"),
        "question_number": ("integer", "NO"),
        "title": ("text", "NO"),
        "description_md": ("text", "NO"),
        "difficulty": ("text", "NO"),
        "created_at": ("timestamp with time zone", "YES"),
        "updated_at": ("timestamp with time zone", "YES"),
        "question_uri": ("text", "NO"),
    },
    "starter_codes": {
        "id": ("uuid", "NO"),
        "question_id": ("uuid", "YES"),
        "language": ("text", "NO"),
        "code": ("text", "NO"),
        "created_at": ("timestamp with time zone", "YES"),
        "main": ("text", "NO"),
        "imports": ("text", "YES"),
    },
    "submissions": {
        "id": ("uuid", "NO"),
        "user_id": ("uuid", "YES"),
        "question_id": ("uuid", "YES"),
        "language": ("text", "NO"),
        "code": ("text", "NO"),
        "result_json": ("jsonb", "YES"),
        "created_at": ("timestamp with time zone", "YES"),
        "session_id": ("text", "YES"),
    },
    "test_cases": {
        "id": ("uuid", "NO"),
        "question_id": ("uuid", "YES"),
        "input": ("text", "NO"),
        "expected_output": ("text", "NO"),
        "hidden": ("boolean", "YES"),
        "created_at": ("timestamp with time zone", "YES"),
    },
    "sessions": {
        "id": ("text", "NO"),
        "user_id": ("uuid", "YES"),
        "question_id": ("uuid", "YES"),
        "status": ("text", "NO"),
        # tech.md has `started_at not null default now()`; sessions are now scheduled before they start, so the
        # column is nullable (started_at is set on start). Checked separately below.
        "ended_at": ("timestamp with time zone", "YES"),
        "transcript": ("jsonb", "YES"),
        "events": ("jsonb", "YES"),
        "final_code": ("text", "YES"),
        "created_at": ("timestamp with time zone", "YES"),
        "updated_at": ("timestamp with time zone", "YES"),
        "visibility": ("text", "NO"),
    },
}

# (table, constraint name, referenced table, on delete action code: c=cascade, n=set null)
TECH_FKS = [
    ("starter_codes", "starter_codes_question_id_fkey", "questions", "c"),
    ("test_cases", "test_cases_question_id_fkey", "questions", "c"),
    ("submissions", "submissions_question_id_fkey", "questions", "c"),
    ("submissions", "submissions_session_id_fkey", "sessions", "c"),
    ("submissions", "submissions_user_id_fkey", "users", "n"),
    ("sessions", "sessions_question_id_fkey", "questions", "c"),
    ("sessions", "sessions_user_id_fkey", "users", "n"),
]


async def _connect(url: str) -> Conn:
    return await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)


async def _check_values(conn: Conn, table: str, constraint: str) -> str:
    cur = await conn.execute(
        "select pg_get_constraintdef(oid) as def from pg_constraint where conname = %s and conrelid = %s::regclass",
        (constraint, f"public.{table}"),
    )
    row = await cur.fetchone()
    assert row is not None, f"{table}.{constraint} is missing"
    return str(row["def"])


async def test_migrate_on_empty_database_applies_every_migration_and_records_history(
    empty_db_url: str,
) -> None:
    expected = [m.version for m in discover()]
    assert expected, "no migrations found"

    applied = await migrate(empty_db_url)

    assert applied == expected
    async with await _connect(empty_db_url) as conn:
        cur = await conn.execute(
            "select version, name, statements from supabase_migrations.schema_migrations order by version"
        )
        rows = await cur.fetchall()
    assert [r["version"] for r in rows] == expected
    for row, mig in zip(rows, discover(), strict=True):
        assert row["name"] == mig.name
        assert row["statements"] == [mig.sql]


async def test_migrate_twice_is_a_no_op_the_second_time(empty_db_url: str) -> None:
    await migrate(empty_db_url)
    async with await _connect(empty_db_url) as conn:
        cur = await conn.execute("select count(*) as n from pg_tables where schemaname = 'public'")
        tables_before = (await cur.fetchone())["n"]  # type: ignore[index]  # count(*) always returns a row

    assert await migrate(empty_db_url) == []

    async with await _connect(empty_db_url) as conn:
        cur = await conn.execute("select count(*) as n from supabase_migrations.schema_migrations")
        assert (await cur.fetchone())["n"] == len(discover())  # type: ignore[index]  # count(*) returns a row
        cur = await conn.execute("select count(*) as n from pg_tables where schemaname = 'public'")
        assert (await cur.fetchone())["n"] == tables_before  # type: ignore[index]  # count(*) returns a row


async def test_schema_has_every_design_note_table_with_its_columns(db: Conn) -> None:
    for table, columns in TECH_COLUMNS.items():
        cur = await db.execute(
            """
            select column_name, data_type, is_nullable from information_schema.columns
            where table_schema = 'public' and table_name = %s
            """,
            (table,),
        )
        actual = {r["column_name"]: (r["data_type"], r["is_nullable"]) for r in await cur.fetchall()}
        assert actual, f"table {table} is missing"
        for column, spec in columns.items():
            assert actual.get(column) == spec, f"{table}.{column}: {actual.get(column)} != {spec}"


async def test_schema_keeps_design_note_defaults(db: Conn) -> None:
    cur = await db.execute(
        """
        select table_name, column_name, column_default from information_schema.columns
        where table_schema = 'public' and (table_name, column_name) in
          (('sessions', 'visibility'), ('test_cases', 'hidden'), ('questions', 'id'), ('sessions', 'started_at'))
        """
    )
    defaults = {(r["table_name"], r["column_name"]): r["column_default"] for r in await cur.fetchall()}
    assert defaults[("sessions", "visibility")] == "'private'::text"
    assert defaults[("test_cases", "hidden")] == "false"
    assert "uuid_generate_v4" in defaults[("questions", "id")]
    # Scheduled sessions have not started: started_at stays empty until the candidate joins.
    assert defaults[("sessions", "started_at")] is None


async def test_difficulty_check_allows_only_easy_medium_hard(db: Conn) -> None:
    definition = await _check_values(db, "questions", "questions_difficulty_check")
    for value in ("'Easy'", "'Medium'", "'Hard'"):
        assert value in definition
    with pytest.raises(psycopg.errors.CheckViolation):
        await db.execute(
            "insert into questions (question_number, title, description_md, difficulty, question_uri, slug, signature)"
            " values (999, 't', 'd', 'Impossible', 'u', 'bad-difficulty', '{}')"
        )


async def test_status_check_keeps_original_statuses_and_adds_lifecycle_ones(db: Conn) -> None:
    definition = await _check_values(db, "sessions", "sessions_status_check")
    for value in ("in_progress", "completed", "abandoned", "scheduled", "cancelled"):
        assert f"'{value}'" in definition
    assert "'paused'" not in definition


async def test_visibility_check_allows_private_public_unlisted(db: Conn) -> None:
    definition = await _check_values(db, "sessions", "sessions_visibility_check")
    for value in ("private", "public", "unlisted"):
        assert f"'{value}'" in definition


async def test_design_note_foreign_keys_exist_with_their_delete_actions(db: Conn) -> None:
    for table, name, target, action in TECH_FKS:
        cur = await db.execute(
            """
            select confrelid::regclass::text as target, confdeltype as action from pg_constraint
            where contype = 'f' and conname = %s and conrelid = %s::regclass
            """,
            (name, f"public.{table}"),
        )
        row = await cur.fetchone()
        assert row is not None, f"{table}.{name} is missing"
        assert row["target"].split(".")[-1] == target
        assert row["action"] == action, f"{name}: on delete {row['action']} != {action}"


async def test_starter_codes_question_lang_index_is_unique_on_question_and_language(db: Conn) -> None:
    cur = await db.execute(
        "select indexdef from pg_indexes where schemaname = 'public' and indexname = 'starter_codes_question_lang_idx'"
    )
    row = await cur.fetchone()
    assert row is not None
    assert "CREATE UNIQUE INDEX" in row["indexdef"]
    assert "(question_id, language)" in row["indexdef"]
    cur = await db.execute("select question_id from starter_codes where language = 'python' limit 1")
    existing = await cur.fetchone()
    assert existing is not None
    with pytest.raises(psycopg.errors.UniqueViolation):
        await db.execute(
            "insert into starter_codes (question_id, language, code, main) values (%s, 'python', 'x', 'x')",
            (existing["question_id"],),
        )


async def test_two_concurrent_migrators_apply_each_migration_once(empty_db_url: str) -> None:
    first, second = await asyncio.gather(migrate(empty_db_url), migrate(empty_db_url))

    assert sorted([first, second], key=len) == [[], [m.version for m in discover()]]
    async with await _connect(empty_db_url) as conn:
        cur = await conn.execute("select count(*) as n from supabase_migrations.schema_migrations")
        assert (await cur.fetchone())["n"] == len(discover())  # type: ignore[index]  # count(*) returns a row


async def test_failing_migration_is_rolled_back_and_not_recorded(empty_db_url: str, tmp_path: Path) -> None:
    (tmp_path / "20260101000000_good.sql").write_text("create table good_one (id int primary key);")
    (tmp_path / "20260102000000_bad.sql").write_text(
        "create table half_done (id int);\ninsert into no_such_table values (1);"
    )

    with pytest.raises(MigrationError, match=r"20260102000000_bad\.sql"):
        await migrate(empty_db_url, tmp_path)

    async with await _connect(empty_db_url) as conn:
        cur = await conn.execute("select version from supabase_migrations.schema_migrations")
        assert [r["version"] for r in await cur.fetchall()] == ["20260101000000"]
        cur = await conn.execute(
            "select to_regclass('public.good_one') as good, to_regclass('public.half_done') as bad"
        )
        row = await cur.fetchone()
        assert row is not None and row["good"] is not None and row["bad"] is None


async def _history(url: str) -> list[str]:
    async with await _connect(url) as conn:
        cur = await conn.execute("select version from supabase_migrations.schema_migrations order by version")
        return [r["version"] for r in await cur.fetchall()]


# Until a lock request waits (the migrator's, once it asked for ACCESS EXCLUSIVE), polled in the server.
AWAIT_A_WAITING_LOCK = """
do $$ begin
  for i in 1..2000 loop
    exit when exists (select from pg_locks where not granted and mode = 'AccessExclusiveLock');
    perform pg_sleep(0.01);
  end loop;
end $$
"""


class _Said:
    """A migration run's progress lines, with an event set at the first line that contains `marker`."""

    def __init__(self, marker: str) -> None:
        self.lines: list[str] = []
        self.marker = marker
        self.seen = asyncio.Event()

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if self.marker in line:
            self.seen.set()


async def test_a_migration_blocked_by_a_live_transaction_stops_waiting_and_lets_queued_queries_through(
    empty_db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "20260101000000_held.sql").write_text("create table held (id int primary key);")
    await migrate(empty_db_url, tmp_path)
    (tmp_path / "20260102000000_alter_held.sql").write_text("alter table held add column note text;")
    said = _Said("trying again")
    # Without a lock_timeout the migrator, and the reader queued behind it, wait as long as the holder: for ever.
    async with (
        asyncio.timeout(30),
        await _connect(empty_db_url) as holder,
        await _connect(empty_db_url) as reader,
        holder.transaction(),
    ):
        await holder.execute("select * from held")  # a replica's open transaction: ACCESS SHARE until it ends
        migrator = asyncio.create_task(
            migrate(
                empty_db_url, tmp_path, said, lock_timeout_s=0.5, lock_attempts=2, lock_retry_pause_s=0.05
            )
        )
        await reader.execute(AWAIT_A_WAITING_LOCK)
        # Queued behind the migrator's ACCESS EXCLUSIVE request: answered once that request gives up.
        cur = await reader.execute("select count(*) as n from held")
        assert (await cur.fetchone()) == {"n": 0}
        with pytest.raises(MigrationLockError) as raised:
            await migrator

    message = str(raised.value)
    assert "20260102000000_alter_held.sql was rolled back: 2 time(s) it waited 0.5 s for a lock" in message
    assert "pg_stat_activity" in message and "--lock-timeout" in message
    assert "it goes on from 20260102000000_alter_held.sql" in message
    assert any("(attempt 2/2)" in line for line in said.lines)
    assert await _history(empty_db_url) == ["20260101000000"]
    async with await _connect(empty_db_url) as conn:
        cur = await conn.execute(
            "select count(*) as n from information_schema.columns where table_name = 'held' and column_name = 'note'"
        )
        assert (await cur.fetchone()) == {"n": 0}


async def test_a_migration_blocked_by_a_transaction_that_ends_applies_at_a_later_attempt(
    empty_db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "20260101000000_held.sql").write_text("create table held (id int primary key);")
    await migrate(empty_db_url, tmp_path)
    (tmp_path / "20260102000000_alter_held.sql").write_text("alter table held add column note text;")
    said = _Said("trying again")
    async with asyncio.timeout(30), await _connect(empty_db_url) as holder:
        await holder.execute("begin")
        await holder.execute("select * from held")
        migrator = asyncio.create_task(
            migrate(
                empty_db_url, tmp_path, said, lock_timeout_s=0.2, lock_attempts=50, lock_retry_pause_s=0.05
            )
        )
        await said.seen.wait()
        await holder.execute("commit")
        assert await migrator == ["20260102000000"]

    assert await _history(empty_db_url) == ["20260101000000", "20260102000000"]


async def _waiting_pid(watcher: Conn, query_start: str, pid: int | None = None) -> int:
    """The backend (`pid`, or the one running a query that starts with `query_start`) once it waits for a lock."""
    for _ in range(2000):
        cur = await watcher.execute(
            "select a.pid from pg_stat_activity a join pg_locks l on l.pid = a.pid and not l.granted"
            " where starts_with(a.query, %s) and (%s::int is null or a.pid = %s::int)",
            (query_start, pid, pid),
        )
        if (row := await cur.fetchone()) is not None:
            waiting: int = row["pid"]
            return waiting
        await asyncio.sleep(0.01)
    raise AssertionError(f"no backend running {query_start!r} waited for a lock")


async def test_a_migration_that_a_live_transaction_deadlocks_with_is_rolled_back_and_applies_at_a_later_attempt(
    empty_db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "20260101000000_pair.sql").write_text("create table a (id int); create table b (id int);")
    await migrate(empty_db_url, tmp_path)
    # Locks b, passes a gate the test opens, then waits for a.
    (tmp_path / "20260102000000_alter_pair.sql").write_text(
        "lock table b in share mode;\nselect pg_advisory_xact_lock(4242);\nalter table a add column note text;"
    )
    said = _Said("trying again")
    async with (
        asyncio.timeout(30),
        await _connect(empty_db_url) as holder,
        await _connect(empty_db_url) as gate,
        await _connect(empty_db_url) as watcher,
    ):
        await gate.execute("select pg_advisory_lock(4242)")
        await holder.execute("begin")
        # The migrator, not this transaction, is the one to find the cycle and be failed.
        await holder.execute("set local deadlock_timeout = '60s'")
        await holder.execute("select * from a")  # a replica's transaction, holding a...
        migrator = asyncio.create_task(
            migrate(empty_db_url, tmp_path, said, lock_timeout_s=20, lock_attempts=2, lock_retry_pause_s=0.05)
        )
        await _waiting_pid(watcher, "lock table b in share mode")  # the migrator holds b, at the gate
        # ...then asks for b.
        asks_for_b = asyncio.create_task(holder.execute("lock table b in exclusive mode"))
        await _waiting_pid(watcher, "lock table b in exclusive mode", holder.info.backend_pid)
        await gate.execute("select pg_advisory_unlock(4242)")
        # The migrator now waits for a: PostgreSQL fails it to end the cycle, its attempt is rolled back whole.
        await asks_for_b
        await holder.execute("commit")
        assert await migrator == ["20260102000000"]

    assert any(
        "deadlocked with another transaction" in line and "(attempt 2/2)" in line for line in said.lines
    )
    assert await _history(empty_db_url) == ["20260101000000", "20260102000000"]


async def test_a_migration_statement_past_the_statement_timeout_is_rolled_back_with_the_option_to_raise_it(
    empty_db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "20260101000000_slow.sql").write_text("create table slow (id int);\nselect pg_sleep(5);")

    with pytest.raises(MigrationError, match=r"statement timeout \(0\.2 s\)") as raised:
        await migrate(empty_db_url, tmp_path, statement_timeout_s=0.2)

    assert "--statement-timeout" in str(raised.value)
    assert await _history(empty_db_url) == []


async def test_a_migration_an_operator_cancels_is_not_said_to_have_run_past_the_statement_timeout(
    empty_db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "20260101000000_slow.sql").write_text("create table slow (id int);\nselect pg_sleep(20);")
    async with asyncio.timeout(30), await _connect(empty_db_url) as operator:
        migrator = asyncio.create_task(migrate(empty_db_url, tmp_path))
        for _ in range(2000):  # until it runs, then cancelled from pg_stat_activity
            cur = await operator.execute(
                "select pg_cancel_backend(pid) as sent from pg_stat_activity"
                " where starts_with(query, 'create table slow')"
            )
            if await cur.fetchone():
                break
            await asyncio.sleep(0.01)
        with pytest.raises(MigrationError) as raised:
            await migrator

    message = str(raised.value)
    assert (
        "20260101000000_slow.sql failed and was rolled back: canceling statement due to user request"
        in message
    )
    assert "statement timeout" not in message
    assert await _history(empty_db_url) == []


def test_misnamed_migration_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "001_init.sql").write_text("select 1;")
    with pytest.raises(MigrationError, match=r"001_init\.sql"):
        discover(tmp_path)


# `submissions.report_over_budget` came a commit after 20270107093000_run_report_budget.sql shipped: a database
# migrated in between has that version in its history with `result_bytes` only, and is never given that file again.
REPORT_OVER_BUDGET_VERSION = "20270107120000"


async def _has_report_over_budget(conn: Conn) -> bool:
    cur = await conn.execute(
        "select 1 from information_schema.columns where table_schema = 'public' and table_name = 'submissions'"
        " and column_name = 'report_over_budget'"
    )
    return await cur.fetchone() is not None


async def test_a_database_migrated_before_report_over_budget_gains_it_and_one_with_it_migrates(
    db_url: str,
) -> None:
    async with await _connect(db_url) as conn:
        # As 20270107093000_run_report_budget.sql first shipped (b5ea2d9d): recorded, `result_bytes` only.
        await conn.execute("alter table public.submissions drop column report_over_budget")
        await conn.execute(
            "delete from supabase_migrations.schema_migrations where version = %s",
            (REPORT_OVER_BUDGET_VERSION,),
        )

    assert await migrate(db_url) == [REPORT_OVER_BUDGET_VERSION]
    async with await _connect(db_url) as conn:
        assert await _has_report_over_budget(conn)
        # As that file was then edited (9eaa1bd5): the column there already, the later migration not yet applied.
        await conn.execute(
            "delete from supabase_migrations.schema_migrations where version = %s",
            (REPORT_OVER_BUDGET_VERSION,),
        )

    assert await migrate(db_url) == [REPORT_OVER_BUDGET_VERSION]
    async with await _connect(db_url) as conn:
        assert await _has_report_over_budget(conn)


async def test_a_run_report_stored_before_its_size_was_is_counted_as_it_is_read_back(db_url: str) -> None:
    backfill = "20270107120100"
    shown = [
        {"id": f"v{i}", "verdict": "wrong_answer", "actual": "x" * 262_000, "stdout": "y" * 2_000}
        for i in range(5)
    ]
    report = {"verdict": "wrong_answer", "passed": 0, "total": 5, "tests": shown}
    async with await _connect(db_url) as conn:
        cur = await conn.execute(
            "insert into public.submissions (language, code, result_json, kind, verdict)"
            " values ('python', '', %s, 'run', 'wrong_answer') returning id",
            (Jsonb(report),),
        )
        row = await cur.fetchone()
        assert row is not None
        await conn.execute(
            "delete from supabase_migrations.schema_migrations where version = %s", (backfill,)
        )

    assert await migrate(db_url) == [backfill]
    async with await _connect(db_url) as conn:
        cur = await conn.execute(
            "select result_bytes, pg_column_size(result_json) as on_disk from public.submissions where id = %s",
            (row["id"],),
        )
        counted = await cur.fetchone()
    assert counted is not None
    # 1.3 MB read out, not the few KB it takes compressed on disk.
    assert counted["result_bytes"] == stored_bytes(report)
    assert counted["on_disk"] * 50 < counted["result_bytes"]
