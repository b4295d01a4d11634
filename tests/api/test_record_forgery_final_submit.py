"""The grading job's final Submit for a candidate who never submitted, against a client that shapes its last
snapshot: a language the session does not run, or code past the judge's limit, must not leave the final answer
unjudged as if there were nothing to judge. Through the job's own step (`_final_submit`), the app's real judge
and Postgres."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import bundle_repo
from api.db.pool import connection
from api.jobs.grading import _final_submit
from grader.facts import compute_facts
from tests.conftest import ApiServer

pytestmark = [pytest.mark.db, pytest.mark.sandbox]
Conn = psycopg.AsyncConnection[DictRow]

WRONG = "def two_sum(nums, target):\n    return [0, 0]\n"
FAILED_REPORT = {"verdict": "internal_error", "passed": 0, "total": 0, "tests": [], "timings": {}}


async def _ended_with_snapshot(api_server: ApiServer, payload: dict[str, Any]) -> str:
    session = await api_server.create_session()
    internal = api_server.internal_headers()
    base = f"/v1/internal/sessions/{session['id']}"
    assert (await api_server.agent_start(session, internal)).status_code == 200
    events = [
        {"idempotency_key": "t1", "type": "transcript", "t": 5.0,
         "payload": {"role": "user", "text": "I'm done.", "start": 5.0, "end": 6.0}},
        {"idempotency_key": "s1", "type": "editor_snapshot", "t": 30.0, "payload": payload},
    ]  # fmt: skip
    r = await api_server.client.post(f"{base}/events", json={"events": events}, headers=internal)
    assert r.status_code == 200, r.text
    assert (await api_server.client.post(f"{base}/complete", json={}, headers=internal)).status_code == 200
    return str(session["id"])


def _resources(api_server: ApiServer) -> SimpleNamespace:
    runs = api_server.app.state.runs
    return SimpleNamespace(
        pool=api_server.app.state.pool,
        judge=runs.judge,
        admission=runs.admission,
        settings=api_server.settings,
    )


async def test_a_last_snapshot_in_a_language_the_session_does_not_run_is_still_judged(
    api_server: ApiServer, db: Conn
) -> None:
    sid = await _ended_with_snapshot(api_server, {"language": "pascal", "code": WRONG})
    async with connection(api_server.app.state.pool) as conn:
        bundle = await bundle_repo.load_bundle_input(conn, sid)
    assert bundle is not None
    graded = await _final_submit(_resources(api_server), bundle, 0)  # type: ignore[arg-type]
    assert graded is not None
    cur = await db.execute("select kind, language, verdict from submissions where session_id = %s", (sid,))
    [row] = await cur.fetchall()
    assert (row["kind"], row["language"]) == ("submit", "python") and row["verdict"] != "accepted", row
    facts = compute_facts(graded)
    assert facts.final_submit_by_grader and facts.hidden_tests.final is not None
    assert facts.hidden_tests.final.passed < facts.hidden_tests.final.total


async def test_a_last_code_past_the_judges_limit_is_recorded_as_not_judged(
    api_server: ApiServer, db: Conn
) -> None:
    limit = api_server.app.state.runs.judge.settings.max_code_bytes
    padded = WRONG + "#" * (limit + 10) + "\n"
    sid = await _ended_with_snapshot(api_server, {"language": "python", "code": padded})
    async with connection(api_server.app.state.pool) as conn:
        bundle = await bundle_repo.load_bundle_input(conn, sid)
    assert bundle is not None
    graded = await _final_submit(_resources(api_server), bundle, 0)  # type: ignore[arg-type]
    assert graded is not None and graded.final_submit_refused == "code_too_large"
    facts = compute_facts(graded)
    assert facts.final_code_not_judged == "code_too_large" and facts.hidden_tests.final is None
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (sid,))
    assert await cur.fetchone() == {"n": 0}


async def test_a_candidate_submission_the_judge_failed_on_is_judged_again_by_the_grader(
    api_server: ApiServer, db: Conn
) -> None:
    from api.db import runs_repo

    sid = await _ended_with_snapshot(api_server, {"language": "python", "code": "x = 1\n"})
    cur = await db.execute("select question_id from sessions where id = %s", (sid,))
    row = await cur.fetchone()
    assert row is not None
    async with connection(api_server.app.state.pool) as conn:
        await runs_repo.store_run(
            conn,
            runs_repo.FinishedRun(session_id=sid, question_id=row["question_id"], caller="candidate", lease=None,
                                  mode="submit", language="python", code=WRONG, verdict="internal_error",
                                  report=FAILED_REPORT),
        )  # fmt: skip
        bundle = await bundle_repo.load_bundle_input(conn, sid)
    assert bundle is not None
    graded = await _final_submit(_resources(api_server), bundle, 0)  # type: ignore[arg-type]
    assert graded is not None
    cur = await db.execute(
        "select s.code, s.verdict, e.payload->>'by' as by from submissions s join session_events e"
        " on e.payload->>'submission_id' = s.id::text where s.session_id = %s order by s.created_at",
        (sid,),
    )
    rows = await cur.fetchall()
    assert [(r["by"], r["code"]) for r in rows] == [("candidate", WRONG), ("grader", WRONG)]  # its own code
    assert rows[1]["verdict"] not in ("internal_error", "accepted")
    facts = compute_facts(graded)
    assert facts.final_submit_by_grader and facts.hidden_tests.final is not None
    again = await _final_submit(_resources(api_server), graded, 0)  # type: ignore[arg-type]  # a retried job
    assert again is graded
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (sid,))
    assert await cur.fetchone() == {"n": 2}
