"""Per-caller limits on report reads: the report page (HTML) and its replay's timeline (JSON), each a render of
about 22 ms of CPU on the API's event loop. Counted in the app's rate-limit store (api.ratelimits: Redis when
`SHADOWS_API_REDIS_URL` is set, so every replica shares the counts); past any, 429 `rate_limited` with Retry-After.

Read through a token (a share link, a view token) or a practice candidate's invite, a read is counted twice:

- per client address (`SHADOWS_API_REPORT_READ_CLIENT_RATE_LIMIT`; IPv6: its /64, and its /48 site at
  `SHADOWS_API_REPORT_READ_SITE_RATE_LIMIT`), before the token is checked or anything is read, so a client
  fetching many links, or guessing tokens, meets it;
- per link (`SHADOWS_API_REPORT_READ_LINK_RATE_LIMIT`), once the token is checked and before the render. A share
  link is its own link (only its organisation mints more, at most 50 per session), so a leaked link looped stops
  only itself. What a practice candidate holds (the invite, and the coaching links and page tokens it mints, as
  many as it likes) is one link per session: minting another adds no budget. A view token minted for an
  organisation's key (the timeline a key-read page loads) counts as a read by that organisation.

Read with an organisation key (or a token minted for one), a read is counted per organisation across its sessions
(`SHADOWS_API_REPORT_READ_ORG_RATE_LIMIT`). The defaults are far above what a reviewer clicking through reports
asks for (a page and its timeline per report opened).
"""

from __future__ import annotations

from uuid import UUID

import structlog
from fastapi import Request

from api.errors import RateLimitedError
from api.ratelimits import RateLimits, client_bucket, client_site
from api.settings import ApiSettings

log = structlog.get_logger(__name__)


def _ratelimits(request: Request) -> RateLimits:
    ratelimits: RateLimits = request.app.state.ratelimits
    return ratelimits


def client_address(request: Request) -> str:
    """The client's address: the TCP peer's, or X-Forwarded-For's when the peer is a trusted proxy
    (`forwarded_allow_ips`, applied by the server before the app runs)."""
    return request.client.host if request.client else "unknown"


async def _hit(request: Request, scope: str, spec: str, key: str, *, message: str, kind: str) -> None:
    try:
        await _ratelimits(request).hit(scope, spec, key, message=message)
    except RateLimitedError:
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
