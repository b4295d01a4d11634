"""Liveness, readiness (the database answers with this release's schema, and the shared rate-limit store when one is
set) and Prometheus metrics."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.errors import ServiceUnavailableError, UnauthorizedError
from api.openapi_errors import error_responses
from api.ops_metrics import DatabaseGauges
from api.readiness import Readiness
from api.settings import ApiSettings

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def read_health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses=error_responses(503))
async def read_readiness(request: Request) -> dict[str, str]:
    """Ready when this process can serve: the database answers and, with SHADOWS_API_REDIS_URL set, Redis answers a
    PING within SHADOWS_API_REDIS_TIMEOUT_S. Every rate-limited route (runs, session creation, report reads, failed
    credential lookups) answers 503 without Redis, never unlimited (api.ratelimits), so a replica cut off from it is
    taken out of rotation like one cut off from the database. Without SHADOWS_API_REDIS_URL the counters are in
    memory and always there.

    Not ready either while the newest migration this release ships is not applied: a replica started before
    `shadows db migrate` ran would answer every request that writes a new column with a 500 (a run's
    `client_run_id`). Checked until it holds once (a schema does not go back). Requests that arrive together share
    one check, on one pooled connection (api/readiness.py). The database and Redis are asked at once, each up to
    SHADOWS_API_READYZ_TIMEOUT_S, and the 503 names each that did not answer."""
    readiness: Readiness = request.app.state.readiness
    problem = await readiness.problem(request.app.state.pool, request.app.state.ratelimits)
    if problem is not None:
        raise ServiceUnavailableError(problem, code="not_ready")
    return {"status": "ready"}


def _check_metrics_token(request: Request, settings: ApiSettings) -> None:
    if settings.metrics_token is None:
        return
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    expected = settings.metrics_token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip().encode(), expected):
        raise UnauthorizedError("A metrics token is required.", code="invalid_token")


@router.get("/metrics", include_in_schema=False)
async def read_metrics(request: Request) -> Response:
    """Prometheus exposition; with SHADOWS_API_METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    _check_metrics_token(request, request.app.state.settings)
    # Queue depth, grading lag, interviews in progress and grading usage live in Postgres.
    gauges: DatabaseGauges = request.app.state.database_gauges
    await gauges.refresh(request.app.state.pool)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
