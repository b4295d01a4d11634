"""Once a final answer locks the code (the organisation does not allow resubmission), it is the session's final code,
whatever is handed in after it. Drafts, Runs and custom input were refused after the Submit, but the candidate's
`POST /end` (and the agent's completion, which hands in what the candidate's editor showed) still stored up to
200,000 characters as `final_code`: a candidate who had seen their answer's verdict rewrote the code that the
session, the report, the grader and the `session.json` dump take as final."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.artifacts import build_dump
from api.db import endings_repo, runs_repo, sessions_repo
from api.db.pool import connection
from api.jobs.lapsed_sessions import abandon_stalled_sessions
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

DRAFT = "def two_sum(nums, target):\n    return [1, 0]  # draft-3b2d: saved before the final answer\n"
ANSWER = "def two_sum(nums, target):\n    return [0, 1]  # answer-5f1c: the final answer\n"
REWRITE = "class Solution {\n    // rewrite-9a7e\n    int[] twoSum(int[] n, int t) { return n; }\n}"
ENDINGS = ["candidate_end", "agent_complete", "room_finished_then_agent_complete", "stalled"]


async def _started(server: ApiServer, db: Conn, *, resubmission: bool) -> tuple[dict[str, Any], str]:
    """A started two-sum session (Python or Java) of an organisation of its own with the given resubmission policy,
    and that organisation's key."""
    _, key = await server.create_org(f"Final code {resubmission}")
    r = await server.client.patch(
        "/v1/organization", json={"allow_resubmission": resubmission}, headers=server.org_headers(key)
    )
    assert r.status_code == 200, r.text
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    qid = str((await cur.fetchone())["id"])  # type: ignore[index]  # the bank has two-sum
    created = await server.create_session(
        key, question_id=qid, language="python", languages=["python", "java"]
    )
    await consent_and_start(server.client, created)
    return created, key


async def _draft_then_submit(server: ApiServer, s: dict[str, Any]) -> None:
    auth = {"Authorization": f"Bearer {s['invite']}"}
    r = await server.client.put(f"/v1/sessions/{s['id']}/drafts/python", json={"code": DRAFT}, headers=auth)
    assert r.status_code == 200, r.text
    r = await server.client.post(
        f"/v1/sessions/{s['id']}/submissions", json={"language": "python", "code": ANSWER}, headers=auth
    )
    assert r.status_code == 201, r.text


async def _end(server: ApiServer, s: dict[str, Any], how: str) -> None:
    """End the session the way `how` says, handing in REWRITE (in Java) wherever the ending takes code."""
    sid, auth = s["id"], {"Authorization": f"Bearer {s['invite']}"}
    complete = {"final_code": REWRITE, "language": "java", "reason": "completed"}
    if how == "candidate_end":
        r = await server.client.post(
            f"/v1/sessions/{sid}/end", json={"code": REWRITE, "language": "java"}, headers=auth
        )
        assert (r.status_code, r.json()["status"]) == (200, "completed"), r.text  # the end itself never fails
    elif how == "agent_complete":
        r = await server.client.post(
            f"/v1/internal/sessions/{sid}/complete", json=complete, headers=server.internal_headers()
        )
        assert (r.status_code, r.json()["status"]) == (200, "completed"), r.text
    elif how == "room_finished_then_agent_complete":
        async with connection(server.app.state.pool) as conn, conn.transaction():
            assert await endings_repo.mark_abandoned(conn, sid, "room_finished")
        r = await server.client.post(
            f"/v1/internal/sessions/{sid}/complete", json=complete, headers=server.internal_headers()
        )
        assert (r.status_code, r.json()["status"]) == (200, "completed"), r.text
    else:
        async with connection(server.app.state.pool) as conn:
            await conn.execute(
                "update sessions set started_at = now() - interval '3 hours' where id = %s", (sid,)
            )
            assert await abandon_stalled_sessions(conn) == 1


