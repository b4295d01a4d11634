"""Secrets we must read back (webhook signing secrets, ATS keys, candidates' join links), sealed at rest.

Tokens we only compare (API keys, invites) are stored as SHA-256 digests (`api.security`). These cannot be: we sign
with a webhook secret, present an ATS key, e-mail a join link. They are sealed with Fernet (AES-128-CBC + HMAC)
under SHADOWS_API_SEALING_KEYS: the first key seals, every key opens, so a new key can be put in front and old rows
stay readable until they are sealed again.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from api.settings import ApiSettings


class SealedValueError(RuntimeError):
    """A sealed value that none of the configured keys opens (a key was removed too early, or the row is corrupt)."""


class Sealer:
    def __init__(self, keys: tuple[str, ...]) -> None:
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, UnicodeEncodeError) as e:
            raise ValueError("SHADOWS_API_SEALING_KEYS: each key is 32 url-safe base64-encoded bytes") from e

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as e:
            raise SealedValueError("a sealed value cannot be opened with SHADOWS_API_SEALING_KEYS") from e


@lru_cache(maxsize=8)
def _sealer(keys: tuple[str, ...]) -> Sealer:
    return Sealer(keys)


def sealer(settings: ApiSettings) -> Sealer:
    return _sealer(tuple(settings.sealing_key_list))
