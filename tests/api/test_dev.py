"""`shadows dev` (what `make dev` runs) starts a job worker beside the API and stops it cleanly on Ctrl-C, and the
embedded PostgreSQL it started with it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from api.db.embedded import EmbeddedPostgres
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


def _wait_until_serving(
    dev: subprocess.Popen[bytes], port: int, log: Path, ready: Callable[[], bool] = lambda: True
) -> None:
    """Until `dev`'s API answers /healthz and `ready()` holds (90 s), failing with the end of its log if it exits."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert dev.poll() is None, log.read_text()[-3000:]
        try:
            r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1, verify=CLIENT_TLS)
            if r.status_code == 200 and ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(log.read_text()[-3000:])


@contextlib.contextmanager
def _dev(tmp_path: Path, port: int, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m api dev` on `port` with only `env` configured (no agent worker: nothing listens at LIVEKIT_URL),
    its output in tmp_path/dev.log; killed with its children at the end if a test left it running."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "DATABASE_URL", "LIVEKIT_"))
    }
    clean.update(
        PYTHONPATH=str(ROOT),
        SHADOWS_API_PORT=str(port),
        LIVEKIT_URL=f"ws://127.0.0.1:{free_port()}",
        SHADOWS_WORKER_SHUTDOWN_GRACE_S="5",
        **env,
    )
    with (tmp_path / "dev.log").open("wb") as log:
        dev = subprocess.Popen(  # our own interpreter and module
            [sys.executable, "-m", "api", "dev"],
            cwd=tmp_path,
            env=clean,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield dev
        finally:
            if dev.poll() is None:
                for child in _children(dev.pid):
                    os.kill(child, signal.SIGKILL)
                dev.kill()
                dev.wait()


def test_dev_runs_a_job_worker_beside_the_api_and_stops_it_on_ctrl_c(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    with _dev(tmp_path, port, DATABASE_URL=db_url, SHADOWS_API_DATA_DIR=str(tmp_path / "data")) as dev:
        _wait_until_serving(dev, port, tmp_path / "dev.log", ready=lambda: _workers(db_url) >= LANES)
        assert _workers(db_url) == LANES
        assert len(_worker_processes(dev.pid)) == 1

        dev.send_signal(signal.SIGINT)  # Ctrl-C reaches `dev`; the worker is in its own session
        assert dev.wait(timeout=60) == 0
    output = (tmp_path / "dev.log").read_text()
    assert "job worker starting" in output
    assert "worker.stopped" in output
    assert _workers(db_url) == 0  # it unregistered: a clean stop, not a kill


@pytest.mark.parametrize("already_running", [False, True])
def test_dev_stops_the_embedded_postgres_it_started_and_leaves_one_it_found_running(
    tmp_path: Path, already_running: bool
) -> None:
    """Without DATABASE_URL, `dev` runs PostgreSQL under its data directory. Ctrl-C left that server running (pg_ctl
    detaches it from the terminal), a process of the user's nobody had asked to keep. It now stops it on exit, and
    only when it started it: a server the developer already had running stays up."""
    data = Path(tempfile.mkdtemp(prefix="shadows-dev-"))
    os.chmod(data, 0o755)  # the postgres user must traverse it
    pg = EmbeddedPostgres(data / "postgres", fast_unsafe=True)
    if already_running:
        pg.start()
    port = free_port()
    try:
        with _dev(tmp_path, port, SHADOWS_API_DATA_DIR=str(data)) as dev:
            _wait_until_serving(dev, port, tmp_path / "dev.log")
            assert pg.running()

            dev.send_signal(signal.SIGINT)
            assert dev.wait(timeout=60) == 0
            assert pg.running() is already_running
            assert pg.initialised()  # the data stays either way
    finally:
        pg.stop()
        shutil.rmtree(data, ignore_errors=True)
    output = (tmp_path / "dev.log").read_text()
    assert ("PostgreSQL stopped" in output) is not already_running
