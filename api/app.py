"""The FastAPI application: lifespan (database pool, judge), middleware, error rendering and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.db.pool import create_pool
from api.error_rendering import UnexpectedErrorMiddleware, install_error_handlers
from api.integrations import ashby, greenhouse
from api.jobs.logs import route_queue_logs
from api.json_guard import JsonTextMiddleware
from api.judging import LazyJudge
from api.logs import configure_logging
from api.middleware import BodyLimitMiddleware, HeaderLimitMiddleware, MetricsMiddleware
from api.openapi_errors import use_error_body_for_validation
from api.pdf_text import ResumeParser
from api.question_cache import QuestionCache
from api.ratelimits import RateLimits
from api.routers import (
    health,
    integration_keys,
    internal,
    join,
    livekit_webhook,
    practice,
    runs,
    scorecards,
    sessions,
    shares,
    webhook_endpoints,
)
from api.run_admission import RunAdmission
from api.run_flow import RunServices
from api.settings import ApiSettings, get_settings
from judge.settings import JudgeSettings
from judge.settings import get_settings as get_judge_settings

log = structlog.get_logger(__name__)


class ImmutableStaticFiles(StaticFiles):
    """Vite's asset names carry content hashes, so browsers may cache them forever."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def mount_web(app: FastAPI, settings: ApiSettings) -> None:
    """The candidate web client (built by scripts/build-web.sh into web/dist): `/join` and its assets."""
    index = settings.web_dir / "index.html"
    if not index.is_file():
        log.warning("web.not_built", web_dir=str(settings.web_dir))
        return
    if (settings.web_dir / "assets").is_dir():
        app.mount("/assets", ImmutableStaticFiles(directory=settings.web_dir / "assets"), name="assets")

    @app.get("/join", include_in_schema=False)
    async def join_page() -> FileResponse:
        # The invite travels in the URL fragment, which browsers never send; no-referrer keeps it off other sites.
        return FileResponse(index, headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/docs")


def create_app(settings: ApiSettings | None = None, judge_settings: JudgeSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    judge = LazyJudge(judge_settings or get_judge_settings())
    configure_logging(json_lines=settings.log_json)
    route_queue_logs()  # procrastinate logs job arguments; ours never do
    ratelimits = RateLimits.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.database_url:
            raise RuntimeError(
                "DATABASE_URL is not set (`shadows dev` starts a local PostgreSQL and sets it)"
            )
        pool = create_pool(
            settings.database_url,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
            prepared=settings.db_prepared_statements,
            timeout_s=settings.db_pool_timeout_s,
            max_waiting=settings.db_pool_max_waiting,
        )
        await pool.open(wait=False)
        app.state.pool = pool
        app.state.judge = judge
        app.state.runs = RunServices(
            pool=pool,
            judge=judge,
            admission=RunAdmission(
                capacity=settings.run_concurrency or judge.settings.slots,
                max_waiting=settings.run_queue_max,
                max_per_tenant=settings.run_queue_per_tenant,
                wait_s=settings.run_queue_wait_s,
            ),
            ratelimits=ratelimits,
            settings=settings,
        )
        try:
            yield
        finally:
            await judge.aclose()
            await pool.close()

    app = FastAPI(
        title="Shadows API",
        version="0.1.0",
        description="Sessions, candidate room tokens, LiveKit webhooks and the agent's internal API.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.questions = QuestionCache()
    app.state.ratelimits = ratelimits
    app.state.resume_parser = ResumeParser(settings)
    install_error_handlers(app)
    use_error_body_for_validation(app)
    for router in (
        health.router,
        sessions.router,
        join.router,
        practice.router,
        livekit_webhook.router,
        internal.router,
        runs.router,
        scorecards.router,
        shares.router,
        webhook_endpoints.router,
        integration_keys.router,
        greenhouse.router,
        ashby.router,
    ):
        app.include_router(router)
    mount_web(app, settings)
    # A multipart session request carries the résumé PDF, the JSON payload and form overhead.
    upload_cap = settings.max_resume_bytes + settings.max_body_bytes
    # Outermost last: metrics (counts everything) > unexpected errors > head cap > body cap and Content-Type >
    # JSON text.
    app.add_middleware(JsonTextMiddleware)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        multipart_caps={("POST", "/v1/sessions"): upload_cap},
    )
    app.add_middleware(HeaderLimitMiddleware, max_bytes=settings.max_header_bytes)
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(MetricsMiddleware)
    return app
