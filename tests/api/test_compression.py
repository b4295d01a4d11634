"""The GZip middleware compresses larger JSON and HTML, never a body compressed already: a PDF (a report, a résumé),
an image, an archive. Deflating a PDF again gained nothing and cost the event loop CPU on every download."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import artifacts
from api.db import artifacts_repo
from api.db.pool import connection
from api.middleware import ALREADY_COMPRESSED
from tests.conftest import ApiServer

GZIP = {"Accept-Encoding": "gzip"}
# A PDF whose bytes gzip would shrink (a real report is mostly deflated streams, which it would not).
PDF = b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 400 + b"%%EOF\n"


async def _store(server: ApiServer, session_id: str, name: str, data: bytes, content_type: str) -> None:
    await server.app.state.storage.put(artifacts.key(session_id, name), data, content_type)
    async with connection(server.app.state.pool) as conn:
        await artifacts_repo.record_artifact(
            conn,
            session_id,
            name,
            artifacts.key(session_id, name),
            content_type,
            len(data),
            hashlib.sha256(data).hexdigest(),
        )


async def test_a_pdf_is_served_as_it_is_and_large_json_still_gzipped(api_server: ApiServer) -> None:
    session = await api_server.create_session()
    dump = b'{"events": [' + b",".join(b'{"type": "transcript", "text": "hello"}' for _ in range(200)) + b"]}"
    await _store(api_server, session["id"], "report.pdf", PDF, "application/pdf")
    await _store(api_server, session["id"], "session.json", dump, "application/json")
    listed = await api_server.client.get(
        f"/v1/sessions/{session['id']}/artifacts", headers={**api_server.org_headers(), **GZIP}
    )
    assert listed.status_code == 200, listed.text
    urls = {a["name"]: a["url"] for a in listed.json()["data"]}
    pdf = await api_server.client.get(urls["report.pdf"], headers=GZIP)
    json_body = await api_server.client.get(urls["session.json"], headers=GZIP)
    assert pdf.status_code == 200
    assert "content-encoding" not in pdf.headers
    assert pdf.content == PDF and pdf.headers["content-length"] == str(len(PDF))
    assert json_body.status_code == 200
    assert json_body.headers["content-encoding"] == "gzip"
    assert json_body.content == dump


def _echo(media_type: str, body: bytes) -> Starlette:
    async def answer(request: Request) -> Response:
        return Response(body, media_type=media_type)

    app = Starlette(routes=[Route("/", answer)])
    app.add_middleware(
        GZipMiddleware, minimum_size=1024, compresslevel=6, exclude_content_types=ALREADY_COMPRESSED
    )
    return app


@pytest.mark.parametrize(
    "media_type",
    [
        "application/pdf",
        "application/zip",
        "image/png",
        "image/jpeg",
        "image/webp",
        "font/woff2",
        "video/mp4",
    ],
)
async def test_compressed_media_types_pass_through(media_type: str) -> None:
    body = b"\0" * 4096  # would gzip to a few dozen bytes
    transport = httpx.ASGITransport(app=_echo(media_type, body))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.get("/", headers=GZIP)
    assert "content-encoding" not in r.headers
    assert r.content == body


@pytest.mark.parametrize("media_type", ["application/json", "text/html; charset=utf-8", "image/svg+xml"])
async def test_compressible_media_types_are_still_gzipped(media_type: str) -> None:
    body = b"a" * 4096
    transport = httpx.ASGITransport(app=_echo(media_type, body))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.get("/", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.content == body
