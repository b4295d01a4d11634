"""A scorecard version whose grading job ended without storing an outcome. The job stores a failed outcome itself
whenever it can, but when the database connection is lost while it stores, on its last attempt, the error is
retryable (so not stored as `internal_error`) and not retried: the job failed in the queue and the version stayed
pending for ever, every re-grade refused with 409 `grading_pending`, the grading lag growing, and a receiver waiting
for `scorecard.ready` or `scorecard.failed` waited for ever. So did a version whose job was cancelled or deleted.
The worker's lapsed-session sweep fails such a version as `grading_interrupted`, through the job's own path."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.jobs import grading
from api.jobs.lapsed_sessions import sweep_lapsed_sessions
from api.jobs.resources import CONTEXT_KEY, WorkerResources
from api.webhooks import outbox
from tests.api.grading_support import complete, grading_jobs, interview, version_status, versions, wait_until
from tests.api.integration_support import create_endpoint
from tests.conftest import ApiServer, StartWorker
from tests.fakes.webhook_receiver import webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]


def _resources(server: ApiServer) -> WorkerResources:
    """What `shadows worker` hands its periodic sweep: the API's settings and pool (the sweep needs no judge)."""
    return WorkerResources(
        settings=server.settings,
        worker_settings=SimpleNamespace(),  # type: ignore[arg-type]  # not read by the sweep
        pool=server.app.state.pool,
        judge=None,  # type: ignore[arg-type]  # not used
        admission=None,  # type: ignore[arg-type]  # not used
    )


async def _regrade(server: ApiServer, session_id: str) -> Any:
    return await server.client.post(f"/v1/sessions/{session_id}/grade", json={}, headers=server.org_headers())


async def _job_status(db: Conn, session_id: str) -> str:
    (job,) = await grading_jobs(db, session_id)
    return str(job["status"])


async def test_a_last_attempt_that_lost_the_database_while_storing_fails_the_version_on_the_next_sweep(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["scorecard.failed", "scorecard.ready"])
        receiver.secrets = [ep["secret"]]
        grader_dir = tmp_path / "grader"
        grader_dir.mkdir()
        (grader_dir / "release").touch()
        (grader_dir / "store_lost").touch()  # every outcome this worker stores fails as a lost connection
        start_worker(
            SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.grader",
            SHADOWS_TEST_GRADER_DIR=str(grader_dir),
            SHADOWS_WORKER_RETRY_DELAYS_S="0.2",
        )
        s = await interview(api_server)
        sid = s["id"]
        await complete(api_server, sid)

        async def job_ended() -> bool:
            return await _job_status(db, sid) in ("succeeded", "failed")

        await wait_until(job_ended, what="the grading job to end")
        (job,) = await grading_jobs(db, sid)
        assert (job["status"], job["attempts"]) == ("failed", 2)  # retried once, then given up
        assert await version_status(db, sid, 1) == "pending"  # what the job could not change
        r = await _regrade(api_server, sid)
        assert (r.status_code, r.json()["error"]["code"]) == (409, "grading_pending")

        context = SimpleNamespace(additional_context={CONTEXT_KEY: _resources(api_server)})
        await sweep_lapsed_sessions.func(context, timestamp=0)

        (v,) = await versions(db, sid)
        assert (v["status"], v["reason"], v["scorecard"]) == ("failed", "grading_interrupted", None)

        async def hooked() -> bool:
            return len(receiver.succeeded()) >= 1

        await wait_until(hooked, what="scorecard.failed")
        (hook,) = receiver.succeeded()
        assert hook.type == "scorecard.failed"
        assert (hook.payload["data"]["scorecard"]["status"], hook.payload["data"]["scorecard"]["reason"]) == (
            "failed",
            "grading_interrupted",
        )
        assert await grading.fail_orphaned_versions(_resources(api_server)) == 0

        (grader_dir / "store_lost").unlink()  # the database is back: a re-grade is accepted and stored
        r = await _regrade(api_server, sid)
        assert r.status_code == 202, r.text

        async def second_finished() -> bool:
            return await version_status(db, sid, 2) in ("ready", "failed")

        await wait_until(second_finished, what="version 2 to finish")
        assert await version_status(db, sid, 2) == "ready"
        assert await version_status(db, sid, 1) == "failed"


@pytest.mark.parametrize(
    ("job_state", "swept"),
    [
        ("todo", False),  # queued, or waiting to be retried
        ("doing", False),  # running (on a dead worker, retry_stalled_jobs puts it back)
        ("failed", True),
        ("cancelled", True),
        ("aborted", True),
        ("deleted", True),  # gone from the queue (remove_finished_jobs deletes ended jobs)
    ],
)
async def test_only_a_version_no_job_will_finish_is_failed(
    api_server: ApiServer, db: Conn, job_state: str, swept: bool
) -> None:
    res = _resources(api_server)
    await create_endpoint(api_server, "http://127.0.0.1:9/hooks", ["scorecard.failed"])  # no worker delivers
    other = await interview(api_server)  # a second session, its job queued: never touched
    await complete(api_server, other["id"])
    s = await interview(api_server)
    sid = s["id"]
    await complete(api_server, sid)
    (job,) = await grading_jobs(db, sid)
    if job_state == "deleted":
        await db.execute("delete from procrastinate_jobs where id = %s", (job["id"],))
    elif job_state != "todo":
        await db.execute(
            "update procrastinate_jobs set status = %s::procrastinate_job_status where id = %s",
            (job_state, job["id"]),
        )

    assert await grading.fail_orphaned_versions(res) == (1 if swept else 0)
    assert await grading.fail_orphaned_versions(res) == 0

    (v,) = await versions(db, sid)
    assert (v["status"], v["reason"]) == (("failed", "grading_interrupted") if swept else ("pending", None))
    assert await version_status(db, other["id"], 1) == "pending"
    cur = await db.execute(
        "select session_id, event_type from webhook_deliveries where event_type like 'scorecard.%%'"
    )
    hooks = await cur.fetchall()  # the outcome went through the job's own path: its event, once
    assert hooks == ([{"session_id": sid, "event_type": "scorecard.failed"}] if swept else [])


async def test_a_version_whose_outcome_cannot_be_stored_does_not_hold_up_the_others(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = []
    for _ in range(3):
        s = await interview(api_server)
        await complete(api_server, s["id"])
        sessions.append(s["id"])
    # No job will finish any of them.
    await db.execute("delete from procrastinate_jobs where task_name = 'grade_session'")
    poison = sessions[0]  # the oldest, first in the sweep's order
    stored = outbox.scorecard_stored

    async def broken(conn: Any, settings: Any, session_id: str, version: int) -> None:
        if session_id == poison:
            raise ValueError("a bug in this version's outcome path")
        await stored(conn, settings, session_id, version)

    monkeypatch.setattr(outbox, "scorecard_stored", broken)

    assert await grading.fail_orphaned_versions(_resources(api_server)) == 2

    assert [await version_status(db, sid, 1) for sid in sessions] == ["pending", "failed", "failed"]
