"""Keys we issue to an organisation for one ATS, and HTTP Basic authentication of that ATS's calls with them.

Greenhouse and Ashby both present our key as the Basic username with a blank password. A key is `shgh_` (Greenhouse)
or `shab_` (Ashby) plus 256 random bits: 48 characters, under Greenhouse's 171. We keep its SHA-256 to authenticate
and a sealed copy, because Greenhouse's completion PATCH must present it back. One live key per organisation and
ATS: issuing a new one revokes the old one.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from api import guess_limits
from api.db import ats_callbacks_repo, integration_keys_repo, outbound_leases_repo
from api.db.pool import Conn
from api.errors import UnauthorizedError
from api.sealing import sealer
from api.security import ASHBY_KEY_PREFIX, GREENHOUSE_KEY_PREFIX, digest, same_digest, well_formed
from api.settings import ApiSettings

if TYPE_CHECKING:  # FastAPI in the API's processes; the job worker reaches this module without it
    from fastapi import Request

Provider = Literal["greenhouse", "ashby"]
PREFIXES: dict[str, str] = {"greenhouse": GREENHOUSE_KEY_PREFIX, "ashby": ASHBY_KEY_PREFIX}
MAX_KEY_CHARS = 170  # Greenhouse: "the API key ... must be less than 171 characters"
MAX_AUTH_HEADER_CHARS = 512


def new_key(provider: Provider) -> str:
    return PREFIXES[provider] + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class IssuedKey:
    key: str
    id: UUID
    prefix: str
    created_at: Any


async def issue(
    conn: Conn,
    settings: ApiSettings,
    organization_id: UUID,
    provider: Provider,
    *,
    provider_api_key: str | None = None,
) -> IssuedKey:
    """A new key for `provider` (shown once by the caller), revoking the organisation's previous one. The calls
    back to that ATS waiting on the replaced key resume with the new one: the integration's pause (a 429's
    Retry-After, which the ATS counts per key) ends, and the calls whose last answer was about the key (401, 403,
    429) are due at once (`ats_callbacks_repo.resume_for_new_key`)."""
    key = new_key(provider)
    seal = sealer(settings)
    row = await integration_keys_repo.issue_key(
        conn,
        organization_id,
        provider,
        key_hash=digest(key),
        key_sealed=seal.seal(key),
        prefix=key[:9],
        provider_api_key_sealed=seal.seal(provider_api_key) if provider_api_key is not None else None,
    )
    await outbound_leases_repo.unpause(conn, organization_id, outbound_leases_repo.ats_target(provider))
    await ats_callbacks_repo.resume_for_new_key(conn, organization_id, provider)
    return IssuedKey(key=key, id=row["id"], prefix=row["prefix"], created_at=row["created_at"])


@dataclass(frozen=True)
class IntegrationCaller:
    """An ATS calling for one organisation, authenticated by the key we issued."""

    organization_id: UUID
    key_id: UUID
    provider: Provider


def basic_username(request: Request) -> str:
    """The username of `Authorization: Basic ...` whose password is blank; 401 otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise UnauthorizedError("Missing Basic credentials.", code="missing_credentials")
    if len(header) > MAX_AUTH_HEADER_CHARS:
        raise UnauthorizedError("Invalid credentials.", code="invalid_credentials")
    # The server hands header bytes over as Latin-1 text: one outside ASCII made b64decode raise a plain ValueError
    # (not binascii.Error), a 500 on every partner route. ValueError covers both, and UnicodeDecodeError too.
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError as e:
        raise UnauthorizedError("Invalid credentials.", code="invalid_credentials") from e
    username, sep, password = decoded.partition(":")
    if not sep or password or not username or len(username) > MAX_KEY_CHARS:
        raise UnauthorizedError("Invalid credentials.", code="invalid_credentials")
    return username


def admitted(provider: Provider, request: Request) -> tuple[str, bytes]:
    """The key presented and its digest, if it may be looked up: shaped as a key we issue for `provider` (401
    otherwise), from an address the guess limits have not spent (429 otherwise). In-process only: the partner
    routes' guards call it before they take a pooled connection, so a refused guess holds none."""
    key = basic_username(request)
    if not well_formed(key, PREFIXES[provider]):
        raise UnauthorizedError("Invalid API key.", code="invalid_api_key")
    hashed = digest(key)
    guess_limits.admit(request, hashed)
    return key, hashed


async def authenticate(conn: Conn, provider: Provider, request: Request) -> IntegrationCaller:
    """The ATS calling, by the key it presents. A key not shaped as one we issue for `provider` is a 401 without a
    lookup; a lookup that finds nothing is counted by the guess limits (api.guess_limits, as an API key's: 429 once
    the caller's address, its /48 or every caller's budget is spent), so the partner routes are no way round them."""
    key, hashed = admitted(provider, request)
    row = await integration_keys_repo.key_by_hash(conn, provider, hashed)
    if row is None or not same_digest(key, row["key_hash"]):
        if not await integration_keys_repo.was_revoked(
            conn, provider, hashed
        ):  # a stale key we issued: no guess
            await guess_limits.failed(request, hashed, "integration_key")
        raise UnauthorizedError("Invalid API key.", code="invalid_api_key")
    guess_limits.opened(request, hashed)
    return IntegrationCaller(organization_id=row["organization_id"], key_id=row["id"], provider=provider)


async def hold_caller(conn: Conn, key_id: UUID) -> None:
    """In the transaction of a write an ATS asked for, as its last statement: 401 `invalid_api_key` (as its next
    request would be) when its key was rotated or revoked since the request was let in, and the write is rolled
    back; otherwise the rotation waits for the write's commit (`integration_keys_repo.hold_live_key`)."""
    if not await integration_keys_repo.hold_live_key(conn, key_id):
        raise UnauthorizedError("Invalid API key.", code="invalid_api_key")
