"""Browser-test fixtures: a current build of web/ (scripts/build-web.sh), Debian chromium, and the API serving it."""

from __future__ import annotations

import asyncio
import atexit
import itertools
import json
import os
import queue
import subprocess
import threading
import time
from collections import deque
from pathlib import Path
from typing import IO, Any

import pytest

from api.settings import ApiSettings

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST = WEB / "dist"
DRIVER = Path(__file__).with_name("drive_page.cjs")
HOST = Path(__file__).with_name("browser_host.cjs")
ANSWER = "@@host "  # how browser_host.cjs starts each answer line
ARTIFACTS = Path(__file__).with_name("artifacts")  # screenshots of every state (gitignored)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SOURCES = ("index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json", "src")


@pytest.fixture
def api_settings(api_settings: ApiSettings, web_dist: Path) -> ApiSettings:
    """The shared settings, serving this checkout's web/dist whatever the working directory."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (scripts/setup.sh installs it)")
    return api_settings.model_copy(update={"web_dir": web_dist})


class BrowserHost:
    """tests/web/browser_host.cjs: one node and one chromium kept for this test process (a pytest-xdist worker), which
    run each driver's plan in new browser contexts. Started on first use, started again after it died or a plan
    overran its time, stopped when the process exits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: deque[bytes] = deque(maxlen=400)
        self._ids = itertools.count(1)
        atexit.register(self.close)

    def _start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            ["node", str(HOST)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
        lines: queue.Queue[bytes | None] = queue.Queue()
        assert proc.stdout is not None and proc.stderr is not None
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        threading.Thread(target=_keep, args=(proc.stderr, self._stderr), daemon=True).start()
        self._proc, self._lines = proc, lines
        return proc

    def run(self, driver: Path, payload: dict[str, Any], limit_s: float) -> tuple[dict[str, Any] | None, str]:
        """Runs `payload` with `driver`; returns the driver's body (None if the host died) and what else the host
        said (its stray stdout, then its stderr). Raises TimeoutError after `limit_s`, the host stopped."""
        with self._lock:
            proc = self._proc if self._proc is not None and self._proc.poll() is None else self._start()
            assert proc.stdin is not None
            rid = next(self._ids)
            self._stderr.clear()
            try:
                proc.stdin.write(
                    json.dumps({"id": rid, "driver": str(driver), "plan": payload}).encode() + b"\n"
                )
                proc.stdin.flush()
            except BrokenPipeError:
                pass  # the host has just exited: its end of stdout, read below, says so
            deadline = time.monotonic() + limit_s
            stray: list[str] = []
            while True:
                try:
                    line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    self._stop(proc)
                    raise TimeoutError(
                        f"{driver.name} {payload.get('scenario', '')} overran {limit_s} s"
                    ) from None
                if line is None:  # the host exited
                    proc.wait()
                    self._proc = None
                    return None, self._said(stray)
                text = line.decode()
                if not text.startswith(ANSWER):
                    stray.append(text)
                    continue
                answer = json.loads(text[len(ANSWER) :])
                if answer["id"] == rid:  # an older id is the answer to a plan that overran, already failed
                    return dict(answer["body"]), self._said(stray)

    def _said(self, stray: list[str]) -> str:
        return ("".join(stray) + b"".join(self._stderr).decode(errors="replace"))[-4000:]

    def _stop(self, proc: subprocess.Popen[bytes]) -> None:
        proc.kill()
        proc.wait()
        self._proc = None

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        assert proc.stdin is not None
        proc.stdin.close()  # the host closes its browsers and exits
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _pump(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    for line in stream:  # splits on b"\n" only: JSON.stringify leaves U+2028, U+2029 and U+0085 raw
        lines.put(line)
    lines.put(None)  # end of stdout: the host exited


def _keep(stream: IO[bytes], tail: deque[bytes]) -> None:
    for line in stream:
        tail.append(line)


HOST_PROCESS = BrowserHost()


async def run_driver(driver: Path, payload: dict[str, Any], *, limit_s: float) -> dict[str, Any]:
    """Run one Node driver of headless chromium (tests/web/drive_*.cjs) on `payload`, in this process's browser host,
    and return what it printed, checked: the driver succeeded, the page reached no host off loopback, and it threw
    no uncaught error."""
    body, said = await asyncio.to_thread(HOST_PROCESS.run, driver, payload, limit_s)
    assert body is not None, f"the browser host exited:\n{said}"
    assert body["ok"], f"{body.get('error')}\n{said}"
    assert body["blocked"] == [], f"the page tried to reach non-loopback hosts: {body['blocked']}"
    assert body["page_errors"] == [], f"uncaught errors in the page: {body['page_errors']}"
    return body


async def drive(scenario: str, *, limit_s: float = 280, **plan: Any) -> dict[str, Any]:
    """Run tests/web/drive_page.cjs on one scenario (in new browser contexts) and return what the page showed, with
    `axe` (violations per state) and `origins` (every origin requested). Fails with the driver's error. Screenshots
    of every state go to tests/web/artifacts/<scenario>/."""
    plan.setdefault("shots", str(ARTIFACTS / scenario))
    body = await run_driver(DRIVER, {"scenario": scenario, **plan}, limit_s=limit_s)
    return {**body["result"], "_axe": body["axe"], "_origins": body["origins"]}
