"""LiveKit's webhook signature: a JWT in Authorization, signed with our LiveKit API secret, carrying the SHA-256 of
the body it signs (as the SDK's `WebhookReceiver.receive` checks them)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from livekit import api as lk

from api.errors import UnauthorizedError
from api.settings import ApiSettings


def _invalid() -> UnauthorizedError:
    return UnauthorizedError("Invalid webhook signature.", code="invalid_signature")


def signed_digest(auth: str, settings: ApiSettings) -> bytes:
    """The body digest that the Authorization value `auth` (the JWT, `Bearer ` optional) signs, once the JWT holds:
    our key and secret, not expired (LiveKit signs each delivery for minutes). Needs only the header, so a body is
    read only for a caller holding one; UnauthorizedError (`invalid_signature`) otherwise."""
    verifier = lk.TokenVerifier(settings.livekit_api_key, settings.livekit_api_secret.get_secret_value())
    token = auth[7:] if auth.lower().startswith("bearer ") else auth
    try:
        claims = verifier.verify(token)
        signed = base64.b64decode(claims.sha256 or "", validate=True)
    except Exception as e:  # the SDK raises bare Exception / jwt errors for every bad signature
        raise _invalid() from e
    if not signed:
        raise _invalid()
    return signed


def verify_body(body: bytes, auth: str, settings: ApiSettings) -> None:
    """UnauthorizedError (`invalid_signature`) unless `auth` holds and signs `body`, byte for byte."""
    if not hmac.compare_digest(hashlib.sha256(body).digest(), signed_digest(auth, settings)):
        raise _invalid()
