"""Schemathesis (its CLI, from PyPI) fuzzes every route of the real app over HTTP, once per kind of caller, with the
OpenAPI document as the contract: no 5xx for any input, and every status code returned is one the route declares.
The server runs in this test's event loop; schemathesis runs in a child process against it."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import sys
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api.app import create_app
from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
ST = Path(sys.executable).with_name("st")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance"

# (caller, path regex): each pass sends one credential to the routes that accept it (others would only be 401s).
# Every operation of the complete document is in one pass or in UNFUZZED (test_every_operation_is_fuzzed_...).
SID = r"/v1/sessions/\{session_id\}"
PASSES = [
    (
        "org",
        r"^/v1/(sessions(/export)?|organization|api-keys(/.*)?|questions|analytics(/summary)?|webhook-endpoints(/.*)?"
        r"|legal-holds|ats-callbacks|integrations/(greenhouse|ashby)/keys)$"
        rf"|^{SID}(/(cancel|grade|share(/\{{link_id\}})?|scorecards?|report|report\.pdf|timeline|artifacts"
        r"|ats-callbacks(/\{callback_id\}/send-again)?|legal-holds?))?$",
    ),
    (
        "candidate",
        r"^/v1/(join|livekit/token)$"
        rf"|^{SID}/(runs|submissions|custom-runs|consent|accommodation-requests|start|end|drafts(/\{{language\}})?"
        r"|results|integrity|coaching-link)$",
    ),
    ("internal", r"^/v1/internal/"),
    ("greenhouse", r"^/integrations/greenhouse/"),
    ("ashby", r"^/integrations/ashby/"),
    ("anonymous", r"^/(healthz|readyz|metrics|v1/practice|v1/livekit/webhook|v1/reports/.*)$"),
]
# Operations no pass fuzzes, and why.
UNFUZZED = {
    "POST /v1/sessions/{session_id}/agent-dispatch": "asks LiveKit, which is not there (its 503 is the contract)",
    "DELETE /v1/sessions/{session_id}": "erases the session that every other operation of the pass is fuzzed on",
}


@pytest.fixture(scope="module")
def hypothesis_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hypothesis's storage directory for every schemathesis run of this module (`--generation-database none`: it
    holds no examples, only what Hypothesis derives from Unicode and keeps there). In each run's own directory the
    first string strategy built Hypothesis's table of the characters UTF-8 encodes, a walk of every code point (1.4
    CPU-seconds, a third of a short pass's CPU), then threw it away with the directory; now the first pass builds it
    and the others read it. What is generated is the same: the table is the same."""
    return tmp_path_factory.mktemp("hypothesis")


