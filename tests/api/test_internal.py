"""The agent's internal routes over HTTP: context (never hidden tests or references), start, complete, practice."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.api.conftest import signed_webhook
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`) reach that database.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()


async def _secrets_of(db: Conn, question_id: str) -> tuple[list[dict], list[str]]:
    cur = await db.execute(
        "select case_key, input, expected_output from test_cases where question_id = %s and hidden",
        (question_id,),
    )
    hidden = await cur.fetchall()
    cur = await db.execute("select code from reference_solutions where question_id = %s", (question_id,))
    refs = [r["code"] for r in await cur.fetchall()]
    cur = await db.execute("select code from starter_codes where question_id = %s", (question_id,))
    starters = "\n".join(r["code"] for r in await cur.fetchall())
    # Only the lines that are the solution itself (doc comments and signatures are shared with the starters).
    own = ["\n".join(ln for ln in code.splitlines() if ln.strip() not in starters) for code in refs]
    return hidden, own


def _assert_no_secrets(text: str, hidden: list[dict], refs: list[str]) -> None:
    assert hidden and refs
    for t in hidden:
        assert f'"{t["case_key"]}"' not in text, t["case_key"]
    for code in refs:
        assert json.dumps(code) not in text
        # The most distinctive line of each reference solution must not leak either.
        longest = max((ln.strip() for ln in code.splitlines()), key=len)
        assert len(longest) > 15
        assert json.dumps(longest)[1:-1] not in text


@pytest.mark.parametrize("slug", ["two-sum", "merge-intervals", "number-of-islands", "valid-parentheses"])
async def test_context_has_question_candidate_and_never_hidden_tests_or_reference_code(
    api_server: ApiServer, db: Conn, slug: str
) -> None:
    cur = await db.execute("select id from questions where slug = %s", (slug,))
    row = await cur.fetchone()
    assert row is not None
    s = await api_server.create_session(question_id=str(row["id"]), job_description="Platform team")

    r = await api_server.client.get(
        f"/v1/internal/sessions/{s['id']}/context", headers=api_server.internal_headers()
    )

    assert r.status_code == 200
    ctx = r.json()
    assert ctx["session"]["id"] == s["id"]
    assert ctx["session"]["status"] == "scheduled"
    assert ctx["session"]["started_at"] is None and ctx["session"]["ends_at"] is None
    assert ctx["session"]["room_name"] == f"shadows-{s['id']}"
    assert ctx["candidate"] == {"name": "Ada Lovelace"}
    assert ctx["job_description"] == "Platform team"
    assert ctx["resume_text"] is None
    q = ctx["question"]
    assert q["slug"] == slug
    assert q["hints"] and q["rubric"]
    assert set(q["starter_code"]) == {"python", "javascript", "java", "cpp"}
    assert q["visible_tests"]
    assert "compare" not in q
    hidden, refs = await _secrets_of(db, s["question_id"])
    assert q["hidden_test_count"] == len(hidden)
    _assert_no_secrets(r.text, hidden, refs)
    assert "ada@example.com" not in r.text


async def test_start_moves_scheduled_to_in_progress_and_is_idempotent(api_server: ApiServer) -> None:
    s = await api_server.create_session(duration_minutes=30)
    headers = api_server.internal_headers()

    first = await api_server.agent_start(s, headers)
    second = await api_server.client.post(f"/v1/internal/sessions/{s['id']}/start", headers=headers)

    assert first.status_code == second.status_code == 200
    one, two = first.json()["session"], second.json()["session"]
    assert one["status"] == "in_progress"
    assert one["started_at"] == two["started_at"]
    started = datetime.fromisoformat(one["started_at"])
    assert datetime.fromisoformat(one["ends_at"]) - started == timedelta(minutes=30)
    assert first.json()["question"]["id"] == s["question_id"]


async def _rename_org(db: Conn, api_server: ApiServer) -> None:
    """The notice's text changes (it names the organisation) without a new version."""
    await db.execute("update organizations set name = 'Renamed Hiring' where id = %s", (api_server.org_id,))


