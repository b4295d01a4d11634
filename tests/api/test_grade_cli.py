"""`shadows grade SESSION_ID [--wait]`: queues a re-grade (a new version) and, with --wait, exits 0 once it is ready
or failed; 2 when it is still pending at the timeout; 1 for a session that cannot be graded."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import psycopg
from psycopg.rows import DictRow

from tests.api.grading_support import complete, interview, version_status, versions, wait_until
from tests.conftest import ROOT, ApiServer, StartWorker, child_env

Conn = psycopg.AsyncConnection[DictRow]


async def _shadows(db_url: str, cwd: Path, *args: str) -> tuple[int, str, str]:
    env = child_env(("SHADOWS_", "DATABASE_URL"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api",
        *args,
        cwd=cwd,
        env={**env, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), "SHADOWS_API_ENVIRONMENT": "test"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_grade_wait_exits_0_when_the_version_is_ready_or_failed(
    api_server: ApiServer, db: Conn, db_url: str, start_worker: StartWorker, tmp_path: Path
) -> None:
    plain = start_worker()  # no grader configured: versions fail with grader_not_configured
    s = await interview(api_server)
    await complete(api_server, s["id"])

    async def v1_done() -> bool:
        return await version_status(db, s["id"], 1) == "failed"

    await wait_until(v1_done, what="version 1")

    code, out, err = await _shadows(db_url, tmp_path, "grade", s["id"], "--wait")

    assert code == 0, err
    assert f"session {s['id']}: version 2 queued for grading" in out
    assert "version 2: failed (reason grader_not_configured)" in out
    assert [(v["version"], v["status"], v["trigger"]) for v in await versions(db, s["id"])] == [
        (1, "failed", "session_end"),
        (2, "failed", "regrade"),
    ]

    assert plain.stop() == 0
    (tmp_path / "release").touch()
    start_worker(SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.grader", SHADOWS_TEST_GRADER_DIR=str(tmp_path))
    code, out, err = await _shadows(db_url, tmp_path, "grade", s["id"], "--wait")
    assert code == 0, err
    assert "version 3: ready (recommendation hire)" in out


async def test_grade_without_a_worker_times_out_with_2_and_refuses_what_cannot_be_graded(
    api_server: ApiServer, db: Conn, db_url: str, tmp_path: Path
) -> None:
    done = await interview(api_server)
    await complete(api_server, done["id"])
    await db.execute(
        "update scorecards set status = 'failed', reason = 'test', completed_at = now() where session_id = %s",
        (done["id"],),
    )
    running = await interview(api_server)

    code, out, err = await _shadows(db_url, tmp_path, "grade", done["id"], "--wait", "--timeout", "1")
    assert code == 2
    assert "version 2 queued" in out and "still pending" in err

    code, _, err = await _shadows(db_url, tmp_path, "grade", done["id"])  # version 2 is still pending
    assert (code, "still being graded" in err) == (1, True)
    code, _, err = await _shadows(db_url, tmp_path, "grade", running["id"])
    assert (code, "completed or abandoned" in err) == (1, True)
    code, _, err = await _shadows(db_url, tmp_path, "grade", "ses_doesnotexist")
    assert (code, "Session not found" in err) == (1, True)
    assert [v["version"] for v in await versions(db, done["id"])] == [1, 2]
    assert await versions(db, running["id"]) == []
