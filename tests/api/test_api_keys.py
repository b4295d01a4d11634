"""An organisation's API keys through the API: issue another (shown once), list them (never a key), revoke one
(at once, on the next request; never the last active one; never another organisation's), within a bound."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.api_keys import MAX_ACTIVE_KEYS
from api.security import digest
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
NIL = "00000000-0000-4000-8000-000000000000"


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _create(s: ApiServer, key: str | None = None, **body: Any) -> Any:
    return await s.client.post("/v1/api-keys", json=body or None, headers=s.org_headers(key))


async def _key_id(db: Conn, key: str) -> str:
    cur = await db.execute("select id from api_keys where key_hash = %s", (digest(key),))
    row = await cur.fetchone()
    assert row is not None
    return str(row["id"])


async def test_create_use_revoke_and_the_very_next_request_is_401(
    api_server: ApiServer, db: Conn, capsys: pytest.CaptureFixture[str]
) -> None:
    s = api_server
    r = await _create(s, name="ATS production")
    assert r.status_code == 201, r.text
    assert (
        r.headers["cache-control"] == "no-store"
    )  # the only answer that carries the key: never kept by a cache
    made = r.json()
    new_key = made["key"]
    assert new_key.startswith("shk_") and made["prefix"] == new_key[:8]
    assert (made["name"], made["last_used_at"], made["revoked_at"]) == ("ATS production", None, None)
    assert (await s.client.get("/v1/organization", headers=_h(new_key))).status_code == 200
    assert (await s.client.get("/v1/organization", headers=s.org_headers())).status_code == 200  # still works

    listed = await s.client.get("/v1/api-keys", headers=_h(new_key))
    assert listed.status_code == 200
    rows = listed.json()["data"]
    assert [k["id"] for k in rows] == [made["id"], await _key_id(db, s.org_key)]  # newest first
    assert set(rows[0]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "issued_by_key_id",
        "issued_by_prefix",
    }
    assert rows[0]["last_used_at"] is not None  # the two requests just made with it
    assert new_key not in listed.text and s.org_key not in listed.text

    # The key making the call revokes itself (the first key is still active): refused from the next request on.
    gone = await s.client.delete(f"/v1/api-keys/{made['id']}", headers=_h(new_key))
    assert gone.status_code == 200, gone.text
    assert gone.json()["revoked_at"] is not None and "key" not in gone.json()
    after = await s.client.get("/v1/organization", headers=_h(new_key))
    assert (after.status_code, after.json()["error"]["code"]) == (401, "invalid_api_key")
    # Idempotent: revoking it again answers the same revocation.
    again = await s.client.delete(f"/v1/api-keys/{made['id']}", headers=s.org_headers())
    assert again.status_code == 200 and again.json()["revoked_at"] == gone.json()["revoked_at"]

    logged = capsys.readouterr()
    assert new_key not in logged.out + logged.err
    assert s.org_key not in logged.out + logged.err
    cur = await db.execute(
        "select count(*) as n from api_keys where prefix = %s or name = %s", (new_key, new_key)
    )
    assert (await cur.fetchone()) == {"n": 0}  # only its hash and first 8 characters are stored


async def test_the_last_active_key_cannot_be_revoked_through_the_api(api_server: ApiServer, db: Conn) -> None:
    s = api_server
    own = await _key_id(db, s.org_key)
    r = await s.client.delete(f"/v1/api-keys/{own}", headers=s.org_headers())
    assert (r.status_code, r.json()["error"]["code"]) == (409, "last_api_key")
    assert "lock the organisation out" in r.json()["error"]["message"]
    assert (await s.client.get("/v1/organization", headers=s.org_headers())).status_code == 200
    # A revoked second key does not count as another active one.
    second = (await _create(s)).json()
    assert (await s.client.delete(f"/v1/api-keys/{second['id']}", headers=s.org_headers())).status_code == 200
    r = await s.client.delete(f"/v1/api-keys/{own}", headers=s.org_headers())
    assert (r.status_code, r.json()["error"]["code"]) == (409, "last_api_key")


async def test_two_keys_revoking_each_other_at_once_leave_one_active(api_server: ApiServer, db: Conn) -> None:
    s = api_server
    other = (await _create(s)).json()
    own = await _key_id(db, s.org_key)
    a, b = await asyncio.gather(
        s.client.delete(f"/v1/api-keys/{other['id']}", headers=s.org_headers()),
        s.client.delete(f"/v1/api-keys/{own}", headers=_h(other["key"])),
    )
    # Both let in, one revoke wins and the other is refused (409), whichever ran first; or the first revoke landed
    # before the other key was even checked, which then is no longer a key (401). Never both.
    assert (a.status_code, b.status_code) in {(200, 409), (409, 200), (200, 401)}, (a.text, b.text)
    cur = await db.execute(
        "select count(*) as n from api_keys where organization_id = %s and revoked_at is null", (s.org_id,)
    )
    assert (await cur.fetchone()) == {"n": 1}


async def test_another_organisations_key_is_not_found_and_stays_live(api_server: ApiServer, db: Conn) -> None:
    s = api_server
    _, other_key = await s.create_org("Other Org")
    await _create(s, other_key)  # organisation 2 has two keys, so only ownership can refuse this
    theirs = await _key_id(db, other_key)
    for key_id in (theirs, NIL, "not-a-uuid", "1" * 64):
        r = await s.client.delete(f"/v1/api-keys/{key_id}", headers=s.org_headers())
        assert (r.status_code, r.json()["error"]["code"]) == (404, "api_key_not_found"), key_id
    assert (await s.client.get("/v1/organization", headers=_h(other_key))).status_code == 200
    mine = (await s.client.get("/v1/api-keys", headers=s.org_headers())).json()["data"]
    assert theirs not in [k["id"] for k in mine] and len(mine) == 1


async def test_active_keys_are_bounded_and_a_revocation_makes_room(api_server: ApiServer, db: Conn) -> None:
    s = api_server
    for n in range(MAX_ACTIVE_KEYS - 3):  # straight into the table: the bound, not the route, is under test
        await db.execute(
            "insert into api_keys (organization_id, key_hash, prefix) values (%s, %s, 'shk_fill')",
            (s.org_id, digest(f"fill-{n}")),
        )
    results = await asyncio.gather(*(_create(s) for _ in range(4)))  # two fit, concurrently or not
    assert sorted(r.status_code for r in results) == [201, 201, 409, 409]
    refused = next(r for r in results if r.status_code == 409).json()["error"]
    assert refused["code"] == "api_key_limit_reached" and str(MAX_ACTIVE_KEYS) in refused["message"]
    made = next(r for r in results if r.status_code == 201).json()
    assert (await s.client.delete(f"/v1/api-keys/{made['id']}", headers=s.org_headers())).status_code == 200
    assert (await _create(s)).status_code == 201

    page = await s.client.get("/v1/api-keys", params={"limit": 15}, headers=s.org_headers())
    rest = await s.client.get(
        "/v1/api-keys", params={"limit": 15, "cursor": page.json()["next_cursor"]}, headers=s.org_headers()
    )
    ids = [k["id"] for k in page.json()["data"] + rest.json()["data"]]
    assert len(ids) == len(set(ids)) == MAX_ACTIVE_KEYS + 1 and rest.json()["next_cursor"] is None
    assert (
        await s.client.get("/v1/api-keys", params={"limit": 101}, headers=s.org_headers())
    ).status_code == 422


@pytest.mark.parametrize(
    "body", [{"name": "x" * 101}, {"name": "a\x00b"}, {"name": 5}, {"name": "ok", "organization_id": NIL}]
)
async def test_a_bad_name_is_refused_and_issues_nothing(api_server: ApiServer, db: Conn, body: Any) -> None:
    r = await _create(api_server, **body)
    assert r.status_code == 422, r.text
    cur = await db.execute("select count(*) as n from api_keys")
    assert (await cur.fetchone()) == {"n": 1}


async def test_a_name_is_kept_to_one_line_and_blank_is_none(api_server: ApiServer) -> None:
    assert (await _create(api_server, name="CI\nkey")).json()["name"] == "CI key"
    assert (await _create(api_server, name=" \u200b ")).json()["name"] is None


async def test_last_used_is_written_at_most_once_a_minute(api_server: ApiServer, db: Conn) -> None:
    s = api_server
    own = await _key_id(db, s.org_key)

    async def used() -> Any:
        cur = await db.execute("select last_used_at from api_keys where id = %s", (own,))
        row = await cur.fetchone()
        assert row is not None
        return row["last_used_at"]

    assert await used() is None
    await s.client.get("/v1/organization", headers=s.org_headers())
    first = await used()
    assert first is not None
    await s.client.get("/v1/organization", headers=s.org_headers())
    assert await used() == first  # within the minute: no write
    await db.execute("update api_keys set last_used_at = now() - interval '61 seconds' where id = %s", (own,))
    stale = await used()
    await s.client.get("/v1/organization", headers=s.org_headers())
    assert await used() > stale
