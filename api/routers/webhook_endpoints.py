"""Organisation routes for outgoing webhooks: endpoints (create, list, read, update, delete, rotate the secret) and
each endpoint's delivery log with replay. Contract and payloads: docs/integrations.md.

A write that resolves a URL's host (a create, an update with a `url`) is counted per organisation first
(`SHADOWS_API_WEBHOOK_ENDPOINT_RATE_LIMIT`, in the app's rate-limit store, shared through Redis when configured):
each is a DNS lookup by the API's resolver, and a loop of them was an unbounded stream of lookups for one
organisation. Past the limit, 429 `rate_limited` with Retry-After, before the lookup."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api import egress
from api.api_keys import hold_caller
from api.db import outbound_leases_repo, webhooks_repo
from api.db.pool import connection
from api.deps import BriefOrgCaller, DbConn, OrgCaller, Settings
from api.errors import BadRequestError, ConflictError, NotFoundError, UnprocessableError
from api.openapi_errors import BODY, DB, error_responses
from api.org_limits import count_webhook_endpoint_write
from api.sealing import sealer
from api.settings import ApiSettings
from api.webhooks.events import EventType
from api.webhooks.signing import new_secret

router = APIRouter(prefix="/v1/webhook-endpoints", tags=["webhooks"])

ROTATION_OVERLAP_S = 24 * 3600  # the previous secret keeps signing this long after a rotation
# Each replay is requests to the endpoint (a fresh retry schedule) and a job row kept: a replay loop (wait until
# delivered, replay) cannot go on without end. Counted per delivery, not per endpoint: after an outage an
# integrator replays every failed delivery once its receiver is fixed, and rarely one delivery more than a few
# times; the deliveries themselves are bounded by the organisation's events.
MAX_REPLAYS_PER_DELIVERY = 10
DeliveryStatus = Literal["pending", "delivered", "failed"]


class TooManyReplaysError(ConflictError):
    code = "too_many_replays"


class EndpointIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://ats.example.com/hooks/shadows",
                    "event_types": ["session.completed", "scorecard.ready"],
                }
            ]
        },
    )

    url: str = Field(min_length=1, max_length=egress.MAX_URL_CHARS)
    event_types: list[EventType] = Field(min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=200)

    @field_validator("event_types")
    @classmethod
    def _unique(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else list(dict.fromkeys(v))  # None: a patch that leaves them as they are

    @field_validator("description")
    @classmethod
    def _text(cls, v: str | None) -> str | None:
        if v is not None and "\x00" in v:
            raise ValueError("must not contain the NUL character (U+0000)")
        return v


class EndpointPatch(EndpointIn):
    """Only the fields given change; `"description": null` clears it; `"enabled": true` re-enables an endpoint
    that a 410 disabled."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"enabled": True}]})

    url: str | None = Field(default=None, min_length=1, max_length=egress.MAX_URL_CHARS)  # type: ignore[assignment]  # optional in a patch
    event_types: list[EventType] | None = Field(default=None, min_length=1, max_length=20)  # type: ignore[assignment]  # optional in a patch
    enabled: bool | None = None


class EndpointOut(BaseModel):
    id: UUID
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None = Field(
        description="`gone` (the receiver answered 410) or `disabled_by_organization`"
    )
    disabled_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(
        description="Until then a secret retired by a rotation also signs"
    )
    created_at: datetime
    updated_at: datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(description="The signing secret (Standard Webhooks `whsec_...`). Shown only here.")


class EndpointList(BaseModel):
    data: list[EndpointOut]


class SecretRotated(BaseModel):
    id: UUID
    secret: str = Field(description="The new signing secret. Shown only here.")
    previous_secret_expires_at: datetime


