"""The `local` storage backend: objects are files under one directory. For development, tests and single-host
deployments."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from api.storage.base import StorageError, StoredObject, check_key


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

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

    async def aclose(self) -> None:
        return None
