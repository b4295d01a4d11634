"""Artifact downloads are counted in number, not only at once (api/report_limits.py): a download URL opens its object
without other credentials for an hour, and its organisation's slots bound how many download at once, so one leaked
URL fetched in a loop read the object whole from storage (a résumé, a session dump: megabytes) as often as it was
asked for. The URLs one key listed for one session are one bucket, every artifact and every listing together;
past `SHADOWS_API_ARTIFACT_DOWNLOAD_RATE_LIMIT`, 429 `rate_limited` before the database or storage is read."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import httpx
import psycopg
from psycopg.rows import DictRow

from api import artifacts
from api.db import artifacts_repo
from api.settings import ApiSettings
from api.storage import LocalStorage
from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def _stored(server: ApiServer, db: Conn, settings: ApiSettings, key: str | None = None) -> str:
    """A new session of `key`'s organisation with a stored résumé and session dump; its id."""
    sid = str((await server.create_session(key=key))["id"])
    for name, body in ((artifacts.RESUME, b"%PDF-1.4 resume"), (artifacts.DUMP, b'{"events": []}')):
        stored = artifacts.key(sid, name)
        await LocalStorage(settings.artifacts_dir).put(stored, body, "application/octet-stream")
        digest = hashlib.sha256(body).hexdigest()
        await artifacts_repo.record_artifact(
            db, sid, name, stored, "application/octet-stream", len(body), digest
        )
    return sid


async def _paths(client: httpx.AsyncClient, sid: str, headers: dict[str, str]) -> list[str]:
    listed = await client.get(f"/v1/sessions/{sid}/artifacts", headers=headers)
    assert listed.status_code == 200, listed.text
    return [urlsplit(a["url"]).path for a in listed.json()["data"]]


async def test_one_keys_artifact_urls_for_a_session_are_counted_together(
    api_server: ApiServer, db: Conn
) -> None:
    settings = api_server.settings.model_copy(update={"artifact_download_rate_limit": "4/hour"})
    sid = await _stored(api_server, db, settings)
    other = await _stored(api_server, db, settings)
    headers = api_server.org_headers()
    async with serve(settings) as client:
        first, second = await _paths(client, sid, headers)
        statuses = [(await client.get(p)).status_code for p in (first, second, first, second)]
        # Listing again mints new URLs, and no new budget.
        relisted = await _paths(client, sid, headers)
        over = [await client.get(p) for p in relisted]
        theirs = [(await client.get(p)).status_code for p in await _paths(client, other, headers)]
    assert statuses == [200] * 4
    assert [r.status_code for r in over] == [429, 429]
    for r in over:
        assert r.json()["error"]["code"] == "rate_limited"
        assert int(r.headers["retry-after"]) >= 1
    assert theirs == [200, 200]  # another session's URLs are their own bucket
