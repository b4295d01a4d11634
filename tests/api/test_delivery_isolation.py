"""Slow or hostile receivers cannot hold the worker: a real `shadows worker`, webhook endpoints and an Ashby on
loopback that accept every request and hang until the sender's timeout, and the work that must go on meanwhile
(grading, another organisation's delivery); then the receivers recover and every delayed call goes."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import orgs_repo, outbound_leases_repo
from api.integrations.callbacks import deliver_ats_callback
from api.jobs.lanes import DELIVERY_QUEUES, plan_lanes
from api.jobs.settings import WorkerSettings
from api.settings import ApiSettings
from api.webhooks.delivery import deliver_webhook
from tests.api.ashby_support import connect_ashby, start_assessment
from tests.api.grading_support import complete, interview, start_worker_cli, version_status, wait_until
from tests.api.integration_support import create_endpoint, delivery_worker, simulate_interview
from tests.conftest import ApiServer, StartWorker, free_port
from tests.fakes.ashby import fake_ashby
from tests.fakes.smtp import SmtpSink, with_mail_server
from tests.fakes.webhook_receiver import Answer, Delivery, webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]
TIMEOUT_S = 30.0  # the sender's timeout of one request (the most the settings allow)
# A hanging receiver holds each request until it recovers, or this long at most (then 503): always less than the
# sender's timeout, so a request it counts in flight is one the sender still holds a slot for.
HANG_S = 25.0
ORG_CAP = 2
ASHBY_API_KEY = "ashby-customer-key-7f3a"
ADA = {"ashby_id": "cand-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


def test_delivery_jobs_run_in_the_delivery_lane_and_every_queue_in_exactly_one_lane() -> None:
    assert {deliver_webhook.queue, deliver_ats_callback.queue} == set(DELIVERY_QUEUES)
    settings = WorkerSettings(concurrency=4, delivery_concurrency=8, queues="")
    every = plan_lanes(["grading", "webhooks", "integrations", "email", "maintenance"], settings)
    assert [(lane.name, lane.queues) for lane in every] == [
        ("jobs", ("builtin", "email", "grading", "maintenance")),
        ("deliveries", ("webhooks", "integrations")),
    ]
    assert [lane.concurrency for lane in every] == [4, 8]
    only = plan_lanes(["grading", "webhooks"], settings.model_copy(update={"queues": "artifacts"}))
    assert [(lane.name, lane.queues) for lane in only] == [("jobs", ("artifacts",))]


def test_a_worker_whose_delivery_lane_one_organisation_could_fill_exits_1_naming_both(tmp_path: Path) -> None:
    proc = start_worker_cli(
        tmp_path,
        "postgresql://127.0.0.1:9/none",  # refused before any connection
        SHADOWS_API_OUTBOUND_MAX_CONCURRENCY_PER_ORGANIZATION="4",
        SHADOWS_WORKER_DELIVERY_CONCURRENCY="4",
    )
    assert proc.returncode == 1
    assert "OUTBOUND_MAX_CONCURRENCY_PER_ORGANIZATION" in proc.stderr
    assert "SHADOWS_WORKER_DELIVERY_CONCURRENCY" in proc.stderr


async def test_a_call_takes_a_slot_of_its_receiver_and_of_its_organisation_or_none(db: Conn) -> None:
    (a, _), (b, _) = await orgs_repo.create_org(db, "a"), await orgs_repo.create_org(db, "b")
    ep1, ep2 = outbound_leases_repo.webhook_target(uuid4()), outbound_leases_repo.webhook_target(uuid4())
    ashby = outbound_leases_repo.ats_target("ashby")

    async def take(o: UUID, target: str, holder: UUID, ttl_s: float = 40) -> str:
        return await outbound_leases_repo.acquire(
            db, o, target, holder, target_cap=2, organization_cap=3, ttl_s=ttl_s
        )

    holders = [uuid4() for _ in range(5)]
    assert [await take(a, ep1, h) for h in holders[:3]] == ["taken", "taken", "target_busy"]
    assert await take(a, ep1, holders[0]) == "taken"  # a holder renews its own slot, never a second one
    assert await take(a, ashby, holders[3]) == "taken"  # the organisation's third
    assert await take(a, ep2, holders[4]) == "organization_busy"  # its endpoints and its ATS together
    assert await take(b, ep1, uuid4()) == "taken"  # another organisation has slots of its own
    await outbound_leases_repo.release(db, a, ashby, holders[3])
    assert await take(a, ep2, holders[4], ttl_s=0) == "taken"
    assert await take(a, ashby, uuid4()) == "taken"  # an expired lease (a crashed worker's) frees its slot


async def test_hanging_receivers_hold_neither_grading_nor_other_organisations_and_lose_nothing(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # Before: deliveries and grading shared the worker's slots, oldest job first, and one organisation's endpoints
    # had no cap together (4 per endpoint, the worker's whole concurrency). Four hanging endpoints held every slot
    # until their retries ran out; grading and other organisations waited behind them.
    recovered = asyncio.Event()

    def hang(n: int, d: Delivery) -> Answer:
        return Answer(until_set=recovered, delay_s=HANG_S)

    async with (
        webhook_receiver(respond=hang) as hostile,
        webhook_receiver() as calm_receiver,
        fake_ashby() as ashby,
    ):
        await connect_ashby(api_server, ashby, ASHBY_API_KEY, takes=ASHBY_API_KEY)
        ashby.hang_until, ashby.hang_s = recovered, HANG_S
        hostile_eps = [await create_endpoint(api_server, hostile.url) for _ in range(4)]
        for _ in range(2):
            await api_server.create_session()  # session.scheduled, to each of the four endpoints
        await simulate_interview(api_server, await start_assessment(ashby, ADA))  # a Started update
        graded = await interview(api_server)
        _, calm_key = await api_server.create_org("calm")
        calm_ep = await create_endpoint(api_server, calm_receiver.url, ["session.scheduled"], key=calm_key)

        port = free_port()
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_ASHBY_BASE_URL=ashby.url,
            SHADOWS_API_WEBHOOK_TIMEOUT_S=str(TIMEOUT_S),
            SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.3,0.5,1,1,1,1,1,1",
            SHADOWS_API_OUTBOUND_MAX_CONCURRENCY_PER_ORGANIZATION=str(ORG_CAP),
            SHADOWS_WORKER_DELIVERY_CONCURRENCY="3",
            SHADOWS_WORKER_METRICS_PORT=str(port),
        )

        async def saturated() -> bool:
            return hostile.in_flight + ashby.in_flight >= ORG_CAP

        await wait_until(saturated, within_s=30, what="the hanging receivers to hold requests")
        most = [0]

        async def sample() -> (
            None
        ):  # the hanging organisation's requests in flight, webhooks and Ashby together
            while True:
                most[0] = max(most[0], hostile.in_flight + ashby.in_flight)
                await asyncio.sleep(0.005)

        async def graded_done() -> bool:
            return await version_status(db, graded["id"], 1) == "ready"

        async def calm_done() -> bool:
            return bool(calm_receiver.succeeded())

        def hanging_answered() -> int:
            """The hanging organisation's requests that have ended (answered, or given up on) so far."""
            return len(hostile.answers) + len(ashby.updates)

        sampler = asyncio.create_task(sample())
        try:
            await complete(api_server, graded["id"])
            await api_server.create_session(key=calm_key)
            await wait_until(graded_done, within_s=20, what="grading behind the hanging receivers")
            answered_when_graded = hanging_answered()
            await wait_until(calm_done, within_s=20, what="the other organisation's delivery")
            answered_when_calm_delivered = hanging_answered()
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
        # Neither waited for a slot: both were done while every request the hanging receivers took was still held
        # (none ends before the receivers recover or give up, 25 s on), not merely soon after one ended.
        assert (answered_when_graded, answered_when_calm_delivered) == (0, 0)
        assert (
            hostile.in_flight + ashby.in_flight >= ORG_CAP
        )  # still held: the organisation's slots stayed full
        # The hanging organisation never held more than its cap of requests, webhooks and Ashby together.
        assert most[0] <= ORG_CAP and hostile.max_in_flight <= ORG_CAP and ashby.max_in_flight <= ORG_CAP

        recovered.set()  # the receivers answer at once from now on

        async def all_settled() -> list[tuple[str, str]] | None:
            cur = await db.execute(
                "select 'webhook' as kind, status from webhook_deliveries "
                "union all select 'ats', status from ats_callbacks"
            )
            rows = [(r["kind"], r["status"]) for r in await cur.fetchall()]
            return None if any(status == "pending" for _, status in rows) else rows

        settled = await wait_until(all_settled, within_s=60, what="every delayed call to go")
        async with httpx.AsyncClient(timeout=10) as client:
            metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text

    assert settled and all(status == "delivered" for _, status in settled), settled  # nothing lost or failed
    assert ("ats", "delivered") in settled
    cur = await db.execute(
        "select endpoint_id::text as ep, count(*) as n from webhook_deliveries group by 1 order by 1"
    )
    per_endpoint = {r["ep"]: r["n"] for r in await cur.fetchall()}
    assert all(per_endpoint[ep["id"]] >= 3 for ep in hostile_eps)  # every hostile delivery is in `settled`
    assert per_endpoint[calm_ep["id"]] == 1
    deferred = sum(
        float(m)
        for m in re.findall(r"^shadows_outbound_deferred_total\{[^}]*\} ([0-9.e+-]+)$", metrics, re.M)
    )
    assert deferred > 0  # the waiting was counted for operators
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs where status in ('todo', 'doing', 'failed')"
        " and task_name in ('deliver_webhook', 'deliver_ats_callback')"
    )
    assert (await cur.fetchone()) == {"n": 0}


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    # With a mail server, as deployed: without one, each Ashby assessment's first update says its invite was not
    # e-mailed (api.integrations.assessments), ahead of the calls this file is about.
    return with_mail_server(api_settings, smtp.url)
