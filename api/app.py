"""The FastAPI application: lifespan (database pool, judge), middleware, error rendering and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.db.pool import create_pool
from api.errors import ApiError
from api.integrations import ashby, greenhouse
from api.jobs.logs import route_queue_logs
from api.judging import LazyJudge
from api.logs import configure_logging
from api.middleware import BodyLimitMiddleware, MetricsMiddleware
from api.pdf import PdfRenderer
from api.question_cache import QuestionCache
from api.routers import (
    analytics,
    health,
    history,
    integration_keys,
    internal,
    join,
    livekit_webhook,
    practice,
    reports,
    runs,
    scorecards,
    session_data,
    sessions,
    shares,
    webhook_endpoints,
)
from api.settings import ApiSettings, get_settings
from api.storage import open_storage
from api.web_assets import WebAssets
from judge.settings import JudgeSettings
from judge.settings import get_settings as get_judge_settings

log = structlog.get_logger(__name__)


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"Retry-After": "1"} if exc.retryable else None
    return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, headers=headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body",)]
    field = ".".join(loc) or "body"
    return JSONResponse(
        {
            **error_body("validation_error", f"{field}: {first.get('msg', 'invalid')}"),
            "fields": [
                {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "message": e.get("msg")}
                for e in errors[:20]
            ],
        },
        status_code=422,
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    message = {404: "Not found.", 405: "Method not allowed."}.get(exc.status_code, "Request failed.")
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled_error", error_type=type(exc).__name__)
    return JSONResponse(error_body("internal_error", "Internal error."), status_code=500)


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
        )
        await pool.open(wait=False)
        app.state.pool = pool
        app.state.judge = judge
        app.state.storage = open_storage(settings)
        try:
            yield
        finally:
            await app.state.storage.aclose()
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
    app.state.web_assets = WebAssets(settings.web_dir)
    app.state.pdf = PdfRenderer(
        settings.chromium_bin, timeout_s=settings.pdf_timeout_s, concurrency=settings.pdf_concurrency
    )
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    for router in (
        health.router,
        history.router,  # before sessions: /v1/sessions/export is not a session id
        sessions.router,
        join.router,
        practice.router,
        livekit_webhook.router,
        internal.router,
        runs.router,
        scorecards.router,
        shares.router,
        reports.router,
        analytics.router,
        session_data.router,
        webhook_endpoints.router,
        integration_keys.router,
        greenhouse.router,
        ashby.router,
    ):
        app.include_router(router)
    mount_web(app, settings)
    # A multipart session request carries the résumé PDF, the JSON payload and form overhead.
    upload_cap = settings.max_resume_bytes + settings.max_body_bytes
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        multipart_caps={("POST", "/v1/sessions"): upload_cap},
    )
    app.add_middleware(MetricsMiddleware)  # outermost: also counts the 413s the body limit sends
    return app
