"""A candidate's Submit still being judged when the session ends (the interviewer completes it at time-up, the room
finishes, the stall sweep): the grading job starts while the judge runs it. The job decided there was no final
answer, submitted the last snapshot itself, and graded a record without the candidate's Submit, which was stored
afterwards (a graded session with a grader's submission of other code and the candidate's own after it). The job
now takes the session's run lease (the one every run holds while the judge works) before it reads the record."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api import run_flow
from api.db import endings_repo, runs_repo
from api.db.pool import connection
from api.jobs import grading
from api.jobs.resources import CONTEXT_KEY, WorkerResources
from grader.schemas import BundleInput, GradeOutcome
from judge.schemas import RunRequest
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

SNAPSHOT = "def two_sum(nums, target):\n    return []\n"  # what the last snapshot showed
SUBMITTED = (  # typed after it and handed in with Submit
    "def two_sum(nums, target):\n"
    "    seen = {}\n"
    "    for i, n in enumerate(nums):\n"
    "        if target - n in seen:\n"
    "            return [seen[target - n], i]\n"
    "        seen[n] = i\n"
)


def _job_context(server: ApiServer) -> Any:
    """What `shadows worker` hands the job: its resources (the API's pool, judge and admission) and a first attempt."""
    services: run_flow.RunServices = server.app.state.runs
    res = WorkerResources(
        settings=server.settings,
        worker_settings=SimpleNamespace(),  # type: ignore[arg-type]  # not read by the job
        pool=server.app.state.pool,
        judge=services.judge,
        admission=services.admission,
    )
    return SimpleNamespace(additional_context={CONTEXT_KEY: res}, job=SimpleNamespace(attempts=0))


@pytest.mark.sandbox
@pytest.mark.parametrize("end", ["complete", "room_finished"])
async def test_a_submit_the_end_overtook_is_graded_not_replaced_by_the_graders(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch, end: str
) -> None:
    s = await api_server.create_session()
    sid, internal = s["id"], api_server.internal_headers()
    await consent_and_start(api_server.client, s)
    snap = {"idempotency_key": "s1", "type": "editor_snapshot", "t": 30.0}
    r = await api_server.client.post(
        f"/v1/internal/sessions/{sid}/events",
        json={"events": [{**snap, "payload": {"language": "python", "code": SNAPSHOT}}]},
        headers=internal,
    )
    assert r.status_code == 200, r.text

    judging, release = asyncio.Event(), asyncio.Event()
    real = run_flow.judge_code

    async def gated(judge: Any, admission: Any, tenant: str, request: RunRequest) -> Any:
        if request.source == SUBMITTED:  # the candidate's Submit is held in the judge
            judging.set()
            await release.wait()
        return await real(judge, admission, tenant, request)

    monkeypatch.setattr(run_flow, "judge_code", gated)
    submit = asyncio.create_task(
        api_server.client.post(
            f"/v1/sessions/{sid}/submissions",
            json={"language": "python", "code": SUBMITTED},
            headers={"Authorization": f"Bearer {s['invite']}"},
        )
    )
    await asyncio.wait_for(judging.wait(), 60)

    if end == "complete":  # the interviewer ends the interview at time-up
        r = await api_server.client.post(f"/v1/internal/sessions/{sid}/complete", json={}, headers=internal)
        assert r.status_code == 200, r.text
    else:  # the room went away: abandoned, graded all the same
        async with connection(api_server.app.state.pool) as conn, conn.transaction():
            assert await endings_repo.mark_abandoned(conn, sid, "room_finished")
            await grading.request_grading(conn, sid, trigger="session_end")

    graded: list[BundleInput] = []

    async def grader(bundle: BundleInput) -> GradeOutcome:
        graded.append(bundle)
        return GradeOutcome.failed("grader_error")

    grading.use_grader(grader)
    refused = asyncio.Event()
    take_lease = runs_repo.take_lease

    async def observed(conn: Any, session_id: str, caller: Any, ttl_s: float, **kw: Any) -> Any:
        lease = await take_lease(conn, session_id, caller, ttl_s, **kw)
        if caller == "grader" and lease is None:
            refused.set()  # the job waits for the Submit in flight
        return lease

    monkeypatch.setattr(runs_repo, "take_lease", observed)
    monkeypatch.setattr(grading, "LEASE_POLL_S", 0.05)
    context = _job_context(api_server)
    try:
        job = asyncio.create_task(grading.grade_session.func(context, session_id=sid, version=1))
        waiting = asyncio.create_task(refused.wait())
        # The Submit's answer is let through only once the job has either finished or is seen waiting for it.
        await asyncio.wait([job, waiting], timeout=120, return_when=asyncio.FIRST_COMPLETED)
        assert job.done() or refused.is_set(), "the job neither finished nor waited"
        release.set()
        r = await submit
        await job
        waiting.cancel()
    finally:
        release.set()
        grading.use_grader(None)
    assert r.status_code == 201, r.text

    cur = await db.execute(
        "select s.code, e.payload->>'by' as by from submissions s join session_events e"
        " on e.payload->>'submission_id' = s.id::text where s.session_id = %s order by s.created_at",
        (sid,),
    )
    stored = [(row["by"], row["code"]) for row in await cur.fetchall()]
    assert stored == [("candidate", SUBMITTED)], (
        "the grader submitted other code beside the candidate's Submit"
    )
    assert len(graded) == 1
    submits = [run for run in graded[0].runs if run.kind == "submit"]
    assert [run.code for run in submits] == [SUBMITTED], "the graded record lacks the candidate's Submit"
    cur = await db.execute("select count(*) as n from session_run_leases where session_id = %s", (sid,))
    assert await cur.fetchone() == {"n": 0}  # the job gave its lease back


async def test_a_grading_waiting_for_a_run_of_a_session_then_erased_stops_there(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A run's lease outlives the end (the judge still at it, or a crashed API's lease until it expires); the session
    # is erased while the job waits for it: the job stops, grading nothing and storing nothing.
    s = await api_server.create_session()
    sid, internal = s["id"], api_server.internal_headers()
    await consent_and_start(api_server.client, s)
    lease = await runs_repo.take_lease(db, sid, "candidate", 600)
    assert lease is not None  # a Submit in flight
    r = await api_server.client.post(f"/v1/internal/sessions/{sid}/complete", json={}, headers=internal)
    assert r.status_code == 200, r.text
    refused = asyncio.Event()
    take_lease = runs_repo.take_lease

    async def observed(conn: Any, session_id: str, caller: Any, ttl_s: float, **kw: Any) -> Any:
        got = await take_lease(conn, session_id, caller, ttl_s, **kw)
        if caller == "grader" and got is None:
            refused.set()
        return got

    async def grader(bundle: BundleInput) -> GradeOutcome:
        raise AssertionError("an erased session reached the grader")

    monkeypatch.setattr(runs_repo, "take_lease", observed)
    monkeypatch.setattr(grading, "LEASE_POLL_S", 0.05)
    grading.use_grader(grader)
    try:
        job = asyncio.create_task(
            grading.grade_session.func(_job_context(api_server), session_id=sid, version=1)
        )
        await asyncio.wait_for(refused.wait(), 60)
        await db.execute("delete from sessions where id = %s", (sid,))
        await asyncio.wait_for(job, 60)  # returns: the erasure ended the wait, and nothing reached the grader
    finally:
        grading.use_grader(None)
