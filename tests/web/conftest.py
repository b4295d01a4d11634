"""Browser-test fixtures: a current build of web/ (scripts/build-web.sh), Debian chromium, and the API serving it."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import shutil
import subprocess
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


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCES:
        path = WEB / name
        files = path.rglob("*") if path.is_dir() else [path]
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """web/dist, rebuilt by scripts/build-web.sh when missing or older than the sources."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm are not installed (scripts/setup.sh installs them)")
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    major, minor = (int(x) for x in version.lstrip("v").split(".")[:2])
    if (major, minor) < (20, 19):
        pytest.skip(f"node {version} is too old for the web build (needs 20.19+)")
    index = DIST / "index.html"
    playwright = WEB / "node_modules" / "playwright-core"
    # pytest-xdist workers share this checkout: one builds while the others wait, then see a fresh build.
    with open(WEB / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not index.exists() or not playwright.exists() or index.stat().st_mtime < _newest_source_mtime():
            done = subprocess.run(
                ["bash", str(ROOT / "scripts" / "build-web.sh")], capture_output=True, text=True, timeout=600
            )
            assert done.returncode == 0, f"build-web.sh failed:\n{done.stdout}\n{done.stderr}"
    assert index.exists(), "scripts/build-web.sh did not produce web/dist/index.html"
    return DIST


@pytest.fixture
def api_settings(api_settings: ApiSettings, web_dist: Path) -> ApiSettings:
    """The shared settings, serving this checkout's web/dist whatever the working directory."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (scripts/setup.sh installs it)")
    return api_settings.model_copy(update={"web_dir": web_dist})


async def drive(scenario: str, *, limit_s: float = 280, **plan: Any) -> dict[str, Any]:
    """Run tests/web/drive_page.cjs on one scenario (one browser) and return what the page showed, with `axe`
    (violations per state) and `origins` (every origin requested). Fails with the driver's error. Screenshots of
    every state go to tests/web/artifacts/<scenario>/."""
    plan.setdefault("shots", str(ARTIFACTS / scenario))
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
    return {**body["result"], "_axe": body["axe"], "_origins": body["origins"]}
