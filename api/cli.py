"""The `shadows` command line: database, question bank, organisations, and running the system."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer

from api.db.embedded import EmbeddedPostgres, EmbeddedPostgresError
from api.db.migrate import MigrationError, migrate
from api.settings import ApiSettings, export_database_url, get_settings
from judge.bank import BankError, load_bank


class _Shadows(typer.Typer):
    """The top-level command: a database that cannot be reached, or fails mid-command, ends any command with one
    line on stderr and exit 1 (never a traceback, never the connection string)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as e:
            message = _database_failure(e)
            if message is None:
                raise
            typer.secho(message, fg=typer.colors.RED, err=True)
            raise SystemExit(1) from None


app = _Shadows(help="Shadows: AI technical phone screens.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
questions_app = typer.Typer(help="The question bank.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations and their API keys.", no_args_is_help=True)
judge_app = typer.Typer(help="The judge as its own service.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(questions_app, name="questions")
app.add_typer(orgs_app, name="orgs")
keys_app = typer.Typer(help="An organisation's API keys.", no_args_is_help=True)
orgs_app.add_typer(keys_app, name="keys")
app.add_typer(judge_app, name="judge")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _database_failure(e: BaseException) -> str | None:
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


async def _open_pool(url: str) -> Any:
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


async def _import_questions(url: str, directory: Path) -> int:
    from api.db.pool import connection  # keeps `shadows --help` light
    from api.db.questions_repo import upsert_bank

    questions = load_bank(directory)
    pool = await _open_pool(url)
    try:
        async with connection(pool) as conn:
            return await upsert_bank(conn, questions)
    finally:
        await pool.close()


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply pending migrations from supabase/migrations (a no-op when up to date)."""
    url = database_url(get_settings())
    try:
        applied = asyncio.run(migrate(url, progress=lambda line: typer.echo(line, err=True)))
    except MigrationError as e:
        raise _fail(str(e)) from e
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
        counts = asyncio.run(_with_conn(work))
    except ValueError as e:
        raise _fail(f"error: {e}") from e
    resealed = sum(c.resealed for c in counts.values())
    lost = {name: c.unopenable for name, c in counts.items() if c.unopenable}
    typer.echo(f"re-sealed {resealed} value(s) under the first of SHADOWS_API_SEALING_KEYS")
    if lost:
        raise _fail(
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
        n = asyncio.run(_import_questions(database_url(get_settings()), directory))
    except BankError as e:
        raise _fail(f"error: {e}") from e
    except psycopg.Error as e:
        if _database_failure(e) is not None:
            raise  # unreachable or failing: said as for every command
        raise _fail(
            f"error: the database refused the import, nothing was imported: {e.diag.message_primary}"
        ) from e
    typer.echo(f"imported {n} question(s) from {directory}")


@orgs_app.command("create")
def orgs_create(name: Annotated[str, typer.Option("--name", help="Organisation name")]) -> None:
    """Create an organisation and print its API key once, on its own line."""
    from api.db.orgs_repo import create_org
    from api.db.pool import connection
    from api.schemas import has_visible_name, one_line

    line = one_line(name)  # as the API keeps an organisation's name (shown to candidates)
    if not has_visible_name(line) or len(line) > 200:
        raise _fail("error: --name must be 1 to 200 characters, one of them a letter or digit")

    async def run() -> tuple[str, str]:
        pool = await _open_pool(database_url(get_settings()))
        try:
            async with connection(pool) as conn:
                org_id, key = await create_org(conn, line)
                return str(org_id), key
        finally:
            await pool.close()

    org_id, key = asyncio.run(run())
    typer.echo(f"created organisation {org_id}; its API key, shown once, is on the next line")
    typer.echo(key)


async def _with_conn(work: Any) -> Any:
    """Run `work(conn)` on one connection to the database (DATABASE_URL, or the embedded one)."""
    from api.db.pool import connection

    pool = await _open_pool(database_url(get_settings()))
    try:
        async with connection(pool) as conn:
            return await work(conn)
    finally:
        await pool.close()


async def _org_id(conn: Any, slug: str) -> Any:
    from api.db.orgs_repo import get_org_by_slug

    org = await get_org_by_slug(conn, slug)
    if org is None:
        raise _fail(f"error: no organisation with the slug {slug!r}")
    return org["id"]


def _key_line(row: dict[str, Any]) -> str:
    def at(value: Any) -> str:
        return value.isoformat(timespec="seconds") if value is not None else "-"

    state = f"revoked {at(row['revoked_at'])}" if row["revoked_at"] is not None else "active"
    return (
        f"{row['id']}  {row['prefix']}…  {state:<34}  created {at(row['created_at'])}  "
        f"last used {at(row['last_used_at'])}  {row['name'] or ''}".rstrip()
    )


@keys_app.command("create")
def orgs_keys_create(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug")],
    name: Annotated[str | None, typer.Option("--name", help="A label for the key")] = None,
) -> None:
    """Issue another API key for the organisation and print it once, on its own line (its other keys keep working;
    at most 20 active)."""
    from api import api_keys
    from api.errors import ApiError

    if name is not None and (not name.strip() or len(name) > api_keys.NAME_MAX or not name.isprintable()):
        raise _fail(f"error: --name must be 1 to {api_keys.NAME_MAX} printable characters")

    async def work(conn: Any) -> tuple[dict[str, Any], str]:
        return await api_keys.issue(conn, await _org_id(conn, org), name.strip() if name else None)

    try:
        row, key = asyncio.run(_with_conn(work))
    except ApiError as e:
        raise _fail(f"error: {e.message}") from e
    typer.echo(f"created API key {row['id']} for {org}; the key, shown once, is on the next line")
    typer.echo(key)


@keys_app.command("list")
def orgs_keys_list(org: Annotated[str, typer.Option("--org", help="The organisation's slug")]) -> None:
    """The organisation's API keys, newest first (the 100 newest): id, prefix, state, dates, name. Never a key."""
    from api.db import api_keys_repo

    async def work(conn: Any) -> list[dict[str, Any]]:
        return await api_keys_repo.list_keys(conn, await _org_id(conn, org), 100)

    for row in asyncio.run(_with_conn(work)):
        typer.echo(_key_line(row))


@keys_app.command("revoke")
def orgs_keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (from `keys list`)")]) -> None:
    """Revoke an API key at once, on every replica. Unlike DELETE /v1/api-keys/{id}, this may revoke an
    organisation's last active key: the operator's recovery path when it leaked (create a new one first, with
    `keys create`, or the organisation has no way into the API until you do)."""
    from uuid import UUID

    from api import api_keys
    from api.db import api_keys_repo
    from api.errors import ApiError

    try:
        parsed = UUID(key_id)
    except ValueError as e:
        raise _fail(f"error: {key_id!r} is not a key id") from e

    async def work(conn: Any) -> tuple[dict[str, Any], int]:
        row = await api_keys.revoke(conn, parsed, None, allow_last=True)
        return row, await api_keys_repo.count_active(conn, row["organization_id"])

    try:
        row, active = asyncio.run(_with_conn(work))
    except ApiError as e:
        raise _fail(f"error: {e.message}") from e
    typer.echo(f"revoked {_key_line(row)}")
    if active == 0:
        typer.secho(
            "warning: the organisation has no active API key left; issue one with `shadows orgs keys create`",
            fg=typer.colors.YELLOW,
            err=True,
        )


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
        raise _fail(f"error: {e}") from e


async def _regrade(
    url: str, session_id: str, wait: bool, timeout_s: float
) -> tuple[int, dict[str, Any] | None]:
    from api.db import scorecards_repo
    from api.db.pool import connection
    from api.jobs.grading import request_regrade

    pool = await _open_pool(url)
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
        raise _fail(f"error: {e.message}") from e
    if not wait:
        return
    if row is None:
        raise _fail(f"error: version {version} disappeared (was the session deleted?)")
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
        pool = await _open_pool(database_url(settings))
        try:
            async with connection(pool) as conn:
                return await share_links.mint(conn, settings, session_id, expires_in_days=days, capped=True)
        finally:
            await pool.close()

    try:
        link = asyncio.run(run())
    except ApiError as e:
        raise _fail(f"error: {e.message}") from e
    typer.echo(f"report of {session_id}, until {link.expires_at.isoformat()}:")
    typer.echo(link.report_url)


def _serve(settings: ApiSettings, host: str, port: int, workers: int = 1) -> None:
    # Imported here so that `shadows --help` and the database commands start quickly.
    import uvicorn

    from api.app import create_app
    from api.logs import configure_logging
    from api.server_options import uvicorn_options

    configure_logging(json_lines=settings.log_json)  # the supervising process logs too (worker start/stop)
    options = uvicorn_options(settings)
    if workers > 1:
        if not settings.redis_url:
            typer.echo(
                f"warning: {workers} worker processes without SHADOWS_API_REDIS_URL: each holds its own rate limits "
                f"in memory, so a client gets up to {workers} times each limit (set it for shared limits)",
                err=True,
            )
        # Each worker process builds its own app (and judge pool) from the environment.
        if settings.database_url:
            export_database_url(settings.database_url)
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            **options,
        )
        return
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", **options)


@app.command("api")
def api(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each with its own judge pool)")
    ] = 1,
) -> None:
    """Serve the API."""
    settings = get_settings()
    settings = settings.model_copy(update={"database_url": database_url(settings)})
    _serve(settings, host or settings.host, port or settings.port, workers)


