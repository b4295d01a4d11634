"""The `shadows` command line: database, question bank, organisations, and running the system."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import psycopg
import typer

from api.db.embedded import EmbeddedPostgres
from api.db.migrate import MigrationError, migrate
from api.settings import ApiSettings, export_database_url, get_settings
from judge.bank import BankError, load_bank

app = typer.Typer(help="Shadows: AI technical phone screens.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
questions_app = typer.Typer(help="The question bank.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations and their API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(questions_app, name="questions")
app.add_typer(orgs_app, name="orgs")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


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
    from api.db.pool import connection, create_pool  # keeps `shadows --help` light
    from api.db.questions_repo import upsert_bank

    questions = load_bank(directory)
    pool = create_pool(url, min_size=1, max_size=1)
    await pool.open()
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
        applied = asyncio.run(migrate(url))
    except MigrationError as e:
        raise _fail(str(e)) from e
    typer.echo(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))


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
        raise _fail(
            f"error: the database refused the import, nothing was imported: {e.diag.message_primary}"
        ) from e
    typer.echo(f"imported {n} question(s) from {directory}")


@orgs_app.command("create")
def orgs_create(name: Annotated[str, typer.Option("--name", help="Organisation name")]) -> None:
    """Create an organisation and print its API key once, on its own line."""
    from api.db.orgs_repo import create_org
    from api.db.pool import connection, create_pool

    if not name.strip() or len(name) > 200:
        raise _fail("error: --name must be 1 to 200 characters")

    async def run() -> tuple[str, str]:
        pool = create_pool(database_url(get_settings()), min_size=1, max_size=1)
        await pool.open()
        try:
            async with connection(pool) as conn:
                org_id, key = await create_org(conn, name.strip())
                return str(org_id), key
        finally:
            await pool.close()

    org_id, key = asyncio.run(run())
    typer.echo(f"created organisation {org_id}; its API key, shown once, is on the next line")
    typer.echo(key)


def _serve(settings: ApiSettings, host: str, port: int, workers: int = 1) -> None:
    # Imported here so that `shadows --help` and the database commands start quickly.
    import uvicorn

    from api.app import create_app
    from api.logs import configure_logging
    from api.server_options import uvicorn_options

    configure_logging(json_lines=settings.log_json)  # the supervising process logs too (worker start/stop)
    options = uvicorn_options(settings)
    if workers > 1:
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
    """Local development: embedded Postgres (unless DATABASE_URL is set), migrations, the question bank, the API."""
    from api.devcheck import report_dependencies, start_agent_worker

    settings = get_settings()
    url = database_url(settings)
    applied = asyncio.run(migrate(url))
    typer.echo(f"database ready ({len(applied)} migration(s) applied)")
    try:
        n = asyncio.run(_import_questions(url, settings.questions_dir))
    except BankError as e:
        raise _fail(f"error: {e}") from e
    typer.echo(f"question bank loaded ({n} questions)")
    livekit_ok = report_dependencies(settings)
    worker = start_agent_worker(settings) if livekit_ok else None
    typer.echo(f"API on http://{settings.host}:{settings.port}  (OpenAPI at /docs; join links at /join)")
    try:
        _serve(
            settings.model_copy(update={"database_url": url, "log_json": False}), settings.host, settings.port
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def main() -> None:
    app()
