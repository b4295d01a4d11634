"""A candidate's start racing the organisation's cancel. The invite check read the session scheduled, the cancel
committed, the start's update then found nothing to start, and the route answered 200 with the page's view of a
cancelled interview, as if it had started. Held here deterministically: the test locks the session's row, lets the
start block on it, cancels in that transaction and commits."""

from __future__ import annotations

import asyncio

import psycopg
from psycopg.rows import DictRow

from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def test_start_that_a_cancel_overtook_is_409_session_cancelled(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    session = await api_server.create_session()
    await api_server.consent(session)
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute("select 1 from sessions where id = %s for update", (session["id"],))
            start = asyncio.create_task(
                api_server.client.post(
                    f"/v1/sessions/{session['id']}/start",
                    json={"mode": "voice"},
                    headers={"Authorization": f"Bearer {session['invite']}"},
                )
            )
            await until_blocked(db, start, "the start")
            await locker.execute(
                "update sessions set status = 'cancelled', end_reason = 'cancelled', ended_at = now() where id = %s",
                (session["id"],),
            )
        r = await start
    assert (r.status_code, r.json()["error"]["code"]) == (409, "session_cancelled")
    cur = await db.execute("select status, started_at from sessions where id = %s", (session["id"],))
    assert await cur.fetchone() == {"status": "cancelled", "started_at": None}
