"""The event log's idempotency keys are namespaced by writer: `page:` for the candidate page's events (consent,
integrity, accommodation requests), `api:` for the runs the API stores, `agent:` for the agent's. A repeated key is
acknowledged as already stored, so a key of the page's written first by the service token made the API's own
event a no-op: a note posted under the consent's key (derived from the notice anyone can read) left the candidate
unable ever to consent, and so to start. The service token may not write in the page's or the API's namespace."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def test_a_note_under_the_consents_key_is_refused_and_the_candidate_can_still_consent_and_start(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    notice = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
    key = f"page:consent:{notice['version']}:{notice['sha256'][:16]}"
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [{"idempotency_key": key, "type": "note", "payload": {}}]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 422, r.text
    assert "idempotency_key" in r.json()["error"]["message"]

    await api_server.consent(s)
    start = await api_server.client.post(
        f"/v1/sessions/{s['id']}/start",
        json={"mode": "voice"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert start.status_code == 200, start.text
    cur = await db.execute("select type from session_events where session_id = %s order by seq", (s["id"],))
    assert [row["type"] for row in await cur.fetchall()] == ["consent"]


@pytest.mark.parametrize(
    "key", ["page:integrity:abc", "api:run:00000000-0000-0000-0000-000000000000", "page:"]
)
async def test_the_service_token_cannot_write_in_the_pages_or_the_apis_namespace(
    api_server: ApiServer, key: str
) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [{"idempotency_key": key, "type": "note", "payload": {}}]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("key", ["agent:note:1", "k1", "Page:consent:x", "pages:x", "apis"])
async def test_other_keys_are_the_agents_to_choose(api_server: ApiServer, key: str) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [{"idempotency_key": key, "type": "note", "payload": {}}]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text
