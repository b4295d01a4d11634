"""The worker's lanes: which queues share which job slots inside one `shadows worker`.

Deliveries to receivers our customers control (webhooks, calls back to an ATS) can each take up to their timeout
and can be many; procrastinate takes jobs oldest first from any queue a worker serves. Served from the same slots,
a burst of slow deliveries would hold every slot and grading, the product's deliverable, would wait behind them.
So a worker runs one procrastinate worker per lane, each with its own queues and concurrency: `jobs` (grading and
everything else, SHADOWS_WORKER_CONCURRENCY) and `deliveries` (SHADOWS_WORKER_DELIVERY_CONCURRENCY). Within the
delivery lane, the leases in `api.db.outbound_leases_repo` keep one organisation (or one receiver) to a share of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from api.jobs.settings import WorkerSettings

# The queues of `deliver_webhook` and `deliver_ats_callback` (tests/api/test_delivery_isolation.py checks them).
DELIVERY_QUEUES = ("webhooks", "integrations")
BUILTIN_QUEUE = "builtin"  # procrastinate's own tasks


@dataclass(frozen=True)
class Lane:
    name: str
    queues: tuple[str, ...]
    concurrency: int


def plan_lanes(known_queues: Iterable[str], settings: WorkerSettings) -> list[Lane]:
    """The lanes of a worker serving `settings.queue_names` (None: every known queue); a lane without a queue is
    left out. Every queue served lands in exactly one lane."""
    served = set(settings.queue_names or {*known_queues, BUILTIN_QUEUE})
    deliveries = tuple(q for q in DELIVERY_QUEUES if q in served)
    jobs = tuple(sorted(served - set(DELIVERY_QUEUES)))
    lanes = []
    if jobs:
        lanes.append(Lane("jobs", jobs, settings.concurrency))
    if deliveries:
        lanes.append(Lane("deliveries", deliveries, settings.delivery_concurrency))
    return lanes
