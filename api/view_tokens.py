"""Short-lived capabilities to read one session's report, minted by the server for a reader it has already
authenticated, so that a browser can follow a plain URL where it cannot send an API key or an invite:

- `timeline` scope: put into a report page rendered for an organisation key, so the page's replay can load its
  timeline (`/v1/reports/<token>/timeline`);
- `report` scope: a practice candidate's coaching link (`POST /v1/sessions/{id}/coaching-link`), which opens the
  coaching report and its timeline.

`shv_` + base64url(view, scope, expiry, session id, HMAC) signed with SHADOWS_API_SHARE_SIGNING_KEY for the purpose
`view` (a share token never verifies as one, nor the reverse). Stateless: they last SHADOWS_API_REPORT_VIEW_MINUTES
and only rotating the key revokes them, so they are never handed to anyone but the reader who asked.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from api import signed_tokens
from api.settings import ApiSettings
from api.share_links import ShareLinkExpiredError, ShareLinkInvalidError
from api.timeline import View

PREFIX = "shv_"
PURPOSE = "view"
Scope = Literal["timeline", "report"]
_HEAD = struct.Struct(">BBQ")  # view, scope, expiry (unix seconds); the session id follows
_VIEWS: tuple[View, ...] = ("org", "coach")
_SCOPES: tuple[Scope, ...] = ("timeline", "report")
MAX_SESSION_ID_BYTES = 64


@dataclass(frozen=True)
class ViewGrant:
    session_id: str
    view: View
    scope: Scope
    expires_at: datetime


def mint(
    settings: ApiSettings, session_id: str, view: View, scope: Scope, *, now: datetime | None = None
) -> tuple[str, datetime]:
    expires_at = ((now or datetime.now(UTC)) + timedelta(minutes=settings.report_view_minutes)).replace(
        microsecond=0
    )
    sid = session_id.encode("ascii")
    if len(sid) > MAX_SESSION_ID_BYTES:
        raise ValueError("session id too long for a view token")
    body = _HEAD.pack(_VIEWS.index(view), _SCOPES.index(scope), int(expires_at.timestamp())) + sid
    key = settings.share_signing_key.get_secret_value().encode("utf-8")
    return signed_tokens.sign(key, PURPOSE, PREFIX, body), expires_at


def check(settings: ApiSettings, token: str, *, now: datetime | None = None) -> ViewGrant:
    """The grant of a valid, unexpired token, or ShareLinkInvalidError / ShareLinkExpiredError like a share link."""
    key = settings.share_signing_key.get_secret_value().encode("utf-8")
    body = signed_tokens.verify(
        key, PURPOSE, PREFIX, token, _HEAD.size + 1, _HEAD.size + MAX_SESSION_ID_BYTES
    )
    if body is None:
        raise ShareLinkInvalidError("This link is not valid.")
    view, scope, expires = _HEAD.unpack(body[: _HEAD.size])
    if view >= len(_VIEWS) or scope >= len(_SCOPES) or not body[_HEAD.size :].isascii():
        raise ShareLinkInvalidError("This link is not valid.")
    expires_at = datetime.fromtimestamp(expires, UTC)
    if (now or datetime.now(UTC)) >= expires_at:
        raise ShareLinkExpiredError("This link has expired.")
    return ViewGrant(
        session_id=body[_HEAD.size :].decode("ascii"),
        view=_VIEWS[view],
        scope=_SCOPES[scope],
        expires_at=expires_at,
    )
