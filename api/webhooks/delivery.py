"""The `deliver_webhook` job: one attempt at one delivery (one event to one endpoint), retried on the schedule.

The outbox (`outbox_emit_webhook` in SQL) defers it with the lock `webhook:<endpoint>:<session>`, so one
session's events reach one endpoint one at a time and in order; a delivery that must wait for a retry keeps its job
(`RetryLater`) and with it its place ahead of the later ones.

An attempt: load the delivery (a `report_url` that no longer opens the report, revoked since, is replaced by a
live link, and `current_scorecard` by the result that stands now; both stored); take a request slot of the
endpoint and of its organisation (`api.webhooks.slots`; else try again after `busy_delay`, without counting an
attempt); send it signed through the SSRF guard, with no database connection held; record the outcome.
- 2xx: delivered.
- 410 Gone: failed, and the endpoint is disabled (its pending deliveries fail too, counted as `endpoint_disabled`).
- anything else (3xx included: redirects are not followed), a timeout, a refused address: tried again after the
  next delay of the schedule, or failed when the schedule is used up.
- whatever the answer, when the endpoint was retired while the request was in flight: disabled or deleted, failed
  (`endpoint_disabled`, never `delivered`); given another URL, tried again on the schedule, to the new URL
  (`endpoint_moved`: the old receiver's 2xx, 410 or Retry-After says nothing of the new one).
At-least-once: a worker that dies after sending and before recording sends again, with the same `webhook-id`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import structlog
from procrastinate import JobContext

from api import egress
from api.db import attempts_repo, integrations_repo, outbound_leases_repo, webhooks_repo
from api.db.pool import Conn, Pool, connection
from api.integrations.profile_links import live_report_url
from api.jobs.queue import queue
from api.jobs.resources import resources
from api.metrics import WEBHOOK_DELIVERIES, WEBHOOK_DELIVERY_FAILURES
from api.score_summary import summary
from api.sealing import SealedValueError, sealer
from api.settings import ApiSettings
from api.webhooks import erasure_notices
from api.webhooks.schedule import DeliveryRetryPolicy, RetryLater, next_delay, settles_on_a_crash
from api.webhooks.signing import signature_headers
from api.webhooks.slots import give_back, hold_off, take_slot

log = structlog.get_logger(__name__)

WEBHOOK_QUEUE = "webhooks"


FIRST_DATA_KEYS = ("session_id", "candidate", "metadata", "status")


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def readable(payload: dict[str, Any]) -> dict[str, Any]:
    """The stored envelope in a fixed, readable key order (jsonb keeps its own): `type`, `timestamp`, `data`; in
    `data` the common fields first, then the rest alphabetically, as every nested object."""
    data = payload.get("data", {})
    first = {k: _sorted(data[k]) for k in FIRST_DATA_KEYS if k in data}
    rest = {k: _sorted(data[k]) for k in sorted(data) if k not in first}
    return {"type": payload.get("type"), "timestamp": payload.get("timestamp"), "data": {**first, **rest}}


def body_of(payload: dict[str, Any]) -> str:
    """The exact bytes sent and signed: compact JSON, ASCII only, in `readable` order (the same every attempt)."""
    return json.dumps(readable(payload), separators=(",", ":"), ensure_ascii=True)


def signing_secrets(settings: ApiSettings, row: dict[str, Any]) -> list[str]:
    """The endpoint's current secret, then each secret retired by a rotation whose overlap lasts (newest first)."""
    seal = sealer(settings)
    return [seal.open(row["secret"]), *(seal.open(s) for s in row["retired_secrets"])]


def request_headers(settings: ApiSettings, row: dict[str, Any], body: str, at: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        **signature_headers(row["message_id"], body, signing_secrets(settings, row), at),
    }


ANSWERED = frozenset({"http_status", "endpoint_moved"})  # an answer came, and it did not deliver


