"""Every API key records the key that issued it (null for the operator's CLI), `GET /v1/api-keys` shows its prefix,
and `DELETE /v1/api-keys/{id}?with_issued=true` revokes what the key issued, on down. Before, nothing recorded which
key issued which, and a leaked key's offspring (a key it minted to keep its access) survived its revocation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.db import api_keys_repo
from api.jobs.pruning import prune
from api.security import digest
from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def _issue(s: ApiServer, by: str, name: str) -> dict[str, Any]:
    r = await s.client.post("/v1/api-keys", json={"name": name}, headers=s.org_headers(by))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _listed(s: ApiServer) -> dict[str, dict[str, Any]]:
    r = await s.client.get("/v1/api-keys", headers=s.org_headers())
    assert r.status_code == 200, r.text
    return {"main" if k["prefix"] == s.org_key[:8] else k["name"]: k for k in r.json()["data"]}


async def test_keys_name_their_issuer_and_a_revocation_takes_what_its_key_issued(
    api_server: ApiServer, db: Conn
) -> None:
    s = api_server
    a = await _issue(s, s.org_key, "a")  # the leaked key
    b = await _issue(s, a["key"], "b")  # what it minted to stay in
    c = await _issue(s, b["key"], "c")
    d = await _issue(s, s.org_key, "d")  # the organisation's own, untouched
    e = await _issue(s, d["key"], "e")
    keys = await _listed(s)
    main = keys["main"]
    assert (main["issued_by_key_id"], main["issued_by_prefix"]) == (None, None)  # the operator's CLI
    assert (keys["a"]["issued_by_key_id"], keys["a"]["issued_by_prefix"]) == (main["id"], main["prefix"])
    assert (keys["b"]["issued_by_key_id"], keys["b"]["issued_by_prefix"]) == (a["id"], a["prefix"])
    assert keys["c"]["issued_by_key_id"] == b["id"] and keys["e"]["issued_by_key_id"] == d["id"]

    # Revoked alone, as before: what it issued stays live.
    alone = await s.client.delete(f"/v1/api-keys/{a['id']}", headers=s.org_headers())
    assert alone.status_code == 200, alone.text
    assert alone.json()["also_revoked"] == []
    assert (await s.client.get("/v1/api-keys", headers=s.org_headers(c["key"]))).status_code == 200

    # With what it issued, even though the key itself is revoked already: the chain under it goes, nothing else.
    r = await s.client.delete(f"/v1/api-keys/{a['id']}?with_issued=true", headers=s.org_headers())
    assert r.status_code == 200, r.text
    assert [k["id"] for k in r.json()["also_revoked"]] == [b["id"], c["id"]]
    assert all(k["revoked_at"] for k in r.json()["also_revoked"])
    for gone in (b, c):
        refused = await s.client.get("/v1/api-keys", headers=s.org_headers(gone["key"]))
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_api_key")
    keys = await _listed(s)
    assert [n for n in "abcde" if keys[n]["revoked_at"] is None] == ["d", "e"]

    # Never the organisation's last active keys: the main key with all it issued would leave none; nothing changes.
    last = await s.client.delete(f"/v1/api-keys/{main['id']}?with_issued=true", headers=s.org_headers())
    assert (last.status_code, last.json()["error"]["code"]) == (409, "last_api_key"), last.text
    assert [n for n, k in (await _listed(s)).items() if k["revoked_at"] is None] == ["e", "d", "main"]

    # The issuer's row is pruned 30 days after its revocation; its prefix stays on what it issued.
    await db.execute(
        "update api_keys set revoked_at = %s where id = %s", (datetime.now(UTC) - timedelta(days=31), a["id"])
    )
    await prune(s.app.state.pool)
    keys = await _listed(s)
    assert "a" not in keys
    assert (keys["b"]["issued_by_key_id"], keys["b"]["issued_by_prefix"]) == (None, a["prefix"])
    assert e["issued_by_key_id"] == d["id"]  # the answer that issues a key names its issuer too


async def test_a_revocation_with_issued_reaches_past_issuers_pruned_in_the_middle(
    api_server: ApiServer, db: Conn
) -> None:
    """a (leaked) issued b, b issued c, c issued d. b and c were revoked alone, and pruned 30 days later (in one
    batch, each the other's issuer): their rows gone, as before, but the chain holds. Before, the walk went by
    `issued_by_key_id`, which the prune set null: revoking a with what it issued left d live."""
    s = api_server
    a = await _issue(s, s.org_key, "a")
    b = await _issue(s, a["key"], "b")
    c = await _issue(s, b["key"], "c")
    d = await _issue(s, c["key"], "d")
    for k in (b, c):
        r = await s.client.delete(f"/v1/api-keys/{k['id']}", headers=s.org_headers())
        assert r.status_code == 200 and r.json()["also_revoked"] == [], r.text
    await db.execute(
        "update api_keys set revoked_at = %s where id = any(%s)",
        (datetime.now(UTC) - timedelta(days=31), [b["id"], c["id"]]),
    )
    removed = await prune(s.app.state.pool)
    assert removed["api_keys"] == 2
    keys = await _listed(s)
    assert "b" not in keys and "c" not in keys  # nothing revoked is kept for the chain's sake
    # Who issued d: its issuer's id gone with the row, its prefix kept.
    assert (keys["d"]["issued_by_key_id"], keys["d"]["issued_by_prefix"]) == (None, c["prefix"])

    r = await s.client.delete(f"/v1/api-keys/{a['id']}?with_issued=true", headers=s.org_headers())
    assert r.status_code == 200, r.text
    assert [k["id"] for k in r.json()["also_revoked"]] == [d["id"]]
    refused = await s.client.get("/v1/api-keys", headers=s.org_headers(d["key"]))
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_api_key")
    assert (
        await s.client.get("/v1/api-keys", headers=s.org_headers())
    ).status_code == 200  # the main key stays

    # a pruned in turn: d, revoked with it, now hangs from the organisation's main key, which issued a.
    await db.execute(
        "update api_keys set revoked_at = %s where id = %s", (datetime.now(UTC) - timedelta(days=31), a["id"])
    )
    await prune(s.app.state.pool)
    cur = await db.execute("select issued_under_key_id from api_keys where id = %s", (d["id"],))
    row = await cur.fetchone()
    assert row is not None and str(row["issued_under_key_id"]) == a["issued_by_key_id"]


async def test_a_prune_moving_keys_up_never_deadlocks_with_a_revocation_taking_them(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    """b, revoked alone 31 days ago, issued c and then e; a revocation of a `with_issued` (which locks the keys it
    revokes in id order) holds e, the lower id, and goes on to c while the prune moves b's keys up. The prune had
    locked c first (its update's own order) and waited on e: each waited on the other, and PostgreSQL killed one,
    the revocation's request or the retention run. Both now lock in id order: the prune waits, the revocation ends."""
    s = api_server
    a = await api_keys_repo.insert_key(db, s.org_id, "shk_aaaaaaaaaaaaaaaaaaaa", "a")
    b = await api_keys_repo.insert_key(db, s.org_id, "shk_bbbbbbbbbbbbbbbbbbbb", "b", issued_by=a["id"])
    for n in range(50):  # c, issued first, with an id above e's
        c = await api_keys_repo.insert_key(db, s.org_id, f"shk_c{n:019d}", "c", issued_by=b["id"])
        e = await api_keys_repo.insert_key(db, s.org_id, f"shk_e{n:019d}", "e", issued_by=b["id"])
        if e["id"] < c["id"]:
            break
        await db.execute("delete from api_keys where id = any(%s)", ([c["id"], e["id"]],))
    assert e["id"] < c["id"]
    await db.execute(
        "update api_keys set revoked_at = %s where id = %s", (datetime.now(UTC) - timedelta(days=31), b["id"])
    )
    async with await psycopg.AsyncConnection.connect(db_url) as revocation:
        async with revocation.transaction():
            await revocation.execute("select 1 from api_keys where id = %s for no key update", (e["id"],))
            pruning = asyncio.create_task(prune(s.app.state.pool))
            await until_blocked(db, pruning, "the prune")
            await revocation.execute(
                "update api_keys set revoked_at = now() where id = any(%s)", ([e["id"], c["id"]],)
            )
        removed = await pruning
    assert removed["api_keys"] == 1
    cur = await db.execute(
        "select id, issued_under_key_id, revoked_at from api_keys where id = any(%s)", ([c["id"], e["id"]],)
    )
    rows = await cur.fetchall()
    assert {r["issued_under_key_id"] for r in rows} == {a["id"]}
    assert all(r["revoked_at"] is not None for r in rows)


# What a replica still running the code before migration 20270120090100 sends to issue a key (api/db/api_keys_repo.py
# as it was): it names the issuer, and knows nothing of `issued_under_key_id`.
OLD_INSERT_KEY = """
        insert into api_keys (organization_id, key_hash, prefix, name, issued_by_key_id, issued_by_key_prefix)
        values (%s, %s, %s, %s, %s, (select prefix from api_keys where id = %s))
        returning id
        """


async def test_a_key_issued_by_a_replica_on_the_old_code_is_reached_by_a_revocation_with_issued(
    api_server: ApiServer, db: Conn
) -> None:
    """During a rolling deploy a leaked key may issue a key through a replica still on the code before
    `issued_under_key_id`: the row named its issuer but had no `issued_under_key_id`, and the walk, which goes by
    that column alone, passed it by; revoking the leaked key `with_issued` left that key live."""
    s = api_server
    a = await _issue(s, s.org_key, "a")
    cur = await db.execute(
        OLD_INSERT_KEY, (s.org_id, digest("shk_oldreplica0000000000"), "shk_oldr", "old", a["id"], a["id"])
    )
    row = await cur.fetchone()
    assert row is not None
    r = await s.client.delete(f"/v1/api-keys/{a['id']}?with_issued=true", headers=s.org_headers())
    assert r.status_code == 200, r.text
    assert [k["id"] for k in r.json()["also_revoked"]] == [str(row["id"])]
