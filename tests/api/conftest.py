"""API test fixtures: signed LiveKit webhooks, small real PDFs, and direct database access through the app's pool."""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import secrets
import subprocess
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from google.protobuf.json_format import MessageToJson
from livekit import api as lk
from psycopg import sql

from api.app import create_app
from api.report_pages import report_html
from api.routers import reports
from api.server_options import uvicorn_options
from api.settings import ApiSettings
from tests.conftest import (
    CLIENT_TLS,
    LIVEKIT_KEY,
    LIVEKIT_SECRET,
    ROOT,
    ApiServer,
    StartWorker,
    child_env,
    client_limits,
)
from tests.fakes.ashby import FakeAshby, fake_ashby
from tests.fakes.greenhouse import FakeGreenhouse, fake_greenhouse
from tests.fakes.smtp import SmtpSink, smtp_sink
from tests.served import InProcessServer, bound_socket

SHADOWS = ROOT / ".venv" / "bin" / "shadows"
# A worker's artifact job prints the report of every graded session with headless Chromium: a browser a print, about
# a CPU-second, in tests that never read the PDF (30 prints in one burst test). Workers started here go without it,
# and the job skips the PDF as on a host with no Chromium (`api.artifacts.write_artifacts`); a test that reads the
# printed artifact passes WITH_PDF to `start_worker` (tests/api/test_artifacts.py), and so does
# tests/api/test_worker.py's database outage test (see why there).
NO_PDF = {"SHADOWS_API_CHROMIUM_BIN": "/nonexistent/chromium"}
WITH_PDF = {"SHADOWS_API_CHROMIUM_BIN": str(ApiSettings.model_fields["chromium_bin"].default)}