class DeliveryOut(BaseModel):
    id: UUID
    message_id: str = Field(
        description="The `webhook-id` header: the same on every attempt and every endpoint"
    )
    event_type: str
    session_id: str | None
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None = Field(
        description="`http_status`, `timeout`, `connection_failed`, `address_not_allowed`, `endpoint_disabled`, ..."
    )
    last_response: str | None = Field(
        description="The start of the receiver's last answer (at most 1024 chars)"
    )
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]
    replays: int = Field(description=f"How many times it was replayed (at most {MAX_REPLAYS_PER_DELIVERY})")


class DeliveryPage(BaseModel):
    data: list[DeliveryOut]
    next_cursor: str | None


def _id(raw: str, what: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError as e:
        raise NotFoundError(f"{what.capitalize()} not found.", code=f"{what}_not_found") from e


async def _count_url_write(request: Request, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one write that resolves a URL's host in the app's store (shared by every replica when Redis is
    configured); RateLimitedError (`rate_limited`) past the organisation's limit."""
    await count_webhook_endpoint_write(request.app.state.ratelimits, settings, organization_id)


async def _checked_url(request: Request, settings: ApiSettings, organization_id: UUID, url: str) -> str:
    """The URL as it was checked and as the request will go (scheme and host in lower case, the host in IDNA, the
    path and query percent-encoded): what is stored. Stored as sent, a scheme in capitals passed the check and
    failed the column's (`^https?://`), and an encoded URL may be longer than the one sent. Counted against the
    organisation's limit before anything is looked up (`_count_url_write`)."""
    await _count_url_write(request, settings, organization_id)
    try:
        target = await egress.check_url_within(
            url, guard=settings.egress_guard, timeout_s=settings.webhook_timeout_s
        )
        url_as_sent = egress.dns_host(target.url)  # one name: "hooks.example.com." is "hooks.example.com"
    except egress.UrlRefusedError as e:
        raise UnprocessableError(f"url: {e.message}", code=e.code) from e
    canonical = str(url_as_sent)
    if len(canonical) > egress.MAX_URL_CHARS:
        raise UnprocessableError(
            f"url: longer than {egress.MAX_URL_CHARS} characters once percent-encoded.", code="invalid_url"
        )
    return canonical


async def _endpoint(conn: DbConn, org: OrgCaller, endpoint_id: str) -> dict[str, Any]:
    row = await webhooks_repo.get_endpoint(conn, org.id, _id(endpoint_id, "endpoint"))
    if row is None:
        raise NotFoundError("Endpoint not found.", code="endpoint_not_found")
    return row


def _delivery(row: dict[str, Any]) -> DeliveryOut:
    return DeliveryOut(
        **{k: row[k] for k in DeliveryOut.model_fields if k != "next_attempt_at"},
        next_attempt_at=row["next_attempt_at"] if row["status"] == "pending" else None,
    )


@router.post(
    "", status_code=201, response_model=EndpointCreated, responses=error_responses(*BODY, *DB, 401, 409, 429)
)
async def create_webhook_endpoint(
    body: EndpointIn, org: BriefOrgCaller, request: Request, settings: Settings
) -> EndpointCreated:
    """Register a receiver. The response's `secret` is shown once: verify every delivery with it (Standard
    Webhooks). Outside local development the URL must be https on a public address."""
    # Counts, then resolves the URL's host: no connection is held meanwhile.
    url = await _checked_url(request, settings, org.id, body.url)
    secret = new_secret()
    async with connection(request.app.state.pool) as conn, conn.transaction():
        row = await webhooks_repo.create_endpoint(
            conn,
            org.id,
            url=url,
            event_types=list(body.event_types),
            description=body.description,
            secret_sealed=sealer(settings).seal(secret),
            cap=settings.webhook_max_endpoints,
        )
        # The key let in before the URL's host was resolved (a name server may take seconds) must still be live:
        # a key revoked meanwhile registers no receiver of the organisation's events (api.api_keys).
        await hold_caller(conn, org.key_id)
    if row is None:
        raise ConflictError(
            f"An organisation has at most {settings.webhook_max_endpoints} endpoints.",
            code="too_many_endpoints",
        )
    return EndpointCreated(**row, secret=secret)


@router.get("", response_model=EndpointList, responses=error_responses(*DB, 401))
async def list_webhook_endpoints(org: OrgCaller, conn: DbConn) -> EndpointList:
    return EndpointList(data=[EndpointOut(**r) for r in await webhooks_repo.list_endpoints(conn, org.id)])


@router.get("/{endpoint_id}", response_model=EndpointOut, responses=error_responses(*DB, 401, 404))
async def read_webhook_endpoint(endpoint_id: str, org: OrgCaller, conn: DbConn) -> EndpointOut:
    return EndpointOut(**await _endpoint(conn, org, endpoint_id))


@router.patch(
    "/{endpoint_id}", response_model=EndpointOut, responses=error_responses(*BODY, *DB, 401, 404, 429)
)
async def update_webhook_endpoint(
    endpoint_id: str, body: EndpointPatch, org: BriefOrgCaller, request: Request, settings: Settings
) -> EndpointOut:
    endpoint = _id(endpoint_id, "endpoint")
    # The new URL's host is resolved before a connection is taken: a slow name server holds none.
    url = await _checked_url(request, settings, org.id, body.url) if body.url is not None else None
    async with connection(request.app.state.pool) as conn, conn.transaction():
        row = await webhooks_repo.update_endpoint(
            conn,
            org.id,
            endpoint,
            url=url,
            event_types=list(body.event_types) if body.event_types is not None else None,
            description=body.description,
            clear_description="description" in body.model_fields_set and body.description is None,
            enabled=body.enabled,
        )
        # A new URL is a new receiver: the old one's Retry-After pause is not its own, nor the waits it put off.
        if row is not None and url is not None:
            await outbound_leases_repo.unpause(conn, org.id, outbound_leases_repo.webhook_target(endpoint))
            await webhooks_repo.resume_for_new_url(conn, endpoint)
        await hold_caller(conn, org.key_id)  # nothing changes for a key revoked since it was let in
    if row is None:
        raise NotFoundError("Endpoint not found.", code="endpoint_not_found")
    return EndpointOut(**row)


@router.delete("/{endpoint_id}", status_code=204, responses=error_responses(*DB, 401, 404))
async def delete_webhook_endpoint(endpoint_id: str, org: OrgCaller, conn: DbConn) -> Response:
    """Delete the endpoint and its delivery log; nothing more is sent to it."""
    async with conn.transaction():
        endpoint = _id(endpoint_id, "endpoint")
        deleted = await webhooks_repo.delete_endpoint(conn, org.id, endpoint)
        await outbound_leases_repo.unpause(conn, org.id, outbound_leases_repo.webhook_target(endpoint))
        await hold_caller(conn, org.key_id)
    if not deleted:
        raise NotFoundError("Endpoint not found.", code="endpoint_not_found")
    return Response(status_code=204)


@router.post(
    "/{endpoint_id}/rotate-secret", response_model=SecretRotated, responses=error_responses(*DB, 401, 404)
)
async def rotate_webhook_secret(
    endpoint_id: str, org: OrgCaller, conn: DbConn, settings: Settings
) -> SecretRotated:
    """A new signing secret, shown once. For the next 24 hours the secret it replaces also signs (deliveries carry
    the new secret's signature, then the older ones'), so receivers can switch without missing a delivery. Rotating
    again within the 24 hours keeps each retired secret signing for its own 24 hours (at most four retired secrets
    at once, the newest)."""
    secret = new_secret()
    async with conn.transaction():
        row = await webhooks_repo.rotate_secret(
            conn, org.id, _id(endpoint_id, "endpoint"), sealer(settings).seal(secret), ROTATION_OVERLAP_S
        )
        await hold_caller(conn, org.key_id)
    if row is None:
        raise NotFoundError("Endpoint not found.", code="endpoint_not_found")
    return SecretRotated(
        id=row["id"], secret=secret, previous_secret_expires_at=row["previous_secret_expires_at"]
    )


def _encode_cursor(row: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps({"before": row["seq"]}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        before = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["before"]
    except (ValueError, TypeError, KeyError) as e:
        raise BadRequestError("Invalid cursor.", code="invalid_cursor") from e
    if not isinstance(before, int) or isinstance(before, bool) or not 0 < before < 2**63:
        raise BadRequestError("Invalid cursor.", code="invalid_cursor")
    return before


@router.get(
    "/{endpoint_id}/deliveries",
    response_model=DeliveryPage,
    responses=error_responses(*DB, 400, 401, 404, 422),
)
async def list_webhook_deliveries(
    endpoint_id: str,
    org: OrgCaller,
    conn: DbConn,
    status: DeliveryStatus | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> DeliveryPage:
    """The delivery log, newest first: one row per event sent to this endpoint, with its status, attempts and the
    last answer. Pass `next_cursor` back as `cursor` for the next page."""
    endpoint = await _endpoint(conn, org, endpoint_id)
    rows = await webhooks_repo.list_deliveries(
        conn,
        endpoint["id"],
        status=status,
        before_seq=_decode_cursor(cursor) if cursor else None,
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return DeliveryPage(
        data=[_delivery(r) for r in rows], next_cursor=_encode_cursor(rows[-1]) if more and rows else None
    )


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/replay",
    status_code=202,
    response_model=DeliveryOut,
    responses=error_responses(*DB, 401, 404, 409),
)
async def replay_webhook_delivery(
    endpoint_id: str, delivery_id: str, org: OrgCaller, conn: DbConn
) -> DeliveryOut:
    """Send a delivered or failed delivery again, with the same `webhook-id` and payload (a `report_url` revoked
    since is replaced by a live one, `current_scorecard` by the result that stands) and a fresh retry schedule; it
    goes out after any earlier pending event of the same session. A pending one is a 409 (its own retries are under
    way), and so are one whose last request is still in flight (it failed when the endpoint was disabled
    mid-request) and any delivery of a disabled endpoint. A delivery is replayed at most 10 times (409
    `too_many_replays`), however many requests arrive together. A key revoked while the request was under way
    replays nothing (401 `invalid_api_key`)."""
    endpoint = await _endpoint(conn, org, endpoint_id)
    existing = await webhooks_repo.get_delivery(conn, endpoint["id"], _id(delivery_id, "delivery"))
    if existing is None:
        raise NotFoundError("Delivery not found.", code="delivery_not_found")
    if not endpoint["enabled"]:
        raise ConflictError("The endpoint is disabled; enable it first.", code="endpoint_disabled")
    async with conn.transaction():
        row = await webhooks_repo.replay_delivery(conn, existing["id"], MAX_REPLAYS_PER_DELIVERY)
        if row is not None:
            # A replay is requests to the receiver: none for a key revoked since it was let in (the update above
            # waited on the delivery's row while a revocation could commit).
            await hold_caller(conn, org.key_id)
    if row is None:
        # Read again: the endpoint's deletion (its log with it) may have committed since the read above, and a
        # concurrent replay may have made it pending (409 `delivery_pending`, not `delivery_in_flight`) or taken
        # the last replay allowed.
        existing = await webhooks_repo.get_delivery(conn, endpoint["id"], existing["id"])
        if existing is None:
            raise NotFoundError("Delivery not found.", code="delivery_not_found")
        if existing["replays"] >= MAX_REPLAYS_PER_DELIVERY:
            raise TooManyReplaysError(
                f"This delivery was replayed {MAX_REPLAYS_PER_DELIVERY} times already; it cannot be replayed again."
            )
        if existing["status"] == "pending":
            raise ConflictError(
                "This delivery is still pending; its retries are under way.", code="delivery_pending"
            )
        raise ConflictError(
            "A request of this delivery is still in flight; replay it once that request has ended.",
            code="delivery_in_flight",
        )
    return _delivery(row)
