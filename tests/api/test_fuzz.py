"""Schemathesis (its CLI, from PyPI) fuzzes every route of the real app over HTTP, once per kind of caller, with the
OpenAPI document as the contract: no 5xx for any input, and every status code returned is one the route declares.
The server runs in this test's event loop; schemathesis runs in a child process against it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
ST = Path(sys.executable).with_name("st")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance"

# (caller, path regex): each pass sends one credential to the routes that accept it (others would only be 401s).
PASSES = [
    ("org", r"^/v1/sessions(/\{session_id\}(/cancel)?)?$"),
    ("candidate", r"^/v1/(join|livekit/token|sessions/\{session_id\}/(runs|submissions))$"),
    ("internal", r"^/v1/internal/"),
    ("anonymous", r"^/(healthz|readyz|v1/practice|v1/livekit/webhook)$"),
]


async def _fuzz(
    base: str, header: str | None, path_regex: str, session_id: str, tmp: Path
) -> tuple[int, str]:
    # Path ids are the real session's, so requests reach each route's logic instead of a 404.
    config = tmp / "schemathesis.toml"
    config.write_text(f'[parameters]\nsession_id = "{session_id}"\n')
    args = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        f"{base}/openapi.json",
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
    if header:
        args += ["--header", header]
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=tmp
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace")


@pytest.mark.sandbox
@pytest.mark.parametrize(("caller", "path_regex"), PASSES, ids=[p[0] for p in PASSES])
async def test_fuzzed_requests_never_get_a_5xx_or_an_undocumented_status(
    api_server: ApiServer, tmp_path: Path, caller: str, path_regex: str
) -> None:
    settings = api_server.settings.model_copy(update={"practice_rate_limit": "1000/minute"})
    session = await api_server.create_session()
    start = await api_server.client.post(
        f"/v1/internal/sessions/{session['id']}/start", headers=api_server.internal_headers()
    )
    assert start.status_code == 200
    header = {
        "org": f"Authorization: Bearer {api_server.org_key}",
        "candidate": f"Authorization: Bearer {session['invite']}",
        "internal": f"Authorization: Bearer {api_server.internal_token}",
        "anonymous": None,
    }[caller]
    async with serve(settings) as client:
        code, output = await _fuzz(str(client.base_url), header, path_regex, session["id"], tmp_path)
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert "No operations" not in output, output[-3000:]
    assert " passed" in output and "generated" in output, output[-3000:]
    assert code == 0, output[-6000:]
