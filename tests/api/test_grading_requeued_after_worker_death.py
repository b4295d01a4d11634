"""A grading job requeued after its worker died (SIGKILL, OOM, a lost host) during its final submission: the dead
attempt never dropped the session's run lease, and the next attempt waits for it to expire before it judges or
grades anything (docs/deployment.md, "A worker dies during a grading").

Why it waits rather than taking the lease over at once: nothing the next attempt can read proves the holder gone.
procrastinate requeues the job once its worker's heartbeat is stale, which a worker whose event loop stalls, or one
still inside its shutdown grace after its heartbeat failed, also shows while its judge run goes on; and with the
`remote` or `judge0` backend the dead worker's run goes on at the judge service whatever became of the worker, for
as long as its bound, which is what the lease's time covers. A second Submit of the session beside it is what the
lease exists to prevent (docs/architecture.md, "Runs")."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api import run_flow
from api.db import runs_repo
from api.jobs import grading
from api.judging import JudgeUnavailable
from grader.schemas import BundleInput, GradeOutcome
from judge.schemas import RunRequest
from tests.api.grading_support import complete, interview, version_status
from tests.api.test_submit_racing_the_grading import _job_context
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def test_the_next_attempt_waits_for_the_dead_attempts_lease_then_grades_once(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = await interview(api_server)
    sid = str(s["id"])
    await complete(api_server, sid)
    # What the first attempt left when its worker was killed mid final submission: the lease it took before it read
    # the record (`_hold_the_runs`), lengthened to that run's bound (`run_for_grader`), never dropped.
    dead = await runs_repo.take_lease(db, sid, "grader", 600)
    assert dead is not None

    steps: list[str] = []
    refused = asyncio.Event()
    take_lease = runs_repo.take_lease

    async def observed(conn: Any, session_id: str, caller: Any, ttl_s: float, **kw: Any) -> Any:
        got = await take_lease(conn, session_id, caller, ttl_s, **kw)
        if caller == "grader" and got is None:
            refused.set()
        return got

    async def judge(judge: Any, admission: Any, tenant: str, request: RunRequest) -> Any:
        steps.append("judge")
        raise JudgeUnavailable("Code execution is unavailable on this server.")

    async def grader(bundle: BundleInput) -> GradeOutcome:
        steps.append("grade")
        return GradeOutcome.failed("grader_error")

    monkeypatch.setattr(runs_repo, "take_lease", observed)
    monkeypatch.setattr(run_flow, "judge_code", judge)
    monkeypatch.setattr(grading, "LEASE_POLL_S", 0.05)
    grading.use_grader(grader)
    context = _job_context(api_server)
    context.job.attempts = 1  # the requeued job's second attempt
    try:
        job = asyncio.create_task(grading.grade_session.func(context, session_id=sid, version=1))
        await asyncio.wait_for(refused.wait(), 60)
        await asyncio.sleep(0.5)  # ten more looks at the lease: still refused, nothing judged or graded
        assert not job.done()
        assert steps == []
        assert await version_status(db, sid, 1) == "pending"
        steps.append("expired")
        await db.execute(  # the dead attempt's lease runs out (instead of waiting out its 600 s)
            "update session_run_leases set expires_at = now() where session_id = %s and token = %s",
            (sid, dead),
        )
        await asyncio.wait_for(job, 60)
    finally:
        grading.use_grader(None)

    assert steps == ["expired", "judge", "grade"]
    assert await version_status(db, sid, 1) == "failed"
    cur = await db.execute("select count(*) as n from session_run_leases where session_id = %s", (sid,))
    assert await cur.fetchone() == {"n": 0}
