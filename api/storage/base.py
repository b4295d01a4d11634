"""What every storage backend offers, and its one error type.

Keys are `/`-separated paths without dot segments (`sessions/<id>/report.pdf`). Writes replace an existing object
whole (readers see the old or the new one, never half of either). Errors from the backend become `StorageError`,
with `retryable` set when trying again later may help (a timeout, a 5xx, a refused connection), so queue jobs
retry exactly those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

# Matched whole (`fullmatch`): `re.match` with a `$` anchor lets a final newline through.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


class StorageError(Exception):
    """An operation on the object store failed. `retryable`: a later attempt may succeed."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def check_key(key: str) -> str:
    if (
        len(key) > 512
        or not KEY_PATTERN.fullmatch(key)
        or any(part in (".", "..") for part in key.split("/"))
    ):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int


class StorageBackend(Protocol):
    name: str

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` at `key`, replacing what was there."""

    async def get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is none."""

    async def list_folder(self, prefix: str) -> list[StoredObject]:
        """The objects directly under the folder `prefix` (no trailing slash)."""

    async def delete(self, keys: list[str]) -> int:
        """Delete these objects (missing ones are fine); returns how many existed."""

    async def aclose(self) -> None: ...
