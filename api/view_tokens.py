"""Short-lived capabilities to read one session's report, minted by the server for a reader it has already
authenticated, so that a browser can follow a plain URL where it cannot send an API key or an invite:

- `timeline` scope: put into a report page rendered for an organisation key (or a practice candidate's invite), so
  the page's replay can load its timeline (`/v1/reports/<token>/timeline`);
- `report` scope: a practice candidate's coaching link (`POST /v1/sessions/{id}/coaching-link`), which opens the
  coaching report and its timeline;
- `artifacts` scope: the download URLs of a session's stored artifacts (`GET /v1/sessions/{id}/artifacts`), which
  open those and nothing else, for SHADOWS_API_STORAGE_SIGNED_URL_S.

`shv_` + base64url(view, scope, source kind, expiry, source id, session id, HMAC) signed with
SHADOWS_API_SHARE_SIGNING_KEY for the purpose `view2` (a share token never verifies as one, nor the reverse; nor does
a token of the earlier unbound format). They last SHADOWS_API_REPORT_VIEW_MINUTES at most, and each is bound to the
credential it was minted for (its source), which `open_session` checks in Postgres on every use:

- `key`: the organisation API key (by its id) must be unrevoked, and the session still that organisation's;
- `invite`: the session's invite must still be the one the token was minted for (its hash's first 16 bytes).

So revoking a key, or erasing the session, cuts every token derived from it at once; rotating the signing key cuts
them all. A share link's page never mints one: its replay loads the timeline with the share token itself, which is
checked against its row on every use (`api.share_links.verify`).
"""

from __future__ import annotations

import hmac
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from api import signed_tokens
from api.db import sessions_repo, view_grants_repo
from api.db.pool import Conn
from api.settings import ApiSettings
from api.share_links import ShareLinkExpiredError, ShareLinkInvalidError, ShareLinkRevokedError
from api.timeline import View

PREFIX = "shv_"
PURPOSE = "view2"
Scope = Literal["timeline", "report", "artifacts"]
SourceKind = Literal["key", "invite"]
_HEAD = struct.Struct(
    ">BBBQ16s"
)  # view, scope, source kind, expiry (unix seconds), source id; the session id follows
_VIEWS: tuple[View, ...] = ("org", "coach")
_SCOPES: tuple[Scope, ...] = ("timeline", "report", "artifacts")
_SOURCES: tuple[SourceKind, ...] = ("key", "invite")
MAX_SESSION_ID_BYTES = 64
SOURCE_ID_BYTES = 16


@dataclass(frozen=True)
class Source:
    """The credential a token is derived from: an API key's id, or an invite's hash (its first 16 bytes)."""

    kind: SourceKind
    id: bytes

    @classmethod
    def key(cls, key_id: UUID) -> Source:
        return cls("key", key_id.bytes)

    @classmethod
    def invite(cls, invite_hash: bytes) -> Source:
        return cls("invite", bytes(invite_hash[:SOURCE_ID_BYTES]))


@dataclass(frozen=True)
class ViewGrant:
    session_id: str
    view: View
    scope: Scope
    source: Source
    expires_at: datetime


def mint(
    settings: ApiSettings,
    session_id: str,
    view: View,
    scope: Scope,
    source: Source,
    *,
    now: datetime | None = None,
    lifetime: timedelta | None = None,
) -> tuple[str, datetime]:
    """A token for `source`'s reader, lasting `lifetime` (SHADOWS_API_REPORT_VIEW_MINUTES unless given)."""
    lifetime = lifetime if lifetime is not None else timedelta(minutes=settings.report_view_minutes)
    expires_at = ((now or datetime.now(UTC)) + lifetime).replace(microsecond=0)
    sid = session_id.encode("ascii")
    if len(sid) > MAX_SESSION_ID_BYTES:
        raise ValueError("session id too long for a view token")
    if len(source.id) != SOURCE_ID_BYTES:
        raise ValueError("a view token's source id is 16 bytes")
    body = (
        _HEAD.pack(
            _VIEWS.index(view),
            _SCOPES.index(scope),
            _SOURCES.index(source.kind),
            int(expires_at.timestamp()),
            source.id,
        )
        + sid
    )
    key = settings.share_signing_key.get_secret_value().encode("utf-8")
    return signed_tokens.sign(key, PURPOSE, PREFIX, body), expires_at


def check(settings: ApiSettings, token: str, *, now: datetime | None = None) -> ViewGrant:
    """The grant of a valid, unexpired token, or ShareLinkInvalidError / ShareLinkExpiredError like a share link.
    No database read: `open_session` also checks the token's source."""
    key = settings.share_signing_key.get_secret_value().encode("utf-8")
    body = signed_tokens.verify(
        key, PURPOSE, PREFIX, token, _HEAD.size + 1, _HEAD.size + MAX_SESSION_ID_BYTES
    )
    if body is None:
        raise ShareLinkInvalidError("This link is not valid.")
    view, scope, kind, expires, source_id = _HEAD.unpack(body[: _HEAD.size])
    if (
        view >= len(_VIEWS)
        or scope >= len(_SCOPES)
        or kind >= len(_SOURCES)
        or not body[_HEAD.size :].isascii()
    ):
        raise ShareLinkInvalidError("This link is not valid.")
    expires_at = datetime.fromtimestamp(expires, UTC)
    if (now or datetime.now(UTC)) >= expires_at:
        raise ShareLinkExpiredError("This link has expired.")
    return ViewGrant(
        session_id=body[_HEAD.size :].decode("ascii"),
        view=_VIEWS[view],
        scope=_SCOPES[scope],
        source=Source(_SOURCES[kind], source_id),
        expires_at=expires_at,
    )


def _revoked() -> ShareLinkRevokedError:
    return ShareLinkRevokedError("This link was revoked; ask for a new one.")


async def open_session(conn: Conn, grant: ViewGrant) -> dict[str, Any]:
    """The session a checked grant opens, while the credential it was minted for is still live and the session
    still that credential's (else 410 `share_link_revoked`; 404 `share_link_invalid` when the session is gone)."""
    source = grant.source
    if source.kind == "key":
        session = await view_grants_repo.session_for_key(conn, grant.session_id, UUID(bytes=source.id))
        if session is not None:
            return session
        if await sessions_repo.get_session(conn, grant.session_id) is None:
            raise ShareLinkInvalidError("This link is not valid.")
        raise _revoked()
    row = await view_grants_repo.session_with_invite(conn, grant.session_id)
    if row is None:
        raise ShareLinkInvalidError("This link is not valid.")
    if not hmac.compare_digest(bytes(row["invite_hash"][:SOURCE_ID_BYTES]), source.id):
        raise _revoked()
    row.pop("invite_hash")
    return row
