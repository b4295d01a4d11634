"""The operator's runbook (docs/deployment.md) followed as written, through the `shadows` command as a subprocess:
a database that cannot be reached, a migration that fails half way, and a second migrator running at once."""

from __future__ import annotations

import queue
import secrets
import socket
import subprocess
import threading

import psycopg
import pytest

from api.db.migrate import LOCK_KEY, discover
from tests.api.conftest import SHADOWS, run_shadows, shadows_env
from tests.conftest import ROOT


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "args",
    [["db", "migrate"], ["orgs", "keys", "list", "--org", "acme"], ["questions", "import"]],
    ids=["db-migrate", "orgs-keys-list", "questions-import"],
)
def test_a_database_that_cannot_be_reached_is_one_line_and_exit_1_never_a_traceback(args: list[str]) -> None:
    password = "pw-" + secrets.token_hex(8)
    url = f"postgresql://shadows:{password}@127.0.0.1:{_closed_port()}/shadows"

    done = run_shadows(args, url)

    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "error: cannot reach the database at DATABASE_URL" in done.stderr, output
    assert "Connection refused" in done.stderr  # libpq's reason, so the operator knows what to fix
    assert "Traceback" not in output and "╭" not in output, output
    assert password not in output


def test_a_database_that_does_not_exist_is_one_line_with_the_reason(pg_admin_url: str) -> None:
    url = str(psycopg.conninfo.make_conninfo(pg_admin_url, dbname="no_such_db_" + secrets.token_hex(4)))

    done = run_shadows(["orgs", "keys", "list", "--org", "acme"], url)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "error: cannot reach the database at DATABASE_URL" in done.stderr
    assert "does not exist" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_a_migration_that_fails_half_way_says_what_was_kept_and_a_second_run_goes_on_from_it(
    empty_db_url: str,
) -> None:
    versions = [m.version for m in discover()]
    first, second = discover()[0], discover()[1]
    # The second migration creates this table: a database that already has it makes that migration fail.
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("create table public.session_event_types (type text)")

    failed = run_shadows(["db", "migrate"], empty_db_url)

    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr
    assert f"applying 1/{len(versions)}: {first.path.name}" in failed.stderr  # progress, one line each
    assert f"{second.path.name} failed and was rolled back" in failed.stderr
    assert f"1 migration(s) of this run were applied and kept ({first.version})" in failed.stderr
    assert f"the database is at version {first.version}" in failed.stderr
    assert f"it goes on from {second.path.name}" in failed.stderr
    with psycopg.connect(empty_db_url) as conn:
        kept = conn.execute("select version from supabase_migrations.schema_migrations").fetchall()
        conn.execute("drop table public.session_event_types")  # the operator fixes the cause
        conn.commit()
    assert [r[0] for r in kept] == [first.version]

    again = run_shadows(["db", "migrate"], empty_db_url)

    assert again.returncode == 0, again.stderr
    assert f"applied {len(versions) - 1} migration(s): {', '.join(versions[1:])}" in again.stdout
    assert f"applying 1/{len(versions) - 1}: {second.path.name}" in again.stderr


def test_a_second_migrator_says_it_waits_for_the_first_then_finishes(db_url: str) -> None:
    lines: queue.Queue[str] = queue.Queue()
    with psycopg.connect(db_url, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))  # a migrator running now
        proc = subprocess.Popen(  # our own CLI, fixed arguments
            [str(SHADOWS), "db", "migrate"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=shadows_env(db_url),
            cwd=ROOT,
        )
        try:
            assert proc.stderr is not None
            threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()  # type: ignore[union-attr]
            said = lines.get(timeout=30)
            assert "waiting for another migrator" in said
            assert proc.poll() is None  # it waits; it does not fail or go ahead
        finally:
            holder.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))
            try:
                proc.wait(timeout=60)
            finally:
                proc.kill()
    assert proc.returncode == 0
    assert proc.stdout is not None and "applied 0 migration(s)" in proc.stdout.read()


def test_a_database_migrated_by_a_newer_release_is_said_when_an_older_one_migrates(db_url: str) -> None:
    newer = "29991231000000"  # a migration of a release after this one (the image was rolled back)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "insert into supabase_migrations.schema_migrations (version, name) values (%s, 'from_the_future')",
            (newer,),
        )

    done = run_shadows(["db", "migrate"], db_url)

    assert done.returncode == 0, done.stderr
    assert "applied 0 migration(s)" in done.stdout
    assert (
        f"warning: the database has 1 migration(s) this release does not have (newest {newer})" in done.stderr
    )


def test_a_migration_held_up_by_a_live_transaction_exits_1_with_what_to_do(db_url: str) -> None:
    indexes = next(m for m in discover() if m.name == "metrics_gauge_indexes")
    with psycopg.connect(db_url, autocommit=True) as conn:  # as before that migration was applied
        conn.execute(
            "drop index sessions_in_progress_idx, scorecards_failed_completed_idx,"
            " shadows_procrastinate_events_failed_at_idx"
        )
        conn.execute(
            "delete from supabase_migrations.schema_migrations where version = %s", (indexes.version,)
        )
    with psycopg.connect(db_url) as holder:  # a replica's write transaction on sessions, open
        holder.execute("lock table public.sessions in row exclusive mode")

        held = run_shadows(["db", "migrate", "--lock-timeout", "0.3", "--lock-attempts", "1"], db_url)

        holder.rollback()
    assert held.returncode == 1, held.stdout + held.stderr
    assert "Traceback" not in held.stderr
    assert f"{indexes.path.name} was rolled back: 1 time(s) it waited 0.3 s for a lock" in held.stderr
    assert "pg_stat_activity" in held.stderr and "--lock-timeout SECONDS" in held.stderr

    done = run_shadows(["db", "migrate"], db_url)

    assert done.returncode == 0, done.stderr
    assert f"applied 1 migration(s): {indexes.version}" in done.stdout
