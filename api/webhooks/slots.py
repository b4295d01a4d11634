"""Request slots as the delivery jobs (`deliver_webhook`, `deliver_ats_callback`) use them: take one for the
request about to go, or put the job off (`RetryLater`, counted in `shadows_outbound_deferred_total`); give it back
once the request has ended. The caps and their storage: `api.db.outbound_leases_repo`."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from api.db import outbound_leases_repo
from api.db.pool import Conn
from api.metrics import OUTBOUND_DEFERRED
from api.settings import ApiSettings
from api.webhooks.schedule import RetryLater, busy_delay

LEASE_MARGIN_S = 30.0  # a lease outlives its request by this much; a crashed worker's slot frees itself after

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
    counted: the job runs again after `busy_delay`, keeping its place among its session's calls)."""
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
        return
    cap = "target" if taken == "target_busy" else "organization"
    OUTBOUND_DEFERRED.labels(kind=kind, cap=cap).inc()
    raise RetryLater(busy_delay(settings, job_attempts), f"{cap}_busy")


async def give_back(conn: Conn, organization_id: UUID, target: str, holder_id: UUID) -> None:
    await outbound_leases_repo.release(conn, organization_id, target, holder_id)
