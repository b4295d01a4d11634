"""Liveness, readiness (the database answers) and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.db.pool import connection
from api.errors import ServiceUnavailableError
from api.jobs.metrics import refresh_queue_metrics
from api.openapi_errors import error_responses

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def read_health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses=error_responses(503))
async def read_readiness(request: Request) -> dict[str, str]:
    try:
        async with connection(request.app.state.pool) as conn:
            await conn.execute("select 1")
    except ServiceUnavailableError as e:
        raise ServiceUnavailableError("The database is not reachable.", code="not_ready") from e
    return {"status": "ready"}


@router.get("/metrics", include_in_schema=False)
async def read_metrics(request: Request) -> Response:
    await refresh_queue_metrics(request.app.state.pool)  # queue depth and grading lag live in Postgres
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
