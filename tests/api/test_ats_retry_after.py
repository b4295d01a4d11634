"""An ATS that answers 429 with Retry-After: the wait it asks for is honoured (in seconds or as an HTTP-date),
bounded by the retry schedule's longest delay (a huge value waits that long, not longer), and a value that is
neither is ignored (the schedule's own wait). The wait holds back every call of that organisation's integration
(Greenhouse and Ashby limit per key), never another organisation's: the other's PATCH goes at once, on the same
worker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import psycopg
from aiohttp import web
from psycopg.rows import DictRow

from tests.api.grading_support import wait_until
from tests.api.integration_support import delivery_worker, end_interview, simulate_interview, store_version
from tests.conftest import ApiServer, StartWorker
from tests.fakes.greenhouse import CALLBACK_PATH, FakeGreenhouse, fake_greenhouse
from tests.fakes.loopback import serve

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
LONGEST_S = 120.0  # the schedule's longest delay below: no Retry-After is waited past it


async def _graded(server: ApiServer, db: Conn, gh: FakeGreenhouse, instance: int) -> str:
    sent = await gh.send_test("difficulty:easy", ADA, instance=instance)
    assert sent.status_code == 200, sent.text
    interview = str(sent.json()["partner_interview_id"])
    await simulate_interview(server, interview)
    await end_interview(server, interview)
    await store_version(db, server, interview, 1, ready=True)
    return interview


@asynccontextmanager
async def _organisation_greenhouse(server: ApiServer, name: str) -> AsyncIterator[FakeGreenhouse]:
    """A new organisation with a Greenhouse key, and the fake Greenhouse that holds it."""
    _, api_key = await server.create_org(name)
    key = await server.client.post("/v1/integrations/greenhouse/keys", headers=server.org_headers(api_key))
    assert key.status_code == 201, key.text
    async with fake_greenhouse(f"{server.url}/integrations/greenhouse", key.json()["key"]) as gh:
        yield gh


async def _call(db: Conn, session_id: str) -> dict[str, Any]:
    cur = await db.execute(
        "select status, attempts, last_status_code, last_attempt_at, next_attempt_at from ats_callbacks"
        " where session_id = %s",
        (session_id,),
    )
    (row,) = await cur.fetchall()
    return dict(row)


async def test_a_429_with_retry_after_is_honoured_bounded_and_holds_back_no_other_organisation(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    in_an_hour = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    retry_after = {
        "1": "60",
        "2": in_an_hour,
        "3": "86400000",
        "4": "soon, maybe",
        "5": "Wed, 21 Oct 2015 07:28:00 GMT",
    }
    seen: list[str] = []

    async def limited(request: web.Request) -> web.Response:
        seen.append(request.match_info["id"])
        return web.Response(status=429, headers={"Retry-After": retry_after[request.match_info["id"]]})

    app = web.Application()
    app.router.add_route("PATCH", CALLBACK_PATH, limited)
    runner, port = await serve(app, access_log=None, shutdown_timeout=1)
    try:
        # Each value in an organisation of its own: a wait pauses its organisation's whole integration.
        async with AsyncExitStack() as stack:
            limited_ids: dict[str, str] = {}
            for i in retry_after:
                gh = await stack.enter_async_context(_organisation_greenhouse(api_server, f"Limited {i}"))
                gh.url = f"http://127.0.0.1:{port}"  # this Greenhouse answers every PATCH 429
                limited_ids[i] = await _graded(api_server, db, gh, int(i))
            theirs = await stack.enter_async_context(_organisation_greenhouse(api_server, "Other Org"))
            other = await _graded(api_server, db, theirs, 99)

            delivery_worker(
                start_worker, api_server, tmp_path, SHADOWS_API_WEBHOOK_RETRY_DELAYS_S=f"0.3,0.3,{LONGEST_S}"
            )

            async def delivered() -> bool:
                return (await _call(db, other))["status"] == "delivered"

            await wait_until(delivered, what="the other organisation's PATCH")
            assert [p.interview for p in theirs.patches if p.authorized and not p.errors] == ["99"]

            async def settled() -> bool:
                calls = {i: await _call(db, s) for i, s in limited_ids.items()}
                return all(
                    c["next_attempt_at"] is not None and c["attempts"] >= 1 for c in calls.values()
                ) and (calls["4"]["attempts"] >= 3 and calls["5"]["attempts"] >= 3)

            await wait_until(settled, what="every limited call waiting on its Retry-After")
            calls = {i: await _call(db, s) for i, s in limited_ids.items()}

        def waits(i: str) -> float:
            c = calls[i]
            return float((c["next_attempt_at"] - c["last_attempt_at"]).total_seconds())

        # "60": waited as asked, once (the schedule's 0.3 s would have sent it again at once).
        assert calls["1"]["attempts"] == 1 and calls["1"]["last_status_code"] == 429
        assert 55 <= waits("1") <= 65
        # An HTTP-date an hour away, and 1,000 days in seconds: each bounded by the schedule's longest delay.
        for i in ("2", "3"):
            assert calls[i]["attempts"] == 1 and calls[i]["status"] == "pending"
            assert LONGEST_S * 0.85 <= waits(i) <= LONGEST_S * 1.15
        # Neither seconds nor a date, or a date gone by: the schedule's own waits (0.3 s twice), then its longest.
        for i in ("4", "5"):
            assert calls[i]["attempts"] == 3 and calls[i]["status"] == "pending"
        assert sorted(seen.count(i) for i in retry_after) == [1, 1, 1, 3, 3]
    finally:
        await runner.cleanup()


async def test_a_wait_asked_on_one_call_holds_back_the_integrations_other_calls_without_spending_their_attempts(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """Greenhouse limits per key, and an organisation's calls all go with its one key: once one call is answered
    429 with "Retry-After: 3", its other calls wait those 3 s too. Before, each was sent meanwhile (a slot freed
    at once), answered 429 and spent an attempt of its own. Only the calls already in flight when the first 429
    came (at most the integration's 2 slots) can be answered 429; every call is then delivered once."""
    pause_s = 3.0
    first_429: list[float] = []  # the loop time of the first 429 answered
    answers: list[tuple[str, int, float]] = []  # (interview, status, loop time of arrival)
    loop = asyncio.get_running_loop()

    async def limited_for_a_while(request: web.Request) -> web.Response:
        now = loop.time()
        inside = not first_429 or now < first_429[0] + pause_s
        answers.append((request.match_info["id"], 429 if inside else 200, now))
        if inside:
            first_429[:] = first_429 or [now]
            return web.Response(status=429, headers={"Retry-After": str(int(pause_s))})
        return web.json_response({})

    app = web.Application()
    app.router.add_route("PATCH", CALLBACK_PATH, limited_for_a_while)
    runner, port = await serve(app, access_log=None, shutdown_timeout=1)
    try:
        async with _organisation_greenhouse(api_server, "Limited per key") as gh:
            gh.url = f"http://127.0.0.1:{port}"
            sessions = [await _graded(api_server, db, gh, i) for i in range(1, 5)]
            delivery_worker(
                start_worker, api_server, tmp_path, SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.3,0.3,10"
            )

            async def all_delivered() -> bool:
                return all(c["status"] == "delivered" for c in [await _call(db, s) for s in sessions])

            await wait_until(all_delivered, what="every call, once the wait is over")
            calls = [await _call(db, s) for s in sessions]
    finally:
        await runner.cleanup()

    refused = [a for a in answers if a[1] == 429]
    assert 1 <= len(refused) <= 2, answers  # only what was in flight at the first 429; before, all four
    assert sorted(a[0] for a in answers if a[1] == 200) == ["1", "2", "3", "4"], answers
    assert sum(c["attempts"] for c in calls) == len(answers) == 4 + len(refused)
