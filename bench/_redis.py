"""A throw-away redis-server on a free loopback port (Debian's binary, no persistence): the shared rate-limit storage
(SHADOWS_API_REDIS_URL) of the API benchmark, and of the test suite (tests/conftest.py)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEBIAN_REDIS_SERVER = "/usr/bin/redis-server"


class RedisUnavailableError(RuntimeError):
    """redis-server is not installed, or did not start."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# A redis-server answers in milliseconds, or exits at once when its port was taken meanwhile (then another port is
# tried); the bound is for one that neither answers nor exits. At 10 s, a live server slower than that on a loaded box
# was killed and replaced as if its port were taken, and five such misses failed the setup of every test of the process.
START_WITHIN_S = 60
# How long a server asked to stop (SIGTERM) may take before it is killed: never left running, never an error.
STOP_WITHIN_S = 30


def _answers_ping(proc: subprocess.Popen[bytes], port: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


@contextmanager
def running_redis(attempts: int = 5) -> Iterator[str]:
    """Yield the URL of a redis-server that lives as long as the block. A port taken between choosing and binding it
    is retried on another."""
    binary = shutil.which("redis-server") or DEBIAN_REDIS_SERVER
    if not Path(binary).exists():
        raise RedisUnavailableError("redis-server is missing: run `make setup` (Debian package redis-server)")
    workdir = tempfile.mkdtemp(prefix="shadows-redis-")
    try:
        for _ in range(attempts):
            port = _free_port()
            options = {"bind": "127.0.0.1", "port": str(port), "save": "", "appendonly": "no", "dir": workdir,
                       "protected-mode": "yes", "loglevel": "warning"}  # fmt: skip
            argv = [binary, *(arg for name, value in options.items() for arg in (f"--{name}", value))]
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not _answers_ping(proc, port, within_s=START_WITHIN_S):
                proc.kill()
                proc.wait()
                continue
            try:
                yield f"redis://127.0.0.1:{port}/0"
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=STOP_WITHIN_S)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            return
        raise RedisUnavailableError("redis-server did not start")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
