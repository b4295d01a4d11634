"""Helpers for the queue and grading tests: an interview with a transcript, the jobs and versions it left, polling."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.db import scorecards_repo
from api.jobs.enqueue import enqueue
from api.jobs.retention import apply_retention
from tests.conftest import ROOT, ApiServer, child_env

Conn = psycopg.AsyncConnection[DictRow]


def start_worker_cli(cwd: Path, database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m api worker` with only `env` (SHADOWS_* names) and `database_url` configured, run to its exit: for
    the settings a worker refuses to start with."""
    clean = child_env(("SHADOWS_", "DATABASE_URL"))
    clean.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), SHADOWS_API_ENVIRONMENT="test", **env)
    return subprocess.run(  # our own interpreter and module
        [sys.executable, "-m", "api", "worker"],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def interview(server: ApiServer, *, key: str | None = None, practice: bool = False) -> dict[str, Any]:
    """A started session with a transcript line from each side and an editor snapshot (not yet ended)."""
    if practice:
        r = await server.client.post("/v1/practice", json={"name": "Grace Hopper"})
        assert r.status_code == 201, r.text
        session = dict(r.json())
    else:
        session = await server.create_session(key=key)
    sid = session["id"]
    headers = server.internal_headers()
    r = await server.agent_start(session, headers)
    assert r.status_code == 200, r.text
    events = [
        {
            "idempotency_key": "t1",
            "type": "transcript",
            "t": 3.0,
            "payload": {"role": "assistant", "text": "Tell me your plan.", "start": 3.0, "end": 4.5},
        },
        {
            "idempotency_key": "t2",
            "type": "transcript",
            "t": 6.0,
            "payload": {
                "role": "user",
                "text": "I would use a hash map from value to index.",
                "start": 6.0,
                "end": 9.25,
            },
        },
        {
            "idempotency_key": "s1",
            "type": "editor_snapshot",
            "t": 30.0,
            "payload": {"language": "python", "code": "def two_sum(nums, target):\n    seen = {}\n"},
        },
        {"idempotency_key": "h1", "type": "hint", "t": 40.0, "payload": {"text": "Think about duplicates."}},
    ]
    r = await server.client.post(
        f"/v1/internal/sessions/{sid}/events", json={"events": events}, headers=headers
    )
    assert r.status_code == 200, r.text
    return session


async def complete(server: ApiServer, session_id: str) -> dict[str, Any]:
    r = await server.client.post(
        f"/v1/internal/sessions/{session_id}/complete", json={}, headers=server.internal_headers()
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def grading_jobs(db: Conn, session_id: str | None = None) -> list[dict[str, Any]]:
    cur = await db.execute(
        """
        select id, status::text as status, queue_name, lock, args, attempts from procrastinate_jobs
        where task_name = 'grade_session' and (%(s)s::text is null or args->>'session_id' = %(s)s) order by id
        """,
        {"s": session_id},
    )
    return await cur.fetchall()


async def versions(db: Conn, session_id: str) -> list[dict[str, Any]]:
    return list(reversed(await scorecards_repo.list_versions(db, session_id)))


async def wait_until(
    check: Callable[[], Awaitable[Any]], *, within_s: float = 60, what: str = "condition"
) -> Any:
    """Poll `check` until it returns something truthy (generous deadline: only for things that must happen)."""
    deadline = time.monotonic() + within_s
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within_s}s waiting for {what}")
        await asyncio.sleep(0.1)


async def version_status(db: Conn, session_id: str, version: int) -> str | None:
    row = await scorecards_repo.get_version(db, session_id, version)
    return None if row is None else str(row["status"])


async def defer_retention_now(db_url: str) -> None:
    """Defer the retention job as its hourly schedule does, instead of waiting for the hour."""
    async with (
        await psycopg.AsyncConnection.connect(
            db_url, autocommit=True, row_factory=psycopg.rows.dict_row
        ) as c,
        c.transaction(),
    ):
        await enqueue(c, apply_retention, timestamp=int(datetime.now(UTC).timestamp()))
