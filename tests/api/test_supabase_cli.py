"""The real Supabase CLI (npm `supabase`, pinned in tools/supabase-cli) applies every migration with `supabase db
push --db-url ...?sslmode=disable`; `shadows db migrate` then has nothing to do, and the reverse holds too. Both
orders give the same schema. The CLI runs in a network namespace with only loopback (bubblewrap) and reaches the
test database through its unix socket, so nothing it does can leave the machine."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from api.db.migrate import discover, migrate

ROOT = Path(__file__).resolve().parents[2]
CLI_DIR = ROOT / "tools" / "supabase-cli"
CLI_VERSION = "2.117.0"


@pytest.fixture(scope="session")
def supabase_cli() -> Path:
    """The pinned CLI, installed with `npm ci` when missing or stale (one installer at a time across xdist)."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("node/npm are not installed (scripts/setup.sh installs them)")
    if shutil.which("bwrap") is None:
        pytest.skip(
            "bubblewrap is not installed: the CLI runs without network inside it (scripts/setup.sh installs it)"
        )
    binary = CLI_DIR / "node_modules" / ".bin" / "supabase"
    stamp = CLI_DIR / "node_modules" / ".package-lock.sha256"
    want = hashlib.sha256((CLI_DIR / "package-lock.json").read_bytes()).hexdigest()
    with open(CLI_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists() or not stamp.exists() or stamp.read_text() != want:
            done = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=CLI_DIR,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
            stamp.write_text(want)
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == CLI_VERSION, version.stdout + version.stderr
    return binary


def _socket_url(admin_url: str, database: str) -> str:
    """The database through the server's unix socket, as the CLI accepts it (a host in the query overrides)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute("show unix_socket_directories").fetchone()
        port = conn.execute("show port").fetchone()
    directory = (row[0] if row else "").split(",")[0].strip()
    if not directory or not Path(directory, f".s.PGSQL.{port[0] if port else 5432}").exists():
        pytest.skip("the database's unix socket is not on this host (an external DATABASE_URL)")
    return f"postgresql://postgres@localhost:{port[0] if port else 5432}/{database}?host={directory}&sslmode=disable"


def _push(cli: Path, workdir: Path, url: str, home: Path) -> subprocess.CompletedProcess[str]:
    isolate = ["bwrap", "--dev-bind", "/", "/", "--unshare-net", "--die-with-parent"]
    if os.geteuid() != 0:
        isolate.insert(1, "--unshare-user")
    return subprocess.run(
        [*isolate, "--", str(cli), "db", "push", "--workdir", str(workdir), "--yes", "--db-url", url],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "DO_NOT_TRACK": "1"},
    )


def _workdir(tmp: Path) -> Path:
    """A copy of supabase/ (config and migrations): the CLI writes supabase/.temp in its workdir."""
    (tmp / "supabase").mkdir(parents=True)
    shutil.copy(ROOT / "supabase" / "config.toml", tmp / "supabase" / "config.toml")
    shutil.copytree(ROOT / "supabase" / "migrations", tmp / "supabase" / "migrations")
    return tmp


def _create(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return str(psycopg.conninfo.make_conninfo(admin_url, dbname=name))


def _drop(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def _history(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select version, name from supabase_migrations.schema_migrations order by version"
        )
        return [(r[0], r[1]) for r in rows.fetchall()]


def _schema(url: str) -> list[tuple[str, ...]]:
    """Every table's columns, every constraint, index, trigger and function of our schemas."""
    with psycopg.connect(url) as conn:
        parts = conn.execute(
            """
            select 'column', table_schema || '.' || table_name, column_name || ' ' || data_type || ' '
                   || is_nullable || ' ' || coalesce(column_default, '')
            from information_schema.columns where table_schema in ('public', 'auth', 'supabase_migrations')
            union all
            select 'constraint', conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid)
            from pg_constraint where connamespace = 'public'::regnamespace
            union all
            select 'index', tablename, indexdef from pg_indexes where schemaname = 'public'
            union all
            select 'trigger', tgrelid::regclass::text, pg_get_triggerdef(oid)
            from pg_trigger where not tgisinternal
            union all
            select 'function', p.proname, pg_get_functiondef(p.oid)
            from pg_proc p where p.pronamespace = 'public'::regnamespace
            union all
            select 'rls', relname, relrowsecurity::text from pg_class
            where relnamespace = 'public'::regnamespace and relkind = 'r'
            """
        ).fetchall()
    return sorted(tuple(str(x) for x in row) for row in parts)


@pytest.mark.timeout(600)
async def test_supabase_db_push_and_shadows_migrate_agree_in_both_orders(
    supabase_cli: Path, pg_admin_url: str, tmp_path: Path
) -> None:
    suffix = os.urandom(4).hex()
    pushed_first, migrated_first = f"cli_push_{suffix}", f"cli_migrate_{suffix}"
    expected = [(m.version, m.name) for m in discover()]
    workdir = _workdir(tmp_path / "project")
    home = tmp_path / "home"
    home.mkdir()
    try:
        # The CLI first: it applies every migration; then shadows db migrate has nothing to do.
        url_a = _create(pg_admin_url, pushed_first)
        pushed = _push(supabase_cli, workdir, _socket_url(pg_admin_url, pushed_first), home)
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        for version, name in expected:
            assert f"Applying migration {version}_{name}.sql" in pushed.stdout + pushed.stderr
        assert "Finished supabase db push" in pushed.stdout + pushed.stderr
        assert _history(url_a) == expected
        assert await migrate(url_a) == []

        # shadows db migrate first: then the CLI finds the database up to date and applies nothing.
        url_b = _create(pg_admin_url, migrated_first)
        assert await migrate(url_b) == [v for v, _ in expected]
        again = _push(supabase_cli, workdir, _socket_url(pg_admin_url, migrated_first), home)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "Applying migration" not in again.stdout + again.stderr
        assert "up to date" in (again.stdout + again.stderr).lower()
        assert _history(url_b) == expected

        # Both tools built the same schema.
        assert _schema(url_a) == _schema(url_b)
    finally:
        _drop(pg_admin_url, pushed_first)
        _drop(pg_admin_url, migrated_first)
