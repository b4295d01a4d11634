"""An organisation's PATCH of a session racing the session's end (the agent's completion, a webhook, a cancel on
another replica). The route read the session unfinished, the end committed, the update then changed nothing, and
the route answered 200 with the finished session, as if the new accommodations or languages had been set. Held
here deterministically: the test locks the session's row, lets the update block on it, ends the session in that
transaction and commits."""

from __future__ import annotations

import asyncio

import psycopg
from psycopg.rows import DictRow

from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def test_an_update_that_the_end_overtook_is_409_session_finished(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    session = await api_server.create_session()
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute("select 1 from sessions where id = %s for update", (session["id"],))
            update = asyncio.create_task(
                api_server.client.patch(
                    f"/v1/sessions/{session['id']}",
                    json={"extra_time_minutes": 30, "role": "Staff Engineer"},
                    headers=api_server.org_headers(),
                )
            )
            await until_blocked(db, update, "the update")
            await locker.execute(
                "update sessions set status = 'cancelled', end_reason = 'cancelled', ended_at = now() where id = %s",
                (session["id"],),
            )
        r = await update
    assert (r.status_code, r.json()["error"]["code"]) == (409, "session_finished"), r.text
    cur = await db.execute("select status, extra_time_minutes from sessions where id = %s", (session["id"],))
    assert await cur.fetchone() == {"status": "cancelled", "extra_time_minutes": 0}