def shadows_env(db_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment an operator runs `shadows` with: db_url, this checkout's code (whichever checkout the shared
    venv's editable install points at) and none of the parent's SHADOWS_API_ settings."""
    env = child_env(("SHADOWS_API_",))
    env["DATABASE_URL"] = db_url
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def run_shadows(
    args: list[str], db_url: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`shadows ARGS` run to its end against db_url."""
    return subprocess.run(  # our own CLI, fixed arguments
        [str(SHADOWS), *args],
        capture_output=True,
        text=True,
        env=shadows_env(db_url, extra_env),
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def start_worker(start_worker: StartWorker) -> StartWorker:
    """tests/conftest.py's `start_worker`, its workers without Chromium unless the test passes WITH_PDF."""
    return functools.partial(start_worker, **NO_PDF)


@pytest.fixture
def empty_db_url(pg_admin_url: str) -> Iterator[str]:
    """A brand-new empty database (not copied from the migrated template), dropped after the test."""
    name = "empty_" + secrets.token_hex(6)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield str(psycopg.conninfo.make_conninfo(pg_admin_url, dbname=name))
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


@asynccontextmanager
async def serve(
    settings: ApiSettings, timeout_s: float = 30, app: FastAPI | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """Another real app under uvicorn, with its own pool and port (for settings the shared `api_server` does not
    have, or as a second replica on the same database); yields a client. `app`: one the test built from `settings`
    and keeps a hold of (to change its state while it serves)."""
    sock = (
        bound_socket()
    )  # the port is the server's from here on (tests/served.py); uvicorn closes it as it stops
    try:
        server = InProcessServer(
            uvicorn.Config(
                create_app(settings) if app is None else app,
                host="127.0.0.1",
                port=sock.getsockname()[1],
                log_level="warning",
                **uvicorn_options(settings),
            )
        )
    except BaseException:
        sock.close()
        raise
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(6000):  # must start: up to a minute, generous for a loaded box
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # why it did not start
        assert server.started, "uvicorn did not start"
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{server.config.port}",
            timeout=timeout_s,
            verify=CLIENT_TLS,
            limits=client_limits(settings),
        ) as client:
            yield client
    finally:
        server.should_exit = True
        await task
        sock.close()  # uvicorn closed it unless its start failed


async def create_session_as(client: httpx.AsyncClient, key: str) -> dict[str, Any]:
    """A session created through `client` (from `serve`) with organisation key `key`."""
    r = await client.post(
        "/v1/sessions",
        json={"candidate": {"name": "A", "email": "a@example.com"}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def consent_and_start(client: httpx.AsyncClient, created: dict[str, Any]) -> None:
    """The candidate of `created` joins, agrees to the notice and starts a voice interview, through `client`."""
    auth = {"Authorization": f"Bearer {created['invite']}"}
    join = (await client.post("/v1/join", json={"invite": created["invite"]})).json()
    r = await client.post(
        f"/v1/sessions/{created['id']}/consent",
        json={
            "notice_version": join["notice"]["version"],
            "notice_sha256": join["notice"]["sha256"],
            "agreed": True,
        },
        headers=auth,
    )
    assert r.status_code == 201, r.text
    r = await client.post(f"/v1/sessions/{created['id']}/start", json={"mode": "voice"}, headers=auth)
    assert r.status_code == 200, r.text


def signed_webhook(
    event: str,
    *,
    room: str | None = None,
    identity: str | None = None,
    event_id: str = "",
    created_at: int = 0,
    secret: str = LIVEKIT_SECRET,
    kind: int | None = None,
    joined_at_ms: int = 0,
    joined_at: int = 0,
) -> tuple[str, str]:
    """A LiveKit webhook body and its Authorization value, signed the way LiveKit signs them. `kind`: the
    participant's (`lk.ParticipantInfo.Kind`, an agent's for the interviewer); `joined_at_ms` (`joined_at`: in whole
    seconds only): when they joined."""
    kwargs: dict[str, Any] = {"event": event, "id": event_id, "created_at": created_at}
    if room is not None:
        kwargs["room"] = lk.Room(name=room)
    if identity is not None:
        kwargs["participant"] = lk.ParticipantInfo(  # type: ignore[arg-type]
            identity=identity, kind=kind, joined_at_ms=joined_at_ms, joined_at=joined_at
        )
    body = MessageToJson(lk.WebhookEvent(**kwargs))
    sha = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    auth = lk.AccessToken(LIVEKIT_KEY, secret).with_sha256(sha).to_jwt()
    return body, auth


RESUME_FORM_TYPE = "multipart/form-data; boundary=shadowsboundary"


def resume_form(candidate: dict[str, str], resume: bytes) -> tuple[bytes, bytes]:
    """A session create as a raw multipart form, the payload then the résumé, split where the résumé's bytes start:
    (the head, the résumé with the closing boundary), so that a test can send the head and hold the rest."""
    boundary = RESUME_FORM_TYPE.rsplit("=", 1)[1]
    payload = json.dumps({"candidate": candidate})
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{payload}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="resume"; filename="r.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head, resume + f"\r\n--{boundary}--\r\n".encode()


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose content stream shows `text` in Helvetica (correct xref offsets, so strict readers work)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = zlib.compress(f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def webhook() -> Callable[..., tuple[str, str]]:
    return signed_webhook


# An organisation connected to Ashby (with this customer key) or to Greenhouse, and the fake ATS speaking to it. Files
# with their own connection (test_ashby, test_greenhouse, ...) define their own fixture of the same name.
ASHBY_KEY = "ashby-customer-key-7f3a"


@pytest.fixture
async def ashby(api_server: ApiServer) -> AsyncIterator[FakeAshby]:
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": ASHBY_KEY}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    async with fake_ashby() as fake:
        fake.partner_url = f"{api_server.url}/integrations/ashby"
        fake.partner_key = r.json()["key"]
        fake.customer_api_key = ASHBY_KEY
        yield fake


@pytest.fixture
async def greenhouse(api_server: ApiServer) -> AsyncIterator[FakeGreenhouse]:
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", r.json()["key"]) as gh:
        yield gh


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpSink]:
    """A mail server on loopback that takes every e-mail (tests/fakes/smtp.py), for an API and its workers
    configured as deployed (tests/fakes/smtp.py `with_mail_server`)."""
    async with smtp_sink() as sink:
        yield sink


@pytest.fixture
def pdf_renders(api_server: ApiServer) -> list[str]:
    """Every page handed to Chromium for a report PDF, by a stand-in printer (what is counted is whether it was
    asked; each PDF is a few stand-in bytes)."""
    printed: list[str] = []

    async def render(html: str) -> bytes:
        printed.append(html)
        return b"%PDF-1.7\n%stand-in\n"

    api_server.app.state.pdf._render = render
    return printed


@pytest.fixture(params=["Letter", "A4"])
def paper(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A report PDF's paper: Chromium's own (US Letter), or A4 (narrower), as a reader's browser may print the
    page."""
    if request.param == "A4":

        def on_a4(page: Any, **kwargs: Any) -> tuple[str, str]:
            html_text, nonce = report_html(page, **kwargs)
            return html_text.replace("</head>", "<style>@page { size: A4; }</style></head>", 1), nonce

        monkeypatch.setattr(reports, "report_html", on_a4)
    return str(request.param)
