"""Secrets we issue (organisation API keys, candidate invites, session ids) and how they are stored and compared."""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_KEY_PREFIX = "shk_"
INVITE_PREFIX = "inv_"
SESSION_PREFIX = "ses_"
SESSION_ID_PATTERN = r"^ses_[0-9a-f]{24}$"  # what new_session_id() issues


def new_api_key() -> str:
    """A 256-bit random key; the prefix makes leaked keys easy to scan for."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def new_invite() -> str:
    return INVITE_PREFIX + secrets.token_urlsafe(32)


def new_session_id() -> str:
    return SESSION_PREFIX + secrets.token_hex(12)


def digest(token: str) -> bytes:
    """SHA-256 of a high-entropy token. Stored instead of the token; looked up by this digest. The lookup by an
    indexed digest leaks nothing useful (an attacker would need a preimage); `same_digest` re-checks in constant
    time anyway."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def same_digest(token: str, stored: bytes) -> bool:
    return hmac.compare_digest(digest(token), bytes(stored))


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
