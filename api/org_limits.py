"""Per-organisation limits on what an organisation's keys (its API key, its Greenhouse or Ashby key) can set off:
sessions created (`SHADOWS_API_SESSION_CREATE_RATE_LIMIT`), invite e-mails queued to candidates
(`SHADOWS_API_INVITE_EMAIL_RATE_LIMIT`), re-grades asked for (`SHADOWS_API_REGRADE_RATE_LIMIT`), report PDFs
printed (`SHADOWS_API_REPORT_PDF_RATE_LIMIT`), webhook endpoint writes (`SHADOWS_API_WEBHOOK_ENDPOINT_RATE_LIMIT`)
and keys issued (`SHADOWS_API_INTEGRATION_KEY_RATE_LIMIT` for ATS keys, `SHADOWS_API_API_KEY_ISSUE_RATE_LIMIT` for
its own API keys). Counted in the app's rate-limit store (api.ratelimits: Redis when `SHADOWS_API_REDIS_URL` is
set, so every replica shares the counts).

A session past its limit is refused: 429 `session_rate_limited` with Retry-After, before anything is stored, so a
retry costs one count lookup. An invite e-mail past its limit is withheld, not refused: the session is scheduled,
the ATS answered as usual (an error would only be retried), and the assessment records `invite_withheld` =
`rate_limited`, which Greenhouse's test_status shows (`invite_withheld`) beside the join link and Ashby is told
with an `assessment.update` (api.integrations.callbacks).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import structlog

from api.errors import RateLimitedError
from api.metrics import ORG_LIMITED
from api.ratelimits import RateLimits
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

SESSION_RATE_LIMITED = "session_rate_limited"
INVITE_RATE_LIMITED = "rate_limited"  # ats_assessments.invite_withheld


async def _count(
    ratelimits: RateLimits,
    bucket: str,
    limit: str,
    organization_id: UUID,
    *,
    kind: str,
    message: str,
    code: str | None = None,
) -> None:
    """Count one of the organisation's `bucket` against `limit`; past it RateLimitedError (`code`, by default
    `rate_limited`), counted as `shadows_org_limited_total{kind}` and logged as `<kind>.rate_limited`."""
    try:
        await ratelimits.hit(bucket, limit, str(organization_id), message=message, code=code)
    except RateLimitedError:
        ORG_LIMITED.labels(kind=kind).inc()
        log.warning(f"{kind}.rate_limited", organization_id=str(organization_id))
        raise


async def count_session(ratelimits: RateLimits, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one new session of the organisation; RateLimitedError (`session_rate_limited`) past the limit."""
    await _count(
        ratelimits,
        "sessions",
        settings.session_create_rate_limit,
        organization_id,
        kind="session",
        message="This organisation has created too many sessions; retry after Retry-After seconds.",
        code=SESSION_RATE_LIMITED,
    )


async def count_regrade(ratelimits: RateLimits, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one re-grade asked for by the organisation; RateLimitedError (`rate_limited`) past the limit, before
    anything is read or stored. A session's versions are bounded (`scorecard_versions_per_session`), but not how
    many sessions: an organisation looping over its history could set off twenty paid gradings per finished session."""
    await _count(
        ratelimits,
        "regrades",
        settings.regrade_rate_limit,
        organization_id,
        kind="regrade",
        message="This organisation has asked for too many re-grades; retry after Retry-After seconds.",
    )


async def count_webhook_endpoint_write(
    ratelimits: RateLimits, settings: ApiSettings, organization_id: UUID
) -> None:
    """Count one webhook endpoint write that resolves a URL's host; RateLimitedError (`rate_limited`) past the
    organisation's limit, before any lookup."""
    await _count(
        ratelimits,
        "webhook_endpoint_writes",
        settings.webhook_endpoint_rate_limit,
        organization_id,
        kind="webhook_endpoint",
        message="This organisation has created or re-pointed too many webhook endpoints; retry after "
        "Retry-After seconds.",
    )


async def count_report_pdf(ratelimits: RateLimits, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one report PDF asked for by the organisation, across its sessions; RateLimitedError (`rate_limited`)
    past the limit, before anything is read or printed. Its share of Chromium's queue bounds how many render at
    once, not how many: a loop of four at a time could keep Chromium printing on the API's own host (half a second
    of CPU each) around the clock, whatever else that host had to do."""
    await _count(
        ratelimits,
        "report_pdf",
        settings.report_pdf_rate_limit,
        organization_id,
        kind="report_pdf",
        message="This organisation has asked for too many report PDFs; retry after Retry-After seconds.",
    )


KeyKind = Literal["integration_key", "api_key"]
_KEY_NAMES: dict[KeyKind, str] = {"integration_key": "integration keys", "api_key": "API keys"}


async def count_key_issue(
    ratelimits: RateLimits, settings: ApiSettings, organization_id: UUID, kind: KeyKind
) -> None:
    """Count one key issued by the organisation (an ATS key, or one of its own API keys); RateLimitedError
    (`rate_limited`) past the limit, before anything is stored or revoked (the key the ATS holds stays live). Each
    issue keeps a row until 30 days past its revocation (api.jobs.pruning)."""
    limit = (
        settings.integration_key_rate_limit
        if kind == "integration_key"
        else settings.api_key_issue_rate_limit
    )
    await _count(
        ratelimits,
        f"{kind}s",
        limit,
        organization_id,
        kind=kind,
        message=f"This organisation has issued too many {_KEY_NAMES[kind]}; retry after Retry-After seconds.",
    )


async def invite_allowed(ratelimits: RateLimits, settings: ApiSettings, organization_id: UUID) -> bool:
    """Count one invite e-mail of the organisation; False (nothing counted) past the limit."""
    try:
        await ratelimits.hit(
            "invite_emails",
            settings.invite_email_rate_limit,
            str(organization_id),
            message="Too many invite e-mails.",
        )
    except RateLimitedError:
        ORG_LIMITED.labels(kind="invite_email").inc()
        return False
    return True
