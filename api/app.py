"""The FastAPI application: lifespan (database pool, judge), middleware, error rendering and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from api.db.pool import create_pool
from api.errors import ApiError
from api.integrations import ashby, greenhouse
from api.jobs.logs import route_queue_logs
from api.judging import LazyJudge
from api.logs import configure_logging
from api.middleware import BodyLimitMiddleware, MetricsMiddleware
from api.openapi_doc import install_docs
from api.question_cache import QuestionCache
from api.routers import (
    custom_runs,
    drafts,
    health,
    integration_keys,
    integrity,
    internal,
    interviews,
    join,
    livekit_webhook,
    organizations,
    practice,
    questions,
    runs,
    scorecards,
    sessions,
    shares,
    webhook_endpoints,
)
from api.settings import ApiSettings, get_settings
from api.web import mount_web
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
        try:
            yield
        finally:
            await judge.aclose()
            await pool.close()

    app = FastAPI(
        title="Shadows API",
        version="0.1.0",
        description=(
            "Schedule AI phone screens and read their results (organisation API key), and the candidate page's "
            "own routes (invite). Swagger UI at /docs and ReDoc at /redoc work offline."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.questions = QuestionCache()
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    for router in (
        health.router,
        sessions.router,
        join.router,
        practice.router,
        livekit_webhook.router,
        internal.router,
        runs.router,
        custom_runs.router,
        interviews.router,
        drafts.router,
        integrity.router,
        organizations.router,
        questions.router,
        scorecards.router,
        shares.router,
        webhook_endpoints.router,
        integration_keys.router,
        greenhouse.router,
        ashby.router,
    ):
        app.include_router(router)
    install_docs(app)
    mount_web(app, settings)
    # A multipart session request carries the résumé PDF, the JSON payload and form overhead.
    upload_cap = settings.max_resume_bytes + settings.max_body_bytes
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        multipart_caps={("POST", "/v1/sessions"): upload_cap},
    )
    # Compresses the page's assets and larger JSON for clients that accept gzip (Vary: Accept-Encoding).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(MetricsMiddleware)  # outermost: also counts the 413s the body limit sends
    return app
