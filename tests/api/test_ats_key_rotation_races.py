"""An ATS key rotated at each moment of a call back's attempt, ordered explicitly (two connections, no sleeps): the
real attempt (`api.integrations.callbacks._attempt`), the real rotation route on the API's own connections, a fake
Ashby on loopback, and procrastinate's own retry of the job.

- committed after the call was built, before its request: the request goes with the new key, never the old one;
- committed while the request is in flight, answered 2xx: the answer is the old key's (the report link it carried
  is bound to the replaced key, dead with it, and the rotation's hand-over may already have run); the call is not
  settled by it and goes again at once with the new key, handing Ashby a live link;
- committed after the attempt was recorded and before procrastinate wrote the job's retry: the job does not keep
  the wait the old key's 429 earned (a day) while its row says it is due at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import psycopg
import pytest
from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.jobs import Job
from prometheus_client import REGISTRY
from psycopg.rows import DictRow

from api.db import attempts_repo, outbound_leases_repo
from api.db.pool import connection
from api.integrations import callbacks, keys
from api.integrations.profile_links import hand_over_after_rotation
from api.jobs.resources import CONTEXT_KEY, WorkerResources
from api.jobs.worker import LaneWorker
from api.webhooks import delivery as delivery_module
from api.webhooks.schedule import RetryLater
from tests.api.ashby_support import connect_ashby, issue_ashby_key, start_assessment
from tests.api.integration_support import (
    create_endpoint,
    delivery_rows,
    end_interview,
    simulate_interview,
    store_version,
)
from tests.conftest import ApiServer
from tests.fakes.ashby import FakeAshby, fake_ashby
from tests.fakes.webhook_receiver import Answer, webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"ashby_id": "cand-race-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
OLD_ASHBY_KEY = "ashby-OLD-race-41"
NEW_ASHBY_KEY = "ashby-NEW-race-42"
WITHIN_S = 20  # a bound on a step that never comes (a hang), not a timing of anything


@dataclass
class Setup:
    server: ApiServer
    ashby: FakeAshby
    session_id: str

    @property
    def settings(self) -> Any:
        return self.server.settings.model_copy(update={"ashby_base_url": self.ashby.url})

    async def rotate(self) -> None:
        await issue_ashby_key(self.server, NEW_ASHBY_KEY)

    async def call_id(self, db: Conn, kind: str) -> UUID:
        cur = await db.execute(
            "select id from ats_callbacks where session_id = %s and kind = %s", (self.session_id, kind)
        )
        row = await cur.fetchone()
        assert row is not None, kind
        return UUID(str(row["id"]))

    async def attempt(self, cid: UUID) -> None:
        await callbacks._attempt(self.settings, self.server.app.state.pool, cid, [], 1)


@pytest.fixture
async def setup(api_server: ApiServer) -> AsyncIterator[Setup]:
    async with fake_ashby() as ashby:
        await connect_ashby(api_server, ashby, OLD_ASHBY_KEY, takes=OLD_ASHBY_KEY)
        yield Setup(api_server, ashby, await start_assessment(ashby, ADA))


async def _row(db: Conn, cid: UUID) -> dict[str, Any]:
    cur = await db.execute(
        "select status, attempts, last_error, last_status_code from ats_callbacks where id = %s", (cid,)
    )
    row = await cur.fetchone()
    assert row is not None
    return dict(row)


async def _run_job_once(server: ApiServer, settings: Any, task: str, arg: str, row_id: UUID) -> int:
    """Run the row's job once as a lane of `shadows worker` does (procrastinate's own processing: the task, its
    retry decision, the retry written, then ours), its job taken (`doing`) as a fetch takes it. Its id."""
    pool = server.app.state.pool
    async with connection(pool) as conn:
        cur = await conn.execute(
            f"update procrastinate_jobs set status = 'doing' where task_name = %s and args->>'{arg}' = %s"
            " returning *",
            (task, str(row_id)),
        )
        row = await cur.fetchone()
    assert row is not None
    app = App(connector=PsycopgConnector())
    async with app.open_async(pool=pool):
        app.tasks.update(callbacks.queue.tasks)
        resources = WorkerResources(
            settings=settings,
            worker_settings=SimpleNamespace(),  # type: ignore[arg-type]  # not read by the delivery tasks
            pool=pool,
            judge=None,  # type: ignore[arg-type]  # not used
            admission=None,  # type: ignore[arg-type]  # not used
        )
        worker = LaneWorker(lane="delivery", app=app, additional_context={CONTEXT_KEY: resources})
        job = Job.from_row(dict(row))
        await worker._process_job(
            JobContext(
                app=app,
                job=job,
                start_timestamp=time.time(),
                additional_context={CONTEXT_KEY: resources},
                abort_reason=lambda: None,
            )
        )
    assert job.id is not None
    return job.id


async def _opens(server: ApiServer, report_url: str) -> bool:
    r = await server.client.get(report_url.removeprefix(server.settings.public_url.rstrip("/")))
    return r.status_code == 200


async def test_a_rotation_committed_after_the_call_was_built_sends_it_with_the_new_key(
    setup: Setup, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, the key was read once, before the request slot was taken: a rotation committed in between was
    # followed by a request with the replaced Ashby key (refused here, as Ashby would once the customer revoked it).
    cid = await setup.call_id(db, "invite_withheld")
    setup.ashby.customer_api_key = NEW_ASHBY_KEY
    real_take_slot = callbacks.take_slot

    async def rotate_then_take_slot(*args: Any, **kwargs: Any) -> None:
        await setup.rotate()  # the call is built with the old key by now
        await real_take_slot(*args, **kwargs)

    monkeypatch.setattr(callbacks, "take_slot", rotate_then_take_slot)
    await setup.attempt(cid)
    assert [(u.authorized, u.answered) for u in setup.ashby.updates] == [(True, 200)]
    assert (await _row(db, cid))["status"] == "delivered"


async def test_a_2xx_to_a_key_rotated_in_flight_goes_again_at_once_with_the_new_key_and_a_live_link(
    setup: Setup, api_server: ApiServer, db: Conn
) -> None:
    await simulate_interview(api_server, setup.session_id)
    await end_interview(api_server, setup.session_id)
    await store_version(db, api_server, setup.session_id, 1, ready=True)
    cid = await setup.call_id(db, "result")
    ashby = setup.ashby
    ashby.arrived, ashby.hang_until = asyncio.Event(), asyncio.Event()
    attempt = asyncio.create_task(setup.attempt(cid))
    async with asyncio.timeout(WITHIN_S):
        await ashby.arrived.wait()
    await (
        setup.rotate()
    )  # committed while the request (old Ashby key, a link bound to the old key) is in flight
    # The rotation's hand-over runs while the request is still in flight: nothing of this session delivered yet.
    async with connection(api_server.app.state.pool) as conn:
        assert await hand_over_after_rotation(conn, setup.settings, UUID(api_server.org_id), "ashby") == 0
    ashby.hang_until.set()  # Ashby (still taking the old key) answers 200
    with pytest.raises(RetryLater) as retry:
        async with asyncio.timeout(WITHIN_S):
            await attempt
    assert retry.value.delay_s == 0.0
    assert await _row(db, cid) == {
        "status": "pending",
        "attempts": 1,
        "last_error": "key_replaced",
        "last_status_code": 200,
    }

    ashby.hang_until, ashby.customer_api_key = None, NEW_ASHBY_KEY
    await setup.attempt(cid)  # the job's next run, at once
    assert (await _row(db, cid))["status"] == "delivered"
    first, second = (u.body for u in ashby.updates if u.body is not None and u.answered == 200)
    assert first is not None and second is not None
    assert [u.authorized for u in ashby.updates] == [True, True]  # each to the key Ashby took then
    assert not await _opens(api_server, first["assessment_profile_url"]["value"])  # died with the old key
    assert await _opens(api_server, second["assessment_profile_url"]["value"])


@pytest.mark.parametrize("held_by", ["answer", "pause", "pause_stands"])
async def test_a_rotation_just_before_procrastinate_writes_the_retry_brings_the_job_forward(
    setup: Setup, api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch, held_by: str
) -> None:
    # answer: the old Ashby key's budget is spent, 429 with a day's Retry-After; the rotation lands after the attempt
    # was recorded. pause: the integration is paused for a day (an earlier 429), and the job is put off by it; the
    # rotation (which lifts the pause) lands after the job read it. Either way the job is still `doing`, which the
    # rotation's resume does not move, and procrastinate then writes its retry a day away. Before, the job kept
    # that day's wait while its row said it was due at once. pause_stands: no rotation; the pause keeps the job.
    cid = await setup.call_id(db, "invite_withheld")
    if held_by == "answer":
        setup.ashby.limited_key = OLD_ASHBY_KEY
        real_still_there = callbacks.erasure_notices.still_there

        async def rotate_then_still_there(*args: Any, **kwargs: Any) -> bool:
            await setup.rotate()  # the last read of the attempt, after its record committed
            return await real_still_there(*args, **kwargs)

        monkeypatch.setattr(callbacks.erasure_notices, "still_there", rotate_then_still_there)
    else:
        setup.ashby.customer_api_key = NEW_ASHBY_KEY
        await outbound_leases_repo.pause(db, UUID(api_server.org_id), "ats:ashby", 86_400)
        real_paused_for = outbound_leases_repo.paused_for

        async def paused_then_rotate(*args: Any, **kwargs: Any) -> float | None:
            left = await real_paused_for(*args, **kwargs)
            await setup.rotate()  # after the job read the pause
            return left

        if held_by == "pause":
            monkeypatch.setattr(outbound_leases_repo, "paused_for", paused_then_rotate)
    job_id = await _run_job_once(api_server, setup.settings, "deliver_ats_callback", "callback_id", cid)
    assert [u.answered for u in setup.ashby.updates] == ([429] if held_by == "answer" else [])
    assert (await _row(db, cid))["status"] == "pending"
    cur = await db.execute(
        "select status, scheduled_at <= now() + interval '1 second' as due from procrastinate_jobs where id = %s",
        (job_id,),
    )
    assert await cur.fetchone() == {"status": "todo", "due": held_by != "pause_stands"}


async def test_a_webhook_endpoint_moved_just_before_procrastinate_writes_the_retry_brings_the_job_forward(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same race for a webhook endpoint given a new URL (`resume_for_new_url`): the old receiver answered 429
    # with a day's Retry-After, and the PATCH lands after the attempt was recorded, before procrastinate writes the
    # job's retry. Before, the delivery waited the old receiver's day to reach the new one.
    tired = Answer(status=429, headers={"Retry-After": "86400"})
    async with webhook_receiver(respond=lambda n, d: tired) as old, webhook_receiver() as new:
        ep = await create_endpoint(api_server, old.url, ["session.scheduled"])
        r = await api_server.client.post(
            "/v1/sessions",
            json={"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"}, "difficulty": "Easy"},
            headers=api_server.org_headers(),
        )
        assert r.status_code == 201, r.text
        (delivery,) = await delivery_rows(db, ep["id"])
        real_still_there = delivery_module.erasure_notices.still_there

        async def move_then_still_there(*args: Any, **kwargs: Any) -> bool:
            moved = await api_server.client.patch(
                f"/v1/webhook-endpoints/{ep['id']}", json={"url": new.url}, headers=api_server.org_headers()
            )
            assert moved.status_code == 200, moved.text
            return await real_still_there(*args, **kwargs)

        monkeypatch.setattr(delivery_module.erasure_notices, "still_there", move_then_still_there)
        job_id = await _run_job_once(
            api_server, api_server.settings, "deliver_webhook", "delivery_id", delivery["id"]
        )
        assert old.answers == [429] and new.answers == []
    cur = await db.execute(
        "select status, scheduled_at <= now() + interval '1 second' as due from procrastinate_jobs where id = %s",
        (job_id,),
    )
    assert await cur.fetchone() == {"status": "todo", "due": True}


async def test_a_rotation_whose_resume_waits_on_another_row_still_brings_forward_a_retry_written_meanwhile(
    setup: Setup, api_server: ApiServer, db: Conn
) -> None:
    # The rotation's resume reads the jobs in the snapshot its statement started with. Held up on one row of the
    # integration (another job's bring-forward holds it) after that start, it moved, in that one statement, only
    # jobs `todo` then: a retry procrastinate wrote meanwhile was not moved by it, and the worker's bring-forward,
    # run before the rotation reached its row, read the old day's wait and moved nothing either. The job kept the
    # old key's day while its row said it was due at once. Three connections, each step ordered explicitly.
    await start_assessment(setup.ashby, {**ADA, "ashby_id": "cand-race-2", "email": "b@example.com"})
    cur = await db.execute("select id from ats_callbacks where kind = 'invite_withheld'")
    ids = [r["id"] for r in await cur.fetchall()]
    assert len(ids) == 2
    # Both answered 429 with a day's Retry-After by the old key, as its attempt records it.
    await db.execute(
        "update ats_callbacks set attempts = 1, last_status_code = 429, next_attempt_at = now() + interval '1 day'"
        " where id = any(%s)",
        (ids,),
    )
    # The rotation's scan meets them in their physical order (sequential scan, below): it waits on the first.
    cur = await db.execute(
        "select cb.id, j.id as job from ats_callbacks cb join procrastinate_jobs j"
        " on j.task_name = 'deliver_ats_callback' and j.args->>'callback_id' = cb.id::text"
        " where cb.id = any(%s) order by cb.ctid",
        (ids,),
    )
    (held, held_job), (cid, job) = ((r["id"], r["job"]) for r in await cur.fetchall())
    # Its attempt runs (the job taken, `doing`), the other's waits.
    await db.execute("update procrastinate_jobs set status = 'doing' where id = %s", (job,))
    pool, org = api_server.app.state.pool, UUID(api_server.org_id)

    async with connection(pool) as rotating, connection(pool) as worker:

        async def rotate() -> None:
            async with rotating.transaction():
                await rotating.execute("set local enable_indexscan = off")  # the scan's order is the heap's
                await rotating.execute("set local enable_bitmapscan = off")
                await keys.issue(rotating, setup.settings, org, "ashby", provider_api_key=NEW_ASHBY_KEY)

        async with db.transaction():
            # Another job's bring-forward, under way: it holds that call's row.
            assert not await attempts_repo.bring_job_forward(db, "ats_callbacks", held, held_job)
            rotation = asyncio.create_task(rotate())
            async with asyncio.timeout(WITHIN_S):
                while True:  # until the rotation's resume waits on that row (its statement started)
                    cur = await db.execute(
                        "select %s = any(pg_blocking_pids(%s)) as waits",
                        (db.info.backend_pid, rotating.info.backend_pid),
                    )
                    if (row := await cur.fetchone()) is not None and row["waits"]:
                        break
            # procrastinate writes the attempt's retry (as `retry_job` does), then the worker reads the row.
            await worker.execute(
                "update procrastinate_jobs set status = 'todo', scheduled_at = now() + interval '1 day'"
                " where id = %s",
                (job,),
            )
            async with worker.transaction():
                assert not await attempts_repo.bring_job_forward(worker, "ats_callbacks", cid, job)
        async with asyncio.timeout(WITHIN_S):
            await rotation
    cur = await db.execute(
        "select status, scheduled_at <= now() + interval '1 second' as due from procrastinate_jobs where id = %s",
        (job,),
    )
    assert await cur.fetchone() == {"status": "todo", "due": True}


def test_every_ats_failure_reason_is_a_series_from_the_start_and_documented() -> None:
    # `key_replaced` was counted but neither made at start (no zero series: a rate over it read as no data) nor
    # named where the metric's reasons are listed.
    reasons = {*callbacks.FAILURE_REASONS.values(), "connection", "exhausted"}
    made = {
        (s.labels["provider"], s.labels["reason"])
        for metric in REGISTRY.collect()
        if metric.name == "shadows_ats_callback_failures"
        for s in metric.samples
        if s.name.endswith("_total")
    }
    assert {(p, r) for p in ("greenhouse", "ashby") for r in reasons} <= made
    documented = (Path(__file__).parents[2] / "docs" / "integrations.md").read_text(encoding="utf-8")
    start = documented.index("shadows_ats_callback_failures_total{provider,reason}")
    listed = documented[start : documented.index("once a call ends failed", start)]
    assert {r for r in reasons if f"`{r}`" not in listed} == set()
