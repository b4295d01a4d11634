"""Routes that wait on something slow hold no database connection while they wait: a report PDF waiting for a
Chromium slot and printing, a session create whose résumé upload is still arriving. Held, twenty waiting requests
(one organisation's, or one anonymous practice candidate's PDFs) drained the pool, and every route of every
organisation answered 503 database_unavailable. Asserted on the pool itself: connections in use while they wait."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import psycopg
from psycopg.rows import DictRow

from api.pdf import PdfRenderer
from tests.api.conftest import minimal_pdf
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
WAITERS = 6
PDF_WAITERS = 4  # each prints a real PDF once the slot is free


def _in_use(server: ApiServer) -> int:
    stats: dict[str, int] = server.app.state.pool.get_stats()
    return stats.get("pool_size", 0) - stats.get("pool_available", 0)


async def _settled(server: ApiServer, condition: Any) -> None:
    """Wait (a generous bound: a loaded machine is slow) until `condition()` holds."""
    async with asyncio.timeout(30):
        while not condition():  # noqa: ASYNC110  # the pool and the semaphore signal nothing: poll them
            await asyncio.sleep(0.05)


async def test_report_pdfs_waiting_for_chromium_hold_no_connection(api_server: ApiServer) -> None:
    practice = (await api_server.client.post("/v1/practice", json={})).json()
    org_session = await api_server.create_session()
    renderer = PdfRenderer(api_server.settings.chromium_bin, timeout_s=60, concurrency=1)
    api_server.app.state.pdf = renderer
    waiting: list[asyncio.Task[httpx.Response]] = []
    try:
        await _wait_for_the_slot(api_server, renderer, practice, org_session, waiting)
        printed = await asyncio.gather(*waiting)
    finally:
        for task in waiting:
            task.cancel()
    assert [r.status_code for r in printed] == [200] * PDF_WAITERS
    assert all(r.content.startswith(b"%PDF-") for r in printed)


async def _wait_for_the_slot(
    api_server: ApiServer,
    renderer: PdfRenderer,
    practice: dict[str, Any],
    org_session: dict[str, Any],
    waiting: list[asyncio.Task[httpx.Response]],
) -> None:
    async with renderer._slots:  # the one Chromium slot, taken: every render request queues for it
        for i in range(PDF_WAITERS):
            sid, token = (
                (practice["id"], practice["invite"]) if i % 2 else (org_session["id"], api_server.org_key)
            )
            waiting.append(
                asyncio.create_task(
                    api_server.client.get(
                        f"/v1/sessions/{sid}/report.pdf", headers={"Authorization": f"Bearer {token}"}
                    )
                )
            )
        await _settled(api_server, lambda: len(renderer._slots._waiters or ()) == PDF_WAITERS)
        await _settled(api_server, lambda: _in_use(api_server) == 0)
        other = await api_server.client.get("/v1/sessions", headers=api_server.org_headers())
        assert other.status_code == 200


async def test_a_session_create_whose_upload_is_still_arriving_holds_no_connection(
    api_server: ApiServer, db: Conn
) -> None:
    boundary = "shadowsboundary"
    payload = json.dumps({"candidate": {"name": "Slow Upload", "email": "slow@example.com"}})
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{payload}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="resume"; filename="r.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = minimal_pdf("Engineer") + f"\r\n--{boundary}--\r\n".encode()
    body = head + tail
    request = (
        f"POST /v1/sessions HTTP/1.1\r\nHost: shadows\r\nAuthorization: Bearer {api_server.org_key}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    url = httpx.URL(api_server.url)
    uploads = []
    for _ in range(WAITERS):
        reader, writer = await asyncio.open_connection(url.host, url.port)
        writer.write(request + head)  # authenticated, and the upload's first part sent; the rest comes later
        await writer.drain()
        uploads.append((reader, writer))
    try:
        await asyncio.sleep(0.5)  # the server has read the heads and authenticated each upload by now
        await _settled(api_server, lambda: _in_use(api_server) == 0)
        other = await api_server.client.get("/v1/sessions", headers=api_server.org_headers())
        assert other.status_code == 200
        for _, writer in uploads:
            writer.write(tail)
            await writer.drain()
        answers = [await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30) for reader, _ in uploads]
    finally:
        for _, writer in uploads:
            writer.close()
    assert all(a.startswith(b"HTTP/1.1 201") for a in answers), answers
    cur = await db.execute("select count(*) as n from candidates where name = 'Slow Upload'")
    assert (await cur.fetchone())["n"] == WAITERS  # type: ignore[index]  # count(*) returns a row
