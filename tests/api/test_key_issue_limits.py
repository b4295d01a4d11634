"""Issuing ATS keys is limited per organisation (SHADOWS_API_INTEGRATION_KEY_RATE_LIMIT): each issue stores a key
row kept 30 days past its revocation, seals two secrets and revokes the key the ATS holds. A leaked or runaway org
key issuing in a loop grew the table without bound; past the limit it gets 429 with Retry-After, and the key the
ATS holds stays live. The organisation's own API keys likewise (SHADOWS_API_API_KEY_ISSUE_RATE_LIMIT): only the active
ones were capped, so issuing and revoking in a loop stored a row per turn."""

from __future__ import annotations

import psycopg
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from tests.api.conftest import serve

Conn = psycopg.AsyncConnection[DictRow]


async def test_an_organisation_issuing_keys_in_a_loop_meets_its_limit_and_keeps_its_live_key(
    api_settings: ApiSettings, db: Conn
) -> None:
    org_id, key = await create_org(db, "Key Loop Org")
    _, other_key = await create_org(db, "Quiet Org")
    settings = api_settings.model_copy(update={"integration_key_rate_limit": "3/hour"})
    async with serve(settings) as client:
        headers = {"Authorization": f"Bearer {key}"}
        issued = [
            await client.post("/v1/integrations/greenhouse/keys", headers=headers),
            await client.post(
                "/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1234"}, headers=headers
            ),
            await client.post("/v1/integrations/greenhouse/keys", headers=headers),
        ]
        over = await client.post("/v1/integrations/greenhouse/keys", headers=headers)
        other = await client.post(
            "/v1/integrations/greenhouse/keys", headers={"Authorization": f"Bearer {other_key}"}
        )
    assert [r.status_code for r in issued] == [201, 201, 201], [r.text for r in issued]
    assert over.status_code == 429, over.text
    assert over.json()["error"]["code"] == "rate_limited"
    assert int(over.headers["Retry-After"]) >= 1
    assert other.status_code == 201, "another organisation's issue was refused"
    cur = await db.execute(
        "select prefix, provider, revoked_at is null as live from integration_keys where organization_id = %s",
        (org_id,),
    )
    rows = await cur.fetchall()
    assert len(rows) == 3, "the refused issue stored a key"
    live = {r["provider"] for r in rows if r["live"]}
    assert live == {"greenhouse", "ashby"}, "the refused issue revoked the key the ATS holds"
    greenhouse_live = [r["prefix"] for r in rows if r["live"] and r["provider"] == "greenhouse"]
    assert greenhouse_live == [issued[2].json()["prefix"]]


async def test_an_organisation_issuing_and_revoking_api_keys_in_a_loop_meets_its_limit(
    api_settings: ApiSettings, db: Conn
) -> None:
    org_id, key = await create_org(db, "API Key Loop Org")
    _, other_key = await create_org(db, "Quiet API Key Org")
    settings = api_settings.model_copy(update={"api_key_issue_rate_limit": "3/hour"})
    headers = {"Authorization": f"Bearer {key}"}
    async with serve(settings) as client:
        statuses = []
        for i in range(3):
            issued = await client.post("/v1/api-keys", json={"name": f"loop {i}"}, headers=headers)
            statuses.append(issued.status_code)
            revoked = await client.delete(f"/v1/api-keys/{issued.json()['id']}", headers=headers)
            statuses.append(revoked.status_code)
        over = await client.post("/v1/api-keys", json={"name": "one more"}, headers=headers)
        other = await client.post("/v1/api-keys", headers={"Authorization": f"Bearer {other_key}"})
        still = await client.get("/v1/api-keys", headers=headers)
    assert statuses == [201, 200] * 3
    assert over.status_code == 429, over.text
    assert over.json()["error"]["code"] == "rate_limited"
    assert int(over.headers["Retry-After"]) >= 1
    assert "key" not in over.json()
    assert other.status_code == 201, "another organisation's issue was refused"
    assert still.status_code == 200, "the organisation's own key stopped working"
    cur = await db.execute(
        "select count(*) as n, count(*) filter (where revoked_at is null) as live from api_keys"
        " where organization_id = %s",
        (org_id,),
    )
    assert await cur.fetchone() == {"n": 4, "live": 1}, "the refused issue stored a key"
