"""Report links handed to integrations (signed share links, `api.share_links`): a fresh one for each webhook event
that carries a `report_url`, and one per ATS assessment for its profile URL, kept sealed and renewed before it
expires (Greenhouse reads it on every test_status; Ashby gets it with the result)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api import share_links
from api.db import integrations_repo
from api.db.pool import Conn
from api.sealing import sealer
from api.settings import ApiSettings

RENEW_WITHIN = timedelta(days=2)  # a kept link with less life than this left is replaced


async def new_report_url(conn: Conn, settings: ApiSettings, session_id: str) -> str:
    """A new link to the session's report, with the longest lifetime allowed."""
    link = await share_links.mint(conn, settings, session_id, expires_in_days=settings.share_link_max_days)
    return link.report_url


async def assessment_profile_url(conn: Conn, settings: ApiSettings, session_id: str) -> str:
    """The ATS assessment's report link: the kept one while it has life left, else a new one, kept."""
    kept = await integrations_repo.profile_link(conn, session_id)
    seal = sealer(settings)
    if (
        kept
        and kept["profile_url_sealed"]
        and kept["profile_url_expires_at"] > datetime.now(UTC) + RENEW_WITHIN
    ):
        return seal.open(kept["profile_url_sealed"])
    link = await share_links.mint(conn, settings, session_id, expires_in_days=settings.share_link_max_days)
    await integrations_repo.keep_profile_link(conn, session_id, seal.seal(link.report_url), link.expires_at)
    return link.report_url
