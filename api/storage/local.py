"""The `local` storage backend: objects are files under one directory; signed URLs are HMAC-signed paths that this
API serves (`GET /v1/artifacts/<token>`). For development, tests and single-host deployments."""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import tempfile
import time
from pathlib import Path

from api import signed_tokens
from api.storage.base import StorageError, StoredObject, check_key

PREFIX = "sha_"
PURPOSE = "artifact"
_HEAD = struct.Struct(">Q")  # expiry (unix seconds); the key follows
ARTIFACTS_PATH = "/v1/artifacts/"


class LocalStorage:
    name = "local"

    def __init__(self, root: Path, *, signing_key: str) -> None:
        self.root = root
        self._key = signing_key.encode("utf-8")

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # readers see the old file or the new one, never half of it
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            await asyncio.to_thread(self._put, key, data)
        except OSError as e:
            raise StorageError(f"could not write {key}: {type(e).__name__}", retryable=True) from e

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise StorageError(f"could not read {key}: {type(e).__name__}", retryable=True) from e

    def _list(self, prefix: str) -> list[StoredObject]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return []
        return sorted(
            (
                StoredObject(key=f"{prefix}/{entry.name}", size=entry.stat().st_size)
                for entry in folder.iterdir()
                if entry.is_file() and not entry.name.startswith(".tmp-")
            ),
            key=lambda o: o.key,
        )

    async def list_folder(self, prefix: str) -> list[StoredObject]:
        try:
            return await asyncio.to_thread(self._list, prefix)
        except OSError as e:
            raise StorageError(f"could not list {prefix}: {type(e).__name__}", retryable=True) from e

    def _delete(self, keys: list[str]) -> int:
        removed = 0
        folders = set()
        for key in keys:
            path = self._path(key)
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
            folders.add(path.parent)
        for folder in folders:  # an empty session folder goes too
            with contextlib.suppress(OSError):
                folder.rmdir()
        return removed

    async def delete(self, keys: list[str]) -> int:
        try:
            return await asyncio.to_thread(self._delete, keys)
        except OSError as e:
            raise StorageError(f"could not delete: {type(e).__name__}", retryable=True) from e

    async def signed_url(self, key: str, expires_in_s: int) -> str:
        body = _HEAD.pack(int(time.time()) + expires_in_s) + check_key(key).encode("ascii")
        return ARTIFACTS_PATH + signed_tokens.sign(self._key, PURPOSE, PREFIX, body)

    def open_signed(self, token: str, *, now: float | None = None) -> str | None:
        """The key a signed URL's token names, if it is valid and unexpired."""
        body = signed_tokens.verify(self._key, PURPOSE, PREFIX, token, _HEAD.size + 1, _HEAD.size + 512)
        if body is None:
            return None
        (expires,) = _HEAD.unpack(body[: _HEAD.size])
        if (now if now is not None else time.time()) >= expires:
            return None
        try:
            return check_key(body[_HEAD.size :].decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return None

    async def aclose(self) -> None:
        return None
