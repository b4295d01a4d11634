"""Share links to a session's report: signed, expiring, revocable URLs that open the report without an API key.

A link is `<public_url>/v1/reports/<token>`. The token is `shr_` + base64url(link id, expiry, HMAC) signed with
SHADOWS_API_SHARE_SIGNING_KEY (`api.signed_tokens`, purpose `share`):
- a malformed, tampered or foreign token is refused before any database read (`share_link_invalid`, 404);
- past its signed expiry it is `share_link_expired` (410), whatever the database says;
- its `share_links` row must exist, belong to the session's organisation and not be revoked (`share_link_revoked`,
  410); deleting the session deletes its links;
- a link minted for an ATS (`integration_key_id`: the profile URL handed to Greenhouse or Ashby) opens the report
  only while that integration key is unrevoked, checked on every use: revoking or rotating the key cuts every link
  the ATS holds (410 `share_link_revoked`);
- a link minted with an organisation API key records the key (`api_key_id`) but outlives it: rotating API keys
  must not break the links handed to reviewers; a leaked key's links are found in the list and revoked one by one;
- rotating the signing key invalidates every link at once.

A link opens the report page and what that page loads (its timeline), nothing else. `mint` is the one way to make
one: the share route calls it, and so may a job that must hand an ATS a `report_url`.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from api import signed_tokens
from api.db import share_links_repo
from api.db.pool import Conn
from api.errors import ConflictError, GoneError, NotFoundError, UnprocessableError
from api.settings import ApiSettings

PREFIX = "shr_"
PURPOSE = "share"
_BODY = struct.Struct(">16sQ")  # link id, expiry (unix seconds)
REPORTS_PATH = "/v1/reports/"


class ShareLinkInvalidError(NotFoundError):
    code = "share_link_invalid"


class ShareLinkExpiredError(GoneError):
    code = "share_link_expired"


class ShareLinkRevokedError(GoneError):
    code = "share_link_revoked"


class TooManyShareLinksError(ConflictError):
    code = "too_many_share_links"


@dataclass(frozen=True)
class ShareLink:
    id: UUID
    session_id: str
    token: str
    report_url: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class SharedSession:
    """What a verified token opens."""

    link_id: UUID
    session_id: str
    organization_id: UUID
    expires_at: datetime
    integration_key_id: UUID | None = None  # the ATS key it was minted for (live, or verify refuses it)


def _key(settings: ApiSettings) -> bytes:
    return settings.share_signing_key.get_secret_value().encode("utf-8")


def report_url(settings: ApiSettings, token: str) -> str:
    return settings.public_url.rstrip("/") + REPORTS_PATH + token


def lifetime(settings: ApiSettings, expires_in_days: int | None) -> timedelta:
    """The requested lifetime, or the configured default; never past SHADOWS_API_SHARE_LINK_MAX_DAYS."""
    days = settings.share_link_days if expires_in_days is None else expires_in_days
    if not 1 <= days <= settings.share_link_max_days:
        raise UnprocessableError(
            f"expires_in_days must be between 1 and {settings.share_link_max_days}.", code="validation_error"
        )
    return timedelta(days=days)


def _token(settings: ApiSettings, link_id: UUID, expires_at: datetime) -> str:
    return signed_tokens.sign(
        _key(settings), PURPOSE, PREFIX, _BODY.pack(link_id.bytes, int(expires_at.timestamp()))
    )


async def mint(
    conn: Conn,
    settings: ApiSettings,
    session_id: str,
    *,
    expires_in_days: int | None = None,
    organization_id: UUID | None = None,
    capped: bool = False,
    api_key_id: UUID | None = None,
    integration_key_id: UUID | None = None,
    now: datetime | None = None,
) -> ShareLink:
    """A new link to `session_id`'s report. With `organization_id`, only that organisation's session (else 404).
    Practice sessions (no organisation) cannot be shared. `capped` (a caller's request, not a link Shadows must
    hand an ATS or a webhook): refused with 409 `too_many_share_links` once the session has
    SHADOWS_API_SHARE_LINKS_PER_SESSION unexpired links. What it is minted with: `integration_key_id` (a link for
    an ATS: it dies with that key) or `api_key_id` (recorded; the link outlives the key), else neither."""
    if api_key_id is not None and integration_key_id is not None:
        raise ValueError("a share link is minted with one key at most")
    ttl = lifetime(settings, expires_in_days)
    # Whole seconds: the token carries the expiry in seconds, and the row must say the same.
    created_at = now or datetime.now(UTC)
    expires_at = (created_at + ttl).replace(microsecond=0)
    link_id = uuid.uuid4()
    cap = settings.share_links_per_session if capped else None
    async with conn.transaction():
        # Read in the link's own transaction, the session's row locked: an erasure is either seen (404) or waits.
        owner = await share_links_repo.lock_session(conn, session_id, organization_id, exclusive=capped)
        if owner is None:
            raise NotFoundError("Session not found.", code="session_not_found")
        row = await share_links_repo.insert_link(
            conn,
            link_id,
            session_id,
            owner,
            created_at,
            expires_at,
            cap=cap,
            api_key_id=api_key_id,
            integration_key_id=integration_key_id,
        )
    if row is None:
        raise TooManyShareLinksError(
            f"A session has at most {settings.share_links_per_session} unexpired share links, revoked ones "
            "included; let some expire first.",
        )
    token = _token(settings, link_id, expires_at)
    return ShareLink(
        id=link_id,
        session_id=session_id,
        token=token,
        report_url=report_url(settings, token),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
    )


def check_token(settings: ApiSettings, token: str, *, now: datetime | None = None) -> tuple[UUID, datetime]:
    """The link id and expiry of a token signed with the current key, refusing expired ones; no database read."""
    body = signed_tokens.verify(_key(settings), PURPOSE, PREFIX, token, _BODY.size)
    if body is None:
        raise ShareLinkInvalidError("This link is not valid.")
    raw_id, expires = _BODY.unpack(body)
    expires_at = datetime.fromtimestamp(expires, UTC)
    if (now or datetime.now(UTC)) >= expires_at:
        raise ShareLinkExpiredError("This link has expired; ask for a new one.")
    return UUID(bytes=raw_id), expires_at


async def verify(
    conn: Conn, settings: ApiSettings, token: str, *, now: datetime | None = None
) -> SharedSession:
    """What a token opens, or ShareLinkInvalidError / ShareLinkExpiredError / ShareLinkRevokedError (the link, or
    the integration key it was minted for, revoked)."""
    link_id, expires_at = check_token(settings, token, now=now)
    row = await share_links_repo.get_link(conn, link_id)
    if row is None or row["expires_at"] != expires_at:
        raise ShareLinkInvalidError("This link is not valid.")
    if row["revoked_at"] is not None or row["integration_key_revoked"]:
        raise ShareLinkRevokedError("This link was revoked; ask for a new one.")
    return SharedSession(
        link_id=link_id,
        session_id=row["session_id"],
        organization_id=row["organization_id"],
        expires_at=expires_at,
        integration_key_id=row["integration_key_id"],
    )


async def revoke(conn: Conn, session_id: str, organization_id: UUID, link_id: UUID) -> datetime:
    """Revoke one link of this organisation's session; returns when it was revoked (404 when no such link)."""
    row = await share_links_repo.revoke_link(conn, session_id, organization_id, link_id)
    if row is None:
        raise NotFoundError("Share link not found.", code="share_link_not_found")
    revoked_at: datetime = row["revoked_at"]
    return revoked_at
