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
