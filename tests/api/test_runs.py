"""Runs and submissions through the API: the real judge, recorded in the event log, hidden tests never leaked."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.conftest import ApiServer

pytestmark = pytest.mark.sandbox
ROOT = Path(__file__).resolve().parents[2]


async def _question_id(db, slug: str) -> str:
    cur = await db.execute("select id from questions where slug = %s", (slug,))
    return str((await cur.fetchone())["id"])


async def _started(api_server: ApiServer, **body) -> dict:
    """A session the agent has started: runs are open only while a session is in progress."""
    created = await api_server.create_session(**body)
    r = await api_server.agent_start(created)
    assert r.status_code == 200, r.text
    return created


async def test_candidate_run_executes_only_visible_tests_and_is_logged(api_server: ApiServer, db) -> None:
    qid = await _question_id(db, "two-sum")
    created = await _started(api_server, question_id=qid)
    code = (ROOT / "questions/two-sum/reference.py").read_text()
    r = await api_server.client.post(
        f"/v1/sessions/{created['id']}/runs",
        json={"language": "python", "code": code},
        headers={"Authorization": f"Bearer {created['invite']}"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "accepted"
    assert body["tests"] and all(not t["hidden"] for t in body["tests"])
    assert all(t["args"] is not None for t in body["tests"])
    cur = await db.execute("select type, payload from session_events where session_id = %s", (created["id"],))
    events = await cur.fetchall()
    assert [e["type"] for e in events] == ["consent", "test_run"]  # the candidate agreed before the start
    assert events[1]["payload"]["verdict"] == "accepted"
    cur = await db.execute("select kind, verdict from submissions where session_id = %s", (created["id"],))
    assert await cur.fetchall() == [{"kind": "run", "verdict": "accepted"}]


async def test_submission_redacts_hidden_tests_in_response_and_storage(api_server: ApiServer, db) -> None:
    qid = await _question_id(db, "two-sum")
    created = await _started(api_server, question_id=qid)
    cur = await db.execute(
        "select input, expected_output, case_key from test_cases where question_id = %s and hidden", (qid,)
    )
    hidden = await cur.fetchall()
    assert hidden
    code = "def two_sum(nums, target):\n    return [0, 1]\n"
    auth = {"Authorization": f"Bearer {created['invite']}"}
    r = await api_server.client.post(
        f"/v1/sessions/{created['id']}/submissions", json={"language": "python", "code": code}, headers=auth
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["verdict"] == "wrong_answer"
    hidden_results = [t for t in body["tests"] if t["hidden"]]
    assert len(hidden_results) == len(hidden)
    assert all(set(t) == {"id", "verdict", "hidden", "time_ms"} for t in hidden_results)
    # Named by their place, never by their id in the bank, which says what each checks ("same-value-not-reused"):
    # beside a pass or fail, a hint. As answered, and as read back after a reload.
    places = [f"hidden-{i}" for i in range(1, len(hidden) + 1)]
    assert [t["id"] for t in hidden_results] == places
    latest = (await api_server.client.get(f"/v1/sessions/{created['id']}/results", headers=auth)).json()
    assert [t["id"] for t in latest["submit"]["tests"] if t["hidden"]] == places
    shown = json.dumps([body, latest])
    assert not [h["case_key"] for h in hidden if f'"{h["case_key"]}"' in shown]
    cur = await db.execute("select result_json from submissions where session_id = %s", (created["id"],))
    stored = json.dumps((await cur.fetchone())["result_json"])
    for h in hidden:
        assert h["input"] not in stored
        assert f'"{h["case_key"]}"' in stored  # the organisation's report still names them


async def test_run_for_another_sessions_id_is_not_found(api_server: ApiServer) -> None:
    a = await _started(api_server)
    b = await _started(api_server)
    r = await api_server.client.post(
        f"/v1/sessions/{b['id']}/runs",
        json={"language": "python", "code": "x = 1"},
        headers={"Authorization": f"Bearer {a['invite']}"},
    )
    assert r.status_code == 404


async def test_unsupported_language_is_422_and_oversized_code_is_413(api_server: ApiServer) -> None:
    s = await _started(api_server)
    auth = {"Authorization": f"Bearer {s['invite']}"}
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/runs", json={"language": "cobol", "code": "x"}, headers=auth
    )
    assert r.status_code == 422
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/runs", json={"language": "python", "code": "#" * 100_000}, headers=auth
    )
    assert r.status_code == 413


async def test_internal_run_is_recorded_as_agent_run(api_server: ApiServer, db) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/runs",
        json={"language": "python", "code": "def f(:\n"},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text
    assert r.json()["verdict"] in ("runtime_error", "compile_error")
    cur = await db.execute("select payload from session_events where session_id = %s", (s["id"],))
    assert (await cur.fetchone())["payload"]["by"] == "agent"


async def test_a_run_whose_result_cannot_be_stored_releases_the_sessions_run_lease(
    api_server: ApiServer, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's transaction holds the lease's release: when it failed (the database went away after the judge
    # answered, or refused the result), the lease stayed until it expired (the queue wait plus the judge's job
    # timeout, minutes) and every run of the session meanwhile was 429 run_in_progress. The failure is injected
    # once into the real store, on the real database.
    from api.db import runs_repo

    real_store = runs_repo.store_run
    failures = []

    async def store_once_failing(conn, run, **options):  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(run.session_id)
            raise psycopg.OperationalError("the database went away")
        return await real_store(conn, run, **options)

    monkeypatch.setattr(runs_repo, "store_run", store_once_failing)
    qid = await _question_id(db, "two-sum")
    created = await _started(api_server, question_id=qid)
    code = (ROOT / "questions/two-sum/reference.py").read_text()
    url, auth = f"/v1/sessions/{created['id']}/runs", {"Authorization": f"Bearer {created['invite']}"}
    failed = await api_server.client.post(url, json={"language": "python", "code": code}, headers=auth)
    assert failed.status_code >= 500 and failures == [created["id"]], failed.text
    again = await api_server.client.post(url, json={"language": "python", "code": code}, headers=auth)
    assert again.status_code == 200, again.text
    assert again.json()["verdict"] == "accepted"
    cur = await db.execute(
        "select count(*) as n from session_run_leases where session_id = %s", (created["id"],)
    )
    assert (await cur.fetchone())["n"] == 0