@pytest.mark.parametrize("consent", ["none", "before_the_text_changed"])
async def test_start_without_a_consent_to_the_notice_in_force_is_409_and_starts_nothing(
    api_server: ApiServer, db: Conn, consent: str
) -> None:
    """The rule of the candidate's start and of LiveKit's participant_joined (`may_start`): a stale room token used
    outside our page dispatches the agent, and its start must not start the interview either."""
    s = await api_server.create_session()
    if consent == "before_the_text_changed":
        await api_server.consent(s)
        await _rename_org(db, api_server)
    job = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_stale"}

    r = await api_server.client.post(f"/v1/internal/sessions/{s['id']}/start", headers=job)

    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "consent_required"
    cur = await db.execute("select status, started_at from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"status": "scheduled", "started_at": None}
    cur = await db.execute("select count(*) as n from session_interviewers where session_id = %s", (s["id"],))
    assert await cur.fetchone() == {"n": 0}  # no interviewer claimed it
    # The room that token made closes (the webhook's refusal deletes it): a session that never started is not
    # abandoned by it (no session.abandoned, no grading), and its candidate can still agree and start.
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id=f"EV_fin_{consent}")
    finished = await api_server.client.post(
        "/v1/livekit/webhook", content=body, headers={"Authorization": auth}
    )
    assert finished.json() == {"status": "unchanged"}, finished.text
    cur = await db.execute("select status, ended_at from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"status": "scheduled", "ended_at": None}
    # Agreed to the text in force, it starts.
    assert (await api_server.agent_start(s, job)).json()["session"]["status"] == "in_progress"


async def test_a_running_session_stays_startable_by_its_holder_after_the_notice_changed(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    job = api_server.internal_headers() | {"X-Shadows-Agent-Job": "AJ_holder"}
    first = await api_server.agent_start(s, job)
    assert first.status_code == 200, first.text
    await _rename_org(db, api_server)

    again = await api_server.client.post(f"/v1/internal/sessions/{s['id']}/start", headers=job)

    assert again.status_code == 200, again.text
    assert again.json()["session"]["started_at"] == first.json()["session"]["started_at"]


@pytest.mark.parametrize("ending", ["complete", "cancel"])
async def test_start_after_the_session_ended_is_409_session_finished(
    api_server: ApiServer, ending: str
) -> None:
    s = await api_server.create_session()
    if ending == "complete":
        await api_server.client.post(
            f"/v1/internal/sessions/{s['id']}/complete", json={}, headers=api_server.internal_headers()
        )
    else:
        await api_server.client.post(f"/v1/sessions/{s['id']}/cancel", headers=api_server.org_headers())

    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/start", headers=api_server.internal_headers()
    )

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "session_finished"


async def test_complete_stores_final_code_and_is_idempotent(api_server: ApiServer, db: Conn) -> None:
    # The final language is one the interview allows (a language it does not use: test_final_code_from_drafts.py).
    s = await api_server.create_session(language="python", languages=["python", "javascript"])
    headers = api_server.internal_headers()
    await api_server.agent_start(s, headers)

    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete",
        json={"final_code": "function twoSum() {}", "language": "javascript", "reason": "time_up"},
        headers=headers,
    )
    again = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete", json={"final_code": "overwritten?"}, headers=headers
    )

    assert r.json() == {"id": s["id"], "status": "completed"}
    assert again.json() == {"id": s["id"], "status": "completed"}
    cur = await db.execute(
        "select status, final_code, language, end_reason, ended_at from sessions where id = %s", (s["id"],)
    )
    row = await cur.fetchone()
    assert row is not None
    assert (row["status"], row["final_code"], row["language"], row["end_reason"]) == (
        "completed",
        "function twoSum() {}",
        "javascript",
        "time_up",
    )
    assert row["ended_at"] is not None


async def test_context_includes_events_so_far_in_order(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    headers = api_server.internal_headers()
    await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={
            "events": [{"idempotency_key": f"k{i}", "type": "note", "payload": {"i": i}} for i in range(3)]
        },
        headers=headers,
    )
    r = await api_server.client.get(f"/v1/internal/sessions/{s['id']}/context", headers=headers)
    assert [(e["seq"], e["payload"]) for e in r.json()["events"]] == [
        (1, {"i": 0}),
        (2, {"i": 1}),
        (3, {"i": 2}),
    ]


async def test_a_reused_idempotency_key_with_a_different_event_is_409_and_an_exact_repeat_is_acknowledged(
    api_server: ApiServer, db: Conn
) -> None:
    # A repeated key returned its stored seq whatever came with it: a changed event under an old key (a client
    # bug) was acknowledged and silently lost. Only an exact repeat is idempotent now; compared as stored (jsonb),
    # so key order, spacing and a number's spelling do not make a repeat differ.
    s = await api_server.create_session()
    url = f"/v1/internal/sessions/{s['id']}/events"
    headers = {**api_server.internal_headers(), "Content-Type": "application/json"}
    stored = '{"events": [{"idempotency_key": "k1", "type": "note", "t": 1.5, "payload": {"a": 1.0, "b": [true]}}]}'
    first = await api_server.client.post(url, content=stored, headers=headers)
    assert first.status_code == 200, first.text
    same = '{"events":[{"payload":{"b":[true],"a":1.00},"t":1.50,"type":"note","idempotency_key":"k1"}]}'
    no_t = '{"events": [{"idempotency_key": "k1", "type": "note", "payload": {"a": 1, "b": [true]}}]}'
    for repeat in (stored, same, no_t):
        r = await api_server.client.post(url, content=repeat, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["events"] == [{"idempotency_key": "k1", "seq": 1, "duplicate": True}]

    base = {"idempotency_key": "k1", "type": "note", "t": 1.5, "payload": {"a": 1.0, "b": [True]}}
    changed = [
        {**base, "payload": {"a": 2.0, "b": [True]}},
        {**base, "payload": {"a": 1.0, "b": [1]}},  # true and 1 are different JSON
        {**base, "payload": {"a": 1.0, "b": [True], "c": None}},
        {**base, "payload": {}},
        {**base, "type": "hint"},
        {**base, "t": 2.0},
    ]
    for event in changed:
        # The reused key sits after a new event in its batch: the batch is refused whole, nothing is stored.
        fresh = {"idempotency_key": "k-new", "type": "note", "payload": {}}
        r = await api_server.client.post(url, json={"events": [fresh, event]}, headers=headers)
        assert r.status_code == 409, (event, r.text)
        assert r.json()["error"]["code"] == "idempotency_key_reused"
        assert "'k1'" in r.json()["error"]["message"]
    within = [
        {"idempotency_key": "k2", "type": "note", "payload": {"n": 1}},
        {"idempotency_key": "k2", "type": "note", "payload": {"n": 2}},
    ]
    r = await api_server.client.post(url, json={"events": within}, headers=headers)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "idempotency_key_reused")
    cur = await db.execute(
        "select idempotency_key, type, t, payload from session_events where session_id = %s order by seq",
        (s["id"],),
    )
    assert await cur.fetchall() == [
        {"idempotency_key": "k1", "type": "note", "t": 1.5, "payload": {"a": 1.0, "b": [True]}}
    ]


