"""The system under test: a throw-away durable PostgreSQL and the API as its own process, and its seed data."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from bench._api_targets import session_body
from bench._proc_cpu import renice_tree, set_autogroup_nice

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    url: str
    api_pid: int
    pg_pid: int | None
    org_key: str
    api_log: Path
    command: str
    data_dir: Path
    invites: list[str] = field(default_factory=list)


@contextmanager
def running_stack(
    workers: int, pool_max: int, nice: int, synchronous_commit: str = "on", redis_url: str | None = None
) -> Iterator[Stack]:
    """A throw-away durable PostgreSQL cluster (fsync and synchronous_commit on), migrated and loaded with the
    question bank, one organisation, and the API as its own process on a free loopback port; both at `nice`.
    With `redis_url`, every API process keeps its rate-limit counters there (SHADOWS_API_REDIS_URL)."""
    from api.cli_database import import_questions  # the bench reuses the CLI's import step
    from api.db.embedded import EmbeddedPostgres
    from api.db.migrate import migrate
    from api.db.orgs_repo import create_org
    from api.db.pool import connection, create_pool

    tmp = Path(tempfile.mkdtemp(prefix="shadows-bench-"))
    os.chmod(tmp, 0o755)  # the postgres user must traverse it
    pg = EmbeddedPostgres(tmp / "pg")
    api: subprocess.Popen[bytes] | None = None
    try:
        admin_url = pg.start()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("create database shadows")
            if synchronous_commit != "on":  # a diagnostic: how much of a write's latency is the WAL flush
                conn.execute(f"alter database shadows set synchronous_commit = {synchronous_commit}")
        url = admin_url.rsplit("/", 1)[0] + "/shadows"

        async def prepare() -> str:
            await migrate(url)
            await import_questions(url, ROOT / "questions")
            pool = create_pool(url, min_size=1, max_size=1)
            await pool.open()
            try:
                async with connection(pool) as conn:
                    return (await create_org(conn, "Bench Hiring"))[1]
            finally:
                await pool.close()

        org_key = asyncio.run(prepare())
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SHADOWS_API_ENVIRONMENT": "local",
            "SHADOWS_API_LOG_JSON": "true",
            "SHADOWS_API_DB_POOL_MAX": str(pool_max),
            "SHADOWS_API_PUBLIC_URL": f"http://127.0.0.1:{port}",
            # One organisation offers POST /v1/sessions at 150/s: the capacity measured, not an organisation's
            # usage, so past the per-organisation default (1000/hour) they would all be 429s.
            "SHADOWS_API_SESSION_CREATE_RATE_LIMIT": "100000000/hour",
            # Likewise report reads (api/report_limits.py): `report_page` reads one share link from one address
            # hundreds of times, the render's cost being what it measures.
            **{
                f"SHADOWS_API_REPORT_READ_{who}_RATE_LIMIT": "100000000/hour"
                for who in ("CLIENT", "SITE", "LINK", "ORG")
            },
            **({"SHADOWS_API_REDIS_URL": redis_url} if redis_url else {}),
            # The API measured is this checkout's: the venv's editable install may point at another one (a git
            # worktree sharing the main clone's .venv), and the API runs from a temporary directory.
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        }
        venv_bin = Path(sys.executable).parent
        # `shadows api` in both cases: the same HTTP stack (h11, head cap, proxy settings) the deployment runs.
        argv = [
            str(venv_bin / "shadows"),
            "api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
        api_log = tmp / "api.log"
        with api_log.open("wb") as log:
            api = subprocess.Popen(
                ["nice", "-n", str(nice), *argv], env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT
            )
        base = f"http://127.0.0.1:{port}"
        wait_ready(api, base, api_log, 30)
        pg_pid = int((pg.data / "postmaster.pid").read_text().split()[0])
        renice_tree(pg_pid, nice)
        set_autogroup_nice(pg_pid, nice)  # pg_ctl starts the server in a session (so an autogroup) of its own
        shown = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(argv))
        yield Stack(
            base,
            api.pid,
            pg_pid,
            org_key,
            api_log,
            f"`{shown}` (DB pool max {pool_max} per process; nice {nice} for processes and autogroups)"
            + ("; synchronous_commit=off, NOT durable" if synchronous_commit != "on" else "")
            + ("; rate limits in Redis" if redis_url else ""),
            pg.data,
        )
    finally:
        if api is not None:
            stop_api(api)
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def create_invites(stack: Stack, count: int) -> list[str]:
    """Sessions scheduled through the API (eight at a time); their invites feed the join benchmark."""

    async def run() -> list[str]:
        headers = {"Authorization": f"Bearer {stack.org_key}"}
        async with httpx.AsyncClient(base_url=stack.url, headers=headers, timeout=30) as client:
            sem = asyncio.Semaphore(8)

            async def one(i: int) -> str:
                async with sem:
                    r = await client.post(
                        "/v1/sessions",
                        content=session_body(f"seed-{i}"),
                        headers={"content-type": "application/json"},
                    )
                    r.raise_for_status()
                    return str(r.json()["invite"])

            return list(await asyncio.gather(*(one(i) for i in range(count))))

    return asyncio.run(run())


def wait_ready(api: subprocess.Popen[bytes], base: str, log: Path, timeout_s: float) -> None:
    """Until the API at `base` answers /readyz 200; RuntimeError (with the tail of its `log`) if it exits first or
    is not ready within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        if api.poll() is not None:
            raise RuntimeError(f"the API exited with {api.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the API did not become ready in {timeout_s:g} s")
        time.sleep(0.1)


def stop_api(api: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the API's graceful shutdown), then SIGKILL if it has not exited within 15 s."""
    if api.poll() is not None:
        return
    api.send_signal(signal.SIGTERM)
    try:
        api.wait(15)
    except subprocess.TimeoutExpired:
        api.kill()
        api.wait()
