"""Organisation session routes over HTTP: schedule (JSON and multipart with a résumé), list, read, cancel."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from tests.api.conftest import minimal_pdf
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`) reach that database.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()


async def _question_id(db: Conn, slug: str) -> str:
    cur = await db.execute("select id from questions where slug = %s", (slug,))
    row = await cur.fetchone()
    assert row is not None
    return str(row["id"])


async def test_create_session_returns_invite_join_url_and_stores_only_invite_hash(
    api_server: ApiServer, db: Conn
) -> None:
    qid = await _question_id(db, "two-sum")
    created = await api_server.create_session(
        question_id=qid,
        language="java",
        duration_minutes=30,
        candidate={"name": "Grace Hopper", "email": "grace@example.com", "external_id": "ats-7"},
        job_description="Backend engineer",
        metadata={"req": "R-1"},
    )

    assert created["id"].startswith("ses_")
    assert created["status"] == "scheduled"
    assert created["question_id"] == qid
    assert created["language"] == "java"
    assert created["duration_minutes"] == 30
    assert created["invite"].startswith("inv_")
    assert created["join_url"].endswith(f"/join#invite={created['invite']}")
    assert datetime.fromisoformat(created["invite_expires_at"]) > datetime.now(UTC)
    cur = await db.execute(
        """
        select s.invite_hash, s.organization_id, s.job_description, s.metadata, c.name, c.email, c.external_id
        from sessions s join candidates c on c.id = s.candidate_id where s.id = %s
        """,
        (created["id"],),
    )
    row = await cur.fetchone()
    assert row is not None
    # Only the SHA-256 of the invite is stored; the invite itself is nowhere in the row.
    assert bytes(row["invite_hash"]) == hashlib.sha256(created["invite"].encode()).digest()
    cur = await db.execute(
        "select count(*) as n from sessions s where s::text like %s", (f"%{created['invite']}%",)
    )
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) always returns a row
    assert str(row["organization_id"]) == api_server.org_id
    assert (row["name"], row["email"], row["external_id"]) == ("Grace Hopper", "grace@example.com", "ats-7")
    assert row["job_description"] == "Backend engineer"
    assert row["metadata"] == {"req": "R-1"}


async def test_create_session_with_difficulty_filter_picks_a_matching_question(
    api_server: ApiServer, db: Conn
) -> None:
    created = await api_server.create_session(difficulty="Medium")
    cur = await db.execute("select difficulty from questions where id = %s", (created["question_id"],))
    row = await cur.fetchone()
    assert row is not None and row["difficulty"] == "Medium"


async def test_create_session_with_unmatched_filter_is_422_no_matching_question(
    api_server: ApiServer,
) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        json={"candidate": {"name": "A", "email": "a@example.com"}, "topic": "no-such-topic"},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "no_matching_question"


async def test_create_session_multipart_with_resume_pdf_puts_its_text_in_the_context(
    api_server: ApiServer,
) -> None:
    resume = "Ada Lovelace - Analytical Engine programmer, 10 years of Python"
    payload = {"candidate": {"name": "Ada", "email": "ada@example.com"}, "job_description": "JD text"}
    r = await api_server.client.post(
        "/v1/sessions",
        data={"payload": json.dumps(payload)},
        files={"resume": ("resume.pdf", minimal_pdf(resume), "application/pdf")},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 201, r.text
    sid = r.json()["id"]

    ctx = await api_server.client.get(
        f"/v1/internal/sessions/{sid}/context", headers=api_server.internal_headers()
    )
    assert ctx.status_code == 200
    assert ctx.json()["resume_text"] == resume
    assert ctx.json()["job_description"] == "JD text"
    detail = await api_server.client.get(f"/v1/sessions/{sid}", headers=api_server.org_headers())
    assert detail.json()["has_resume"] is True


async def test_create_session_multipart_with_non_pdf_resume_is_422_invalid_resume(
    api_server: ApiServer,
) -> None:
    payload = {"candidate": {"name": "Ada", "email": "ada@example.com"}}
    r = await api_server.client.post(
        "/v1/sessions",
        data={"payload": json.dumps(payload)},
        files={"resume": ("resume.pdf", b"not a pdf at all", "application/pdf")},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_resume"


async def test_create_session_multipart_with_invalid_payload_names_the_field(api_server: ApiServer) -> None:
    payload = {"candidate": {"name": "Ada", "email": "not-an-email"}}
    r = await api_server.client.post(
        "/v1/sessions",
        data={"payload": json.dumps(payload)},
        files={"resume": ("resume.pdf", minimal_pdf("x"), "application/pdf")},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422
    assert r.json()["error"]["message"].startswith("candidate.email")


async def test_list_sessions_pages_newest_first_with_cursor_until_exhausted(api_server: ApiServer) -> None:
    ids = [(await api_server.create_session())["id"] for _ in range(5)]

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        r = await api_server.client.get("/v1/sessions", params=params, headers=api_server.org_headers())
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["data"]) <= 2
        seen += [s["id"] for s in body["data"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == list(reversed(ids))


async def test_list_sessions_shows_only_the_callers_organisation(api_server: ApiServer) -> None:
    mine = await api_server.create_session()
    _, other_key = await api_server.create_org("Other Co")
    theirs = await api_server.create_session(key=other_key)

    r = await api_server.client.get("/v1/sessions", headers=api_server.org_headers())
    ids = [s["id"] for s in r.json()["data"]]
    assert mine["id"] in ids
    assert theirs["id"] not in ids


async def test_list_sessions_filters_by_status(api_server: ApiServer) -> None:
    a = await api_server.create_session()
    b = await api_server.create_session()
    r = await api_server.client.post(f"/v1/sessions/{b['id']}/cancel", headers=api_server.org_headers())
    assert r.status_code == 200

    cancelled = await api_server.client.get(
        "/v1/sessions", params={"status": "cancelled"}, headers=api_server.org_headers()
    )
    scheduled = await api_server.client.get(
        "/v1/sessions", params={"status": "scheduled"}, headers=api_server.org_headers()
    )
    assert [s["id"] for s in cancelled.json()["data"]] == [b["id"]]
    assert [s["id"] for s in scheduled.json()["data"]] == [a["id"]]


async def test_list_sessions_filters_by_created_date_range(api_server: ApiServer, db: Conn) -> None:
    old = await api_server.create_session()
    new = await api_server.create_session()
    week_ago = datetime.now(UTC) - timedelta(days=7)
    await db.execute("update sessions set created_at = %s where id = %s", (week_ago, old["id"]))
    boundary = (datetime.now(UTC) - timedelta(days=1)).isoformat()

    after = await api_server.client.get(
        "/v1/sessions", params={"created_after": boundary}, headers=api_server.org_headers()
    )
    before = await api_server.client.get(
        "/v1/sessions", params={"created_before": boundary}, headers=api_server.org_headers()
    )
    assert [s["id"] for s in after.json()["data"]] == [new["id"]]
    assert [s["id"] for s in before.json()["data"]] == [old["id"]]


async def test_list_sessions_with_garbage_cursor_is_400_invalid_cursor(api_server: ApiServer) -> None:
    r = await api_server.client.get(
        "/v1/sessions", params={"cursor": "not-a-cursor"}, headers=api_server.org_headers()
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_cursor"


async def test_read_session_returns_question_events_runs_and_final_code(
    api_server: ApiServer, db: Conn
) -> None:
    created = await api_server.create_session()
    sid = created["id"]
    internal = api_server.internal_headers()
    await api_server.agent_start(created, internal)
    events = {
        "events": [
            {
                "idempotency_key": "k1",
                "type": "transcript",
                "t": 1.5,
                "payload": {"role": "agent", "text": "Hi"},
            },
            {"idempotency_key": "k2", "type": "phase_change", "payload": {"phase": "coding"}},
        ]
    }
    r = await api_server.client.post(f"/v1/internal/sessions/{sid}/events", json=events, headers=internal)
    assert r.status_code == 200
    await db.execute(
        """
        insert into submissions (session_id, question_id, language, code, kind, verdict, result_json)
        values (%s, %s, 'python', 'def two_sum(): pass', 'run', 'wrong_answer', %s)
        """,
        (sid, created["question_id"], Jsonb({"verdict": "wrong_answer"})),
    )
    r = await api_server.client.post(
        f"/v1/internal/sessions/{sid}/complete",
        json={"final_code": "def two_sum(nums, target): return [0, 1]", "language": "python"},
        headers=internal,
    )
    assert r.json() == {"id": sid, "status": "completed"}

    r = await api_server.client.get(f"/v1/sessions/{sid}", headers=api_server.org_headers())

    assert r.status_code == 200
    d = r.json()
    assert d["id"] == sid
    assert d["status"] == "completed"
    assert d["started_at"] is not None and d["ended_at"] is not None
    assert d["room_name"] == f"shadows-{sid}"
    assert d["question"]["id"] == created["question_id"]
    assert d["question"]["visible_tests"]
    assert [(e["seq"], e["type"]) for e in d["events"]] == [
        (1, "consent"),
        (2, "transcript"),
        (3, "phase_change"),
    ]
    assert [e["idempotency_key"] for e in d["events"][1:]] == ["k1", "k2"]
    assert d["events"][1]["payload"] == {"role": "agent", "text": "Hi"}
    assert d["events"][1]["t"] == 1.5
    assert len(d["runs"]) == 1
    assert d["runs"][0]["verdict"] == "wrong_answer"
    assert d["runs"][0]["kind"] == "run"
    assert d["final_code"] == "def two_sum(nums, target): return [0, 1]"
    assert d["candidate"] == {"name": "Ada Lovelace", "email": "ada@example.com", "external_id": None}
    assert d["has_resume"] is False


async def test_read_session_never_includes_hidden_tests_or_reference_code(
    api_server: ApiServer, db: Conn
) -> None:
    created = await api_server.create_session()
    r = await api_server.client.get(f"/v1/sessions/{created['id']}", headers=api_server.org_headers())
    text = r.text
    cur = await db.execute(
        "select case_key from test_cases where question_id = %s and hidden", (created["question_id"],)
    )
    hidden = [row["case_key"] for row in await cur.fetchall()]
    assert hidden
    visible_ids = {t["id"] for t in r.json()["question"]["visible_tests"]}
    assert not visible_ids & set(hidden)
    assert r.json()["question"]["hidden_test_count"] == len(hidden)
    cur = await db.execute(
        "select code from reference_solutions where question_id = %s and language = 'python'",
        (created["question_id"],),
    )
    ref = await cur.fetchone()
    assert ref is not None
    assert ref["code"] not in text


async def test_cancel_scheduled_session_is_idempotent_and_finished_session_is_409(
    api_server: ApiServer,
) -> None:
    a = await api_server.create_session()
    first = await api_server.client.post(f"/v1/sessions/{a['id']}/cancel", headers=api_server.org_headers())
    again = await api_server.client.post(f"/v1/sessions/{a['id']}/cancel", headers=api_server.org_headers())
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert first.json()["end_reason"] == "cancelled"
    assert first.json()["ended_at"] == again.json()["ended_at"]

    b = await api_server.create_session()
    await api_server.client.post(
        f"/v1/internal/sessions/{b['id']}/complete", json={}, headers=api_server.internal_headers()
    )
    r = await api_server.client.post(f"/v1/sessions/{b['id']}/cancel", headers=api_server.org_headers())
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "session_finished"


async def test_cancel_running_session_blocks_the_candidate_from_joining(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    await api_server.agent_start(s)
    r = await api_server.client.post(f"/v1/sessions/{s['id']}/cancel", headers=api_server.org_headers())
    assert r.status_code == 200 and r.json()["status"] == "cancelled"

    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "session_cancelled"


async def test_unknown_session_id_is_404_session_not_found(api_server: ApiServer) -> None:
    for method, path in (("GET", "/v1/sessions/ses_nope"), ("POST", "/v1/sessions/ses_nope/cancel")):
        r = await api_server.client.request(method, path, headers=api_server.org_headers())
        assert r.status_code == 404, path
        assert r.json()["error"]["code"] == "session_not_found"


async def test_resume_pdf_whose_text_contains_nul_is_stored_without_it(api_server: ApiServer) -> None:
    payload = {"candidate": {"name": "Ada", "email": "ada@example.com"}}
    r = await api_server.client.post(
        "/v1/sessions",
        data={"payload": json.dumps(payload)},
        files={"resume": ("resume.pdf", minimal_pdf("Ada\x00Lovelace"), "application/pdf")},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 201, r.text
    ctx = await api_server.client.get(
        f"/v1/internal/sessions/{r.json()['id']}/context", headers=api_server.internal_headers()
    )
    assert ctx.json()["resume_text"] == "AdaLovelace"


async def test_create_session_with_unknown_question_id_is_422_question_not_found(
    api_server: ApiServer,
) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        json={"candidate": {"name": "A", "email": "a@example.com"}, "question_id": str(uuid4())},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "question_not_found"


async def test_create_session_with_question_id_and_difficulty_is_422(api_server: ApiServer, db: Conn) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        json={
            "candidate": {"name": "A", "email": "a@example.com"},
            "question_id": await _question_id(db, "two-sum"),
            "difficulty": "Easy",
        },
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"


async def test_list_sessions_with_bad_query_parameters_is_422_naming_them(api_server: ApiServer) -> None:
    for params, field in (
        ({"limit": 0}, "query.limit"),
        ({"limit": 101}, "query.limit"),
        ({"status": "paused"}, "query.status"),
        ({"created_after": "yesterday"}, "query.created_after"),
    ):
        r = await api_server.client.get("/v1/sessions", params=params, headers=api_server.org_headers())
        assert r.status_code == 422, params
        assert r.json()["error"]["message"].startswith(f"{field}:"), r.json()


async def test_same_external_id_reuses_the_candidate_within_an_organisation(
    api_server: ApiServer, db: Conn
) -> None:
    cand = {"name": "Grace", "email": "grace@example.com", "external_id": "ats-42"}
    a = await api_server.create_session(candidate=cand)
    b = await api_server.create_session(candidate={**cand, "name": "Grace Hopper"})
    _, other_key = await api_server.create_org("Other")
    c = await api_server.create_session(key=other_key, candidate=cand)
    cur = await db.execute(
        "select id, candidate_id from sessions where id = any(%s)", ([a["id"], b["id"], c["id"]],)
    )
    by_id = {r["id"]: r["candidate_id"] for r in await cur.fetchall()}
    assert by_id[a["id"]] == by_id[b["id"]]
    assert by_id[c["id"]] != by_id[a["id"]]
    detail = await api_server.client.get(f"/v1/sessions/{a['id']}", headers=api_server.org_headers())
    assert detail.json()["candidate"]["name"] == "Grace Hopper"


async def test_create_session_multipart_without_resume_uses_the_payload_alone(api_server: ApiServer) -> None:
    payload = {"candidate": {"name": "Ada", "email": "ada@example.com"}, "resume_text": "typed résumé"}
    r = await api_server.client.post(
        "/v1/sessions",
        data={"payload": json.dumps(payload)},
        files={"unrelated": ("x.txt", b"x", "text/plain")},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 201, r.text
    ctx = await api_server.client.get(
        f"/v1/internal/sessions/{r.json()['id']}/context", headers=api_server.internal_headers()
    )
    assert ctx.json()["resume_text"] == "typed résumé"


async def test_create_session_multipart_without_payload_is_422(api_server: ApiServer) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        files={"resume": ("resume.pdf", minimal_pdf("x"), "application/pdf")},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422
    assert "payload" in r.json()["error"]["message"]
