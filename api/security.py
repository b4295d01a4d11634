"""Secrets we issue (organisation API keys, candidate invites, session ids) and how they are stored and compared."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

API_KEY_PREFIX = "shk_"
INVITE_PREFIX = "inv_"
SESSION_PREFIX = "ses_"
SESSION_ID_PATTERN = r"^ses_[0-9a-f]{24}$"  # what new_session_id() issues
GREENHOUSE_KEY_PREFIX = "shgh_"  # the ATS keys of api.integrations.keys
ASHBY_KEY_PREFIX = "shab_"
# What new_api_key(), new_invite() and the ATS keys' new_key() issue: the prefix and 43 URL-safe base64 characters
# (32 random bytes). A credential of any other shape names nothing we issued, and is refused before the database is
# asked (`well_formed`).
_ISSUED = {
    prefix: re.compile(re.escape(prefix) + r"[A-Za-z0-9_-]{43}")
    for prefix in (API_KEY_PREFIX, INVITE_PREFIX, GREENHOUSE_KEY_PREFIX, ASHBY_KEY_PREFIX)
}


def new_api_key() -> str:
    """A 256-bit random key; the prefix makes leaked keys easy to scan for."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def new_invite() -> str:
    return INVITE_PREFIX + secrets.token_urlsafe(32)


def new_session_id() -> str:
    return SESSION_PREFIX + secrets.token_hex(12)


def well_formed(token: str, prefix: str) -> bool:
    """Whether `token` has the shape of a credential we issue with `prefix`: an API key, an invite, an ATS key."""
    return _ISSUED[prefix].fullmatch(token) is not None


def digest(token: str) -> bytes:
    """SHA-256 of a high-entropy token. Stored instead of the token; looked up by this digest. The lookup by an
    indexed digest leaks nothing useful (an attacker would need a preimage); `same_digest` re-checks in constant
    time anyway."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def same_digest(token: str, stored: bytes) -> bool:
    return hmac.compare_digest(digest(token), bytes(stored))


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def one_of_secrets(given: str, expected: list[str]) -> bool:
    """Whether `given` is one of `expected` (each compared in constant time, all of them every time)."""
    return [same_secret(given, secret) for secret in expected].count(True) > 0
