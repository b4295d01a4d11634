"""The same candidate interviewed twice (a retake): Ashby starting the very same assessment again once the first
interview ended, or Greenhouse sending a new test order for the same candidate. Each retake is a new interview
with its own id: its result goes to it and never overwrites the first one's, which stays as it was sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow

from tests.api.ashby_support import connect_ashby, start_assessment
from tests.api.grading_support import wait_until
from tests.api.integration_support import delivery_worker, end_interview, simulate_interview, store_version
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import fake_ashby
from tests.fakes.greenhouse import fake_greenhouse

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"ashby_id": "cand-retake", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
HAL = {"first_name": "Hal", "last_name": "Jordan", "email": "hal@example.com"}


async def _take(server: ApiServer, db: Conn, session_id: str, *, ready: bool) -> None:
    await simulate_interview(server, session_id)
    await end_interview(server, session_id)
    await store_version(db, server, session_id, 1, ready=ready)


async def test_ashby_starting_the_same_assessment_after_the_first_ended_is_a_new_interview_with_its_own_result(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with fake_ashby() as ashby:
        await connect_ashby(api_server, ashby, "ashby-retake", takes="ashby-retake")

        first = await start_assessment(ashby, ADA)
        # While the first is waiting, the same start is Ashby's retry: the same interview.
        assert await start_assessment(ashby, ADA) == first
        await _take(api_server, db, first, ready=True)
        retake = await start_assessment(ashby, ADA)  # the very same start, once the first ended
        assert retake != first
        await _take(api_server, db, retake, ready=False)  # the retake's grading failed

        delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_ASHBY_BASE_URL=ashby.url)

        async def settled() -> bool:
            cur = await db.execute(
                "select count(*) filter (where status = 'pending') as pending, count(*) as n from ats_callbacks"
                " where session_id = any(%s)",
                ([first, retake],),
            )
            row = await cur.fetchone()
            return row is not None and row["n"] > 0 and row["pending"] == 0

        await wait_until(settled, what="both interviews' calls sent")
        results: dict[str, list[dict[str, Any]]] = {first: [], retake: []}
        for body in ashby.accepted():
            if body.get("assessment_result") is not None or body["assessment_status"]["value"] == "Completed":
                results[body["assessment_id"]].append(body)
    assert {b["assessment_result"]["value"] for b in results[first]} == {67}  # the first's score, untouched
    assert results[retake] and all(b["assessment_result"]["type"] == "string" for b in results[retake])
    for session_id in (first, retake):  # one candidate, two interviews
        got = await api_server.client.get(f"/v1/sessions/{session_id}", headers=api_server.org_headers())
        assert got.json()["candidate"]["external_id"] == "ashby:cand-retake", got.text


async def test_greenhouse_retake_is_a_new_test_order_and_the_first_interview_keeps_its_status(
    api_server: ApiServer, db: Conn
) -> None:
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", r.json()["key"]) as gh:
        first = (await gh.send_test("difficulty:easy", HAL, instance=501)).json()["partner_interview_id"]
        await _take(api_server, db, first, ready=True)
        # Greenhouse sending the first order again (its url) after the interview: the same, completed interview.
        again = await gh.send_test("difficulty:easy", HAL, instance=501)
        assert again.json()["partner_interview_id"] == first
        retake = (await gh.send_test("difficulty:easy", HAL, instance=502)).json()["partner_interview_id"]
        assert retake != first
        first_status = (await gh.test_status(first)).json()
        retake_status = (await gh.test_status(retake)).json()
    assert (first_status["partner_status"], first_status["partner_score"]) == ("complete", 67)
    assert (retake_status["partner_status"], retake_status["partner_score"]) == ("sent", None)
