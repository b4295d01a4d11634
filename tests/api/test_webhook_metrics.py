"""Webhook delivery metrics on a real `shadows worker`'s metrics port: every attempt counts, failures by reason, and
`exhausted` once a delivery has no retry left (what the ShadowsWebhook* alerts are computed from). Deliveries that
end failed unsent because their endpoint was disabled count as `endpoint_disabled` (one attempt run in this process,
against its own counters)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from uuid import UUID

import httpx
import psycopg
from cryptography.fernet import Fernet
from prometheus_client import REGISTRY
from psycopg.rows import DictRow

from api.webhooks.delivery import _attempt
from api.webhooks.schedule import RetryLater
from tests.api.grading_support import wait_until
from tests.api.integration_support import create_endpoint, delivery_rows, delivery_worker
from tests.conftest import ApiServer, StartWorker, free_port
from tests.fakes.webhook_receiver import Answer, Delivery, webhook_receiver


def _value(text: str, name: str, labels: str) -> float:
    m = re.search(re.escape(f"{name}{{{labels}}}") + r" ([0-9.e+-]+)$", text, re.MULTILINE)
    assert m, (name, labels)
    return float(m.group(1))


async def test_attempts_failures_and_exhausted_deliveries_are_counted_on_the_workers_port(
    api_server: ApiServer, start_worker: StartWorker, tmp_path: Path
) -> None:
    def respond(n: int, d: Delivery) -> Answer:
        return Answer(status=200 if d.type == "session.started" else 500)  # scheduled never gets through

    async with webhook_receiver(respond=respond) as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled", "session.started"])
        receiver.secrets = [ep["secret"]]
        s = await api_server.create_session()
        r = await api_server.agent_start(s)
        assert r.status_code == 200
        port = free_port()
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.2,0.2",
            SHADOWS_WORKER_METRICS_PORT=str(port),
        )

        async def scraped() -> str | None:
            async with httpx.AsyncClient(timeout=10) as client:
                text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            done = 'shadows_webhook_delivery_failures_total{reason="exhausted"} 1.0' in text
            return text if done and 'outcome="delivered"} 1.0' in text else None

        text = await wait_until(scraped, within_s=90, what="the exhausted delivery and the delivered one")
    # scheduled: 3 attempts (first + 2 retries), all 500, then given up; started: delivered once.
    assert _value(text, "shadows_webhook_deliveries_total", 'outcome="failed"') == 3
    assert _value(text, "shadows_webhook_deliveries_total", 'outcome="delivered"') == 1
    assert _value(text, "shadows_webhook_delivery_failures_total", 'reason="status"') == 3
    assert _value(text, "shadows_webhook_delivery_failures_total", 'reason="timeout"') == 0
    assert _value(text, "shadows_webhook_delivery_failures_total", 'reason="exhausted"') == 1


async def test_a_delivery_failed_without_a_request_counts_as_exhausted(
    api_server: ApiServer, start_worker: StartWorker, tmp_path: Path
) -> None:
    # A worker whose SHADOWS_API_SEALING_KEYS lost the key that sealed an endpoint's secret cannot sign: the
    # delivery ends failed (`secret_unreadable`) without a request. It counted in no metric, so no alert said
    # that every webhook of the organisation was being dropped.
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        await api_server.create_session()
        port = free_port()
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_SEALING_KEYS=Fernet.generate_key().decode(),
            SHADOWS_WORKER_METRICS_PORT=str(port),
        )

        async def scraped() -> str | None:
            async with httpx.AsyncClient(timeout=10) as client:
                text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            return text if 'shadows_webhook_delivery_failures_total{reason="exhausted"} 1.0' in text else None

        text = await wait_until(scraped, within_s=60, what="the unsendable delivery counted")
        r = await api_server.client.get(
            f"/v1/webhook-endpoints/{ep['id']}/deliveries", headers=api_server.org_headers()
        )
        assert [(d["status"], d["last_error"]) for d in r.json()["data"]] == [("failed", "secret_unreadable")]
        assert receiver.deliveries == []
    assert _value(text, "shadows_webhook_deliveries_total", 'outcome="failed"') == 0  # no attempt was made


def _failures(reason: str) -> float:
    value = REGISTRY.get_sample_value("shadows_webhook_delivery_failures_total", {"reason": reason})
    assert value is not None, reason
    return value


def _counts() -> dict[str, float]:
    return {r: _failures(r) for r in ("status", "timeout", "connection", "exhausted", "endpoint_disabled")}


async def test_deliveries_failed_by_a_disabled_endpoint_are_counted_apart_from_attempts(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    # An organisation disabled its endpoint with deliveries pending: each job then failed its delivery unsent
    # (`endpoint_disabled`) and counted in no metric, so no signal showed the events an ATS never got.
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        for _ in range(2):
            await api_server.create_session()
        r = await api_server.client.patch(
            f"/v1/webhook-endpoints/{ep['id']}", json={"enabled": False}, headers=api_server.org_headers()
        )
        assert r.status_code == 200, r.text
        before = _counts()
        rows = await delivery_rows(db, ep["id"])
        for _ in range(2):  # a job run twice (a worker that died after the first) counts its delivery once
            for row in rows:
                await _attempt(api_server.settings, api_server.app.state.pool, UUID(str(row["id"])), 1)
        assert receiver.deliveries == []
    after = _counts()
    assert [(d["status"], d["last_error"]) for d in await delivery_rows(db, ep["id"])] == [
        ("failed", "endpoint_disabled")
    ] * 2
    assert after == {**before, "endpoint_disabled": before["endpoint_disabled"] + 2}


async def test_a_410_counts_its_own_delivery_exhausted_and_each_pending_one_it_failed_as_endpoint_disabled(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    # A 410 Gone disables the endpoint and fails everything it had pending in one statement, with no job to count
    # them: three sessions' deliveries went, one counted (`exhausted`) and two in no metric.
    async with webhook_receiver(respond=lambda n, d: Answer(status=410)) as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["session.scheduled"])
        for _ in range(3):
            await api_server.create_session()
        rows = await delivery_rows(db, ep["id"])
        before = _counts()
        await _attempt(api_server.settings, api_server.app.state.pool, UUID(str(rows[0]["id"])), 1)
        assert len(receiver.deliveries) == 1
    after = _counts()
    assert [
        (d["status"], d["last_status_code"], d["last_error"]) for d in await delivery_rows(db, ep["id"])
    ] == [
        ("failed", 410, "http_status"),
        ("failed", None, "endpoint_disabled"),
        ("failed", None, "endpoint_disabled"),
    ]
    assert after == {
        **before,
        "status": before["status"] + 1,
        "exhausted": before["exhausted"] + 1,
        "endpoint_disabled": before["endpoint_disabled"] + 2,
    }


async def _retire_mid_request(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow], retire: str, answer: int
) -> tuple[dict[str, float], dict[str, float], list[Delivery], list[tuple[object, ...]]]:
    """One delivery whose request is in flight (held by the receiver) when its endpoint is retired (`disable`,
    `delete`, or `move` to another receiver); the receiver then answers `answer`. The failure counters before and
    after, what each receiver got, and the delivery's log row(s) after the attempt."""
    release = asyncio.Event()
    attempts = lambda: REGISTRY.get_sample_value(  # noqa: E731  # a one-line read beside the counters
        "shadows_webhook_deliveries_total", {"outcome": "delivered"}
    )

    def held(n: int, d: Delivery) -> Answer:
        return Answer(status=answer, until_set=release, delay_s=20, gave_up_status=answer)

    async with webhook_receiver(respond=held) as old, webhook_receiver() as new:
        ep = await create_endpoint(api_server, old.url, ["session.scheduled"])
        await api_server.create_session()
        (row,) = await delivery_rows(db, ep["id"])
        before = {**_counts(), "delivered": attempts() or 0.0}
        job = asyncio.create_task(
            _attempt(api_server.settings, api_server.app.state.pool, UUID(str(row["id"])), 1)
        )
        new.secrets = [ep["secret"]]

        async def in_flight() -> bool:
            return old.in_flight == 1

        await wait_until(in_flight, what="the delivery's request in flight")
        path, headers = f"/v1/webhook-endpoints/{ep['id']}", api_server.org_headers()
        if retire == "disable":
            r = await api_server.client.patch(path, json={"enabled": False}, headers=headers)
        elif retire == "delete":
            r = await api_server.client.delete(path, headers=headers)
        else:
            r = await api_server.client.patch(path, json={"url": new.url}, headers=headers)
        assert r.status_code in (200, 204), r.text
        release.set()
        pool, did = api_server.app.state.pool, UUID(str(row["id"]))
        try:
            await job
        except RetryLater:  # the job's retry on the schedule: run it now, as the worker would
            assert retire == "move"
            await _attempt(api_server.settings, pool, did, 2)
        rows = [
            (d["status"], d["attempts"], d["last_status_code"], d["last_error"])
            for d in await delivery_rows(db, ep["id"])
        ]
        after = {**_counts(), "delivered": attempts() or 0.0}
        return before, after, [*old.deliveries, *new.deliveries], rows


