"""How a `shadows` command reaches the database (DATABASE_URL, or the embedded dev server) and says it failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import typer

from api.db.embedded import EmbeddedPostgres
from api.settings import ApiSettings, get_settings
from judge.bank import load_bank


def fail(message: str) -> typer.Exit:
    """The error line on stderr; raise what it returns to end the command with exit 1."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def database_failure(e: BaseException) -> str | None:
    """The operator's line for a database error that ended a command, or None for any other error."""
    from psycopg_pool import PoolTimeout

    from api.db.pool import DatabaseUnavailableError
    from judge.credential_mask import mask_credentials

    cause = e.__cause__ if isinstance(e, DatabaseUnavailableError) and e.__cause__ is not None else e
    if not isinstance(cause, (psycopg.OperationalError, PoolTimeout, DatabaseUnavailableError)):
        return None
    reason = " ".join(mask_credentials(str(cause)).split())[:300] or type(cause).__name__
    # No SQLSTATE: libpq's own (refused, unknown host, login refused); 08/28/3D/53/57P03: the server would not
    # let this connection in (connection, authorisation, no such database, too many connections, starting up).
    state = cause.sqlstate if isinstance(cause, psycopg.Error) else ""
    if isinstance(cause, psycopg.OperationalError) and (
        state is None or state[:2] in ("08", "28", "3D", "53") or state == "57P03"
    ):
        return f"error: cannot reach the database at DATABASE_URL: {reason}"
    return f"error: the database failed during the command ({reason}); check it and run the command again"


async def open_pool(url: str) -> Any:
    """A one-connection pool for a command. One direct connection first, so that an unreachable database or a
    refused login ends the command at once with libpq's reason, rather than after the pool's 10 s of retries."""
    from api.db.pool import create_pool

    async with await psycopg.AsyncConnection.connect(url, connect_timeout=10):
        pass
    pool = create_pool(url, min_size=1, max_size=1)
    await pool.open()
    return pool


def database_url(settings: ApiSettings) -> str:
    """DATABASE_URL when set; otherwise the embedded dev server under .data/postgres (started if needed)."""
    if settings.database_url:
        return settings.database_url
    pg = EmbeddedPostgres(settings.data_dir / "postgres")
    admin_url = pg.start()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("select 1 from pg_database where datname = 'shadows'").fetchone() is None:
            conn.execute("create database shadows")
    return admin_url.rsplit("/", 1)[0] + "/shadows"


async def with_conn(work: Any) -> Any:
    """Run `work(conn)` on one connection to the database (DATABASE_URL, or the embedded one)."""
    from api.db.pool import connection

    pool = await open_pool(database_url(get_settings()))
    try:
        async with connection(pool) as conn:
            return await work(conn)
    finally:
        await pool.close()


async def import_questions(url: str, directory: Path) -> int:
    """Validate the bank in `directory`, then upsert it in one transaction; returns how many questions."""
    from api.db.pool import connection  # keeps `shadows --help` light
    from api.db.questions_repo import upsert_bank

    questions = load_bank(directory)
    pool = await open_pool(url)
    try:
        async with connection(pool) as conn:
            return await upsert_bank(conn, questions)
    finally:
        await pool.close()
