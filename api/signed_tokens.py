"""Compact HMAC-signed tokens for URLs: `<prefix>` + base64url(body || HMAC-SHA256(key, purpose || body)).

The purpose (e.g. `share`) separates the kinds of token signed with one key: a token minted for one purpose never
verifies for another. Checking needs no database; whatever the body names is looked up afterwards. Rotating the key
invalidates every token signed with the old one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

MAC_BYTES = 32
MAX_TOKEN_CHARS = 256


def _mac(key: bytes, purpose: str, body: bytes) -> bytes:
    return hmac.new(key, b"shadows." + purpose.encode("ascii") + b".v1\x00" + body, hashlib.sha256).digest()


def sign(key: bytes, purpose: str, prefix: str, body: bytes) -> str:
    raw = body + _mac(key, purpose, body)
    return prefix + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def verify(
    key: bytes, purpose: str, prefix: str, token: str, body_len: int, max_body_len: int | None = None
) -> bytes | None:
    """The body of a token this key signed for this purpose, or None (wrong prefix, length, encoding or MAC).
    The body is `body_len` bytes, or `body_len` to `max_body_len` bytes when that is given."""
    if not token.startswith(prefix) or len(token) > MAX_TOKEN_CHARS:
        return None
    encoded = token[len(prefix) :]
    if not encoded.isascii() or "=" in encoded:
        return None
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return None
    size = len(raw) - MAC_BYTES
    if not body_len <= size <= (max_body_len if max_body_len is not None else body_len):
        return None
    # A base64 string with non-zero padding bits decodes to the same bytes as the canonical one; only the
    # canonical spelling is the token we issued.
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != encoded:
        return None
    body, mac = raw[:size], raw[size:]
    if not hmac.compare_digest(mac, _mac(key, purpose, body)):
        return None
    return body
