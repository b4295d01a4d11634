"""A session erased on request is news for whoever holds a copy of it: each webhook receiver gets `session.erased`
(the session id and when, nothing of the candidate), and Ashby, which ordered the assessment, a last
`assessment.update` saying it was cancelled because its record was deleted. Whether the session was erased while
scheduled, with its grading pending, or long after its scorecard went; and after a request of the session that was
in flight when the erasure committed, without waiting for that request's retry."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.integrations.ashby_updates import ERASED_REASON
from tests.api.grading_support import wait_until
from tests.api.integration_support import (
    ALL_TYPES,
    create_endpoint,
    delivery_worker,
    end_interview,
    simulate_interview,
)
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import FakeAshby, fake_ashby
from tests.fakes.webhook_receiver import Answer, Delivery, WebhookReceiver, webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]
ASHBY_API_KEY = "ashby-customer-key-erased-notices"


def _who(name: str) -> dict[str, str]:
    return {
        "ashby_id": f"cand-{name.lower()}-7731",
        "first_name": name,
        "last_name": f"{name}son-Quill",
        "email": f"{name.lower()}.quill@example.com",
    }


async def _ashby_key(server: ApiServer, ashby: FakeAshby) -> None:
    r = await server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": ASHBY_API_KEY}, headers=server.org_headers()
    )
    assert r.status_code == 201, r.text
    ashby.partner_url = f"{server.url}/integrations/ashby"
    ashby.partner_key = r.json()["key"]
    ashby.customer_api_key = ASHBY_API_KEY


async def _start(ashby: FakeAshby, who: dict[str, str]) -> str:
    started = await ashby.start("difficulty:easy", who)
    assert started.status_code == 200, started.text
    return str(started.json()["results"]["assessment_id"])


async def _erase(server: ApiServer, session_id: str) -> None:
    r = await server.client.delete(f"/v1/sessions/{session_id}", headers=server.org_headers())
    assert r.status_code == 204, r.text


def _events_of(receiver: WebhookReceiver, session_id: str) -> list[Delivery]:
    return [d for d in receiver.succeeded() if d.payload["data"]["session_id"] == session_id]


def _updates_of(ashby: FakeAshby, session_id: str) -> list[dict[str, Any]]:
    return [u for u in ashby.accepted() if u["assessment_id"] == session_id]


def _is_erased_update(update: dict[str, Any]) -> bool:
    return (
        update.get("cancelled_reason", {}).get("value") == ERASED_REASON and "assessment_status" not in update
    )


def _nothing_of(
    who: dict[str, str], receiver: WebhookReceiver, ashby: FakeAshby, since: tuple[int, int]
) -> None:
    """Nothing of the candidate in any request sent since (deliveries, updates) were `since`."""
    sent = b"".join(d.body for d in receiver.deliveries[since[0] :]) + b"".join(
        repr(u.body).encode() for u in ashby.updates[since[1] :]
    )
    for value in who.values():
        assert value.encode() not in sent, value


async def test_each_receiver_and_ashby_hear_of_an_erasure_however_far_the_session_had_gone(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    scheduled_who, pending_who, graded_who = _who("Aurelia"), _who("Benedikt"), _who("Cordelia")
    async with fake_ashby() as ashby, webhook_receiver() as receiver:
        await _ashby_key(api_server, ashby)
        receiver.secrets.append((await create_endpoint(api_server, receiver.url, [*ALL_TYPES]))["secret"])
        scheduled = await _start(ashby, scheduled_who)
        pending = await _start(ashby, pending_who)
        await simulate_interview(api_server, pending)
        await end_interview(api_server, pending)  # completed, grading pending: deletable
        await _erase(api_server, scheduled)
        await _erase(api_server, pending)
        delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_ASHBY_BASE_URL=ashby.url)

        graded = await _start(ashby, graded_who)
        await simulate_interview(api_server, graded)
        await end_interview(api_server, graded)

        async def graded_sent() -> bool:
            ready = [d for d in _events_of(receiver, graded) if d.type == "scorecard.ready"]
            return bool(ready) and any("assessment_result" in u for u in _updates_of(ashby, graded))

        await wait_until(graded_sent, what="the graded session's scorecard.ready and Ashby result")
        graded_erased_at = (len(receiver.deliveries), len(ashby.updates))
        await _erase(api_server, graded)  # ended, scorecard ready and sent: still news

        async def all_told() -> bool:
            return all(
                [d.type for d in _events_of(receiver, s)][-1:] == ["session.erased"]
                and any(_is_erased_update(u) for u in _updates_of(ashby, s))
                for s in (scheduled, pending, graded)
            )

        await wait_until(all_told, what="session.erased and Ashby's last update for each erased session")
        for session_id in (scheduled, pending):
            # What was still queued went with the session: the erasure is all they hear of it.
            assert [d.type for d in _events_of(receiver, session_id)] == ["session.erased"]
            assert [_is_erased_update(u) for u in _updates_of(ashby, session_id)] == [True]
        graded_events = [d.type for d in _events_of(receiver, graded)]
        assert graded_events.index("scorecard.ready") < graded_events.index("session.erased")
        assert _is_erased_update(_updates_of(ashby, graded)[-1])  # after the result: Ashby's last word
        for session_id in (scheduled, pending, graded):
            (event,) = [d for d in _events_of(receiver, session_id) if d.type == "session.erased"]
            assert event.verified_with == [0]  # signed like every delivery
            assert set(event.payload["data"]) == {"session_id", "erased_at"}, event.payload
            assert event.payload["data"]["erased_at"] == event.payload["timestamp"]
            (update,) = [u for u in _updates_of(ashby, session_id) if _is_erased_update(u)]
            assert set(update) == {"assessment_id", "timestamp", "cancelled_reason", "metadata"}
            assert update["metadata"] == []
        # Name, address, Ashby's candidate id: never sent for the two erased before anything went, and never after
        # the erasure for the third (its earlier events carried its external id, as every event does).
        _nothing_of(scheduled_who, receiver, ashby, (0, 0))
        _nothing_of(pending_who, receiver, ashby, (0, 0))
        _nothing_of(graded_who, receiver, ashby, graded_erased_at)
        # The notices outlive the session's delete; the rest of its log went with it.
        cur = await db.execute(
            "select event_type from webhook_deliveries where session_id = any(%s)",
            ([scheduled, pending, graded],),
        )
        assert {r["event_type"] for r in await cur.fetchall()} == {"session.erased"}

        async def all_delivered() -> bool:
            # The fake Ashby has each update; the worker records the attempt once the answer is back (CI53e).
            cur = await db.execute(
                "select kind, status from ats_callbacks where session_id = any(%s)",
                ([scheduled, pending, graded],),
            )
            return [(r["kind"], r["status"]) for r in await cur.fetchall()] == [("erased", "delivered")] * 3

        await wait_until(all_delivered, what="the three erased calls recorded delivered")
        # The organisation's call log lists them (the session's own log is gone with it: 404).
        r = await api_server.client.get("/v1/ats-callbacks", headers=api_server.org_headers())
        assert r.status_code == 200, r.text
        listed = {c["session_id"] for c in r.json()["data"] if c["kind"] == "erased"}
        assert listed == {scheduled, pending, graded}


async def test_an_erasure_racing_a_request_in_flight_is_told_after_it_without_waiting_for_its_retry(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """The receivers fail the request in flight when the erasure commits: its retry (a minute away) is never made,
    and the erasure's notice follows at once, on the session's lock, after it."""
    release = asyncio.Event()

    def respond(n: int, d: Delivery) -> Answer:
        if d.type == "session.scheduled":
            return Answer(status=500, until_set=release, delay_s=30)
        return Answer()

    who = _who("Dorothea")
    async with fake_ashby() as ashby, webhook_receiver(respond=respond) as receiver:
        await _ashby_key(api_server, ashby)
        await create_endpoint(api_server, receiver.url, [*ALL_TYPES])
        ashby.hang_until = release
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_ASHBY_BASE_URL=ashby.url,
            SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="60,60",
        )
        session_id = await _start(ashby, who)
        r = await api_server.client.post(
            f"/v1/sessions/{session_id}/cancel", headers=api_server.org_headers()
        )
        assert r.status_code == 200, r.text  # Ashby's cancelled update queued

        async def both_in_flight() -> bool:
            return receiver.in_flight == 1 and ashby.in_flight == 1

        await wait_until(both_in_flight, what="the webhook and the Ashby update in flight")
        erased_at = (len(receiver.deliveries), len(ashby.updates))
        await _erase(api_server, session_id)
        ashby.fail_updates = 1  # the held update is answered 503: a retry a minute away
        release.set()

        async def told() -> bool:
            return bool(_events_of(receiver, session_id)) and any(
                _is_erased_update(u) for u in _updates_of(ashby, session_id)
            )

        await wait_until(told, what="the erasure's notices", within_s=20)
        types = [d.type for d in receiver.deliveries if d.payload["data"]["session_id"] == session_id]
        assert types == ["session.scheduled", "session.erased"], types  # the failed one first, never again
        bodies = [u.body for u in ashby.updates if u.body is not None]
        assert _is_erased_update(bodies[-1]) and not any(_is_erased_update(b) for b in bodies[:-1])
        _nothing_of(who, receiver, ashby, erased_at)


async def test_an_erasure_is_not_held_back_by_a_retry_its_session_was_waiting_for(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """A delivery and an Ashby call of the session failed and wait a minute for their retry when it is erased: the
    notices go at once (the waiting jobs, whose rows are gone, are cancelled), never behind the retry."""

    def respond(n: int, d: Delivery) -> Answer:
        return Answer(status=500) if d.type == "session.scheduled" else Answer()

    who = _who("Evangeline")
    async with fake_ashby() as ashby, webhook_receiver(respond=respond) as receiver:
        await _ashby_key(api_server, ashby)
        await create_endpoint(api_server, receiver.url, [*ALL_TYPES])
        ashby.fail_updates = 1
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_ASHBY_BASE_URL=ashby.url,
            SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="60,60",
        )
        session_id = await _start(ashby, who)
        r = await api_server.client.post(
            f"/v1/sessions/{session_id}/cancel", headers=api_server.org_headers()
        )
        assert r.status_code == 200, r.text

        async def both_waiting() -> bool:
            cur = await db.execute(
                """
                select (select count(*) from webhook_deliveries where session_id = %(s)s and attempts = 1
                          and status = 'pending' and event_type = 'session.scheduled') as deliveries,
                       (select count(*) from ats_callbacks where session_id = %(s)s and attempts = 1
                          and status = 'pending') as calls
                """,
                {"s": session_id},
            )
            row = await cur.fetchone()
            return bool(row and row["deliveries"] == 1 and row["calls"] == 1)

        await wait_until(both_waiting, what="a delivery and an Ashby call waiting for their retry")
        erased_at = (len(receiver.deliveries), len(ashby.updates))
        await _erase(api_server, session_id)

        async def told() -> bool:
            return any(d.type == "session.erased" for d in _events_of(receiver, session_id)) and any(
                _is_erased_update(u) for u in _updates_of(ashby, session_id)
            )

        await wait_until(told, what="the erasure's notices", within_s=20)
        types = [d.type for d in receiver.deliveries if d.payload["data"]["session_id"] == session_id]
        assert types[-1] == "session.erased" and "session.erased" not in types[:-1], types
        _nothing_of(who, receiver, ashby, erased_at)


async def test_an_api_scheduled_sessions_erasure_tells_the_receivers_and_no_ats(
    api_server: ApiServer, db: Conn
) -> None:
    """No worker: what the erasure queues. A session no ATS ordered gets `session.erased` only (an endpoint not
    subscribed to it, none), and no ATS call."""
    subscribed = await create_endpoint(api_server, "http://127.0.0.1:9/hooks", ["session.erased"])
    await create_endpoint(api_server, "http://127.0.0.1:9/other", ["session.scheduled"])
    created = await api_server.create_session()
    await _erase(api_server, created["id"])
    cur = await db.execute(
        "select endpoint_id, event_type, payload from webhook_deliveries where session_id = %s",
        (created["id"],),
    )
    rows = await cur.fetchall()
    assert [(str(r["endpoint_id"]), r["event_type"]) for r in rows] == [(subscribed["id"], "session.erased")]
    assert set(rows[0]["payload"]["data"]) == {"session_id", "erased_at"}
    assert "Ada" not in str(rows[0]["payload"]) and "ada@example.com" not in str(rows[0]["payload"])
    cur = await db.execute("select count(*) as n from ats_callbacks where session_id = %s", (created["id"],))
    assert (await cur.fetchone() or {"n": -1})["n"] == 0
