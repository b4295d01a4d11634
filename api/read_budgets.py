"""What an organisation may make the API read in bulk over time, counted by what each read costs, in the app's
rate-limit store (api.ratelimits: Redis when `SHADOWS_API_REDIS_URL` is set, so every replica shares the counts).

The export and download slots (api/export_slots.py) bound how many run at once, not how many over time: back to
back, one key (or a leaked one) kept PostgreSQL writing 100,000-row exports, or storage reading a session dump of
tens of MB, for as long as it liked. Each read is now counted before it starts, by its size:

- a session export (`GET /v1/sessions/export`) in session rows, per organisation
  (`SHADOWS_API_EXPORT_ROWS_RATE_LIMIT`): first `EXPORT_BASE_ROWS` for the export itself, before anything is read
  (so a loop of refused exports spends the budget too, and is then refused before any query), then the rows it
  will write, from a count with the same filters (one index scan);
- an artifact download in MiB of the object (its recorded size, rounded up: every download counts at least one),
  per organisation across its sessions and keys (`SHADOWS_API_ARTIFACT_DOWNLOAD_MIB_RATE_LIMIT`).

Past either, 429 `rate_limited` with Retry-After and a message naming the budget, before the export is written or
the object read. A read larger than a whole window passes alone once the window is empty (it costs the whole
budget): an organisation with more sessions than the budget can still export them all. Nothing is counted after a
response has started, so a response that starts is never cut short by a budget.
"""

from __future__ import annotations

import math
from uuid import UUID

import structlog
from fastapi import Request
from limits import parse_many

from api.app_state import app_state
from api.errors import RateLimitedError
from api.ratelimits import RateLimits
from api.settings import ApiSettings
from api.spent_until import SpentUntil

log = structlog.get_logger(__name__)

# What one export costs besides its rows (its statements, spool and response): a loop of empty exports is bounded too.
EXPORT_BASE_ROWS = 100
DOWNLOAD_UNIT_BYTES = 1024 * 1024
_SPENT = "export_rows_spent"  # on app.state: organisations whose export budget the store refused, until Retry-After
_SPENT_KEYS = 10_000


def _smallest(spec: str) -> int:
    """The smallest amount any part of `spec` holds: what one read may cost at most (a read of any size passes once
    the window has emptied)."""
    return min(item.amount for item in parse_many(spec))


def _ratelimits(request: Request) -> RateLimits:
    ratelimits: RateLimits = request.app.state.ratelimits
    return ratelimits


def _spent(request: Request) -> SpentUntil:
    return app_state(request, _SPENT, lambda: SpentUntil(_SPENT_KEYS))


EXPORT_MESSAGE = (
    "This organisation has exported too many session rows for now (SHADOWS_API_EXPORT_ROWS_RATE_LIMIT); "
    "retry after Retry-After seconds, or export fewer sessions (narrow the filters)."
)


async def count_export_attempt(request: Request, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one export's own cost (`EXPORT_BASE_ROWS`) before its rows are counted: a loop of refused exports
    spends the budget too, so it is refused before its count query once the budget is gone. RateLimitedError past
    it; this process then refuses the organisation's exports with no store round trip until its Retry-After (a
    moving window frees nothing before then: api/spent_until.py)."""
    spent = _spent(request)
    key = str(organization_id)
    if (wait := spent.retry_after(key)) is not None:
        log.warning("export.budget_spent", budget="export_rows")
        raise RateLimitedError(EXPORT_MESSAGE, retry_after=wait)
    spec = settings.export_rows_rate_limit
    try:
        await _ratelimits(request).hit(
            "export_rows", spec, key, message=EXPORT_MESSAGE, cost=min(EXPORT_BASE_ROWS, _smallest(spec))
        )
    except RateLimitedError as e:
        spent.spend(key, e.retry_after)
        log.warning("export.budget_spent", budget="export_rows")  # never the organisation's key
        raise


async def count_export_rows(
    request: Request, settings: ApiSettings, organization_id: UUID, rows: int
) -> None:
    """Count an export's `rows` session rows, after `count_export_attempt`; RateLimitedError past the budget (a
    smaller export may still fit)."""
    spec = settings.export_rows_rate_limit
    cost = min(rows, _smallest(spec) - min(EXPORT_BASE_ROWS, _smallest(spec)))
    if cost <= 0:
        return
    try:
        await _ratelimits(request).hit(
            "export_rows", spec, str(organization_id), message=EXPORT_MESSAGE, cost=cost
        )
    except RateLimitedError:
        log.warning("export.budget_spent", budget="export_rows", rows=rows)
        raise


async def count_download(request: Request, settings: ApiSettings, organization_id: UUID, size: int) -> None:
    """Count an artifact download of `size` bytes in its organisation's download budget (MiB, rounded up);
    RateLimitedError past it."""
    spec = settings.artifact_download_mib_rate_limit
    try:
        await _ratelimits(request).hit(
            "artifact_download_mib",
            spec,
            str(organization_id),
            message=(
                "This organisation has downloaded too many MiB of artifacts for now "
                "(SHADOWS_API_ARTIFACT_DOWNLOAD_MIB_RATE_LIMIT); retry after Retry-After seconds."
            ),
            cost=max(1, min(math.ceil(max(0, size) / DOWNLOAD_UNIT_BYTES), _smallest(spec))),
        )
    except RateLimitedError:
        log.warning("artifact_download.budget_spent", budget="artifact_download_mib", size=size)
        raise
