"""Altering a signed token (`api.signed_tokens`) so that it can only fail: one bit of its MAC flipped and the
result spelled canonically. Rewriting its last characters instead was a no-op whenever it already ended in them."""

from __future__ import annotations

import base64


def tampered(token: str, prefix: str) -> str:
    encoded = token[len(prefix) :]
    raw = bytearray(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    raw[-1] ^= 0x01
    altered = prefix + base64.urlsafe_b64encode(bytes(raw)).decode("ascii").rstrip("=")
    assert altered != token
    return altered
