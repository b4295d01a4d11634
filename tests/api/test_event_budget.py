"""The per-session bound on the agent's event log (SHADOWS_API_EVENT_BUDGET_BYTES, SHADOWS_API_EVENT_MAX_COUNT):
a batch that would pass it is 409 `session_record_full` and stores nothing, what was accepted stays, repeats are
still acknowledged, concurrent posters on two replicas cannot together pass it, and the readers of a full log
(the agent's context, the session, its dump, the grading bundle) serve all of it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import bundle_repo
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

BUDGET = 50_000
MAX_COUNT = 40


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(
        update={
            "event_budget_bytes": BUDGET,
            "event_max_count": MAX_COUNT,
            "snapshot_code_budget_bytes": 30_000,
        }
    )


def _said(key: str, size: int) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "type": "transcript",
        "t": 1.0,
        "payload": {"role": "user", "text": "x" * size},
    }


def _compact(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())


async def _post(client: httpx.AsyncClient, server: ApiServer, sid: str, events: list[dict]) -> httpx.Response:
    return await client.post(
        f"/v1/internal/sessions/{sid}/events", json={"events": events}, headers=server.internal_headers()
    )


async def _stored(db: Conn, sid: str) -> list[dict[str, Any]]:
    cur = await db.execute(
        "select seq, idempotency_key, type, payload from session_events where session_id = %s order by seq",
        (sid,),
    )
    return await cur.fetchall()


def _full(r: httpx.Response) -> None:
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "session_record_full", r.text


async def test_the_byte_budget_refuses_the_batch_that_would_pass_it_and_keeps_everything_accepted(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    size = _compact(_said("k0", 4_000)["payload"])
    accepted = 0
    for i in range(BUDGET // size):
        r = await _post(api_server.client, api_server, s["id"], [_said(f"k{i}", 4_000)])
        assert r.status_code == 200, r.text
        accepted += 1
    before = await _stored(db, s["id"])
    assert len(before) == accepted

    # Past the budget: the whole batch is refused, even its events that would fit alone, and its repeat.
    _full(await _post(api_server.client, api_server, s["id"], [_said("k0", 4_000), _said("tail", 4_000)]))
    _full(await _post(api_server.client, api_server, s["id"], [_said("small", 10), _said("tail", 4_000)]))
    assert await _stored(db, s["id"]) == before

    # Already accepted events are acknowledged as ever, and what still fits is stored.
    r = await _post(api_server.client, api_server, s["id"], [_said("k0", 4_000), _said("k1", 4_000)])
    assert r.status_code == 200, r.text
    assert [e["duplicate"] for e in r.json()["events"]] == [True, True]
    r = await _post(api_server.client, api_server, s["id"], [_said("small", 10)])
    assert r.status_code == 200, r.text
    after = await _stored(db, s["id"])
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert sum(_compact(e["payload"]) for e in after) <= BUDGET
    cur = await db.execute("select event_bytes from sessions where id = %s", (s["id"],))
    assert (await cur.fetchone()) == {"event_bytes": sum(_compact(e["payload"]) for e in after)}


async def test_snapshot_code_counts_against_its_own_budget_not_the_transcripts(
    api_server: ApiServer, db: Conn
) -> None:
    # A candidate pasting large code into every snapshot must not starve the interviewer's transcript.
    s = await api_server.create_session()
    for i in range(6):
        snap = {
            "idempotency_key": f"snap{i}",
            "type": "editor_snapshot",
            "payload": {"version": i, "language": "python", "code": "y" * 20_000, "sha256": "s", "cursor": 0},
        }
        r = await _post(api_server.client, api_server, s["id"], [snap])
        assert r.status_code == 200, r.text
    r = await _post(api_server.client, api_server, s["id"], [_said("after", 40_000)])
    assert r.status_code == 200, r.text
    cur = await db.execute("select event_bytes from sessions where id = %s", (s["id"],))
    row = await cur.fetchone()
    assert row is not None and row["event_bytes"] < BUDGET


async def test_the_count_cap_refuses_the_batch_that_would_pass_it(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    notes = [{"idempotency_key": f"n{i}", "type": "note", "payload": {}} for i in range(MAX_COUNT + 5)]
    r = await _post(api_server.client, api_server, s["id"], notes[:30])
    assert r.status_code == 200, r.text
    _full(await _post(api_server.client, api_server, s["id"], notes[30:41]))
    r = await _post(api_server.client, api_server, s["id"], notes[30:40])
    assert r.status_code == 200, r.text
    _full(await _post(api_server.client, api_server, s["id"], notes[40:41]))
    assert len(await _stored(db, s["id"])) == MAX_COUNT


async def test_concurrent_posters_on_two_replicas_cannot_together_pass_the_budget(
    api_server: ApiServer, api_settings: ApiSettings, db: Conn
) -> None:
    s = await api_server.create_session()
    size = _compact(_said("x", 4_000)["payload"])
    async with serve(api_settings) as other:
        clients = [api_server.client, other]
        replies = await asyncio.gather(
            *(_post(clients[i % 2], api_server, s["id"], [_said(f"c{i}", 4_000)]) for i in range(30))
        )
    assert sorted({r.status_code for r in replies}) == [200, 409], [r.text for r in replies]
    assert sum(r.status_code == 200 for r in replies) == BUDGET // size
    stored = await _stored(db, s["id"])
    assert [e["seq"] for e in stored] == list(range(1, len(stored) + 1))
    assert sum(_compact(e["payload"]) for e in stored) <= BUDGET


async def test_readers_of_a_full_log_serve_all_of_it(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    i = 0
    while (
        r := await _post(api_server.client, api_server, s["id"], [_said(f"k{i}", 2_000)])
    ).status_code == 200:
        i += 1
    _full(r)
    n = len(await _stored(db, s["id"]))
    context = await api_server.client.get(
        f"/v1/internal/sessions/{s['id']}/context", headers=api_server.internal_headers()
    )
    assert context.status_code == 200 and len(context.json()["events"]) == n
    detail = await api_server.client.get(f"/v1/sessions/{s['id']}", headers=api_server.org_headers())
    assert detail.status_code == 200 and len(detail.json()["events"]) == n
    bundle = await bundle_repo.load_bundle_input(db, s["id"])
    assert bundle is not None and len(bundle.events) == n
