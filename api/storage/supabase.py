"""The `supabase` storage backend: Supabase Storage through `storage3`, the storage module of the official
`supabase` Python client, with the project's service-role key. Objects live in a private bucket (created private on
first use when missing), read back through this API only. Errors become `StorageError` (timeouts, connection
failures and 5xx are retryable)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from storage3 import AsyncStorageClient
from storage3.exceptions import StorageApiError

from api.storage.base import StorageError, StoredObject, check_key

LIST_PAGE = 1000


def _retryable_status(status: int | str) -> bool:
    try:
        code = int(status)
    except (TypeError, ValueError):
        return True
    return code >= 500 or code in (408, 429)


def _failure(what: str, e: StorageApiError | httpx.HTTPError) -> StorageError:
    """Supabase's refusal (retryable by its status) or a network error (always retryable) as our StorageError."""
    if isinstance(e, StorageApiError):
        return StorageError(f"storage {what} failed ({e.status})", retryable=_retryable_status(e.status))
    return StorageError(f"storage {what} failed ({type(e).__name__})", retryable=True)


class SupabaseStorage:
    name = "supabase"

    def __init__(self, url: str, service_role_key: str, *, bucket: str, timeout_s: float) -> None:
        self._bucket = bucket
        headers = {"apikey": service_role_key, "Authorization": f"Bearer {service_role_key}"}
        self._http = httpx.AsyncClient(headers=headers, timeout=timeout_s, follow_redirects=False)
        self._client = AsyncStorageClient(f"{url.rstrip('/')}/storage/v1/", headers, http_client=self._http)
        self._ready = False
        self._lock = asyncio.Lock()

    async def _call(self, what: str, operation: Any) -> Any:
        try:
            return await operation
        except (StorageApiError, httpx.HTTPError) as e:
            raise _failure(what, e) from e

    async def _bucket_ready(self) -> None:
        """Create the bucket, private, when it does not exist (once per process)."""
        if self._ready:
            return
        async with self._lock:
            if self._ready:
                return
            try:
                await self._check_private()
            except StorageApiError as e:
                if str(e.status) not in ("400", "404") or "not found" not in str(e.message).lower():
                    raise _failure("bucket check", e) from e
                await self._create()
            except httpx.HTTPError as e:
                raise _failure("bucket check", e) from e
            self._ready = True

    async def _check_private(self) -> None:
        bucket = await self._client.get_bucket(self._bucket)
        if bucket.public:
            raise StorageError(
                f"bucket {self._bucket} is public; artifacts need a private one", retryable=False
            )

    async def _create(self) -> None:
        """Create the bucket, private. Another process (a second job, worker or API replica) may create it between
        our check and this: Supabase answers 409 Duplicate, and the bucket is then checked as one found. Taken as
        a failure, the first writes of a new deployment lost that race: a job's artifacts failed for good."""
        try:
            await self._client.create_bucket(self._bucket, options={"public": False})
        except StorageApiError as e:
            if str(e.status) != "409":
                raise _failure("bucket creation", e) from e
            await self._call("bucket check", self._check_private())
        # Raised here, inside the caller's except clause, a network error would pass the caller's own handler by.
        except httpx.HTTPError as e:
            raise _failure("bucket creation", e) from e

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._bucket_ready()
        await self._call(
            "upload",
            self._client.from_(self._bucket).upload(
                check_key(key),
                data,
                {"content-type": content_type, "upsert": "true", "cache-control": "no-store"},
            ),
        )

    async def get(self, key: str) -> bytes | None:
        await self._bucket_ready()
        try:
            data: bytes = await self._client.from_(self._bucket).download(check_key(key))
            return data
        except StorageApiError as e:
            if str(e.status) in ("400", "404") and "not found" in str(e.message).lower():
                return None
            raise StorageError(
                f"storage download failed ({e.status})", retryable=_retryable_status(e.status)
            ) from e
        except httpx.HTTPError as e:
            raise StorageError(f"storage download failed ({type(e).__name__})", retryable=True) from e

    async def list_folder(self, prefix: str) -> list[StoredObject]:
        await self._bucket_ready()
        check_key(prefix)
        found: list[StoredObject] = []
        offset = 0
        while True:
            page = await self._call(
                "list",
                self._client.from_(self._bucket).list(prefix, {"limit": LIST_PAGE, "offset": offset}),
            )
            for entry in page:
                if entry.get("id") is None:  # a folder
                    continue
                size = (entry.get("metadata") or {}).get("size", 0)
                found.append(StoredObject(key=f"{prefix}/{entry['name']}", size=int(size or 0)))
            if len(page) < LIST_PAGE:
                return sorted(found, key=lambda o: o.key)
            offset += LIST_PAGE

    async def delete(self, keys: list[str]) -> int:
        if not keys:
            return 0
        await self._bucket_ready()
        removed = await self._call(
            "delete", self._client.from_(self._bucket).remove([check_key(k) for k in keys])
        )
        return len(removed)

    async def aclose(self) -> None:
        await self._http.aclose()
