"""Webhook delivery end to end: the real API, a real `shadows worker`, and receivers on loopback that verify every
delivery with the Standard Webhooks library. Deadlines here are generous: they bound what must happen, never how
fast; ordering and counts are what the tests assert."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow

from api import share_links
from api.db import events_repo
from tests.api.grading_support import complete, interview, wait_until
from tests.api.integration_support import (
    create_endpoint,
    delivery_rows,
    delivery_worker,
    document_example,
    log_of,
)
from tests.conftest import ApiServer, StartWorker
from tests.fakes.webhook_receiver import Answer, Delivery, webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]


def _types(deliveries: list[Delivery]) -> list[str]:
    return [d.type for d in deliveries]


_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
SENT_FORM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")  # api/timestamps.py


def times_in(value: Any) -> list[str]:
    """Every string in ``value`` (a payload) that reads as a date and time. A rubric's version is an opaque label
    (a custom question's is the time it was last edited), not a time the payload tells."""
    if isinstance(value, dict):
        return [t for k, v in value.items() if k != "rubric_version" for t in times_in(v)]
    if isinstance(value, list):
        return [t for v in value for t in times_in(v)]
    return [value] if isinstance(value, str) and _TIME.match(value) else []


async def test_a_sessions_events_arrive_signed_in_order_with_ids_metadata_and_a_report_link(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url)
        receiver.secrets = [ep["secret"]]
        delivery_worker(start_worker, api_server, tmp_path)
        s = await interview(api_server)  # scheduled, agreed to by the candidate, then started by the agent
        await events_repo.append_events(
            db,
            s["id"],
            [
                events_repo.EventIn(
                    "page:accommodation:1",
                    "accommodation_request",
                    {"kind": "accommodation", "message": "Captions"},
                ),
            ],
        )
        await complete(api_server, s["id"])
        await wait_until(lambda: _has(receiver, "scorecard.ready"), what="scorecard.ready delivered")
        await wait_until(lambda: _final(api_server, ep["id"]), what="every delivery recorded")

    expected = [
        "session.scheduled",
        "session.consent_given",
        "session.started",
        "session.accommodation_requested",
        "session.completed",
        "scorecard.ready",
    ]
    assert _types(receiver.deliveries) == expected
    assert all(d.verified_with == [0] for d in receiver.deliveries)  # every one verifies with the library
    assert len({d.message_id for d in receiver.deliveries}) == len(expected)
    for d in receiver.deliveries:
        assert d.headers["content-type"] == "application/json"
        assert abs(int(d.headers["webhook-timestamp"]) - time.time()) < 600
        assert d.payload["data"]["session_id"] == s["id"]
        assert d.payload["data"]["metadata"] == {}
        assert d.payload["data"]["candidate"] == {"external_id": None}

    ready = receiver.deliveries[-1].payload["data"]
    card = ready["scorecard"]
    # The fake grader scores the dimensions 3, 4, 2, 3: overall 3.00, which maps to 67 of 100.
    assert (card["status"], card["recommendation"], card["overall_score"], card["score"]) == (
        "ready",
        "hire",
        3.0,
        67,
    )
    assert card["dimensions"] == {"problem_solving": 3, "coding": 4, "verification": 2, "communication": 3}
    assert card["version"] == 1 and card["needs_human_review"] is False
    assert ready["report_url"].startswith(f"{api_server.url}/v1/reports/shr_")
    opened = await share_links.verify(db, api_server.settings, ready["report_url"].rsplit("/", 1)[1])
    assert opened.session_id == s["id"]  # the signed share link opens this session's report

    log = await log_of(api_server, ep["id"])
    assert [(d["event_type"], d["status"], d["attempts"], d["last_status_code"]) for d in reversed(log)] == [
        (t, "delivered", 1, 200) for t in expected
    ]
    document_example("session.completed", receiver.deliveries[4].payload)
    document_example("scorecard.ready", receiver.deliveries[5].payload)
    document_example("session.consent_given", receiver.deliveries[1].payload)
    document_example("session.accommodation_requested", receiver.deliveries[3].payload)
    document_example(
        "webhook.headers",
        {
            k: receiver.deliveries[0].headers[k]
            for k in ("webhook-id", "webhook-timestamp", "webhook-signature")
        },
    )


async def _has(receiver: Any, event_type: str) -> bool:
    return any(d.type == event_type for d in receiver.succeeded())


async def test_a_receiver_failing_twice_gets_one_success_after_the_retries_and_nothing_out_of_order(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    def respond(n: int, d: Delivery) -> Answer:
        return Answer(status=503 if n <= 2 else 200)

    async with webhook_receiver(respond=respond) as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled", "session.started"])
        receiver.secrets = [ep["secret"]]
        s = await api_server.create_session(metadata={"application_id": "A-1"})
        r = await api_server.agent_start(s)
        assert r.status_code == 200
        delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.5,0.5,0.5")
        await wait_until(lambda: _has(receiver, "session.started"), what="session.started delivered")
        await wait_until(lambda: _final(api_server, ep["id"]), what="both deliveries recorded")

    # scheduled failed twice and succeeded on its third attempt; started waited behind it the whole time.
    assert _types(receiver.deliveries) == ["session.scheduled"] * 3 + ["session.started"]
    assert receiver.answers == [503, 503, 200, 200]
    first = receiver.deliveries[:3]
    assert len({d.message_id for d in first}) == 1  # a stable webhook-id across retries
    assert len({d.body for d in first}) == 1  # the same bytes each time
    assert all(d.verified_with == [0] for d in receiver.deliveries)
    gaps = [b.received_at - a.received_at for a, b in itertools.pairwise(first)]
    assert all(g >= 0.45 for g in gaps), gaps  # never earlier than the schedule (0.5 s, jitter -10%)
    log = {d["event_type"]: d for d in await log_of(api_server, ep["id"])}
    assert (log["session.scheduled"]["status"], log["session.scheduled"]["attempts"]) == ("delivered", 3)
    assert log["session.scheduled"]["last_status_code"] == 200 and log["session.scheduled"]["delivered_at"]
    assert (log["session.started"]["status"], log["session.started"]["attempts"]) == ("delivered", 1)


async def test_a_410_disables_the_endpoint_and_replay_sends_again_once_re_enabled(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    gone = True

    def respond(n: int, d: Delivery) -> Answer:
        return Answer(status=410 if gone else 204)

    async with webhook_receiver(respond=respond) as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled", "session.started"])
        receiver.secrets = [ep["secret"]]
        delivery_worker(start_worker, api_server, tmp_path)
        s = await api_server.create_session()
        await wait_until(lambda: _endpoint_disabled(api_server, ep["id"]), what="endpoint disabled")
        endpoint = (
            await api_server.client.get(f"/v1/webhook-endpoints/{ep['id']}", headers=api_server.org_headers())
        ).json()
        assert (endpoint["enabled"], endpoint["disabled_reason"]) == (False, "gone")
        await api_server.agent_start(s)
        assert [r["event_type"] for r in await delivery_rows(db, ep["id"])] == [
            "session.scheduled"
        ]  # nothing new
        (failed,) = await log_of(api_server, ep["id"])
        assert (failed["status"], failed["attempts"], failed["last_status_code"]) == ("failed", 1, 410)
        refused = await api_server.client.post(
            f"/v1/webhook-endpoints/{ep['id']}/deliveries/{failed['id']}/replay",
            headers=api_server.org_headers(),
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "endpoint_disabled")

        gone = False
        await api_server.client.patch(
            f"/v1/webhook-endpoints/{ep['id']}", json={"enabled": True}, headers=api_server.org_headers()
        )
        r = await api_server.client.post(
            f"/v1/webhook-endpoints/{ep['id']}/deliveries/{failed['id']}/replay",
            headers=api_server.org_headers(),
        )
        assert r.status_code == 202 and r.json()["status"] == "pending"
        await wait_until(lambda: _replayed(api_server, ep["id"]), what="replayed delivery delivered")

    assert receiver.answers == [410, 204]
    assert receiver.deliveries[0].message_id == receiver.deliveries[1].message_id  # the same event, again
    # ...dated when it happened, not when it was sent again: a receiver orders status events by it, so an old
    # event replayed after newer ones never reads as the newest.
    assert receiver.deliveries[0].payload["timestamp"] == receiver.deliveries[1].payload["timestamp"]
    (done,) = await log_of(api_server, ep["id"])
    assert (done["status"], done["attempts"], done["last_status_code"]) == ("delivered", 2, 204)


async def test_the_answers_of_a_receiver_the_endpoint_moved_away_from_never_disable_or_pause_the_new_one(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # The organisation retires its receiver and gives the endpoint a new URL while two deliveries are in flight to
    # the old one, which answers them as a retired receiver does: 410 Gone, and 429 with a day's Retry-After.
    # Neither is the new receiver's answer: the endpoint stays enabled and unpaused, and both events reach the new
    # receiver on the schedule. Before, the 410 disabled the endpoint (failing what it had pending) and the 429
    # paused the new receiver.
    release = asyncio.Event()

    def retired(n: int, d: Delivery) -> Answer:
        if n == 1:
            return Answer(status=410, until_set=release, delay_s=25, gave_up_status=410)
        return Answer(
            status=429, until_set=release, delay_s=25, gave_up_status=429, headers={"Retry-After": "86400"}
        )

    async with webhook_receiver(respond=retired) as old, webhook_receiver() as new:
        ep = await create_endpoint(api_server, old.url, ["session.scheduled"])
        new.secrets = [ep["secret"]]
        await api_server.create_session()
        await api_server.create_session()
        # The schedule's longest delay bounds a Retry-After: one taken from the old receiver would hold the new one
        # past the wait below. A long request timeout: the old receiver holds both answers until the move.
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.3,0.3,120",
            SHADOWS_API_WEBHOOK_TIMEOUT_S="30",
        )

        async def both_in_flight() -> bool:
            return old.in_flight == 2

        await wait_until(both_in_flight, what="both deliveries in flight to the old receiver")
        r = await api_server.client.patch(
            f"/v1/webhook-endpoints/{ep['id']}", json={"url": new.url}, headers=api_server.org_headers()
        )
        assert r.status_code == 200, r.text
        release.set()

        async def both_at_the_new_one() -> bool:
            return len(new.succeeded()) == 2

        await wait_until(both_at_the_new_one, within_s=30, what="both events at the new receiver")
        await wait_until(lambda: _final(api_server, ep["id"]), what="both deliveries recorded")
    assert sorted(old.answers) == [410, 429]
    assert all(d.verified_with == [0] for d in new.deliveries)
    endpoint = (
        await api_server.client.get(f"/v1/webhook-endpoints/{ep['id']}", headers=api_server.org_headers())
    ).json()
    assert (endpoint["enabled"], endpoint["disabled_reason"]) == (True, None)
    log = await log_of(api_server, ep["id"])
    assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 2), ("delivered", 2)]


async def test_a_new_url_ends_the_wait_the_old_receiver_asked_for_and_the_deliveries_it_put_off_go_at_once(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # The old receiver answers 429 with a day's Retry-After: the endpoint is paused and its deliveries wait (an
    # hour here, the schedule's longest delay; 24 h by default). The organisation moves the endpoint to a new
    # receiver. Before, the pause row went but every delivery kept the old receiver's wait, its job asleep until
    # then: nothing reached the new receiver for that long. Now they go to it at once.
    def busy(n: int, d: Delivery) -> Answer:
        return Answer(status=429, headers={"Retry-After": "86400"})

    async with webhook_receiver(respond=busy) as old, webhook_receiver() as new:
        ep = await create_endpoint(api_server, old.url, ["session.scheduled"])
        new.secrets = [ep["secret"]]
        for _ in range(3):
            await api_server.create_session()
        delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="3600,3600")

        async def all_waiting() -> bool:
            cur = await db.execute(
                """
                select count(*) as n from webhook_deliveries d join procrastinate_jobs j
                  on j.task_name = 'deliver_webhook' and j.args->>'delivery_id' = d.id::text
                where d.endpoint_id = %s and j.status = 'todo' and j.scheduled_at > now() + interval '10 minutes'
                """,
                (ep["id"],),
            )
            row = await cur.fetchone()
            return row is not None and row["n"] == 3

        await wait_until(all_waiting, what="the three deliveries waiting out the old receiver's Retry-After")
        assert 1 <= len(old.answers) <= 2  # two requests in flight at most; the third put off by the pause
        r = await api_server.client.patch(
            f"/v1/webhook-endpoints/{ep['id']}", json={"url": new.url}, headers=api_server.org_headers()
        )
        assert r.status_code == 200, r.text

        async def all_at_the_new_one() -> bool:
            return len(new.succeeded()) == 3

        await wait_until(all_at_the_new_one, within_s=30, what="the three events at the new receiver")
    assert all(d.verified_with == [0] for d in new.deliveries)
    assert [d["status"] for d in await log_of(api_server, ep["id"])] == ["delivered"] * 3


async def _endpoint_disabled(server: ApiServer, endpoint_id: str) -> bool:
    r = await server.client.get(f"/v1/webhook-endpoints/{endpoint_id}", headers=server.org_headers())
    return r.json()["enabled"] is False


async def _replayed(server: ApiServer, endpoint_id: str) -> bool:
    return all(d["status"] == "delivered" for d in await log_of(server, endpoint_id))


async def test_during_rotation_both_secrets_verify_and_after_the_overlap_only_the_new_one(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        rotated = await api_server.client.post(
            f"/v1/webhook-endpoints/{ep['id']}/rotate-secret", headers=api_server.org_headers()
        )
        receiver.secrets = [ep["secret"], rotated.json()["secret"]]
        delivery_worker(start_worker, api_server, tmp_path)
        await api_server.create_session()
        await wait_until(lambda: _count(receiver, 1), what="first delivery")
        # The overlap ends (24 h later, simulated): only the new secret signs.
        await db.execute(
            "update webhook_retired_secrets set expires_at = now() - interval '1 second' where endpoint_id = %s",
            (ep["id"],),
        )
        await api_server.create_session()
        await wait_until(lambda: _count(receiver, 2), what="second delivery")

    during, after = receiver.deliveries
    assert during.verified_with == [0, 1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert after.verified_with == [1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1


async def test_rotating_twice_within_the_overlap_keeps_every_retired_secret_signing(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """Two rotations at once (a double click, two tabs, a retry of a rotation whose answer was lost): the receiver
    still holds the secret it registered with, which the docs promise keeps signing for 24 h after its rotation.
    One previous secret was kept, so the second rotation dropped it at once and every delivery failed to verify."""
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        url = f"/v1/webhook-endpoints/{ep['id']}/rotate-secret"
        first, second = await asyncio.gather(
            *(api_server.client.post(url, headers=api_server.org_headers()) for _ in range(2))
        )
        assert first.status_code == second.status_code == 200
        receiver.secrets = [ep["secret"], first.json()["secret"], second.json()["secret"]]
        delivery_worker(start_worker, api_server, tmp_path)
        await api_server.create_session()
        await wait_until(lambda: _count(receiver, 1), what="the delivery")

    (delivery,) = receiver.deliveries
    assert delivery.verified_with == [0, 1, 2]  # the registered secret, and both new ones
    assert len(delivery.headers["webhook-signature"].split(" ")) == 3
    endpoint = (
        await api_server.client.get(f"/v1/webhook-endpoints/{ep['id']}", headers=api_server.org_headers())
    ).json()
    assert endpoint["previous_secret_expires_at"] is not None


async def _count(receiver: Any, n: int) -> bool:
    return len(receiver.succeeded()) >= n


async def test_redirects_are_not_followed_and_count_as_failures(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with webhook_receiver() as target:

        def respond(n: int, d: Delivery) -> Answer:
            return Answer(status=307, location=target.url)

        async with webhook_receiver(respond=respond) as receiver:
            ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
            delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.2")
            await api_server.create_session()
            await wait_until(lambda: _final(api_server, ep["id"]), what="delivery failed for good")
    assert receiver.answers == [307, 307]  # the first attempt and its one retry
    assert target.deliveries == []
    (d,) = await log_of(api_server, ep["id"])
    assert (d["status"], d["attempts"], d["last_status_code"], d["last_error"]) == (
        "failed",
        2,
        307,
        "http_status",
    )


async def _final(server: ApiServer, endpoint_id: str) -> bool:
    """Every delivery of the endpoint settled. A receiver's answer is not yet a record: the sender writes its attempt
    after the answer reaches it, so a test that reads the log waits for this too."""
    log = await log_of(server, endpoint_id)
    return bool(log) and all(d["status"] != "pending" for d in log)


async def test_a_receivers_answer_with_nul_bytes_is_recorded_without_them(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # The start of a receiver's answer is kept in the delivery log (a text column). A NUL is valid UTF-8 that
    # PostgreSQL text refuses: the attempt could not be recorded, so the delivery stayed pending and went again.
    def respond(n: int, d: Delivery) -> Answer:
        return Answer(status=500, body=b"bad\x00request \xff")

    async with webhook_receiver(respond=respond) as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.2")
        await api_server.create_session()
        await wait_until(lambda: _final(api_server, ep["id"]), what="the delivery given up")
    (d,) = await log_of(api_server, ep["id"])
    assert (d["status"], d["attempts"], d["last_status_code"]) == ("failed", 2, 500)
    assert d["last_response"] == "bad\ufffdrequest \ufffd"
    assert receiver.answers == [500, 500]


async def test_slow_and_endless_receivers_are_bounded_by_the_timeout_and_the_read_cap(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    def slow(n: int, d: Delivery) -> Answer:
        return Answer(delay_s=30)

    def endless(n: int, d: Delivery) -> Answer:
        return Answer(endless=True)

    async with webhook_receiver(respond=slow) as slow_rx, webhook_receiver(respond=endless) as endless_rx:
        slow_ep = await create_endpoint(api_server, slow_rx.url, ["session.scheduled"])
        endless_ep = await create_endpoint(api_server, endless_rx.url, ["session.scheduled"])
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.2",
            SHADOWS_API_WEBHOOK_TIMEOUT_S="1",
        )
        await api_server.create_session()
        await wait_until(lambda: _final(api_server, slow_ep["id"]), what="slow delivery given up")
        await wait_until(lambda: _final(api_server, endless_ep["id"]), what="endless delivery done")
    (slow_d,) = await log_of(api_server, slow_ep["id"])
    assert (slow_d["status"], slow_d["attempts"], slow_d["last_error"]) == ("failed", 2, "timeout")
    (endless_d,) = await log_of(api_server, endless_ep["id"])
    # A 200 whose body never ends: read up to the cap, then the connection is dropped and the delivery counts.
    assert (endless_d["status"], endless_d["attempts"], endless_d["last_status_code"]) == (
        "delivered",
        1,
        200,
    )
    assert endless_d["last_response"] == "x" * 1024


async def test_concurrent_requests_to_one_endpoint_are_capped_across_sessions(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    def slow(n: int, d: Delivery) -> Answer:
        return Answer(
            until_in_flight=3, delay_s=3
        )  # waits for a third request that the cap must never let in

    async with webhook_receiver(respond=slow) as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        for _ in range(5):
            await api_server.create_session()
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_WEBHOOK_MAX_CONCURRENCY_PER_ENDPOINT="2",
            SHADOWS_WORKER_CONCURRENCY="5",
        )
        await wait_until(lambda: _count(receiver, 5), what="five deliveries")
        # Answered is not yet recorded: the sender writes its attempt after the reply reaches it.
        await wait_until(lambda: _final(api_server, ep["id"]), what="five deliveries recorded")
    assert receiver.max_in_flight == 2  # five sessions, five jobs free to run at once, two requests at a time
    log = await log_of(api_server, ep["id"])
    assert [(d["status"], d["attempts"]) for d in log] == [
        ("delivered", 1)
    ] * 5  # waiting for a slot is no attempt


async def test_a_worker_killed_mid_delivery_sends_again_with_the_same_webhook_id(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    def respond(n: int, d: Delivery) -> Answer:
        return Answer(delay_s=5 if n == 1 else 0)

    async with webhook_receiver(respond=respond) as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        receiver.secrets = [ep["secret"]]
        await api_server.create_session()
        first = delivery_worker(start_worker, api_server, tmp_path)
        await wait_until(lambda: _count_any(receiver, 1), what="first attempt under way")
        first.stop(9)  # SIGKILL: no chance to record anything
        delivery_worker(start_worker, api_server, tmp_path)
        # The dead worker's job is requeued once its heartbeat is stale, and sent again.
        await wait_until(lambda: _count_any(receiver, 2), what="the second attempt, by the second worker")
        await wait_until(lambda: _final(api_server, ep["id"]), what="the delivery recorded")
    assert receiver.deliveries[0].message_id == receiver.deliveries[1].message_id
    assert all(d.verified_with == [0] for d in receiver.deliveries)
    (d,) = await log_of(api_server, ep["id"])
    assert (d["status"], d["attempts"]) == ("delivered", 1)  # the killed attempt was never recorded


async def _count_any(receiver: Any, n: int) -> bool:
    return len(receiver.deliveries) >= n


async def test_the_candidates_consent_and_accommodation_request_through_the_page_routes_reach_the_org(
    api_server: ApiServer, db: Conn
) -> None:
    # Through the routes the candidate's page calls (no delivery worker: the outbox rows are what is asserted).
    ep = await create_endpoint(api_server, "https://receiver.example.test/hooks")
    s = await api_server.create_session()
    await api_server.consent(s)
    await api_server.consent(s)  # agreeing again to the same text notifies nobody twice
    asked = await api_server.client.post(
        f"/v1/sessions/{s['id']}/accommodation-requests",
        json={"kind": "accommodation", "message": "Captions, please"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert asked.status_code == 201, asked.text

    rows = [r for r in await delivery_rows(db, ep["id"]) if r["session_id"] == s["id"]]
    assert [r["event_type"] for r in rows] == [
        "session.scheduled",
        "session.consent_given",
        "session.accommodation_requested",
    ]
    consent, accommodation = rows[1]["payload"]["data"], rows[2]["payload"]["data"]
    assert consent["session_id"] == accommodation["session_id"] == s["id"]
    assert all(r["job_queue"] == "webhooks" for r in rows)  # each delivery is a job on the queue
    assert "Captions, please" in str(accommodation)  # the org reads what the candidate asked for
    # One form for every time a payload carries: the consent's and the request's came as `+00:00` beside the
    # envelope's `Z`, and a receiver parsing one form failed on the other.
    times = [t for r in rows for t in times_in(r["payload"])]
    assert len(times) >= 5 and all(SENT_FORM.fullmatch(t) for t in times), times


async def test_a_replayed_scorecard_event_never_pushes_a_revoked_report_link(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["scorecard.ready"])
        receiver.secrets = [ep["secret"]]
        delivery_worker(start_worker, api_server, tmp_path)
        s = await interview(api_server)
        await complete(api_server, s["id"])
        await wait_until(lambda: _has(receiver, "scorecard.ready"), what="scorecard.ready delivered")
        first = receiver.deliveries[0]
        old_token = first.payload["data"]["report_url"].rsplit("/", 1)[1]
        link_id, _ = share_links.check_token(api_server.settings, old_token)
        r = await api_server.client.delete(
            f"/v1/sessions/{s['id']}/share/{link_id}", headers=api_server.org_headers()
        )
        assert r.status_code == 204
        (done,) = await log_of(api_server, ep["id"])
        await wait_until(lambda: _replayed(api_server, ep["id"]), what="the delivery recorded")
        r = await api_server.client.post(
            f"/v1/webhook-endpoints/{ep['id']}/deliveries/{done['id']}/replay",
            headers=api_server.org_headers(),
        )
        assert r.status_code == 202, r.text
        await wait_until(lambda: _count(receiver, 2), what="the replayed delivery")
        await wait_until(lambda: _replayed(api_server, ep["id"]), what="the replay recorded")

    again = receiver.deliveries[1]
    assert again.message_id == first.message_id and again.verified_with == [0]
    new_url = again.payload["data"]["report_url"]
    assert new_url.rsplit("/", 1)[1] != old_token
    assert (await share_links.verify(db, api_server.settings, new_url.rsplit("/", 1)[1])).session_id == s[
        "id"
    ]
    assert {k: v for k, v in again.payload["data"].items() if k != "report_url"} == {
        k: v for k, v in first.payload["data"].items() if k != "report_url"
    }
    (logged,) = await log_of(api_server, ep["id"])
    assert logged["payload"]["data"]["report_url"] == new_url  # the log shows what was sent


async def test_a_delivery_that_crashes_its_job_ends_failed_and_the_sessions_later_events_still_go(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # An error the retry policy does not know (here a stored payload of a shape the code never expected) failed
    # the queue's job and left the delivery `pending` for ever: never tried again, never failed, not counted, and
    # a replay refused as still pending.
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled", "session.started"])
        receiver.secrets = [ep["secret"]]
        s = await api_server.create_session()
        (row,) = await delivery_rows(db, ep["id"])
        await db.execute(
            "update webhook_deliveries set payload = jsonb_set(payload, '{data}', '[]') where id = %s",
            (row["id"],),
        )
        delivery_worker(start_worker, api_server, tmp_path)
        await wait_until(lambda: _final(api_server, ep["id"]), what="the crashed delivery settled")
        (crashed,) = await log_of(api_server, ep["id"])
        assert (crashed["status"], crashed["last_error"]) == ("failed", "internal_error")
        await api_server.agent_start(s)
        await wait_until(lambda: _count(receiver, 1), what="the session's next event delivered")
    assert _types(receiver.deliveries) == ["session.started"]


async def test_a_scorecard_event_sent_after_a_regrade_carries_the_result_that_stands_when_sent(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """Version 1's scorecard.ready failed for good (the receiver was down); a re-grade's version 2 was delivered; the
    organisation then replays version 1's event, as the docs tell it to once its receiver is fixed. Receivers are
    told to show `current_scorecard`: it must be version 2, the result that stands, not the one when the event was
    written, or the replay puts a superseded result back."""
    down = True

    def respond(n: int, d: Delivery) -> Answer:
        return Answer(status=503 if down else 204)

    async with webhook_receiver(respond=respond) as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["scorecard.ready"])
        receiver.secrets = [ep["secret"]]
        delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.2")
        s = await interview(api_server)
        await complete(api_server, s["id"])
        await wait_until(lambda: _final(api_server, ep["id"]), what="version 1's event failed for good")
        (v1,) = await log_of(api_server, ep["id"])
        assert (v1["status"], v1["payload"]["data"]["scorecard"]["version"]) == ("failed", 1)
        down = False
        r = await api_server.client.post(
            f"/v1/sessions/{s['id']}/grade", json={}, headers=api_server.org_headers()
        )
        assert r.status_code == 202, r.text
        await wait_until(lambda: _count(receiver, 1), what="version 2's event delivered")
        await wait_until(lambda: _final(api_server, ep["id"]), what="version 2's delivery recorded")
        r = await api_server.client.post(
            f"/v1/webhook-endpoints/{ep['id']}/deliveries/{v1['id']}/replay", headers=api_server.org_headers()
        )
        assert r.status_code == 202, r.text
        await wait_until(lambda: _count(receiver, 2), what="the replayed delivery")
        await wait_until(lambda: _replayed(api_server, ep["id"]), what="the replay recorded")

    second, replayed = (d.payload["data"] for d in receiver.succeeded())
    assert (second["scorecard"]["version"], second["current_scorecard"]["version"]) == (2, 2)
    assert replayed["scorecard"]["version"] == 1  # the event itself is version 1's
    assert replayed["current_scorecard"] == second["current_scorecard"]  # the result that stands: version 2
    logged = next(d for d in await log_of(api_server, ep["id"]) if d["id"] == v1["id"])
    assert logged["payload"]["data"]["current_scorecard"]["version"] == 2  # the log shows what was sent
    sent = [t for d in (second, replayed) for t in times_in(d)]
    assert sent and all(SENT_FORM.fullmatch(t) for t in sent), sent  # `completed_at` among them
