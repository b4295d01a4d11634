"""The customer's Ashby API key as an organisation enters it: what Shadows stores is what it presents to Ashby, so a
copy's surrounding spaces are not part of it, and a value that cannot be an Ashby key is refused at once rather than
found out by days of refused updates."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.sealing import sealer
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def _stored_ashby_key(db: Conn, server: ApiServer) -> str | None:
    cur = await db.execute(
        "select provider_api_key_sealed from integration_keys where provider = 'ashby' and revoked_at is null"
    )
    row = await cur.fetchone()
    return None if row is None else sealer(server.settings).open(row["provider_api_key_sealed"])


@pytest.mark.parametrize(
    "entered", [" ashby-key-7f3a", "ashby-key-7f3a ", "\tashby-key-7f3a\n", "  ashby-key-7f3a\r\n"]
)
async def test_spaces_around_a_pasted_ashby_key_are_not_kept_or_sent(
    api_server: ApiServer, db: Conn, entered: str
) -> None:
    # Kept as entered, every assessment.update went to Ashby with a key Ashby refused (401): retried for days, then
    # a dead letter per result, for a key the organisation had pasted correctly but for a space.
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": entered}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    assert await _stored_ashby_key(db, api_server) == "ashby-key-7f3a"


@pytest.mark.parametrize("entered", ["ashby key 7f3a", "   short  ", "ashby:key-7f3a"])
async def test_a_value_that_cannot_be_an_ashby_key_is_refused_and_nothing_is_issued(
    api_server: ApiServer, db: Conn, entered: str
) -> None:
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": entered}, headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["fields"][0]["field"]) == (422, "ashby_api_key"), r.text
    assert await _stored_ashby_key(db, api_server) is None


async def _sealed_by_state(db: Conn) -> list[tuple[str, bool, bool, bool]]:
    cur = await db.execute(
        "select provider, revoked_at is null as live, key_sealed is not null as has_key,"
        " provider_api_key_sealed is not null as has_ashby_key from integration_keys order by created_at, id"
    )
    return [(r["provider"], r["live"], r["has_key"], r["has_ashby_key"]) for r in await cur.fetchall()]


async def test_a_revoked_ats_key_keeps_no_secret_of_its_own_or_the_customers(
    api_server: ApiServer, db: Conn
) -> None:
    # Kept until the row was pruned (30 days), a disconnected organisation's Ashby API key (write access to its
    # Ashby) stayed stored, sealed, though nothing could use it any more.
    headers = api_server.org_headers()
    for body in ({"ashby_api_key": "ashby-key-first"}, {"ashby_api_key": "ashby-key-second"}):
        assert (
            await api_server.client.post("/v1/integrations/ashby/keys", json=body, headers=headers)
        ).status_code == 201
    assert (
        await api_server.client.post("/v1/integrations/greenhouse/keys", headers=headers)
    ).status_code == 201
    # A rotation forgets the replaced key's secrets; the live key keeps its own (its calls need them).
    assert await _sealed_by_state(db) == [
        ("ashby", False, False, False),
        ("ashby", True, True, True),
        ("greenhouse", True, True, False),
    ]
    assert await _stored_ashby_key(db, api_server) == "ashby-key-second"

    for provider in ("ashby", "greenhouse"):
        r = await api_server.client.delete(f"/v1/integrations/{provider}/keys", headers=headers)
        assert r.status_code == 204, r.text

    assert await _sealed_by_state(db) == [
        ("ashby", False, False, False),
        ("ashby", False, False, False),
        ("greenhouse", False, False, False),
    ]
