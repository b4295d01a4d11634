"""Per-caller limits on report reads: the report page (HTML), its replay's timeline (JSON) and the scorecard (JSON),
each a render on the API's event loop (a page about 22 ms of CPU for a long interview; a timeline or a scorecard a
third of a short page's). Counted in the app's rate-limit store (api.ratelimits: Redis when
`SHADOWS_API_REDIS_URL` is set, so every replica shares the counts); past any, 429 `rate_limited` with Retry-After,
counted in `shadows_report_read_limited_total{kind}`.

Read through a token (a share link, a view token) or a practice candidate's invite, a read is counted twice:

- per client address (`SHADOWS_API_REPORT_READ_CLIENT_RATE_LIMIT`; IPv6: its /64, and its /48 site at
  `SHADOWS_API_REPORT_READ_SITE_RATE_LIMIT`), before any database read (an invite is looked up only after it), so a
  client fetching many links, or guessing tokens or invites, meets it;
- per link (`SHADOWS_API_REPORT_READ_LINK_RATE_LIMIT`), once the token's signature is checked and before any
  database read or render, so a revoked link looped meets it too. A share link is its own link (only its
  organisation mints more, at most 50 per session), so a leaked link looped stops only itself. What a practice
  candidate holds (the invite, and the coaching links and page tokens it mints, as many as it likes) is one link
  per session: minting another adds no budget. A view token minted for an organisation's key (the timeline a
  key-read page loads) is that key's link for that session, and counts, once the key is checked, as a read by
  that organisation too.

A large body (a timeline, a page) also counts by its size, in size budgets of the same buckets (`count_size`;
api/timeline_reads.py, api/page_reads.py).

Read with an organisation key (or a token minted for one), a read is counted per organisation across its sessions
(`SHADOWS_API_REPORT_READ_ORG_RATE_LIMIT`). The defaults are far above what a reviewer clicking through reports
asks for (a page and its timeline per report opened).

A token read that opens no report (altered, guessed, expired, revoked) is also counted in one budget for every
caller together (`SHADOWS_API_REPORT_READ_UNVERIFIED_RATE_LIMIT`): per-address limits do not bound a caller on many
networks. Past it such a read answers 429 `report_links_busy` at once, before its per-address count or its error
page. Links that verify never count in it, so spending it cannot lock out a reader holding a real link.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog
from fastapi import Request
from limits import parse_many

from api.app_state import app_state
from api.errors import RateLimitedError
from api.metrics import REPORT_READ_LIMITED
from api.ratelimits import RateLimits, client_bucket, client_site
from api.settings import ApiSettings
from api.spent_until import SpentUntil
from api.view_tokens import ViewGrant

log = structlog.get_logger(__name__)


def _ratelimits(request: Request) -> RateLimits:
    ratelimits: RateLimits = request.app.state.ratelimits
    return ratelimits


def client_address(request: Request) -> str:
    """The client's address: the TCP peer's, or X-Forwarded-For's when the peer is a trusted proxy
    (`forwarded_allow_ips`, applied before anything else: api/forwarded.py)."""
    return request.client.host if request.client else "unknown"


async def _hit(
    request: Request,
    scope: str,
    spec: str,
    key: str,
    *,
    message: str,
    kind: str,
    code: str | None = None,
    cost: int = 1,
) -> None:
    try:
        await _ratelimits(request).hit(scope, spec, key, message=message, code=code, cost=cost)
    except RateLimitedError:
        REPORT_READ_LIMITED.labels(kind=kind).inc()
        log.warning("report_read.rate_limited", kind=kind)  # never the key: an address, a link or a session
        raise


async def count_client(request: Request, settings: ApiSettings) -> None:
    """Count one report read through a token or a practice invite from this client: its address (an IPv6
    client's /64), and an IPv6 client's /48 site; RateLimitedError past either."""
    address = client_address(request)
    await _hit(
        request,
        "report_read_client",
        settings.report_read_client_rate_limit,
        client_bucket(address),
        message="Too many report reads from this address; try again later.",
        kind="client",
    )
    if site := client_site(address):
        await _hit(
            request,
            "report_read_site",
            settings.report_read_site_rate_limit,
            site,
            message="Too many report reads from this network; try again later.",
            kind="site",
        )


def share_link_bucket(link_id: UUID) -> str:
    """The link bucket of a share link: its own."""
    return f"link:{link_id}"


def practice_bucket(session_id: str) -> str:
    """The link bucket of whatever a practice candidate holds for its session: the invite, and every coaching
    link and page token minted from it."""
    return f"session:{session_id}"


def token_bucket(checked: ViewGrant | UUID) -> str:
    """The link bucket of a token whose signature is checked, from what it says alone (no database read): a share
    link's own (its id); a view token minted for a practice invite, its session's (`practice_bucket`); one minted
    for an organisation's key, that key's for that session (the timeline tokens of the pages it loaded)."""
    if isinstance(checked, UUID):
        return share_link_bucket(checked)
    if checked.source.kind == "invite":
        return practice_bucket(checked.session_id)
    return f"key:{checked.source.id.hex()}:{checked.session_id}"


async def count_link(request: Request, settings: ApiSettings, bucket: str) -> None:
    """Count one read through a link (`share_link_bucket`, `practice_bucket`)."""
    await _hit(
        request,
        "report_read_link",
        settings.report_read_link_rate_limit,
        bucket,
        message="Too many reads through this link; try again later.",
        kind="link",
    )


async def count_org(request: Request, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one read by an organisation's key, across its sessions."""
    await _hit(
        request,
        "report_read_org",
        settings.report_read_org_rate_limit,
        str(organization_id),
        message="This organisation has read too many reports; retry after Retry-After seconds.",
        kind="org",
    )


# A read's body counts in a budget of its own, per caller, in units of this many bytes (a timeline:
# api/timeline_reads.py): a MiB of timeline costs the API about what a report page does (docs/reports.md).
READ_UNIT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Counted:
    """The buckets one read was counted in: the client's address (and IPv6 site), a link, the organisation whose
    key read (`org`) or whose share link was read (`shared_org`)."""

    client: bool = False
    link: str | None = None
    org: UUID | None = None
    shared_org: UUID | None = None


def capped_units(spec: str, units: int) -> int:
    """`units`, but never more than the smallest part of `spec` holds (one read of any size passes once the window
    has emptied)."""
    return min(units, min(item.amount for item in parse_many(spec)))


async def count_detail(request: Request, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one read of a session's detail (GET /v1/sessions/{id}, the whole record) by an organisation's key, with
    SHADOWS_API_REPORT_READ_ORG_RATE_LIMIT's numbers in a count of its own: an integrator polling details never
    spends what its reviewers need to open reports, nor the other way round."""
    await _hit(
        request,
        "session_detail_org",
        settings.report_read_org_rate_limit,
        str(organization_id),
        message="This organisation has read too many session details; retry after Retry-After seconds.",
        kind="detail",
    )


async def count_detail_size(
    request: Request, settings: ApiSettings, organization_id: UUID, size: int
) -> None:
    """Count a session detail's record of `size` bytes, one unit per READ_UNIT_BYTES, in the organisation's size
    budget for details (the same numbers as its count, apart from the report reads' size budget)."""
    spec = settings.report_read_org_rate_limit
    if (units := size // READ_UNIT_BYTES) > 0:
        await _hit(
            request,
            "session_detail_size",
            spec,
            str(organization_id),
            message="Too much session detail read by this organisation; try again later.",
            kind="detail_size",
            cost=capped_units(spec, units),
        )


# A report page costs more per byte than a timeline (its transcript is laid out and its long lines cut: the largest,
# 874 KiB, about 0.6 s), so its unit is smaller: about the same CPU per unit.
PAGE_UNIT_BYTES = 64 * 1024


async def count_size(
    request: Request, settings: ApiSettings, counted: Counted, size: int, unit: int = READ_UNIT_BYTES
) -> None:
    """Count a read's body of `size` bytes, one unit per `unit` bytes (a body under one counts nothing), in the
    size budget of every bucket the read was counted in, each with its count limit's numbers as units (a link's
    "60/minute;600/hour": 60 MiB of timeline a minute, 600 an hour); a share link's read also in its organisation's,
    one budget for all its share links together. RateLimitedError past any. Separate from the count: a caller whose
    size budget is spent still reads small bodies (a short page, a scorecard, a short timeline)."""
    units = size // unit
    if units <= 0:
        return
    hits: list[tuple[str, str, str, str]] = []
    if counted.client:
        address = client_address(request)
        hits.append(("client", settings.report_read_client_rate_limit, client_bucket(address), "address"))
        if site := client_site(address):
            hits.append(("site", settings.report_read_site_rate_limit, site, "network"))
    if counted.link is not None:
        hits.append(("link", settings.report_read_link_rate_limit, counted.link, "link"))
    if counted.org is not None:
        hits.append(("org", settings.report_read_org_rate_limit, str(counted.org), "organisation"))
    if counted.shared_org is not None:
        hits.append(
            ("shared", settings.report_read_org_rate_limit, str(counted.shared_org), "organisation's links")
        )
    for bucket, spec, key, whose in hits:
        await _hit(
            request,
            f"report_read_size_{bucket}",
            spec,
            key,
            message=f"Too much report data read by this {whose}; try again later.",
            kind="size",
            cost=capped_units(spec, units),
        )


REPORT_LINKS_BUSY = "report_links_busy"
_SPENT = "report_read_unverified_spent"  # on app.state: a SpentUntil of one key, "all"


def _spent(request: Request) -> SpentUntil:
    return app_state(request, _SPENT, lambda: SpentUntil(1))


async def count_unverified(request: Request, settings: ApiSettings) -> None:
    """Count one token read that opens no report, for every caller together; RateLimitedError
    (`report_links_busy`) past the budget. Once the store has refused one, this process refuses the rest until its
    Retry-After with no store round trip (api/spent_until.py): the budget cannot free a place before then (a moving
    window frees one only as its oldest read ages out), and a flood past it then costs the API a signature check and
    a short 429."""
    spent = _spent(request)
    message = "Too many report links that are not valid are being tried; try again later."
    if (wait := spent.retry_after("all")) is not None:
        REPORT_READ_LIMITED.labels(kind="unverified").inc()
        raise RateLimitedError(message, code=REPORT_LINKS_BUSY, retry_after=wait)
    try:
        await _hit(
            request,
            "report_read_unverified",
            settings.report_read_unverified_rate_limit,
            "all",
            message=message,
            kind="unverified",
            code=REPORT_LINKS_BUSY,
        )
    except RateLimitedError as e:
        spent.spend("all", e.retry_after)
        raise


def artifact_bucket(grant: ViewGrant) -> str:
    """The link bucket of an artifact download URL: every URL one key (or invite) listed for one session, each
    artifact and each listing together, so listing again adds no budget to the one who holds a leaked URL."""
    return f"artifacts:{grant.session_id}:{grant.source.kind}:{grant.source.id.hex()}"


async def count_artifact_download(request: Request, settings: ApiSettings, grant: ViewGrant) -> None:
    """Count one download through an artifact URL (`artifact_bucket`), before the database or storage is read."""
    await _hit(
        request,
        "artifact_download",
        settings.artifact_download_rate_limit,
        artifact_bucket(grant),
        message="Too many downloads through this session's artifact links; try again later.",
        kind="artifact",
    )
