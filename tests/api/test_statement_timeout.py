"""Every statement the API's pool runs has a bound (SHADOWS_API_DB_STATEMENT_TIMEOUT_S): before it, only the analytics
figures set one, so any other query that grew with what callers stored (or a plan gone wrong) held a pooled
connection and a backend for as long as it ran. Past the bound PostgreSQL cancels it and the request is a 503
`database_unavailable`, as past the lock timeout; a route may still ask for less (analytics)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.pool import DatabaseUnavailableError, connection, create_pool
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def test_every_pooled_connection_of_the_api_has_a_statement_timeout(api_server: ApiServer) -> None:
    pool = api_server.app.state.pool
    ms = round(api_server.settings.db_statement_timeout_s * 1000)
    async with connection(pool) as a, connection(pool) as b:  # two connections, each configured
        for conn in (a, b):
            cur = await conn.execute("select current_setting('statement_timeout') as v")
            assert (await cur.fetchone() or {})["v"] in (f"{ms}ms", f"{ms // 1000}s"), "no statement bound"
    # The route that asks for less still does, inside its own transaction: analytics answers.
    r = await api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers())
    assert r.status_code == 200, r.text


async def test_a_statement_past_the_bound_is_cancelled_and_a_503(api_settings: ApiSettings) -> None:
    assert api_settings.database_url
    pool = create_pool(api_settings.database_url, min_size=1, max_size=1, statement_timeout_s=0.2)
    await pool.open()
    try:
        with pytest.raises(DatabaseUnavailableError) as caught:
            async with connection(pool) as conn:
                await conn.execute("select pg_sleep(30)")
        assert isinstance(caught.value.__cause__, psycopg.errors.QueryCanceled)
        async with connection(pool) as conn:  # the connection is usable again at once
            cur = await conn.execute("select 1 as one")
            assert (await cur.fetchone() or {})["one"] == 1
    finally:
        await pool.close()


async def test_a_request_whose_statement_runs_past_the_bound_is_a_503(
    api_server: ApiServer, db: Conn
) -> None:
    # A statement that runs long for a reason of its own (what it reads grew, its plan went wrong): here a write
    # whose trigger sleeps. Without the bound the request waited the 10 s out, holding its connection.
    await db.execute(
        "create function shadows_test_slow() returns trigger language plpgsql as "
        "$$ begin perform pg_sleep(10); return new; end $$"
    )
    await db.execute(
        "create trigger slow_hold before insert on legal_holds for each row execute function shadows_test_slow()"
    )
    s = await api_server.create_session()
    settings = api_server.settings.model_copy(update={"db_statement_timeout_s": 0.5})
    async with serve(settings, timeout_s=60) as replica:
        r = await replica.post(
            f"/v1/sessions/{s['id']}/legal-hold",
            json={"reason": "Matter 7"},
            headers=api_server.org_headers(),
        )
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "database_unavailable"
    cur = await db.execute("select count(*) as n from legal_holds where session_id = %s", (s["id"],))
    assert (await cur.fetchone() or {})["n"] == 0  # the cancelled statement wrote nothing


def test_the_statement_timeout_is_bounded_at_start_up() -> None:
    for bad in ("0", "-1", "3601", "nan"):
        with pytest.raises(ValueError, match="db_statement_timeout_s"):
            ApiSettings(_env_file=None, db_statement_timeout_s=bad)  # type: ignore[call-arg]
