"""Runs tests/web/drive_report.cjs (headless chromium on the report page) and returns what it saw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import run_driver

DRIVER = Path(__file__).with_name("drive_report.cjs")
ARTIFACTS = Path(__file__).with_name("artifacts")  # screenshots kept for a person to look at (gitignored)


async def drive_report(scenario: str, *, limit_s: float = 240, **plan: Any) -> dict[str, Any]:
    body = await run_driver(DRIVER, {"scenario": scenario, **plan}, limit_s=limit_s)
    assert body["console_errors"] == [], (
        f"console errors (CSP violations show here): {body['console_errors']}"
    )
    return dict(body["result"])
