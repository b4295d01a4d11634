"""FakeSupabaseStorage: a local aiohttp server on 127.0.0.1 speaking the Supabase Storage REST API (`/storage/v1`)
for the calls the `supabase` backend makes: get and create a bucket, upload (multipart, `x-upsert`), download,
list a folder, delete by prefixes, create a signed URL and download through it.

It keeps objects in memory, checks the service-role key on every call (`apikey` and `Authorization: Bearer`),
answers errors in Storage's legacy shape (HTTP 400 with `{"statusCode": "404", "error": ..., "message": ...}`),
signs URLs with an HMAC token and an expiry, and can be told to fail (`fail_with`) or to go silent.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve


@dataclass
class StoredFile:
    data: bytes
    content_type: str
    cache_control: str
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    id: str = field(default_factory=lambda: secrets.token_hex(8))


def _error(status: str, error: str, message: str, http: int = 400) -> web.Response:
    return web.json_response({"statusCode": status, "error": error, "message": message}, status=http)


class FakeSupabaseStorage:
    def __init__(self, *, service_key: str) -> None:
        self.service_key = service_key
        self.buckets: dict[str, dict[str, Any]] = {}
        self.objects: dict[str, dict[str, StoredFile]] = {}  # bucket -> key -> file
        self.requests: list[tuple[str, str]] = []
        self.fail_with: int | None = None  # answer every call with this HTTP status (a 5xx outage)
        self._secret = secrets.token_bytes(32)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> FakeSupabaseStorage:
        app = web.Application(client_max_size=64 << 20)
        r = app.router
        r.add_get("/storage/v1/bucket/{bucket}", self._get_bucket)
        r.add_post("/storage/v1/bucket", self._create_bucket)
        r.add_post("/storage/v1/object/list/{bucket}", self._list)
        r.add_post("/storage/v1/object/sign/{bucket}/{key:.+}", self._sign)
        r.add_get("/storage/v1/object/sign/{bucket}/{key:.+}", self._signed_download)
        r.add_post("/storage/v1/object/{bucket}/{key:.+}", self._upload)
        r.add_put("/storage/v1/object/{bucket}/{key:.+}", self._upload)
        r.add_get("/storage/v1/object/{bucket}/{key:.+}", self._download)
        r.add_delete("/storage/v1/object/{bucket}", self._delete)
        self._runner, port = await serve(app)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- helpers ---------------------------------------------------------------------------------------------

    def keys(self, bucket: str) -> list[str]:
        return sorted(self.objects.get(bucket, {}))

    def _check(self, request: web.Request) -> web.Response | None:
        self.requests.append((request.method, request.path))
        if self.fail_with is not None:
            return _error(str(self.fail_with), "InternalError", "forced failure", http=self.fail_with)
        if (
            request.headers.get("apikey") != self.service_key
            or request.headers.get("Authorization") != f"Bearer {self.service_key}"
        ):
            return _error("403", "Unauthorized", "invalid signature")
        return None

    def _bucket(self, name: str) -> dict[str, StoredFile] | None:
        return self.objects.get(name) if name in self.buckets else None

    def _token(self, bucket: str, key: str, expires: int) -> str:
        message = f"{bucket}/{key}:{expires}".encode()
        return f"{expires}.{hmac.new(self._secret, message, hashlib.sha256).hexdigest()}"

    # -- buckets ---------------------------------------------------------------------------------------------

    async def _get_bucket(self, request: web.Request) -> web.Response:
        if (denied := self._check(request)) is not None:
            return denied
        bucket = self.buckets.get(request.match_info["bucket"])
        if bucket is None:
            return _error("404", "Bucket not found", "Bucket not found")
        return web.json_response(bucket)

    async def _create_bucket(self, request: web.Request) -> web.Response:
        if (denied := self._check(request)) is not None:
            return denied
        body = await request.json()
        name = body.get("id") or body.get("name")
        if not name:
            return _error("400", "Invalid Input", "id is required")
        if name in self.buckets:
            return _error("409", "Duplicate", "The resource already exists")
        now = datetime.now(UTC).isoformat()
        self.buckets[name] = {
            "id": name,
            "name": body.get("name", name),
            "owner": "",
            "public": bool(body.get("public", False)),
            "created_at": now,
            "updated_at": now,
            "file_size_limit": None,
            "allowed_mime_types": None,
        }
        self.objects[name] = {}
        return web.json_response({"name": name})

    # -- objects ---------------------------------------------------------------------------------------------

    async def _upload(self, request: web.Request) -> web.Response:
        if (denied := self._check(request)) is not None:
            return denied
        bucket_name, key = request.match_info["bucket"], request.match_info["key"]
        bucket = self._bucket(bucket_name)
        if bucket is None:
            return _error("404", "Bucket not found", "Bucket not found")
        upsert = request.method == "PUT" or request.headers.get("x-upsert", "false") == "true"
        if key in bucket and not upsert:
            return _error("409", "Duplicate", "The resource already exists")
        reader = await request.multipart()
        data, content_type, cache_control = b"", "application/octet-stream", "3600"
        while (part := await reader.next()) is not None:
            if part.filename is not None:  # type: ignore[union-attr]  # a body part, not a nested reader
                data = await part.read()  # type: ignore[union-attr]
                content_type = part.headers.get("Content-Type", content_type)  # type: ignore[union-attr]
            elif part.name == "cacheControl":  # type: ignore[union-attr]
                cache_control = (await part.read()).decode()  # type: ignore[union-attr]
        bucket[key] = StoredFile(data=data, content_type=content_type, cache_control=cache_control)
        return web.json_response({"Id": bucket[key].id, "Key": f"{bucket_name}/{key}"})

    async def _download(self, request: web.Request) -> web.Response:
        if (denied := self._check(request)) is not None:
            return denied
        bucket = self._bucket(request.match_info["bucket"])
        found = bucket.get(request.match_info["key"]) if bucket is not None else None
        if found is None:
            return _error("404", "not_found", "Object not found")
        return web.Response(body=found.data, content_type=found.content_type.split(";")[0])

    async def _list(self, request: web.Request) -> web.Response:
        if (denied := self._check(request)) is not None:
            return denied
        bucket = self._bucket(request.match_info["bucket"])
        if bucket is None:
            return _error("404", "Bucket not found", "Bucket not found")
        body = await request.json()
        prefix = str(body.get("prefix", "")).strip("/")
        limit, offset = int(body.get("limit", 100)), int(body.get("offset", 0))
        entries: dict[str, dict[str, Any]] = {}
        for key, stored in sorted(bucket.items()):
            if prefix and not key.startswith(prefix + "/"):
                continue
            rest = key[len(prefix) + 1 :] if prefix else key
            head, _, tail = rest.partition("/")
            if tail:  # a folder one level down
                entries.setdefault(head, {"name": head, "id": None, "metadata": None})
            else:
                entries[head] = {
                    "name": head,
                    "id": stored.id,
                    "created_at": stored.created_at,
                    "updated_at": stored.created_at,
                    "last_accessed_at": stored.created_at,
                    "metadata": {"size": len(stored.data), "mimetype": stored.content_type},
                }
        return web.json_response(list(entries.values())[offset : offset + limit])

    async def _delete(self, request: web.Request) -> web.Response:
        if (denied := self._check(request)) is not None:
            return denied
        bucket = self._bucket(request.match_info["bucket"])
        if bucket is None:
            return _error("404", "Bucket not found", "Bucket not found")
        body = await request.json()
        removed = []
        for key in body.get("prefixes", []):
            if bucket.pop(key, None) is not None:
                removed.append({"name": key, "bucket_id": request.match_info["bucket"]})
        return web.json_response(removed)

    async def _sign(self, request: web.Request) -> web.Response:
        if (denied := self._check(request)) is not None:
            return denied
        bucket_name, key = request.match_info["bucket"], request.match_info["key"]
        bucket = self._bucket(bucket_name)
        if bucket is None or key not in bucket:
            return _error("404", "not_found", "Object not found")
        body = await request.json()
        expires = int(time.time()) + int(body["expiresIn"])
        token = self._token(bucket_name, key, expires)
        return web.json_response({"signedURL": f"/object/sign/{bucket_name}/{key}?token={token}"})

    async def _signed_download(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        bucket_name, key = request.match_info["bucket"], request.match_info["key"]
        token = request.query.get("token", "")
        expires_text, _, _ = token.partition(".")
        if not expires_text.isdigit() or not hmac.compare_digest(
            token, self._token(bucket_name, key, int(expires_text))
        ):
            return _error("400", "InvalidSignature", "The signature is invalid")
        if int(expires_text) < time.time():
            return _error("400", "InvalidJWT", "jwt expired")
        bucket = self._bucket(bucket_name)
        found = bucket.get(key) if bucket is not None else None
        if found is None:
            return _error("404", "not_found", "Object not found")
        return web.Response(body=found.data, content_type=found.content_type.split(";")[0])
