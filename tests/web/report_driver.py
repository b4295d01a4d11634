"""Runs tests/web/drive_report.cjs (headless chromium on the report page) and returns what it saw."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

from tests.web.conftest import CHROMIUM

DRIVER = Path(__file__).with_name("drive_report.cjs")
ARTIFACTS = Path(__file__).with_name("artifacts")  # screenshots kept for a person to look at (gitignored)


async def drive_report(scenario: str, *, limit_s: float = 240, **plan: Any) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(DRIVER),
        json.dumps({"scenario": scenario, **plan}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout=limit_s)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    lines = out.decode().strip().splitlines()
    assert lines, f"driver printed nothing (exit {proc.returncode}):\n{err.decode()[-4000:]}"
    body: dict[str, Any] = json.loads(lines[-1])
    assert body["ok"], f"{body.get('error')}\n{err.decode()[-4000:]}"
    assert body["blocked"] == [], f"the page tried to reach non-loopback hosts: {body['blocked']}"
    assert body["page_errors"] == [], f"uncaught errors in the page: {body['page_errors']}"
    assert body["console_errors"] == [], (
        f"console errors (CSP violations show here): {body['console_errors']}"
    )
    return dict(body["result"])
