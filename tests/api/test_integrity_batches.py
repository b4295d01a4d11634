"""A batch of integrity observations is checked item by item: one item the API cannot take (a field it does not know,
a fractional duration, an older or newer page's shape) is refused alone, with its place, id and reasons, and the
others are stored. Before, that one item had the whole batch refused (422), every good observation in it lost."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from tests.api.conftest import consent_and_start, create_session_as, serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


def _auth(created: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['invite']}"}


async def _payloads(db: Conn, sid: str) -> list[dict[str, Any]]:
    cur = await db.execute(
        "select payload, idempotency_key from session_events where session_id = %s and type = 'integrity' "
        "order by seq",
        (sid,),
    )
    return [{**r["payload"], "key": r["idempotency_key"]} for r in await cur.fetchall()]


async def test_one_bad_item_is_refused_alone_and_the_rest_are_stored(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    url = f"/v1/sessions/{s['id']}/integrity"
    long_key = "k" * 5000
    r = await api_server.client.post(
        url,
        json={
            "events": [
                {"id": "paste-0001", "kind": "paste", "chars": 812, "lines": 20},
                {"id": "fast-00001", "kind": "fast_insertion", "chars": 90, "duration_ms": 412.5},
                {"id": "focus-0001", "kind": "focus_lost", "duration_ms": 9400},
                {"id": "paste-0002", "kind": "paste", "chars": 5, "content": "secret clipboard"},
                "not an observation",
                {"id": "x", "kind": "tab_count"},
                {"id": "future-001", "kind": "page_hidden", long_key: 1},
                {"id": "devtools-1", "kind": "devtools", "source": "keyboard_shortcut"},
            ]
        },
        headers=_auth(s),
    )
    assert r.status_code == 202, r.text
    body = r.json()
    assert (body["stored"], body["dropped"]) == (3, 0)
    refused = {e["index"]: e for e in body["refused"]}
    assert sorted(refused) == [1, 3, 4, 5, 6]
    assert refused[1]["id"] == "fast-00001"
    assert [f["field"] for f in refused[1]["fields"]] == ["duration_ms"]
    assert "fractional" in refused[1]["fields"][0]["message"]
    assert (refused[3]["id"], [f["field"] for f in refused[3]["fields"]]) == ("paste-0002", ["content"])
    assert (refused[4]["id"], [f["field"] for f in refused[4]["fields"]]) == (None, [""])
    assert refused[5]["id"] is None, "an id that is not a valid one is not echoed"
    assert {f["field"] for f in refused[5]["fields"]} == {"id", "kind"}
    assert len(refused[6]["fields"][0]["field"]) <= 64, "an unknown key's name is cut"
    assert "secret clipboard" not in r.text and "not an observation" not in r.text, (
        "never the item's own text"
    )
    assert len(r.content) < 4000
    stored = await _payloads(db, s["id"])
    assert [p["kind"] for p in stored] == ["paste", "focus_lost", "devtools"]
    assert stored[0] == {"kind": "paste", "chars": 812, "lines": 20, "key": "page:integrity:paste-0001"}

    # The duplicate rule holds for the items stored; a refused id stored nothing, so its corrected retry is stored.
    again = await api_server.client.post(
        url,
        json={
            "events": [
                {"id": "paste-0001", "kind": "paste", "chars": 812, "lines": 20},
                {"id": "fast-00001", "kind": "fast_insertion", "chars": 90, "duration_ms": 412},
                {"id": "focus-0002", "kind": "focus_lost", "duration_ms": -1},
            ]
        },
        headers=_auth(s),
    )
    assert again.status_code == 202, again.text
    assert (again.json()["stored"], again.json()["dropped"]) == (1, 0)
    assert [(e["index"], e["id"]) for e in again.json()["refused"]] == [(2, "focus-0002")]
    assert [p["kind"] for p in await _payloads(db, s["id"])] == [
        "paste",
        "focus_lost",
        "devtools",
        "fast_insertion",
    ]


async def test_a_batch_with_no_valid_item_or_no_batch_at_all_is_still_422(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    url = f"/v1/sessions/{s['id']}/integrity"
    all_bad = await api_server.client.post(
        url,
        json={
            "events": [{"id": "paste-0002", "kind": "paste", "content": "x"}, {"id": "p", "kind": "paste"}]
        },
        headers=_auth(s),
    )
    assert all_bad.status_code == 422, all_bad.text
    assert all_bad.json()["error"]["code"] == "validation_error"
    assert {f["field"] for f in all_bad.json()["fields"]} == {"events.0.content", "events.1.id"}
    one = {"id": "page-0001", "kind": "page_hidden", "duration_ms": 3000}
    for not_a_batch in (
        {"events": []},
        {"events": one},
        [one],
        {"events": [one], "extra": 1},
        {"events": [one] * 21},
        {},
    ):
        r = await api_server.client.post(url, json=not_a_batch, headers=_auth(s))
        assert r.status_code == 422, not_a_batch
    assert await _payloads(db, s["id"]) == []


async def test_the_cap_and_the_rate_limit_count_as_before(api_settings: ApiSettings, db: Conn) -> None:
    # Dropped counts the valid items past the per-session cap; every item of a batch, refused or not, is counted
    # against the rate limit (a refused one cost the API its check too).
    _, key = await create_org(db, "Refusals Org")
    settings = api_settings.model_copy(
        update={"integrity_rate_limit": "13/minute", "integrity_max_events": 10}
    )
    async with serve(settings) as client:
        s = await create_session_as(client, key)
        await consent_and_start(client, s)
        url = f"/v1/sessions/{s['id']}/integrity"
        good = [{"id": f"a-{i:08d}", "kind": "page_hidden"} for i in range(12)]
        bad = [{"id": "b-00000000", "kind": "page_hidden", "new_field": True}]
        first = await client.post(url, json={"events": good + bad}, headers=_auth(s))
        second = await client.post(
            url, json={"events": [{"id": "c-00000000", "kind": "page_hidden"}]}, headers=_auth(s)
        )
    assert first.status_code == 202, first.text
    assert (first.json()["stored"], first.json()["dropped"]) == (10, 2)
    assert [e["index"] for e in first.json()["refused"]] == [12]
    assert (second.status_code, second.json()["error"]["code"]) == (429, "rate_limited"), (
        "13 + 1 of 13 a minute: the refused item counted"
    )
    assert len(await _payloads(db, s["id"])) == 10


async def test_the_document_shows_observations_in_and_refusals_out(api_server: ApiServer) -> None:
    doc = (await api_server.client.get("/openapi.json")).json()
    op = doc["paths"]["/v1/sessions/{session_id}/integrity"]["post"]
    schemas = doc["components"]["schemas"]
    body_ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    events = schemas[body_ref]["properties"]["events"]
    assert events["items"] == {"$ref": "#/components/schemas/Observation"}
    assert (events["minItems"], events["maxItems"]) == (1, 20)
    accepted = op["responses"]["202"]["content"]["application/json"]["schema"]
    result = schemas[accepted["$ref"].rsplit("/", 1)[1]]
    assert set(result["properties"]) == {"stored", "dropped", "refused"}
    refusal = schemas[result["properties"]["refused"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(refusal["properties"]) == {"index", "id", "fields"}
    assert "422" in op["responses"]
