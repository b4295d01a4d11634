"""`shadows dev` (what `make dev` runs) starts a job worker beside the API and stops it cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

from tests.conftest import CLIENT_TLS, ROOT, free_port


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc), so that a failed test leaves no worker behind."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


# One worker process registers one procrastinate worker per lane (api/jobs/lanes.py): jobs, and deliveries.
LANES = 2


def _worker_processes(pid: int) -> list[int]:
    """The children of `pid` running `api worker`."""
    found = []
    for child in _children(pid):
        try:
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in argv:
            found.append(child)
    return found


def _workers(db_url: str) -> int:
    with psycopg.connect(db_url) as conn:
        row = conn.execute("select count(*) from procrastinate_workers").fetchone()
    return int(row[0]) if row else 0


def test_dev_runs_a_job_worker_beside_the_api_and_stops_it_on_ctrl_c(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "DATABASE_URL", "LIVEKIT_"))}
    env.update(
        DATABASE_URL=db_url,
        PYTHONPATH=str(ROOT),
        SHADOWS_API_PORT=str(port),
        SHADOWS_API_DATA_DIR=str(tmp_path / "data"),
        LIVEKIT_URL=f"ws://127.0.0.1:{free_port()}",  # nothing listens: no agent worker is started
        SHADOWS_WORKER_SHUTDOWN_GRACE_S="5",
    )
    log = (tmp_path / "dev.log").open("wb")
    dev = subprocess.Popen(  # our own interpreter and module
        [sys.executable, "-m", "api", "dev"], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert dev.poll() is None, (tmp_path / "dev.log").read_text()[-3000:]
            try:
                healthy = (
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1, verify=CLIENT_TLS).status_code
                    == 200
                )
                if healthy and _workers(db_url) >= LANES:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise AssertionError((tmp_path / "dev.log").read_text()[-3000:])
        assert _workers(db_url) == LANES
        assert len(_worker_processes(dev.pid)) == 1

        dev.send_signal(signal.SIGINT)  # Ctrl-C reaches `dev`; the worker is in its own session
        assert dev.wait(timeout=60) == 0
    finally:
        if dev.poll() is None:
            for child in _children(dev.pid):
                os.kill(child, signal.SIGKILL)
            dev.kill()
            dev.wait()
        log.close()
    output = (tmp_path / "dev.log").read_text()
    assert "job worker starting" in output
    assert "worker.stopped" in output
    assert _workers(db_url) == 0  # it unregistered: a clean stop, not a kill
