"""Real judge services for tests: `shadows judge serve --port 0` (as `python -m api judge serve`) in a subprocess
with the real sandbox, its JSON log in a file, and helpers to read what it ran (run ids per log event).
xdist-safe: any free port, the test's own directory, the test process's private sandbox uid range."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.judge.conftest import SANDBOX_UID_BASE, UID_SPAN

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-judge-token-" + "k" * 32


@dataclass
class JudgeService:
    proc: subprocess.Popen[bytes]
    log_path: Path
    url: str = ""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        found = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if name is None or event.get("event") == name:
                found.append(event)
        return found

    def run_ids(self, event: str) -> Counter[str]:
        """How many times each run id appears with `event` (judge.run.started / judge.run.finished)."""
        return Counter(e["run_id"] for e in self.events(event))

    def wait_for(self, event: str, timeout: float = 90.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.events(event)
            if found:
                return found[0]
            if self.proc.poll() is not None:
                raise AssertionError(f"judge service exited ({self.proc.returncode}): {self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {event!r} within {timeout}s: {self.tail()}")
            time.sleep(0.05)

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL: no drain, no goodbye (its pool workers and sandboxes die with it)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait(timeout=30)


def service_env(**env: str) -> dict[str, str]:
    """The environment of a judge service: this one without any SHADOWS_* or DATABASE_URL, plus test defaults and
    `env` (SHADOWS_JUDGE_* names)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "DATABASE_URL"))}
    return {
        **base,
        "PYTHONPATH": str(ROOT),
        "SHADOWS_JUDGE_ENVIRONMENT": "test",
        "SHADOWS_JUDGE_REMOTE_TOKEN": TOKEN,
        "SHADOWS_JUDGE_SLOTS": "1",
        "SHADOWS_JUDGE_QUEUE_SIZE": "4",
        "SHADOWS_JUDGE_SANDBOX_UID": str(SANDBOX_UID_BASE),
        "SHADOWS_JUDGE_SANDBOX_UID_COUNT": str(UID_SPAN),
        **env,
    }


def launch(directory: Path, name: str, *args: str, **env: str) -> JudgeService:
    """Start `shadows judge serve --port 0 ARGS` without waiting for it."""
    cwd = directory / name
    cwd.mkdir(parents=True, exist_ok=True)  # no developer .env in its working directory
    log_path = directory / f"{name}.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api", "judge", "serve", "--port", "0", *args],
            cwd=cwd,
            env=service_env(**env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    return JudgeService(proc, log_path)


def start(directory: Path, name: str, *args: str, ready: bool = True, **env: str) -> JudgeService:
    """Start a judge service and return once it listens (and, with `ready`, once its pool passed the sandbox
    self-check and /readyz says so)."""
    service = launch(directory, name, *args, **env)
    try:
        service.url = service.wait_for("judge.serve.listening")["url"]
        if ready:
            service.wait_for("judge.serve.ready")
    except BaseException:
        service.kill()
        raise
    return service


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def envelope(run_id: str, request: Any) -> dict[str, Any]:
    return {"run_id": run_id, "request": request.model_dump(mode="json")}


def metric(client: httpx.Client, service: JudgeService, name: str) -> float:
    """The value of one sample (`name` with its labels, as printed) on the service's /metrics."""
    for line in client.get(service.url + "/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not on /metrics")
