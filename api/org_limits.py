"""Per-organisation limits on what an organisation's keys (its API key, its Greenhouse or Ashby key) can set off:
sessions created (`SHADOWS_API_SESSION_CREATE_RATE_LIMIT`) and invite e-mails queued to candidates
(`SHADOWS_API_INVITE_EMAIL_RATE_LIMIT`). Counted in the app's rate-limit store (api.ratelimits: Redis when
`SHADOWS_API_REDIS_URL` is set, so every replica shares the counts).

A session past its limit is refused: 429 `session_rate_limited` with Retry-After, before anything is stored, so a
retry costs one count lookup. An invite e-mail past its limit is withheld, not refused: the session is scheduled,
the ATS answered as usual (an error would only be retried), and the assessment records `invite_withheld` =
`rate_limited`, which Greenhouse's test_status shows (`invite_withheld`) beside the join link and Ashby is told
with an `assessment.update` (api.integrations.callbacks).
"""

from __future__ import annotations

from uuid import UUID

import structlog

from api.errors import RateLimitedError
from api.metrics import ORG_LIMITED
from api.ratelimits import RateLimits
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

SESSION_RATE_LIMITED = "session_rate_limited"
INVITE_RATE_LIMITED = "rate_limited"  # ats_assessments.invite_withheld


async def count_session(ratelimits: RateLimits, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one new session of the organisation; RateLimitedError (`session_rate_limited`) past the limit."""
    try:
        await ratelimits.hit(
            "sessions",
            settings.session_create_rate_limit,
            str(organization_id),
            message="This organisation has created too many sessions; retry after Retry-After seconds.",
            code=SESSION_RATE_LIMITED,
        )
    except RateLimitedError:
        ORG_LIMITED.labels(kind="session").inc()
        log.warning("session.rate_limited", organization_id=str(organization_id))
        raise


async def count_key_issue(ratelimits: RateLimits, settings: ApiSettings, organization_id: UUID) -> None:
    """Count one ATS key issued by the organisation; RateLimitedError (`rate_limited`) past the limit, before the
    key the ATS holds is revoked."""
    try:
        await ratelimits.hit(
            "integration_keys",
            settings.integration_key_rate_limit,
            str(organization_id),
            message="This organisation has issued too many integration keys; retry after Retry-After seconds.",
        )
    except RateLimitedError:
        ORG_LIMITED.labels(kind="integration_key").inc()
        log.warning("integration_key.rate_limited", organization_id=str(organization_id))
        raise


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