@pytest.mark.parametrize("ending", ["complete", "cancel", "abandon"])
async def test_a_session_stopped_past_the_grace_takes_no_new_event_and_within_it_does(
    api_server: ApiServer, db: Conn, ending: str
) -> None:
    # The service token appended to any session at any time: a graded, reported interview could gain transcript
    # lines afterwards. Now the record closes once the session has stopped for complete_after_abandon_s.
    s = await api_server.create_session()
    url = f"/v1/internal/sessions/{s['id']}/events"
    headers = api_server.internal_headers()
    await api_server.agent_start(s, headers)
    first = {"idempotency_key": "k1", "type": "transcript", "payload": {"role": "user", "text": "hi"}}
    assert (await api_server.client.post(url, json={"events": [first]}, headers=headers)).status_code == 200
    if ending == "complete":
        await api_server.client.post(f"/v1/internal/sessions/{s['id']}/complete", json={}, headers=headers)
    elif ending == "cancel":
        await api_server.client.post(f"/v1/sessions/{s['id']}/cancel", headers=api_server.org_headers())
    else:
        await db.execute(
            "update sessions set status = 'abandoned', end_reason = 'room_finished', ended_at = now() "
            "where id = %s",
            (s["id"],),
        )
    late = {"idempotency_key": "k2", "type": "transcript", "payload": {"role": "user", "text": "late"}}
    within = await api_server.client.post(url, json={"events": [late]}, headers=headers)
    assert within.status_code == 200, within.text  # a dead worker's spool replayed soon after the end

    grace = api_server.settings.complete_after_abandon_s
    await db.execute(
        "update sessions set ended_at = now() - make_interval(secs => %s) where id = %s", (grace + 1, s["id"])
    )
    forged = {"idempotency_key": "k3", "type": "transcript", "payload": {"role": "user", "text": "forged"}}
    for batch in ([forged], [first, forged]):
        r = await api_server.client.post(url, json={"events": batch}, headers=headers)
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "session_finished"
    again = await api_server.client.post(url, json={"events": [first, late]}, headers=headers)
    assert again.status_code == 200, again.text  # a retry of what was stored is still acknowledged
    assert [e["duplicate"] for e in again.json()["events"]] == [True, True]
    cur = await db.execute(
        "select idempotency_key from session_events where session_id = %s and type = 'transcript' order by seq",
        (s["id"],),
    )
    assert [r["idempotency_key"] for r in await cur.fetchall()] == ["k1", "k2"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/internal/sessions/ses_missing/context"),
        ("POST", "/v1/internal/sessions/ses_missing/start"),
        ("POST", "/v1/internal/sessions/ses_missing/complete"),
    ],
)
async def test_internal_route_for_unknown_session_is_404(
    api_server: ApiServer, method: str, path: str
) -> None:
    r = await api_server.client.request(
        method, path, json={} if method == "POST" else None, headers=api_server.internal_headers()
    )
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "session_not_found"


async def test_internal_practice_creates_an_orgless_in_progress_practice_session(
    api_server: ApiServer, db: Conn
) -> None:
    r = await api_server.client.post(
        "/v1/internal/practice",
        json={"difficulty": "Easy", "language": "cpp"},
        headers=api_server.internal_headers(),
    )

    assert r.status_code == 200, r.text
    ctx = r.json()
    assert ctx["session"]["status"] == "in_progress"
    assert ctx["session"]["practice"] is True
    assert ctx["session"]["language"] == "cpp"
    assert ctx["session"]["started_at"] is not None
    assert ctx["question"]["difficulty"] == "Easy"
    hidden, refs = await _secrets_of(db, ctx["question"]["id"])
    _assert_no_secrets(r.text, hidden, refs)
    cur = await db.execute(
        "select organization_id, practice from sessions where id = %s", (ctx["session"]["id"],)
    )
    row = await cur.fetchone()
    assert row is not None and row["organization_id"] is None and row["practice"] is True
