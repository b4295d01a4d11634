"""An ATS's order (or Ashby's cancel) in flight while the organisation rotates that ATS's key (issues a new one,
which revokes the old). The old key was checked when the order was let in; the order then waits (here on the lock
that serialises orders for one callback url, as a retry of the same order would hold it; for a cancel, on the
assessment's row) while the rotation commits. Held here deterministically: the test holds that lock, lets the order
block on it, rotates the key, then lets the order go."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.integrations.greenhouse import check_callback_url
from tests.api.ashby_support import issue_ashby_key, start_assessment
from tests.api.conftest import ASHBY_KEY
from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer
from tests.fakes.ashby import FakeAshby
from tests.fakes.greenhouse import FakeGreenhouse

Conn = psycopg.AsyncConnection[DictRow]
HARRY = {"first_name": "Harry", "last_name": "Potter", "email": "hpotter@hogwarts.example"}


async def _sessions(db: Conn, org_id: Any) -> int:
    cur = await db.execute("select count(*) as n from sessions where organization_id = %s", (org_id,))
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def test_an_order_whose_ats_key_was_rotated_while_it_waited_schedules_nothing(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn, db_url: str
) -> None:
    instance = 4711
    url = check_callback_url(api_server.settings, greenhouse.callback_url(instance))
    before = await _sessions(db, api_server.org_id)
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute(
                "select pg_advisory_xact_lock(hashtextextended(%s, 0))",
                (f"greenhouse:{api_server.org_id}:{url}",),
            )
            order = asyncio.create_task(greenhouse.send_test("difficulty:easy", HARRY, instance=instance))
            await until_blocked(db, order, "the send_test order")  # let in: its key was live when checked
            rotated = await api_server.client.post(
                "/v1/integrations/greenhouse/keys", headers=api_server.org_headers()
            )
            assert rotated.status_code == 201, rotated.text  # the rotation does not wait for the order
        r = await order
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_api_key"), r.text
    assert await _sessions(db, api_server.org_id) == before
    greenhouse.key = rotated.json()[
        "key"
    ]  # the ATS, given the new key, sends the order again: it is scheduled
    again = await greenhouse.send_test("difficulty:easy", HARRY, instance=instance)
    assert again.status_code == 200, again.text
    assert await _sessions(db, api_server.org_id) == before + 1


async def _session_status(db: Conn, session_id: str) -> tuple[str, str | None]:
    cur = await db.execute("select status, end_reason from sessions where id = %s", (session_id,))
    row = await cur.fetchone()
    assert row is not None
    return str(row["status"]), row["end_reason"]


async def test_an_ashby_cancel_whose_key_was_rotated_while_it_waited_cancels_nothing(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, db_url: str
) -> None:
    # Before, assessment.cancel was not checked again: the replaced key's cancel, let in a moment before the
    # rotation, still cancelled the session. It waits here on the assessment's row, as on a start being written.
    session_id = await start_assessment(ashby, {**HARRY, "ashby_id": "cand-cancel-rotated"})
    before = await _session_status(db, session_id)
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute(
                "select from ats_assessments where session_id = %s for update", (session_id,)
            )
            cancel = asyncio.create_task(ashby.cancel(session_id))
            await until_blocked(db, cancel, "the assessment.cancel")  # let in: its key was live when checked
            new_key = await issue_ashby_key(
                api_server, ASHBY_KEY
            )  # the rotation does not wait for the cancel
        r = await cancel
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_api_key"), r.text
    assert await _session_status(db, session_id) == before
    ashby.partner_key = new_key  # Ashby, given the new key, sends the cancel again: it cancels
    again = await ashby.cancel(session_id)
    assert again.status_code == 200 and again.json()["success"] is True, again.text
    assert await _session_status(db, session_id) == ("cancelled", "cancelled_by_ats")