def count_attempt(*, delivered: bool, error: str | None, final: bool, recorded: bool = True) -> None:
    """Prometheus (api/metrics.py): every attempt (a request that went), and each failure by reason; `exhausted` once
    no retry is left. An attempt whose endpoint was disabled or deleted while it was in flight counts as failed,
    with its delivery under `endpoint_disabled` (not `exhausted`: retiring an endpoint is its owner's choice), once:
    not when a 410 Gone to another delivery had ended it already (that one counted it), nor when it went with its
    endpoint (`recorded` false: the attempt's record changed no row)."""
    WEBHOOK_DELIVERIES.labels(outcome="delivered" if delivered else "failed").inc()
    if delivered:
        return
    if error == "endpoint_disabled":
        count_dropped(1 if recorded else 0)
        return
    reason = (
        "status" if error is None or error in ANSWERED else "timeout" if error == "timeout" else "connection"
    )
    WEBHOOK_DELIVERY_FAILURES.labels(reason=reason).inc()
    if final:
        WEBHOOK_DELIVERY_FAILURES.labels(reason="exhausted").inc()


def count_dropped(n: int) -> None:
    """Deliveries that ended failed without a request because their endpoint was disabled (by its organisation, or
    by a 410 Gone to another of its deliveries): counted apart from the attempts' reasons and from `exhausted`, which
    pages; an endpoint's owner turning it off is not our failure, but a receiver's 410 drops all it had pending."""
    if n:
        WEBHOOK_DELIVERY_FAILURES.labels(reason="endpoint_disabled").inc(n)


async def _as_it_stands(conn: Conn, settings: ApiSettings, did: UUID, row: dict[str, Any]) -> dict[str, Any]:
    """The payload to send now, stored as sent. An event sent after others of its session (a retry, or a replay
    after a later event went) must not contradict them: a revoked report link (or one under a rotated key) is
    replaced by a live one, and `current_scorecard`, which receivers show as the candidate's result, is the result
    that stands now (a re-grade since written), never the one standing when the event was written."""
    payload: dict[str, Any] = row["payload"]
    data: dict[str, Any] = payload.get("data", {})
    url = data.get("report_url")  # a payload of a shape never written fails here (settles_on_a_crash)
    if row["session_id"] is None:
        return payload
    fresh: dict[str, Any] = {}
    async with conn.transaction():
        if isinstance(url, str):
            live = await live_report_url(conn, settings, row["session_id"], url)
            if live is not None:
                fresh["report_url"] = live
                await webhooks_repo.replace_data_field(conn, did, "report_url", live)
        if "current_scorecard" in data:
            standing = await integrations_repo.result_version(conn, row["session_id"])
            if standing is not None and summary(standing) != data["current_scorecard"]:
                fresh["current_scorecard"] = summary(standing)
                await webhooks_repo.replace_data_field(
                    conn, did, "current_scorecard", fresh["current_scorecard"]
                )
    return {**payload, "data": {**data, **fresh}} if fresh else payload


def _retired(state: dict[str, Any] | None, row: dict[str, Any]) -> bool:
    """Whether the endpoint, as it is now (`state`), no longer has the receiver the delivery's request went to."""
    return state is None or not state["enabled"] or state["url"] != row["url"]


@queue.task(name="deliver_webhook", queue=WEBHOOK_QUEUE, pass_context=True, retry=DeliveryRetryPolicy())
async def deliver_webhook(context: JobContext, delivery_id: str) -> None:
    """Send one webhook delivery (one attempt); see the module docstring."""
    res = resources(context)
    did = UUID(delivery_id)
    exhausted = WEBHOOK_DELIVERY_FAILURES.labels(reason="exhausted").inc
    async with settles_on_a_crash(res.pool, "webhook_deliveries", did, exhausted):
        await _attempt(res.settings, res.pool, did, context.job.attempts)