async def test_a_2xx_from_an_endpoint_disabled_mid_request_is_not_delivered_and_counts_once_as_disabled(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    # The organisation disabled its endpoint while a delivery's request was in flight; the retired receiver still
    # answered 200. The delivery was recorded `delivered` and counted delivered, as if the endpoint had taken an
    # event after its owner turned it off. It ends failed (`endpoint_disabled`, the answer kept, replayable once
    # enabled), counted as one attempt that failed and one delivery dropped as disabled: never `exhausted`.
    before, after, sent, rows = await _retire_mid_request(api_server, db, "disable", 200)
    assert len(sent) == 1  # the request was already under way: it is not stopped
    assert rows == [("failed", 1, 200, "endpoint_disabled")]
    assert after == {**before, "endpoint_disabled": before["endpoint_disabled"] + 1}


async def test_an_endpoint_deleted_mid_request_counts_no_delivery(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    # Deleted with its log while the request was in flight: the 204 of the receiver it had was counted delivered.
    before, after, sent, rows = await _retire_mid_request(api_server, db, "delete", 204)
    assert len(sent) == 1 and rows == []
    assert after == before  # not delivered, and no failure the alerts read: its owner deleted it


async def test_a_2xx_from_the_receiver_an_endpoint_moved_away_from_is_tried_again_at_the_new_one(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    # The organisation gave the endpoint a new URL while a delivery was in flight to the old one, which answered
    # 200: the delivery was `delivered` and the new receiver never got the event. The old receiver's answer is not
    # the endpoint's: the delivery stays pending (`endpoint_moved`), and its next attempt takes it to the new URL.
    before, after, sent, rows = await _retire_mid_request(api_server, db, "move", 200)
    assert [d.n for d in sent] == [1, 1]  # one request to each receiver
    assert sent[1].verified_with == [0] and sent[0].message_id == sent[1].message_id
    assert rows == [("delivered", 2, 200, None)]
    assert after == {**before, "status": before["status"] + 1, "delivered": before["delivered"] + 1}
