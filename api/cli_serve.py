"""Running the system from the command line: the API (`shadows api`), local development (`shadows dev`), and the
judge as its own service (`shadows judge serve`)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from api.cli_database import database_url, fail, import_questions
from api.db.embedded import EmbeddedPostgres, EmbeddedPostgresError
from api.db.migrate import MigrationError, migrate
from api.settings import ApiSettings, export_database_url, get_settings
from judge.bank import BankError

judge_app = typer.Typer(help="The judge as its own service.", no_args_is_help=True)


def serve_api(settings: ApiSettings, host: str, port: int, workers: int = 1) -> None:
    """Serve the API with uvicorn: in this process, or in `workers` processes that each build their own app."""
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
    serve_api(settings, host or settings.host, port or settings.port, workers)


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
        raise fail(str(e)) from e
    typer.echo(f"database ready ({len(applied)} migration(s) applied)")
    try:
        n = asyncio.run(import_questions(url, settings.questions_dir))
    except BankError as e:
        raise fail(f"error: {e}") from e
    typer.echo(f"question bank loaded ({n} questions)")
    livekit_ok = report_dependencies(settings)
    worker = start_agent_worker(settings) if livekit_ok else None
    jobs = start_job_worker(url)
    typer.echo(f"API on http://{settings.host}:{settings.port}  (OpenAPI at /docs; join links at /join)")
    try:
        serve_api(
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
        raise fail(f"error: {e}") from e