@pytest.mark.sandbox
@pytest.mark.parametrize("how", ENDINGS)
async def test_code_handed_in_after_a_locked_final_answer_never_becomes_the_final_code(
    api_server: ApiServer, db: Conn, how: str
) -> None:
    s, key = await _started(api_server, db, resubmission=False)
    await _draft_then_submit(api_server, s)
    sid, auth = s["id"], {"Authorization": f"Bearer {s['invite']}"}
    # Every candidate route that carries code is refused after the final answer ...
    after = [
        await api_server.client.put(f"/v1/sessions/{sid}/drafts/java", json={"code": REWRITE}, headers=auth),
        await api_server.client.post(
            f"/v1/sessions/{sid}/runs", json={"language": "java", "code": REWRITE}, headers=auth
        ),
        await api_server.client.post(
            f"/v1/sessions/{sid}/custom-runs",
            json={"language": "java", "code": REWRITE, "inputs": [[[3, 3], 6]]},
            headers=auth,
        ),
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r in after] == [(409, "already_submitted")] * 3
    # ... and so is what the ending hands in: the final answer is the final code, in its own language, wherever it is
    # read (the session, the report, the dump), not the rewrite, nor the draft saved before it.
    await _end(api_server, s, how)
    cur = await db.execute("select status, final_code, language from sessions where id = %s", (sid,))
    row = await cur.fetchone()
    assert row is not None
    assert (row["final_code"], row["language"]) == (ANSWER, "python"), row["status"]

    read = await api_server.client.get(f"/v1/sessions/{sid}", headers=api_server.org_headers(key))
    assert read.status_code == 200, read.text
    assert read.json()["final_code"] == ANSWER
    report = await api_server.client.get(f"/v1/sessions/{sid}/report", headers=api_server.org_headers(key))
    assert report.status_code == 200, report.text
    assert "answer-5f1c" in report.text
    assert "rewrite-9a7e" not in report.text
    assert "draft-3b2d" not in report.text
    async with connection(api_server.app.state.pool) as conn:
        session = await sessions_repo.get_session(conn, sid)
        assert session is not None
        dump = json.loads(await build_dump(conn, session))
    assert dump["session"]["final_code"] == ANSWER


@pytest.mark.sandbox
async def test_where_resubmission_is_allowed_the_code_handed_in_at_the_end_is_the_final_code(
    api_server: ApiServer, db: Conn
) -> None:
    # Nothing is locked there: the editor stays open after a Submit, and the end keeps what it shows.
    s, _ = await _started(api_server, db, resubmission=True)
    await _draft_then_submit(api_server, s)
    await _end(api_server, s, "candidate_end")
    cur = await db.execute("select final_code, language from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"final_code": REWRITE, "language": "java"}


async def test_the_graders_own_submit_after_an_abandonment_does_not_lock_the_agents_completion(
    api_server: ApiServer, db: Conn
) -> None:
    # LiveKit's room_finished overtook the agent's completion; the grading job, finding no final answer, submitted
    # the newest draft itself before the completion came. That Submit is no answer of the candidate's: the
    # completion's code (the editor at the end) still wins, as it does without the grader's run.
    s, _ = await _started(api_server, db, resubmission=False)
    sid = s["id"]
    r = await api_server.client.put(
        f"/v1/sessions/{sid}/drafts/python",
        json={"code": DRAFT},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert r.status_code == 200, r.text
    async with connection(api_server.app.state.pool) as conn:
        async with conn.transaction():
            assert await endings_repo.mark_abandoned(conn, sid, "room_finished")
        session = await sessions_repo.get_session(conn, sid)
        assert session is not None
        await runs_repo.store_run(
            conn,
            runs_repo.FinishedRun(
                session_id=sid,
                question_id=session["question_id"],
                caller="grader",
                lease=None,
                mode="submit",
                language="python",
                code=DRAFT,
                verdict="wrong_answer",
                report={"verdict": "wrong_answer", "passed": 0, "total": 0, "tests": [], "timings": {}},
            ),
        )
    r = await api_server.client.post(
        f"/v1/internal/sessions/{sid}/complete",
        json={"final_code": REWRITE, "language": "java", "reason": "completed"},
        headers=api_server.internal_headers(),
    )
    assert (r.status_code, r.json()["status"]) == (200, "completed"), r.text
    cur = await db.execute("select final_code, language from sessions where id = %s", (sid,))
    assert await cur.fetchone() == {"final_code": REWRITE, "language": "java"}