@app.command("dev")
def dev() -> None:
    """Local development: embedded Postgres (unless DATABASE_URL is set), migrations, the question bank, the API
    and a job worker (and the agent worker when LiveKit and its keys are there). On exit it stops what it started,
    the embedded Postgres included (one that was already running is left running; its data stays)."""
    settings = get_settings()
    embedded = None if settings.database_url else EmbeddedPostgres(settings.data_dir / "postgres")
    started_here = embedded is not None and not embedded.running()
    try:
        _dev(settings, database_url(settings))
    finally:
        if started_here and embedded is not None:
            try:
                embedded.stop()
                typer.echo(f"PostgreSQL stopped (its data stays in {embedded.root})")
            except EmbeddedPostgresError as e:  # said, not raised over whatever ended `dev`
                typer.echo(f"PostgreSQL was not stopped: {e}", err=True)


def _dev(settings: ApiSettings, url: str) -> None:
    from api.devcheck import report_dependencies, start_agent_worker, start_job_worker, stop_job_worker

    try:
        applied = asyncio.run(migrate(url, progress=lambda line: typer.echo(line, err=True)))
    except MigrationError as e:
        raise _fail(str(e)) from e
    typer.echo(f"database ready ({len(applied)} migration(s) applied)")
    try:
        n = asyncio.run(_import_questions(url, settings.questions_dir))
    except BankError as e:
        raise _fail(f"error: {e}") from e
    typer.echo(f"question bank loaded ({n} questions)")
    livekit_ok = report_dependencies(settings)
    worker = start_agent_worker(settings) if livekit_ok else None
    jobs = start_job_worker(url)
    typer.echo(f"API on http://{settings.host}:{settings.port}  (OpenAPI at /docs; join links at /join)")
    try:
        _serve(
            settings.model_copy(update={"database_url": url, "log_json": False}), settings.host, settings.port
        )
    finally:
        stop_job_worker(jobs)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


@judge_app.command("serve")
def judge_serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default SHADOWS_JUDGE_SERVE_HOST)")] = None,
    port: Annotated[
        int | None,
        typer.Option(min=0, max=65535, help="Port (default SHADOWS_JUDGE_SERVE_PORT; 0: any free one)"),
    ] = None,
) -> None:
    """Serve the judge over HTTP for API processes whose SHADOWS_JUDGE_BACKEND is `remote`. Reads SHADOWS_JUDGE_*
    only (no database): the sandbox's limits and pool, the token or mTLS files, the request bounds."""
    from judge.errors import JudgeConfigurationError
    from judge.serve import serve
    from judge.settings import get_settings as get_judge_settings

    try:
        serve(get_judge_settings(), host=host, port=port)
    except JudgeConfigurationError as e:
        raise _fail(f"error: {e}") from e


def main() -> None:
    app()
