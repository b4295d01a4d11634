"""Sending a session's calls back to the ATS again is bounded: each resend is a row kept with the session (listed,
unpaginated, by `GET /v1/sessions/{id}/ats-callbacks`) and a request to the ATS. Before, an organisation could
loop send-again on a delivered call (wait for it, send it again) and grow both without end."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from psycopg.rows import DictRow

from api.routers import ats_callbacks
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
CAP = 3


@pytest.fixture(autouse=True)
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ats_callbacks, "MAX_RESENDS_PER_SESSION", CAP, raising=False)


async def _finished_call(db: Conn, session_id: str, org_id: str, kind: str = "started") -> str:
    cur = await db.execute(
        """
        insert into ats_callbacks (session_id, organization_id, provider, kind, status, attempts)
        values (%s, %s, 'ashby', %s, 'failed', 4) returning id
        """,
        (session_id, org_id, kind),
    )
    row = await cur.fetchone()
    assert row is not None
    return str(row["id"])


async def _deliver_everything(db: Conn, session_id: str) -> None:
    """What the worker would do (none runs here): every pending call delivered."""
    await db.execute(
        "update ats_callbacks set status = 'delivered', delivered_at = now() where session_id = %s "
        "and status = 'pending'",
        (session_id,),
    )


async def test_a_send_again_loop_stops_at_the_bound(api_server: ApiServer, db: Conn) -> None:
    session = await api_server.create_session()
    call = await _finished_call(db, session["id"], api_server.org_id)
    path = f"/v1/sessions/{session['id']}/ats-callbacks"
    for _ in range(CAP):
        r = await api_server.client.post(f"{path}/{call}/send-again", headers=api_server.org_headers())
        assert r.status_code == 202, r.text
        await _deliver_everything(db, session["id"])
    r = await api_server.client.post(f"{path}/{call}/send-again", headers=api_server.org_headers())
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "too_many_ats_callbacks"
    listed = (await api_server.client.get(path, headers=api_server.org_headers())).json()["data"]
    assert len(listed) == 1 + CAP
    # An unknown call is still a 404, bound or not; another session has a bound of its own.
    r = await api_server.client.post(
        f"{path}/00000000-0000-4000-8000-000000000000/send-again", headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (404, "ats_callback_not_found")
    other = await api_server.create_session()
    other_call = await _finished_call(db, other["id"], api_server.org_id)
    r = await api_server.client.post(
        f"/v1/sessions/{other['id']}/ats-callbacks/{other_call}/send-again", headers=api_server.org_headers()
    )
    assert r.status_code == 202, r.text


async def test_concurrent_resends_of_different_calls_never_pass_the_bound(
    api_server: ApiServer, db: Conn
) -> None:
    session = await api_server.create_session()
    calls = [
        await _finished_call(db, session["id"], api_server.org_id, kind)
        for kind in ("started", "completed", "result", "cancelled")
    ]
    path = f"/v1/sessions/{session['id']}/ats-callbacks"
    answers = await asyncio.gather(
        *(
            api_server.client.post(f"{path}/{call}/send-again", headers=api_server.org_headers())
            for call in calls
            for _ in range(2)
        )
    )
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(202) == CAP, [r.text for r in answers]
    assert set(statuses) == {202, 409}
    cur = await db.execute(
        "select count(*) as n from ats_callbacks where session_id = %s and resend_of is not null",
        (session["id"],),
    )
    assert (await cur.fetchone())["n"] == CAP  # type: ignore[index]  # count(*)
