"""A client that asks for a large answer and then stops reading it (a zero TCP window) held the answer in the
server's memory, and the request's task waiting to send it, for as long as it liked: uvicorn waits for a paused
transport to drain with no deadline, and closing it keeps the unsent bytes until the peer reads them. One artifact
URL (a résumé, a session dump: megabytes each) opened on a hundred such connections held a hundred copies. Now a
connection whose client does not drain the server's buffer for it within `SHADOWS_API_RESPONSE_GRACE_S`, plus one
second per `SHADOWS_API_RESPONSE_MIN_BYTES_PER_S` bytes it takes, is aborted and its buffer dropped
(judge/http_protocol.py); a client that reads at its own pace above that rate is never cut."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import time
from urllib.parse import urlsplit

import psycopg
from psycopg.rows import DictRow

from api import artifacts
from api.db import artifacts_repo
from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from api.storage import LocalStorage
from tests.api.conftest import serve

Conn = psycopg.AsyncConnection[DictRow]
# Past the kernel's send buffer on loopback (4 MiB at most), so the server's transport holds the rest.
SIZE = 24 * 1024 * 1024
# The test's minimum rate (production's is 4 KiB/s), so that readers either side of it take seconds.
MIN_RATE = 512 * 1024


async def _paced_read(port: int, path: str, *, stall_s: float = 0, rate: float = 0) -> int:
    """Ask for `path` on a connection with a small receive window, read nothing for `stall_s`, then read at `rate`
    bytes a second (0: as fast as it comes); the bytes received (head included) before the end or a reset."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=4096)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    await asyncio.sleep(stall_s)
    received = 0
    started = time.monotonic()
    try:
        async with asyncio.timeout(120):
            while chunk := await reader.read(64 * 1024):
                received += len(chunk)
                if rate:
                    await asyncio.sleep(max(0.0, received / rate - (time.monotonic() - started)))
    except ConnectionError:
        pass
    finally:
        writer.close()
    return received


async def test_a_client_that_stops_reading_a_large_answer_is_cut_off_and_a_reader_is_not(
    api_settings: ApiSettings, db: Conn
) -> None:
    settings = api_settings.model_copy(update={"response_grace_s": 1, "response_min_bytes_per_s": MIN_RATE})
    _, key = await create_org(db, "Slow Reader Org")
    headers = {"Authorization": f"Bearer {key}"}
    data = bytes(range(256)) * (SIZE // 256)
    async with serve(settings) as client:
        r = await client.post(
            "/v1/sessions", json={"candidate": {"name": "A", "email": "a@example.com"}}, headers=headers
        )
        assert r.status_code == 201, r.text
        sid = r.json()["id"]
        store = LocalStorage(settings.artifacts_dir)
        await store.put(artifacts.key(sid, artifacts.RESUME), data, "application/pdf")
        await artifacts_repo.record_artifact(
            db,
            sid,
            artifacts.RESUME,
            artifacts.key(sid, artifacts.RESUME),
            "application/pdf",
            len(data),
            hashlib.sha256(data).hexdigest(),
        )
        listed = await client.get(f"/v1/sessions/{sid}/artifacts", headers=headers)
        assert listed.status_code == 200, listed.text
        path = urlsplit(listed.json()["data"][0]["url"]).path
        port = client.base_url.port
        assert port is not None

        # A reader at full speed gets the whole artifact, however large.
        whole = await client.get(path)
        assert whole.status_code == 200 and whole.content == data

        # One that reads steadily above the minimum rate gets it all, however long it takes past the grace.
        assert await _paced_read(port, path, rate=8 * MIN_RATE) > SIZE

        # One that stops reading for longer than the grace is cut off: the rest is never sent.
        started = time.monotonic()
        assert await _paced_read(port, path, stall_s=3) < SIZE
        assert time.monotonic() - started < 30

        # So is one that reads, but a trickle below the minimum rate.
        assert await _paced_read(port, path, rate=MIN_RATE / 16) < SIZE

        # The server goes on serving.
        assert (await client.get("/readyz")).status_code == 200
