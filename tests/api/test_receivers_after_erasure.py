"""A candidate erased on request while Ashby's updates and the organisation's webhooks about them are queued (the
result graded, nothing sent yet): neither receiver gets anything about them after the erasure but the erasure's own
notice (`session.erased`, Ashby's last update: the session id alone), neither the score nor an earlier status,
while another candidate's updates and events go. The Greenhouse side is `test_ats_calls_after_erasure.py`; the
notices themselves, `test_erasure_notices.py`."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.rows import DictRow

from tests.api.grading_support import wait_until
from tests.api.integration_support import (
    create_endpoint,
    delivery_worker,
    end_interview,
    simulate_interview,
    store_version,
)
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import fake_ashby
from tests.fakes.webhook_receiver import webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]
ASHBY_API_KEY = "ashby-customer-key-erasure"
ADA = {"ashby_id": "cand-ada", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
BOB = {"ashby_id": "cand-bob", "first_name": "Bob", "last_name": "Builder", "email": "bob@example.com"}


async def _queued(db: Conn, session_id: str) -> tuple[int, int]:
    """(Ashby calls, webhook deliveries) kept for the session, the erasure's notices aside."""
    cur = await db.execute(
        """
        select (select count(*) from ats_callbacks where session_id = %(s)s and kind <> 'erased') as calls,
               (select count(*) from webhook_deliveries where session_id = %(s)s
                 and event_type <> 'session.erased') as deliveries
        """,
        {"s": session_id},
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["calls"]), int(row["deliveries"])


async def test_an_erased_candidates_queued_updates_and_events_never_reach_ashby_or_webhooks(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": ASHBY_API_KEY}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    async with fake_ashby() as ashby, webhook_receiver() as receiver:
        ashby.partner_url = f"{api_server.url}/integrations/ashby"
        ashby.partner_key = r.json()["key"]
        ashby.customer_api_key = ASHBY_API_KEY
        await create_endpoint(api_server, receiver.url)
        graded = []
        for who in (ADA, BOB):
            started = await ashby.start("difficulty:easy", who)
            assert started.status_code == 200, started.text
            session_id = str(started.json()["results"]["assessment_id"])
            await simulate_interview(api_server, session_id)
            await end_interview(api_server, session_id)
            await store_version(db, api_server, session_id, 1, ready=True)  # queues the result and its event
            graded.append(session_id)
        erased, kept = graded
        calls, deliveries = await _queued(db, erased)
        assert calls >= 3 and deliveries >= 4  # Started, grading, the result; scheduled .. scorecard.ready

        r = await api_server.client.delete(f"/v1/sessions/{erased}", headers=api_server.org_headers())
        assert r.status_code == 204, r.text
        assert await _queued(db, erased) == (0, 0)  # they went with the session

        delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_ASHBY_BASE_URL=ashby.url)

        async def kept_settled() -> bool:
            results = [u for u in ashby.accepted() if "assessment_result" in u]
            ready = [d for d in receiver.succeeded() if d.type == "scorecard.ready"]
            return bool(results) and bool(ready)

        await wait_until(kept_settled, what="the other candidate's result and scorecard.ready")

        async def nothing_left() -> bool:
            cur = await db.execute(
                "select count(*) as n from procrastinate_jobs where task_name in"
                " ('deliver_ats_callback', 'deliver_webhook') and status in ('todo', 'doing')"
            )
            row = await cur.fetchone()
            return bool(row and row["n"] == 0)

        await wait_until(nothing_left, what="every queued call and delivery run")
        # Of the erased candidate, each receiver got the erasure's notice alone: the session id and when.
        of_erased = [u for u in ashby.updates if u.body is not None and u.body["assessment_id"] == erased]
        assert [set(u.body) for u in of_erased if u.body is not None] == [
            {"assessment_id", "timestamp", "cancelled_reason", "metadata"}
        ]
        assert {u["assessment_id"] for u in ashby.accepted()} == {kept, erased}
        erased_events = [d for d in receiver.deliveries if d.payload["data"]["session_id"] == erased]
        assert [(d.type, set(d.payload["data"])) for d in erased_events] == [
            ("session.erased", {"session_id", "erased_at"})
        ]
        assert {d.payload["data"]["session_id"] for d in receiver.deliveries} == {kept, erased}
        # Nothing of the erased candidate reached either receiver in any other form (their name, address or id).
        sent = b"".join(d.body for d in receiver.deliveries) + str(ashby.accepted()).encode()
        for text in ("Lovelace", "ada@example.com", "cand-ada"):
            assert text.encode() not in sent, text
