"""The agent's event log over HTTP: ordered appends, dense seqs, idempotency keys, concurrent duplicate posts."""

from __future__ import annotations

import asyncio
import random

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`) reach that database.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()


def _event(key: str, type_: str = "transcript", **payload: object) -> dict:
    return {"idempotency_key": key, "type": type_, "payload": payload or {"text": key}}


async def _post(server: ApiServer, sid: str, events: list[dict]) -> dict:
    r = await server.client.post(
        f"/v1/internal/sessions/{sid}/events", json={"events": events}, headers=server.internal_headers()
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _stored(db: Conn, sid: str) -> list[dict]:
    cur = await db.execute(
        "select seq, idempotency_key, type, t, payload from session_events where session_id = %s order by seq",
        (sid,),
    )
    return await cur.fetchall()


async def test_batch_is_appended_in_order_with_dense_seqs(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    reply = await _post(api_server, s["id"], [_event("a"), _event("b", "hint", n=1), _event("c", "note")])

    assert reply["events"] == [
        {"idempotency_key": "a", "seq": 1, "duplicate": False},
        {"idempotency_key": "b", "seq": 2, "duplicate": False},
        {"idempotency_key": "c", "seq": 3, "duplicate": False},
    ]
    rows = await _stored(db, s["id"])
    assert [(r["seq"], r["idempotency_key"], r["type"]) for r in rows] == [
        (1, "a", "transcript"),
        (2, "b", "hint"),
        (3, "c", "note"),
    ]
    assert rows[1]["payload"] == {"n": 1}


async def test_repeated_key_returns_its_stored_seq_and_stores_nothing(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await _post(api_server, s["id"], [_event("a"), _event("b")])

    reply = await _post(api_server, s["id"], [_event("b"), _event("c")])

    assert reply["events"] == [
        {"idempotency_key": "b", "seq": 2, "duplicate": True},
        {"idempotency_key": "c", "seq": 3, "duplicate": False},
    ]
    # The same key with another event is a client bug, not a retry: refused whole (tests/api/test_internal.py).
    changed = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [_event("b", text="changed"), _event("d")]},
        headers=api_server.internal_headers(),
    )
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_key_reused"
    rows = await _stored(db, s["id"])
    assert [r["idempotency_key"] for r in rows] == ["a", "b", "c"]
    assert rows[1]["payload"] == {"text": "b"}


async def test_same_key_twice_in_one_batch_is_stored_once(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    reply = await _post(api_server, s["id"], [_event("x"), _event("x")])
    assert reply["events"] == [
        {"idempotency_key": "x", "seq": 1, "duplicate": False},
        {"idempotency_key": "x", "seq": 1, "duplicate": True},
    ]
    assert len(await _stored(db, s["id"])) == 1


async def test_event_time_defaults_to_seconds_since_start_and_keeps_given_t(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await api_server.agent_start(s)
    await db.execute(
        "update sessions set started_at = now() - interval '90 seconds' where id = %s", (s["id"],)
    )

    await _post(api_server, s["id"], [_event("no-t"), {**_event("with-t"), "t": 12.25}])

    rows = [
        r for r in await _stored(db, s["id"]) if r["type"] != "consent"
    ]  # the candidate's, before the start
    assert 89 <= rows[0]["t"] <= 300
    assert rows[1]["t"] == 12.25


async def test_same_keys_on_two_sessions_are_independent(api_server: ApiServer) -> None:
    a = await api_server.create_session()
    b = await api_server.create_session()
    await _post(api_server, a["id"], [_event("k1"), _event("k2")])
    reply = await _post(api_server, b["id"], [_event("k2")])
    assert reply["events"] == [{"idempotency_key": "k2", "seq": 1, "duplicate": False}]


async def test_concurrent_overlapping_batches_store_each_key_once_with_dense_seqs(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    keys = [f"agent:transcript:{i:03d}" for i in range(40)]
    rng = random.Random(7)
    batches = []
    for _ in range(20):
        start = rng.randrange(0, 30)
        batches.append([_event(k) for k in keys[start : start + rng.randrange(5, 11)]])
    batches.append([_event(k) for k in keys])  # every key is in at least one batch

    replies = await asyncio.gather(*(_post(api_server, s["id"], b) for b in batches))

    rows = await _stored(db, s["id"])
    assert sorted(r["idempotency_key"] for r in rows) == sorted(keys)
    assert [r["seq"] for r in rows] == list(range(1, len(keys) + 1))
    seq_of = {r["idempotency_key"]: r["seq"] for r in rows}
    fresh: dict[str, int] = {}
    for reply in replies:
        for e in reply["events"]:
            assert e["seq"] == seq_of[e["idempotency_key"]], e
            if not e["duplicate"]:
                fresh[e["idempotency_key"]] = fresh.get(e["idempotency_key"], 0) + 1
    # Exactly one response per key reports it as newly stored.
    assert fresh == dict.fromkeys(keys, 1)
    # Within each batch, new events keep the batch's order.
    for reply in replies:
        new = [e["seq"] for e in reply["events"] if not e["duplicate"]]
        assert new == sorted(new)


async def test_events_for_unknown_session_are_404(api_server: ApiServer) -> None:
    r = await api_server.client.post(
        "/v1/internal/sessions/ses_missing/events",
        json={"events": [_event("a")]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "session_not_found"


async def test_unknown_event_type_is_422_naming_the_field_and_stores_nothing(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [_event("a"), _event("b", "gossip")]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert r.json()["error"]["message"].startswith("events.1.type")
    assert await _stored(db, s["id"]) == []


async def test_the_agents_token_cannot_write_the_apis_own_events(api_server: ApiServer, db: Conn) -> None:
    # Runs and submissions are recorded by the API when the judge has run them (with a `submissions` row), and the
    # page's observations, consent and accommodation requests by the candidate's routes. The service token could
    # append a `submission` claiming every hidden test passed: the report and timeline showed a run the judge
    # never made, and an event naming a real run's id (`custom`, `by`) rewrote how the grader counted it.
    s = await api_server.create_session()
    r = await api_server.agent_start(s)
    assert r.status_code == 200, r.text
    forged = {
        "submission_id": "00000000-0000-4000-8000-000000000000",
        "by": "candidate",
        "mode": "submit",
        "language": "python",
        "verdict": "accepted",
        "passed": 12,
        "total": 12,
        "tests": [{"id": f"h{i}", "verdict": "accepted", "hidden": True, "time_ms": 1} for i in range(12)],
    }
    for type_ in ("test_run", "submission", "integrity", "consent", "accommodation_request"):
        r = await api_server.client.post(
            f"/v1/internal/sessions/{s['id']}/events",
            json={
                "events": [_event("ok", "note"), {"idempotency_key": "x", "type": type_, "payload": forged}]
            },
            headers=api_server.internal_headers(),
        )
        assert r.status_code == 422, (type_, r.text)
        assert r.json()["error"]["message"].startswith("events.1.type"), type_
    assert [e["type"] for e in await _stored(db, s["id"])] == [
        "consent"
    ]  # the candidate's own, before the start
    timeline = await api_server.client.get(
        f"/v1/sessions/{s['id']}/timeline", headers=api_server.org_headers()
    )
    assert timeline.status_code == 200, timeline.text
    assert [e for e in timeline.json()["events"] if e["type"] in ("test_run", "submission")] == []


async def test_empty_or_oversized_batches_are_422(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    for events in ([], [_event(f"k{i}") for i in range(201)]):
        r = await api_server.client.post(
            f"/v1/internal/sessions/{s['id']}/events",
            json={"events": events},
            headers=api_server.internal_headers(),
        )
        assert r.status_code == 422
        assert r.json()["error"]["message"].startswith("events")


async def test_payload_with_nul_character_is_refused_without_a_server_error(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [_event("ok"), _event("nul", text="a\u0000b")]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "validation_error"
    assert "payload" in r.json()["error"]["message"]
    assert await _stored(db, s["id"]) == []


async def test_idempotency_key_with_nul_character_is_422_not_a_server_error(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [_event("k\u0000")]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"].startswith("events.0.idempotency_key")


async def test_complete_with_nul_in_final_code_is_422_and_leaves_session_running(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    internal = api_server.internal_headers()
    await api_server.agent_start(s, internal)
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete", json={"final_code": "x = '\u0000'"}, headers=internal
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"].startswith("final_code")
    cur = await db.execute("select status from sessions where id = %s", (s["id"],))
    assert (await cur.fetchone())["status"] == "in_progress"  # type: ignore[index]  # the session exists
