"""Request slots as the delivery jobs (`deliver_webhook`, `deliver_ats_callback`) use them: take one for the
request about to go, or put the job off (`RetryLater`, counted in `shadows_outbound_deferred_total`); give it back
once the request has ended. The caps and their storage: `api.db.outbound_leases_repo`.

A receiver that answers 429 or 503 with `Retry-After` asks the organisation, not one call, to wait: `hold_off`
pauses its target for that long (up to the retry schedule's longest delay), and `take_slot` puts off every call to a
paused target until the pause ends, without counting an attempt."""

from __future__ import annotations

import random
from typing import Literal
from uuid import UUID

from api.db import outbound_leases_repo
from api.db.attempts_repo import Outbox
from api.db.pool import Conn
from api.egress import Reply
from api.metrics import OUTBOUND_DEFERRED
from api.settings import ApiSettings
from api.webhooks.schedule import RetryLater, busy_delay

LEASE_MARGIN_S = 30.0  # a lease outlives its request by this much; a crashed worker's slot frees itself after

PAUSE_STATUSES = frozenset({429, 503})  # the answers whose Retry-After asks the whole target to wait
PAUSE_SPREAD = 0.1  # calls a pause put off go after its end, spread over a tenth of what was left of it

Kind = Literal["webhook", "ats"]


async def take_slot(
    conn: Conn,
    settings: ApiSettings,
    *,
    kind: Kind,
    organization_id: UUID,
    target: str,
    target_cap: int,
    holder_id: UUID,
    job_attempts: int,
) -> None:
    """Take a slot of `target` and of its organisation for `holder_id`, or raise `RetryLater` (no attempt is
    counted: the job runs again after `busy_delay`, keeping its place among its session's calls). A paused target
    (`hold_off`) puts the job off until the pause ends, likewise."""
    await _unless_paused(conn, kind, organization_id, target, holder_id)
    taken = await outbound_leases_repo.acquire(
        conn,
        organization_id,
        target,
        holder_id,
        target_cap=target_cap,
        organization_cap=settings.outbound_max_concurrency_per_organization,
        ttl_s=settings.webhook_timeout_s + LEASE_MARGIN_S,
    )
    if taken == "taken":
        # Again with the slot held: a pause is written before the answered call's slot is given back, so a call
        # that got that slot sees it here, though it found none above.
        try:
            await _unless_paused(conn, kind, organization_id, target, holder_id)
        except RetryLater:
            await outbound_leases_repo.release(conn, organization_id, target, holder_id)
            raise
        return
    cap = "target" if taken == "target_busy" else "organization"
    OUTBOUND_DEFERRED.labels(kind=kind, cap=cap).inc()
    raise RetryLater(busy_delay(settings, job_attempts), f"{cap}_busy")


OUTBOXES: dict[Kind, Outbox] = {"webhook": "webhook_deliveries", "ats": "ats_callbacks"}


async def _unless_paused(conn: Conn, kind: Kind, organization_id: UUID, target: str, holder_id: UUID) -> None:
    paused = await outbound_leases_repo.paused_for(conn, organization_id, target)
    if paused is not None:
        OUTBOUND_DEFERRED.labels(kind=kind, cap="paused").inc()
        # With its row: a pause lifted while this job was still running (a new ATS key, a new URL) brings the job
        # back to its row's own time once procrastinate has written its retry (`RowRetryDecision`).
        raise RetryLater(
            paused * random.uniform(1.0, 1.0 + PAUSE_SPREAD),  # noqa: S311  # jitter, not a secret
            "target_paused",
            row=(OUTBOXES[kind], holder_id),
        )


async def give_back(conn: Conn, organization_id: UUID, target: str, holder_id: UUID) -> None:
    await outbound_leases_repo.release(conn, organization_id, target, holder_id)


async def hold_off(
    conn: Conn, settings: ApiSettings, organization_id: UUID, target: str, reply: Reply | None
) -> None:
    """Pause `target` for the organisation when `reply` asks to wait (429 or 503 with a Retry-After in the future),
    bounded by the retry schedule's longest delay, as the answered call's own wait is (`next_delay`)."""
    if reply is None or reply.status_code not in PAUSE_STATUSES or not reply.retry_after_s:
        return
    seconds = min(reply.retry_after_s, max(settings.webhook_retry_delays))
    await outbound_leases_repo.pause(conn, organization_id, target, seconds)
