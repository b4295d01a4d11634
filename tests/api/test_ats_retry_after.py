"""An ATS that answers 429 with Retry-After: the wait it asks for is honoured (in seconds or as an HTTP-date),
bounded by the retry schedule's longest delay (a huge value waits that long, not longer), and a value that is
neither is ignored (the schedule's own wait). One organisation's Greenhouse holding its calls back never delays
another organisation's: the other's PATCH goes at once, on the same worker."""

from __future__ import annotations

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
        r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
        assert r.status_code == 201, r.text
        _, other_api_key = await api_server.create_org("Other Org")
        theirs_key = await api_server.client.post(
            "/v1/integrations/greenhouse/keys", headers=api_server.org_headers(other_api_key)
        )
        assert theirs_key.status_code == 201, theirs_key.text
        async with (
            fake_greenhouse(f"{api_server.url}/integrations/greenhouse", r.json()["key"]) as ours,
            fake_greenhouse(f"{api_server.url}/integrations/greenhouse", theirs_key.json()["key"]) as theirs,
        ):
            ours.url = f"http://127.0.0.1:{port}"  # our Greenhouse answers every PATCH 429
            limited_ids = {i: await _graded(api_server, db, ours, int(i)) for i in retry_after}
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
