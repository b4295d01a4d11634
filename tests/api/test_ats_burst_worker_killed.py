"""A burst of results for one organisation's Ashby, and the worker sending them killed mid-burst (SIGKILL, nothing
recorded): another worker sends every call, each session's updates still arrive in order, at most two requests
are ever in flight to that Ashby, and an update is sent twice only when its request was in flight at the kill
(at least once, as documented; the duplicate is the same update)."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path
from typing import Any

import psycopg
from aiohttp import web
from psycopg.rows import DictRow

from tests.api.ashby_support import connect_ashby, start_assessment
from tests.api.grading_support import wait_until
from tests.api.integration_support import delivery_worker, end_interview, simulate_interview, store_version
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import FakeAshby
from tests.fakes.loopback import serve

Conn = psycopg.AsyncConnection[DictRow]
SESSIONS = 30
RANK = {"Started": 1, "Completed: grading": 2, "Completed": 3}


def _status(body: dict[str, Any]) -> str:
    value = str(body["assessment_status"]["value"])
    return "invite" if value.startswith("Invite not e-mailed") else value


async def test_a_burst_survives_a_killed_worker_in_order_capped_and_sent_at_most_again_once_per_slot(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    ashby = FakeAshby()
    in_flight = {"now": 0, "most": 0}
    arrivals: list[tuple[str, str]] = []  # (assessment id, status) of every request, in arrival order

    async def slow(request: web.Request) -> web.Response:
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        try:
            body = json.loads(await request.read())  # kept by aiohttp for the fake's own read
            arrivals.append((body["assessment_id"], _status(body)))
            await asyncio.sleep(0.15)  # long enough for a kill to land mid-request
            return await ashby.handle_update(request)
        finally:
            in_flight["now"] -= 1

    app = web.Application()
    app.router.add_post("/assessment.update", slow)
    runner, port = await serve(app, access_log=None, shutdown_timeout=1)
    ashby.url = f"http://127.0.0.1:{port}"
    try:
        await connect_ashby(api_server, ashby, "ashby-burst", takes="ashby-burst")
        ids = []
        for n in range(SESSIONS):
            candidate = {"ashby_id": f"burst-{n}", "first_name": "Ada", "email": f"ada{n}@example.com"}
            ids.append(await start_assessment(ashby, candidate))
            await simulate_interview(api_server, ids[-1])
            await end_interview(api_server, ids[-1])
            # Graded before any worker runs, so that the kill lands on the calls, not on a grading job (whose
            # judge lease outlives a killed worker: api/jobs/grading.py).
            await store_version(db, api_server, ids[-1], 1, ready=True)

        # A request's whole time bounds how long a call finding every slot taken backs off (twice it) and how long a
        # killed worker's slots stay taken (it and a margin): the fake answers in 0.15 s, but under load later.
        env = {
            "SHADOWS_API_ASHBY_BASE_URL": ashby.url,
            "SHADOWS_WORKER_DELIVERY_CONCURRENCY": "8",
            "SHADOWS_API_WEBHOOK_TIMEOUT_S": "4",
        }
        first = delivery_worker(start_worker, api_server, tmp_path, **env)

        async def some_sent() -> bool:
            return len(arrivals) >= SESSIONS and in_flight["now"] > 0

        await wait_until(some_sent, what="the burst under way")
        first.stop(signal.SIGKILL)
        delivery_worker(start_worker, api_server, tmp_path, **env)

        async def all_sent() -> list[dict[str, Any]] | None:
            cur = await db.execute(
                "select session_id, kind, status from ats_callbacks where session_id = any(%s)", (ids,)
            )
            rows = [dict(x) for x in await cur.fetchall()]
            results = [x for x in rows if x["kind"] == "result"]
            done = len(results) == SESSIONS and all(x["status"] != "pending" for x in rows)
            return rows if done else None

        rows = await wait_until(all_sent, within_s=180, what="every call of the burst settled")
    finally:
        await runner.cleanup()

    assert {x["status"] for x in rows} == {"delivered"}
    assert in_flight["most"] <= 2  # SHADOWS_API_ATS_MAX_CONCURRENCY_PER_INTEGRATION, across both workers
    per_session: dict[str, list[str]] = {i: [] for i in ids}
    for assessment_id, status in arrivals:
        per_session[assessment_id].append(status)
    for assessment_id, statuses in per_session.items():
        ranks = [RANK.get(s, 0) for s in statuses]
        assert ranks == sorted(ranks), (assessment_id, statuses)  # never an earlier status after a later one
        assert statuses[-1] == "Completed", (assessment_id, statuses)
    # One request per call, but for the requests in flight when the worker died (at most two: the cap), sent again.
    assert len(rows) <= len(arrivals) <= len(rows) + 2
    assert len(ashby.accepted()) >= len(rows)
