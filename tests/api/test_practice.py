"""Self-serve practice sessions over HTTP: created without an organisation, joinable, rate-limited per address."""

from __future__ import annotations

import psycopg
from psycopg.rows import DictRow

from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def test_practice_session_is_created_orgless_and_joinable(api_server: ApiServer, db: Conn) -> None:
    r = await api_server.client.post(
        "/v1/practice",
        json={"name": "Me", "difficulty": "Medium", "language": "javascript", "duration_minutes": 30},
    )

    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "scheduled"
    assert body["language"] == "javascript"
    assert body["duration_minutes"] == 30
    cur = await db.execute(
        "select s.organization_id, s.practice, q.difficulty from sessions s join questions q on q.id = s.question_id"
        " where s.id = %s",
        (body["id"],),
    )
    row = await cur.fetchone()
    assert row is not None
    assert (row["organization_id"], row["practice"], row["difficulty"]) == (None, True, "Medium")
    join = await api_server.client.post("/v1/join", json={"invite": body["invite"]})
    assert join.status_code == 200
    assert join.json()["session"]["practice"] is True
    assert join.json()["participant_name"] == "Me"


async def test_practice_sessions_do_not_appear_in_an_organisations_list(api_server: ApiServer) -> None:
    r = await api_server.client.post("/v1/practice", json={})
    assert r.status_code == 201
    listed = await api_server.client.get("/v1/sessions", headers=api_server.org_headers())
    assert r.json()["id"] not in [s["id"] for s in listed.json()["data"]]


async def test_practice_over_the_rate_limit_is_429_rate_limited(api_server: ApiServer, db: Conn) -> None:
    limit = int(api_server.settings.practice_rate_limit.split("/")[0])
    codes = [(await api_server.client.post("/v1/practice", json={})).status_code for _ in range(limit)]
    over = await api_server.client.post("/v1/practice", json={})

    assert codes == [201] * limit
    assert over.status_code == 429
    assert over.json()["error"]["code"] == "rate_limited"
    cur = await db.execute("select count(*) as n from sessions where practice")
    assert (await cur.fetchone())["n"] == limit  # type: ignore[index]  # count(*) always returns a row


async def test_practice_rate_limit_starts_fresh_for_a_new_app_instance(api_server: ApiServer) -> None:
    # The limiter belongs to one app: earlier apps in this process (other tests) must not have used it up.
    r = await api_server.client.post("/v1/practice", json={})
    assert r.status_code == 201, r.text


async def test_practice_is_404_when_disabled(api_server: ApiServer) -> None:
    async with serve(api_server.settings.model_copy(update={"practice_enabled": False})) as client:
        r = await client.post("/v1/practice", json={})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_practice_with_invalid_duration_is_422_naming_the_field(api_server: ApiServer) -> None:
    r = await api_server.client.post("/v1/practice", json={"duration_minutes": 500})
    assert r.status_code == 422
    assert r.json()["error"]["message"].startswith("duration_minutes")
