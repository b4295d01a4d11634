"""Artifact downloads are bounded at once per organisation (and per process): each reads its object whole from
storage and holds it in memory until its client has read it, so one URL fetched a hundred times at once held a
hundred copies of a résumé or a session dump. A download past the organisation's share is 429 `artifacts_busy`
with Retry-After before storage is read; another organisation's is served; the slot is given back once the
download ends, however it ends."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from urllib.parse import urlsplit

import httpx
import psycopg
from psycopg.rows import DictRow

from api import artifacts
from api.db import artifacts_repo
from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from api.storage import LocalStorage
from tests.api.conftest import serve

Conn = psycopg.AsyncConnection[DictRow]
SIZE = 24 * 1024 * 1024  # past the kernel's buffers on loopback: a client that reads nothing keeps it unsent


async def _artifact_path(client: httpx.AsyncClient, db: Conn, settings: ApiSettings, key: str) -> str:
    """A stored résumé of a new session of `key`'s organisation, and its download path."""
    headers = {"Authorization": f"Bearer {key}"}
    r = await client.post(
        "/v1/sessions", json={"candidate": {"name": "A", "email": "a@example.com"}}, headers=headers
    )
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    data = bytes(range(256)) * (SIZE // 256)
    stored = artifacts.key(sid, artifacts.RESUME)
    await LocalStorage(settings.artifacts_dir).put(stored, data, "application/pdf")
    digest = hashlib.sha256(data).hexdigest()
    await artifacts_repo.record_artifact(db, sid, artifacts.RESUME, stored, "application/pdf", SIZE, digest)
    listed = await client.get(f"/v1/sessions/{sid}/artifacts", headers=headers)
    assert listed.status_code == 200, listed.text
    return urlsplit(listed.json()["data"][0]["url"]).path


async def _unread_download(port: int, path: str) -> socket.socket:
    """A download under way whose client then reads nothing more: it stays in progress until the socket is
    closed. Returned once its answer has begun (its slot taken)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, ("127.0.0.1", port))
    await loop.sock_sendall(sock, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    async with asyncio.timeout(30):
        assert (await loop.sock_recv(sock, 12)).startswith(b"HTTP/1.1 200")
    return sock


async def test_an_organisations_artifact_downloads_at_once_are_bounded_and_given_back(
    api_settings: ApiSettings, db: Conn
) -> None:
    settings = api_settings.model_copy(
        update={"artifact_download_per_org": 2, "artifact_download_concurrency": 3}
    )
    _, key = await create_org(db, "Downloading Org")
    _, other_key = await create_org(db, "Other Org")
    _, third_key = await create_org(db, "Third Org")
    async with serve(settings) as client:
        path = await _artifact_path(client, db, settings, key)
        theirs = await _artifact_path(client, db, settings, other_key)
        third = await _artifact_path(client, db, settings, third_key)
        port = client.base_url.port
        assert port is not None

        held = [await _unread_download(port, path) for _ in range(2)]
        try:
            busy = await client.get(path)
            assert busy.status_code == 429, busy.status_code
            assert busy.json()["error"]["code"] == "artifacts_busy"
            assert int(busy.headers["retry-after"]) > 0

            # Another organisation's download is served; while one of its own is under way, the process is full.
            r = await client.get(theirs)
            assert r.status_code == 200 and len(r.content) == SIZE
            held.append(await _unread_download(port, theirs))
            full = await client.get(third)
            assert full.status_code == 429 and full.json()["error"]["code"] == "artifacts_busy"
        finally:
            for sock in held:
                sock.close()

        # The client gone, its slots are given back.
        for _ in range(200):
            r = await client.get(path, headers={"Accept-Encoding": "identity"})
            if r.status_code == 200:
                break
            await asyncio.sleep(0.05)
        assert r.status_code == 200 and len(r.content) == SIZE
        assert r.headers["content-length"] == str(SIZE)
        assert r.headers["content-disposition"] == 'attachment; filename="resume.pdf"'
        r = await client.get(third)
        assert r.status_code == 200 and len(r.content) == SIZE
