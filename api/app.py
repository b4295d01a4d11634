"""The FastAPI application: lifespan (database pool, judge), middleware, error rendering and routers."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from api.body_credentials import CredentialedBodyMiddleware
from api.db.pool import create_pool
from api.embed_origins import public_suffixes
from api.error_rendering import UnexpectedErrorMiddleware, install_error_handlers
from api.export_slots import ArtifactsBusy, ExportSlots
from api.forwarded import ForwardedClientMiddleware
from api.integrations import ashby, greenhouse
from api.jobs.logs import route_queue_logs
from api.json_guard import JsonTextMiddleware
from api.judging import LazyJudge
from api.logs import configure_logging
from api.middleware import (
    ALREADY_COMPRESSED,
    BodyLimitMiddleware,
    HeaderLimitMiddleware,
    MetricsMiddleware,
    NoStoreByDefaultMiddleware,
)
from api.openapi_doc import install_docs
from api.ops_metrics import DatabaseGauges
from api.org_slots import OrgSlots
from api.path_guard import PlainPathMiddleware
from api.pdf import PdfRenderer
from api.pdf_text import ResumeParser
from api.question_cache import QuestionCache
from api.ratelimits import RateLimits
from api.readiness import Readiness
from api.routers import (
    analytics,
    api_keys,
    ats_callbacks,
    custom_runs,
    drafts,
    health,
    history,
    integration_keys,
    integrity,
    internal,
    interviews,
    join,
    legal_holds,
    livekit_webhook,
    organizations,
    practice,
    questions,
    reports,
    runs,
    scorecards,
    session_data,
    sessions,
    shares,
    webhook_endpoints,
)
from api.run_admission import RunAdmission
from api.run_flow import RunServices
from api.settings import ApiSettings, get_settings
from api.storage import open_storage
from api.tracing import instrument_app, instrument_connection, tracer_provider
from api.web import mount_web
from api.web_assets import WebAssets
from judge.settings import JudgeSettings
from judge.settings import get_settings as get_judge_settings

log = structlog.get_logger(__name__)


def create_app(settings: ApiSettings | None = None, judge_settings: JudgeSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    judge = LazyJudge(judge_settings or get_judge_settings())
    configure_logging(json_lines=settings.log_json)
    tracing = tracer_provider(settings)  # None unless an OTLP endpoint is configured
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
            on_connect=(lambda conn: instrument_connection(conn, tracing)) if tracing else None,
            lock_timeout_s=settings.db_lock_timeout_s,
            statement_timeout_s=settings.db_statement_timeout_s,
        )
        await pool.open(wait=False)
        await asyncio.to_thread(public_suffixes)  # parsed once here, not on the first request's event loop
        app.state.pool = pool
        app.state.judge = judge
        app.state.storage = open_storage(settings)
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
            questions=app.state.questions,
        )
        # Everything built so far (routes, schemas, templates, settings) lives as long as the process: move it out of
        # the collector's generations, so that a full collection walks only what requests allocate.
        if settings.gc_freeze_on_start:
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            if settings.gc_freeze_on_start:
                gc.unfreeze()  # an app that stops in a process that goes on (reloads) leaves nothing frozen
            await app.state.storage.aclose()
            await judge.aclose()
            await pool.close()
            if tracing is not None:
                await asyncio.to_thread(tracing.shutdown)  # exports what is buffered, off the event loop

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
        openapi_url=None,  # served by api/openapi_doc.py: public, or complete for the internal service token
        # A path with a trailing slash is a 404, not a redirect: Starlette builds that redirect from the Host header
        # (and the scheme the server saw), so it sent a client's POST, body and key included, wherever a spoofed
        # Host or a cache keyed without it said, and over plain http behind a TLS proxy.
        redirect_slashes=False,
        # A body with no Content-Type is read as JSON, as `POST /v1/sessions` and Greenhouse's routes always read it
        # (a client that forgot the header, `curl --data-binary`): FastAPI's default since 0.165 handed the route the
        # raw bytes, a 422 "Input should be a valid dictionary" for a well-formed body. A body labelled as something
        # else than JSON is 415 `unsupported_media_type` (api.error_rendering). No route reads an ambient credential
        # (a cookie): a request a page elsewhere sends unlabelled carries nothing it could not carry labelled.
        strict_content_type=False,
        # FastAPI's own OpenTelemetry layer is off: the API's traces come from api/tracing.py (the instrumentors,
        # with their header and query hygiene), and only when an OTLP endpoint is configured. Left on, FastAPI
        # asked the global providers on every request whether anything was configured, and would record exception
        # messages (which can quote request data) as log records wherever a global logger provider appeared.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.questions = QuestionCache()
    app.state.ratelimits = ratelimits
    app.state.database_gauges = DatabaseGauges()
    app.state.readiness = Readiness(settings.readyz_timeout_s)  # /readyz: one bounded check at a time, shared
    app.state.resume_parser = ResumeParser(settings)
    install_error_handlers(app)
    app.state.web_assets = WebAssets(settings.web_dir)
    app.state.exports = ExportSlots(
        capacity=settings.export_concurrency,
        per_org=settings.export_per_org,
        hold_s=settings.export_hold_s,
        stall_s=settings.export_stall_s,
    )
    app.state.artifact_slots = ExportSlots(
        capacity=settings.artifact_download_concurrency,
        per_org=settings.artifact_download_per_org,
        hold_s=settings.export_hold_s,
        stall_s=settings.export_stall_s,
        busy=ArtifactsBusy,
        what="artifact downloads",
    )
    app.state.analytics_slots = OrgSlots(
        capacity=settings.analytics_concurrency,
        per_org=settings.analytics_per_org,
        code="analytics_busy",
        what="analytics requests",
    )
    app.state.pdf = PdfRenderer(
        settings.chromium_bin,
        timeout_s=settings.pdf_timeout_s,
        concurrency=settings.pdf_concurrency,
        max_waiting=settings.pdf_queue_max,
        per_tenant=settings.pdf_queue_per_tenant,
        wait_s=settings.pdf_queue_wait_s,
    )
    for router in (
        # Routes are matched in this order, router by router: the candidate page's join, the most frequent call,
        # comes first (its two paths are fixed, so no route after it could have matched them).
        join.router,
        health.router,
        history.router,  # before sessions: /v1/sessions/export is not a session id
        sessions.router,
        practice.router,
        livekit_webhook.router,
        internal.router,
        runs.router,
        custom_runs.router,
        interviews.router,
        drafts.router,
        integrity.router,
        organizations.router,
        api_keys.router,
        questions.router,
        scorecards.router,
        shares.router,
        legal_holds.router,
        reports.router,
        analytics.router,
        session_data.router,
        webhook_endpoints.router,
        integration_keys.router,
        ats_callbacks.router,
        ats_callbacks.org_router,
        greenhouse.router,
        ashby.router,
    ):
        app.include_router(router)
    install_docs(app)
    mount_web(app, settings)
    # A multipart session request carries the résumé PDF, the JSON payload and form overhead.
    upload_cap = settings.max_resume_bytes + settings.max_body_bytes
    # Outermost last: the client's address > no-store by default > metrics (counts everything) > unexpected errors
    # > head cap > a plain path > body cap and Content-Type > a large body only for a credential > JSON text.
    app.add_middleware(JsonTextMiddleware)
    # Every JSON body is parsed before the route authenticates its caller: past the anonymous cap, not from a
    # stranger (api/body_credentials.py).
    app.add_middleware(CredentialedBodyMiddleware, anonymous_bytes=settings.max_public_body_bytes)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        multipart_caps={("POST", "/v1/sessions"): upload_cap},
        # No credential needed: an anonymous body is read (and parsed twice) before anything refuses it.
        route_caps={
            ("POST", path): settings.max_public_body_bytes
            for path in ("/v1/join", "/v1/livekit/token", "/v1/practice")
        },
    )
    # A path that a proxy in front could read as another path (an escape, `\\`, `;`, a dot segment) is 404 before
    # anything routes it (api/path_guard.py).
    app.add_middleware(PlainPathMiddleware)
    app.add_middleware(HeaderLimitMiddleware, max_bytes=settings.max_header_bytes)
    # Compresses the page's assets and larger JSON for clients that accept gzip (Vary: Accept-Encoding); never a
    # body that is compressed already (a PDF, an image, an archive).
    app.add_middleware(
        GZipMiddleware, minimum_size=1024, compresslevel=6, exclude_content_types=ALREADY_COMPRESSED
    )
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(MetricsMiddleware)
    # Outermost but one: the early refusals (413, 431, 500) are no-store too.
    app.add_middleware(NoStoreByDefaultMiddleware)
    # Outermost: the client's address, which every rate limit keys on (a trusted proxy's X-Forwarded-For).
    app.add_middleware(ForwardedClientMiddleware, trusted=settings.forwarded_allow_ips)
    if tracing is not None:
        instrument_app(app, tracing)
    return app
