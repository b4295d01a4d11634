"""Browser-test fixtures: a current build of web/ (scripts/build-web.sh), Debian chromium, and the API serving it."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from api.settings import ApiSettings

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST = WEB / "dist"
DRIVER = Path(__file__).with_name("drive_page.cjs")
ARTIFACTS = Path(__file__).with_name("artifacts")  # screenshots of every state (gitignored)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SOURCES = ("index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json", "src")


@pytest.fixture
def api_settings(api_settings: ApiSettings, web_dist: Path) -> ApiSettings:
    """The shared settings, serving this checkout's web/dist whatever the working directory."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (scripts/setup.sh installs it)")
    return api_settings.model_copy(update={"web_dir": web_dist})


async def run_driver(driver: Path, payload: dict[str, Any], *, limit_s: float) -> dict[str, Any]:
    """Run one Node driver of headless chromium (tests/web/drive_*.cjs) on `payload` and return its last line,
    checked: the driver succeeded, the page reached no host off loopback, and it threw no uncaught error."""
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(driver),
        json.dumps(payload),
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
    # Split on "\n" only: JSON.stringify leaves U+2028, U+2029 and U+0085 raw, and splitlines() splits on them.
    lines = out.decode().strip().split("\n")
    assert lines, f"driver printed nothing (exit {proc.returncode}):\n{err.decode()[-4000:]}"
    body: dict[str, Any] = json.loads(lines[-1])
    assert body["ok"], f"{body.get('error')}\n{err.decode()[-4000:]}"
    assert body["blocked"] == [], f"the page tried to reach non-loopback hosts: {body['blocked']}"
    assert body["page_errors"] == [], f"uncaught errors in the page: {body['page_errors']}"
    return body


async def drive(scenario: str, *, limit_s: float = 280, **plan: Any) -> dict[str, Any]:
    """Run tests/web/drive_page.cjs on one scenario (one browser) and return what the page showed, with `axe`
    (violations per state) and `origins` (every origin requested). Fails with the driver's error. Screenshots of
    every state go to tests/web/artifacts/<scenario>/."""
    plan.setdefault("shots", str(ARTIFACTS / scenario))
    body = await run_driver(DRIVER, {"scenario": scenario, **plan}, limit_s=limit_s)
    return {**body["result"], "_axe": body["axe"], "_origins": body["origins"]}
