"""Liveness, readiness (the database answers with this release's schema, and the shared rate-limit store when one is
set) and Prometheus metrics."""

from __future__ import annotations

import functools
import secrets

import psycopg
from fastapi import APIRouter, Request, Response
from limits.errors import StorageError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.db.migrate import MigrationError, discover
from api.db.pool import Conn, connection
from api.errors import ServiceUnavailableError, UnauthorizedError
from api.openapi_errors import error_responses
from api.ops_metrics import DatabaseGauges
from api.ratelimits import RateLimits
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
    `client_run_id`). Checked until it holds once (a schema does not go back)."""
    try:
        async with connection(request.app.state.pool) as conn:
            await conn.execute("select 1")
            if not getattr(request.app.state, "schema_current", False):
                request.app.state.schema_current = await _schema_current(conn)
    except ServiceUnavailableError as e:
        raise ServiceUnavailableError("The database is not reachable.", code="not_ready") from e
    if not request.app.state.schema_current:
        raise ServiceUnavailableError(
            "The database's schema is older than this release: run `shadows db migrate`.", code="not_ready"
        )
    if not await _store_answers(request.app.state.ratelimits):
        raise ServiceUnavailableError("The rate-limit store (Redis) is not reachable.", code="not_ready")
    return {"status": "ready"}


@functools.cache
def _newest_shipped() -> str | None:
    """The newest migration this release ships (supabase/migrations), or None where none is shipped with it."""
    try:
        shipped = discover()
    except (OSError, MigrationError):
        return None
    return shipped[-1].version if shipped else None


async def _schema_current(conn: Conn) -> bool:
    """The newest migration this release ships is applied (a database a newer release migrated further is too)."""
    newest = _newest_shipped()
    if newest is None:
        return True
    try:
        cur = await conn.execute(
            "select exists (select from supabase_migrations.schema_migrations where version = %s) as applied",
            (newest,),
        )
    except psycopg.errors.UndefinedTable:  # never migrated
        return False
    row = await cur.fetchone()
    return bool(row and row["applied"])


async def _store_answers(ratelimits: RateLimits) -> bool:
    try:
        return await ratelimits.storage.check()  # Redis: a PING, bounded by its socket timeouts; memory: True
    except StorageError:
        return False


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