async def _fuzz(
    base: str, header: str | None, path_regex: str, session_id: str, tmp: Path, hypothesis_home: Path
) -> tuple[int, str]:
    # Path ids are the real session's, so requests reach each route's logic instead of a 404.
    config = tmp / "schemathesis.toml"
    config.write_text(f'[parameters]\nsession_id = "{session_id}"\n')
    # The schema is read here and handed over as a file: Schemathesis gives loading it 10 s, which a loaded box
    # building it on first request took longer than ("Failed to load specification ... Read timed out").
    # Read as the caller reads it: the internal routes are in the document only for the internal token.
    name, _, value = (header or "").partition(":")
    headers = {name.strip(): value.strip()} if header else {}
    async with httpx.AsyncClient(timeout=120) as client:
        answer = await client.get(f"{base}/openapi.json", headers=headers)
    assert answer.status_code == 200, answer.text[:500]
    schema = tmp / "openapi.json"
    schema.write_bytes(answer.content)
    args = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        str(schema),
        "--url",
        base,
        "--checks",
        CHECKS,
        "--include-path-regex",
        path_regex,
        "--max-examples",
        "30",
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--no-color",
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--seed",
        "7",
        "--report",
        "ndjson",
        "--report-dir",
        str(tmp),
    ]
    for name in UNFUZZED:
        args += ["--exclude-name", name]
    if header:
        args += ["--header", header]
    proc = await asyncio.create_subprocess_exec(
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tmp,
        env={**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(hypothesis_home)},
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace")


NONCE = re.compile(r'nonce="[^"]*"')


def print_each_page_once(app: Any) -> dict[str, bytes]:
    """The app's PDF printer, printing each distinct report page once (returned: the PDFs printed, by page). The
    coverage phase asks for the one session's report.pdf about fifteen times, varying only what the route ignores,
    and every identical page was a Chromium print of a second or more (a third of the organisation pass). The
    route, the render queue and its bounds run as before, and Chromium prints each page that differs (a pass that
    changed the session) as before; pages that differ only in their style nonce (new each render, unused by a
    printed page's CSP) are the same page. A print that failed is never kept: the next request prints again."""
    renderer = app.state.pdf
    real = renderer._render
    printed: dict[str, bytes] = {}

    async def render(html: str) -> bytes:
        page = NONCE.sub('nonce=""', html)
        if page not in printed:
            printed[page] = await real(html)
        return printed[page]

    renderer._render = render
    return printed


@pytest.mark.sandbox
# A pass sends a few thousand requests, each bounded by --request-timeout; the organisation pass took 45 s on a quiet
# 2-core box and 200 s on a loaded CI box, two thirds of the suite's 300 s per test.
@pytest.mark.timeout(900)
@pytest.mark.parametrize(("caller", "path_regex"), PASSES, ids=[p[0] for p in PASSES])
async def test_fuzzed_requests_never_get_a_5xx_or_an_undocumented_status(
    api_server: ApiServer, tmp_path: Path, hypothesis_home: Path, caller: str, path_regex: str
) -> None:
    settings = api_server.settings.model_copy(update={"practice_rate_limit": "1000/minute"})
    session = await api_server.create_session()
    start = await api_server.agent_start(session)
    assert start.status_code == 200
    header = {
        "org": f"Authorization: Bearer {api_server.org_key}",
        "candidate": f"Authorization: Bearer {session['invite']}",
        "internal": f"Authorization: Bearer {api_server.internal_token}",
        "anonymous": None,
    }.get(caller)
    if caller in ("greenhouse", "ashby"):
        body = {"ashby_api_key": "ashby-key-1"} if caller == "ashby" else None
        r = await api_server.client.post(
            f"/v1/integrations/{caller}/keys", json=body, headers=api_server.org_headers()
        )
        key = base64.b64encode(f"{r.json()['key']}:".encode()).decode()
        header = f"Authorization: Basic {key}"
    app = create_app(settings)
    printed = print_each_page_once(app)
    async with serve(settings, app=app) as client:
        code, output = await _fuzz(
            str(client.base_url), header, path_regex, session["id"], tmp_path, hypothesis_home
        )
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    if caller == "org" and app.state.pdf.available():  # the pass reaches report.pdf, and Chromium prints it
        assert printed and all(pdf.startswith(b"%PDF-") for pdf in printed.values()), output[-3000:]
    assert "No operations" not in output, output[-3000:]
    assert " passed" in output and "generated" in output, output[-3000:]
    assert code == 0, output[-6000:]


async def test_every_operation_is_fuzzed_by_a_pass_or_named_as_unfuzzed(api_server: ApiServer) -> None:
    # A new route joins a pass (or UNFUZZED, with its reason) or this fails: the passes once covered a quarter of
    # the operations, and three 500s hid in the rest.
    doc = (await api_server.client.get("/openapi.json", headers=api_server.internal_headers())).json()
    operations = {f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m in ops}
    fuzzed = {op for op in operations if any(re.search(rx, op.split(" ", 1)[1]) for _, rx in PASSES)}
    assert operations - fuzzed - set(UNFUZZED) == set()
    assert set(UNFUZZED) <= operations  # no stale exemption