async def _attempt(settings: ApiSettings, pool: Pool, did: UUID, job_attempts: int) -> None:
    delivery_id = str(did)
    async with connection(pool) as conn:
        row = await webhooks_repo.load_for_delivery(conn, did)
        if row is None or row["status"] != "pending":
            log.info("webhook.skipped", delivery_id=delivery_id, found=row is not None)
            return
        endpoint_id = row["endpoint_id"]
        if not row["enabled"]:
            if await attempts_repo.fail_pending(conn, "webhook_deliveries", did, "endpoint_disabled"):
                count_dropped(1)
            log.info("webhook.endpoint_disabled", delivery_id=delivery_id, endpoint_id=str(endpoint_id))
            return
        payload = await _as_it_stands(conn, settings, did, row)
        org_id, target = row["organization_id"], outbound_leases_repo.webhook_target(endpoint_id)
        await take_slot(
            conn,
            settings,
            kind="webhook",
            organization_id=org_id,
            target=target,
            target_cap=settings.webhook_max_concurrency_per_endpoint,
            holder_id=did,
            job_attempts=job_attempts,
        )

    body = body_of(payload)
    reply: egress.Reply | None = None
    error: str | None = None
    try:
        headers = request_headers(settings, row, body, datetime.now(UTC))
    except SealedValueError:
        async with connection(pool) as conn:
            await give_back(conn, org_id, target, did)
            await attempts_repo.fail_pending(conn, "webhook_deliveries", did, "secret_unreadable")
        WEBHOOK_DELIVERY_FAILURES.labels(reason="exhausted").inc()  # ended failed, without an attempt
        log.error("webhook.secret_unreadable", delivery_id=delivery_id, endpoint_id=str(endpoint_id))
        return
    try:
        reply = await egress.send(
            row["url"],
            method="POST",
            guard=settings.egress_guard,
            timeout_s=settings.webhook_timeout_s,
            max_bytes=settings.webhook_max_response_bytes,
            content=body.encode("ascii"),
            headers=headers,
        )
    except egress.EgressError as e:
        error = e.code
    finally:
        async with connection(pool) as conn:
            # An answer from a receiver the endpoint no longer has (another URL since the request went: the
            # organisation moved to a new receiver; or the endpoint disabled or deleted meanwhile) is not the
            # endpoint's: its Retry-After pauses nothing (a retired receiver's 429 held its successor).
            retired = reply is not None and _retired(
                await webhooks_repo.endpoint_state(conn, endpoint_id), row
            )
            # The pause first: a slot given back before it would let a waiting call in past it.
            await hold_off(conn, settings, org_id, target, None if retired else reply)
            await give_back(conn, org_id, target, did)

    attempt = row["attempts"] + 1
    async with connection(pool) as conn, conn.transaction():
        # Judged and recorded under the endpoint's row lock: disabling it, moving it or deleting it waits for
        # this record, or this record sees it. A request that was in flight when the endpoint was disabled or deleted
        # is not `delivered`, whatever it was answered: it ends failed (`endpoint_disabled`, its answer kept;
        # replayable once the endpoint is enabled again). One that went to the URL the endpoint had before a PATCH
        # gave it another is the old receiver's: its 2xx, its 410 Gone and its Retry-After say nothing of the new
        # one, and the delivery is tried again on the schedule, to the new URL (`endpoint_moved`).
        state = await webhooks_repo.endpoint_state(conn, endpoint_id, lock=True)
        disabled = state is None or not state["enabled"]
        moved = not disabled and state is not None and state["url"] != row["url"]
        delivered = reply is not None and reply.ok and not disabled and not moved
        gone = reply is not None and reply.status_code == 410 and not disabled and not moved
        if disabled:
            error, retry_in = "endpoint_disabled", None
        else:
            if moved:
                error = error or "endpoint_moved"
            retry_in = (
                None
                if delivered or gone
                else next_delay(
                    settings,
                    attempt - row["schedule_offset"],
                    reply.retry_after_s if reply and not moved else None,
                )
            )
        recorded = await attempts_repo.record_attempt(
            conn,
            "webhook_deliveries",
            did,
            delivered=delivered,
            status_code=reply.status_code if reply else None,
            error=error or (None if delivered else "http_status"),
            response=reply.excerpt() if reply else None,
            retry_in_s=retry_in,
        )
        dropped = (
            await webhooks_repo.disable_endpoint(conn, endpoint_id, "gone", url=row["url"]) if gone else 0
        )
    count_dropped(dropped)
    count_attempt(delivered=delivered, error=error, final=retry_in is None, recorded=recorded)
    log.info(
        "webhook.attempt",
        delivery_id=delivery_id,
        endpoint_id=str(endpoint_id),
        event_type=row["event_type"],
        attempt=attempt,
        status_code=reply.status_code if reply else None,
        error=error,
        outcome="delivered"
        if delivered
        else "endpoint_gone"
        if gone
        else "endpoint_disabled"
        if disabled
        else "failed"
        if retry_in is None
        else "retry",
    )
    # A row erased meanwhile (its session deleted while the request was in flight) waits for no retry: its job
    # ends, and the session's lock is free for the erasure's notice.
    if retry_in is not None and await erasure_notices.still_there(pool, "webhook_deliveries", did):
        raise RetryLater(retry_in, error or "http_status", row=("webhook_deliveries", did))
