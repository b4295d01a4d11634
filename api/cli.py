"""The `shadows` command line: its command table, the database and question bank commands, workers and grading."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer

from api import cli_serve
from api.cli_database import database_failure, database_url, fail, import_questions, open_pool, with_conn
from api.cli_orgs import orgs_app
from api.db.migrate import LOCK_ATTEMPTS, LOCK_TIMEOUT_S, STATEMENT_TIMEOUT_S, MigrationError, migrate
from api.settings import get_settings
from judge.bank import BankError


class _Shadows(typer.Typer):
    """The top-level command: a database that cannot be reached, or fails mid-command, ends any command with one
    line on stderr and exit 1 (never a traceback, never the connection string)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as e:
            message = database_failure(e)
            if message is None:
                raise
            typer.secho(message, fg=typer.colors.RED, err=True)
            raise SystemExit(1) from None


app = _Shadows(help="Shadows: AI technical phone screens.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
questions_app = typer.Typer(help="The question bank.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(questions_app, name="questions")
app.add_typer(orgs_app, name="orgs")  # api/cli_orgs.py
app.add_typer(cli_serve.judge_app, name="judge")  # api/cli_serve.py


@db_app.command("migrate")
def db_migrate(
    lock_timeout: Annotated[
        float, typer.Option(min=0.1, max=600, help="Seconds a migration waits for a table's lock per attempt")
    ] = LOCK_TIMEOUT_S,
    lock_attempts: Annotated[
        int,
        typer.Option(min=1, max=20, help="Attempts of a migration that waited that long, before giving up"),
    ] = LOCK_ATTEMPTS,
    statement_timeout: Annotated[
        float,
        typer.Option(min=0, max=86_400, help="Seconds one statement of a migration may run (0: no bound)"),
    ] = STATEMENT_TIMEOUT_S,
) -> None:
    """Apply pending migrations from supabase/migrations (a no-op when up to date). A migration that cannot take
    its locks in --lock-timeout (a transaction of a running replica holds them) is rolled back and tried again."""
    url = database_url(get_settings())
    try:
        applied = asyncio.run(
            migrate(
                url,
                progress=lambda line: typer.echo(line, err=True),
                lock_timeout_s=lock_timeout,
                lock_attempts=lock_attempts,
                statement_timeout_s=statement_timeout,
            )
        )
    except MigrationError as e:
        raise fail(str(e)) from e
    typer.echo(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))


@db_app.command("reseal")
def db_reseal() -> None:
    """Seal every stored secret (webhook secrets, ATS keys, join and report links) again under the first of
    SHADOWS_API_SEALING_KEYS, so that an older key can then be removed. Run it with the new key first and the old
    ones after it; twice, the second run re-seals nothing. Exit 1 if some value opens with none of the keys."""
    from api.reseal import reseal

    settings = get_settings()
    keys = settings.sealing_key_list

    async def work(conn: Any) -> Any:
        return await reseal(conn, keys, lambda line: typer.echo(line, err=True))

    try:
        counts = asyncio.run(with_conn(work))
    except ValueError as e:
        raise fail(f"error: {e}") from e
    resealed = sum(c.resealed for c in counts.values())
    lost = {name: c.unopenable for name, c in counts.items() if c.unopenable}
    typer.echo(f"re-sealed {resealed} value(s) under the first of SHADOWS_API_SEALING_KEYS")
    if lost:
        raise fail(
            "error: no key in SHADOWS_API_SEALING_KEYS opens "
            + ", ".join(f"{n} value(s) of {name}" for name, n in lost.items())
            + "; they were left as they are: keep (or put back) the key that sealed them"
        )


@questions_app.command("import")
def questions_import(
    directory: Annotated[Path, typer.Argument(help="Question bank directory")] = Path("questions"),
) -> None:
    """Validate the whole bank, then upsert it in one transaction (nothing is imported if any question is bad)."""
    try:
        n = asyncio.run(import_questions(database_url(get_settings()), directory))
    except BankError as e:
        raise fail(f"error: {e}") from e
    except psycopg.Error as e:
        if database_failure(e) is not None:
            raise  # unreachable or failing: said as for every command
        raise fail(
            f"error: the database refused the import, nothing was imported: {e.diag.message_primary}"
        ) from e
    typer.echo(f"imported {n} question(s) from {directory}")


@app.command("worker")
def worker() -> None:
    """Run background jobs (grading, webhooks, retention) until SIGTERM. No arguments: it reads the API's
    environment, plus SHADOWS_WORKER_* (concurrency, shutdown grace, heartbeat)."""
    from api.jobs.settings import get_worker_settings
    from api.jobs.worker import WorkerStartError, run_worker

    settings = get_settings()
    settings = settings.model_copy(update={"database_url": database_url(settings)})
    try:
        asyncio.run(run_worker(settings, get_worker_settings()))
    except WorkerStartError as e:
        raise fail(f"error: {e}") from e


async def _regrade(
    url: str, session_id: str, wait: bool, timeout_s: float
) -> tuple[int, dict[str, Any] | None]:
    from api.db import scorecards_repo
    from api.db.pool import connection
    from api.jobs.grading import request_regrade

    pool = await open_pool(url)
    try:
        async with connection(pool) as conn:
            version = await request_regrade(conn, session_id, organization_id=None)
        typer.echo(f"session {session_id}: version {version} queued for grading")
        if not wait:
            return version, None
        deadline = time.monotonic() + timeout_s
        while True:
            async with connection(pool) as conn:
                row = await scorecards_repo.get_version(conn, session_id, version)
            if row is None or row["status"] != "pending" or time.monotonic() >= deadline:
                return version, row
            await asyncio.sleep(0.5)
    finally:
        await pool.close()


@app.command("grade")
def grade(
    session_id: Annotated[str, typer.Argument(help="The session to grade again")],
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait until the new version is ready or failed")
    ] = False,
    timeout: Annotated[float, typer.Option(min=1, help="With --wait: give up after this many seconds")] = 900,
) -> None:
    """Re-grade a completed or abandoned session: a new scorecard version; earlier versions are kept. With --wait,
    exit 0 once it is ready or failed (2 if it is still pending at the timeout: is `shadows worker` running?)."""
    from api.errors import ApiError

    try:
        version, row = asyncio.run(_regrade(database_url(get_settings()), session_id, wait, timeout))
    except ApiError as e:
        raise fail(f"error: {e.message}") from e
    if not wait:
        return
    if row is None:
        raise fail(f"error: version {version} disappeared (was the session deleted?)")
    if row["status"] == "pending":
        typer.secho(
            f"version {version} is still pending after {timeout:g}s; is `shadows worker` running?",
            fg=typer.colors.YELLOW,
            err=True,
        )
        raise typer.Exit(code=2)
    detail = (
        f"recommendation {row['recommendation']}" if row["status"] == "ready" else f"reason {row['reason']}"
    )
    typer.echo(f"version {version}: {row['status']} ({detail})")


@app.command("share")
def share(
    session_id: Annotated[str, typer.Argument(help="The session whose report to open")],
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="Lifetime (default SHADOWS_API_SHARE_LINK_DAYS)")
    ] = None,
) -> None:
    """Print a share link to a session's report (the same link as POST /v1/sessions/{id}/share): open it in a
    browser, no API key needed. Links point at SHADOWS_API_PUBLIC_URL."""
    from api import share_links
    from api.db.pool import connection
    from api.errors import ApiError

    settings = get_settings()

    async def run() -> share_links.ShareLink:
        pool = await open_pool(database_url(settings))
        try:
            async with connection(pool) as conn:
                return await share_links.mint(conn, settings, session_id, expires_in_days=days, capped=True)
        finally:
            await pool.close()

    try:
        link = asyncio.run(run())
    except ApiError as e:
        raise fail(f"error: {e.message}") from e
    typer.echo(f"report of {session_id}, until {link.expires_at.isoformat()}:")
    typer.echo(link.report_url)


# Registered after `worker`, `grade` and `share`, the order `shadows --help` lists them in (api/cli_serve.py).
app.command("api")(cli_serve.api)
app.command("dev")(cli_serve.dev)


def main() -> None:
    app()
