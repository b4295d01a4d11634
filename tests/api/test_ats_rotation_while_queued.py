"""An organisation rotates its ATS credentials while calls back to the ATS are queued, or deletes its integration
and creates a new one before they are sent: each queued call is sent with the credential that is live when it is
sent (never the replaced one), once, and neither credential reaches the worker's log."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.api.ashby_support import connect_ashby, issue_ashby_key, start_assessment
from tests.api.grading_support import wait_until
from tests.api.integration_support import delivery_worker, end_interview, simulate_interview, store_version
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import basic as ashby_basic
from tests.fakes.ashby import fake_ashby
from tests.fakes.greenhouse import basic as greenhouse_basic
from tests.fakes.greenhouse import fake_greenhouse

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"ashby_id": "cand-rot-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
HAL = {"first_name": "Hal", "last_name": "Jordan", "email": "hal@example.com"}
OLD_ASHBY_KEY = "ashby-OLD-3kq9Zr71"
NEW_ASHBY_KEY = "ashby-NEW-8wXv02Lp"


async def _calls(db: Conn, session_id: str) -> list[dict[str, Any]]:
    cur = await db.execute(
        "select kind, status, attempts, last_error from ats_callbacks where session_id = %s order by created_at",
        (session_id,),
    )
    return [dict(r) for r in await cur.fetchall()]


def _secrets_in(text: str, secrets: list[str]) -> list[str]:
    found = []
    for s in secrets:
        for form in (s, ashby_basic(s), ashby_basic(s).removeprefix("Basic ")):
            if form in text:
                found.append(form)
    return found


async def test_ashby_updates_queued_before_a_rotation_go_with_the_new_ashby_key_and_neither_is_logged(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with fake_ashby() as ashby:
        # Ashby takes the new key: the customer rotated it there.
        old_partner_key = await connect_ashby(api_server, ashby, OLD_ASHBY_KEY, takes=NEW_ASHBY_KEY)
        session_id = await start_assessment(ashby, ADA)
        await simulate_interview(api_server, session_id)
        await end_interview(api_server, session_id)
        await store_version(db, api_server, session_id, 1, ready=True)
        queued = await _calls(db, session_id)
        assert queued and all(c["status"] == "pending" and c["attempts"] == 0 for c in queued)

        new_partner_key = await issue_ashby_key(api_server, NEW_ASHBY_KEY)

        worker = delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_ASHBY_BASE_URL=ashby.url)

        async def settled() -> list[dict[str, Any]] | None:
            calls = await _calls(db, session_id)
            return calls if all(c["status"] != "pending" for c in calls) else None

        calls = await wait_until(settled, what="every queued update sent")
        assert {c["status"] for c in calls} == {"delivered"}, calls
        assert all(u.authorized for u in ashby.updates), "an update went with the replaced Ashby key"
        assert [u.answered for u in ashby.updates] == [200] * len(calls)  # each once, none refused
        kinds = [u.body["assessment_status"]["value"] for u in ashby.updates if u.body is not None]
        assert kinds[-1] == "Completed"
        worker.stop()
        text = worker.log_path.read_text(errors="replace")
    assert _secrets_in(text, [OLD_ASHBY_KEY, NEW_ASHBY_KEY, old_partner_key, new_partner_key]) == []


async def test_a_greenhouse_integration_deleted_and_created_again_sends_its_queued_patch_with_the_new_key(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    old_key = r.json()["key"]
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", old_key) as gh:
        sent = await gh.send_test("difficulty:easy", HAL)
        assert sent.status_code == 200, sent.text
        interview = sent.json()["partner_interview_id"]
        await simulate_interview(api_server, interview)
        await end_interview(api_server, interview)
        await store_version(db, api_server, interview, 1, ready=True)
        assert [(c["kind"], c["status"]) for c in await _calls(db, interview)] == [("completed", "pending")]

        deleted = await api_server.client.delete(
            "/v1/integrations/greenhouse/keys", headers=api_server.org_headers()
        )
        assert deleted.status_code == 204
        again = await api_server.client.post(
            "/v1/integrations/greenhouse/keys", headers=api_server.org_headers()
        )
        assert again.status_code == 201, again.text
        gh.key = new_key = again.json()["key"]  # the same Greenhouse account, given the new key

        worker = delivery_worker(start_worker, api_server, tmp_path)

        async def delivered() -> bool:
            return [c["status"] for c in await _calls(db, interview)] == ["delivered"]

        await wait_until(delivered, what="the queued PATCH")
        assert [(p.authorized, p.errors) for p in gh.patches] == [(True, [])]  # once, with the new key
        read = gh.patches[0].status_read
        assert read is not None and read["partner_status"] == "complete"
        worker.stop()
        text = worker.log_path.read_text(errors="replace")
    for form in (old_key, new_key, greenhouse_basic(old_key), greenhouse_basic(new_key)):
        assert form not in text


@pytest.mark.parametrize(("refusal", "rotated"), [(401, "waiting"), (429, "waiting"), (429, "in_flight")])
async def test_ashby_updates_refused_for_the_old_key_resume_at_once_when_the_key_is_rotated(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path, refusal: int, rotated: str
) -> None:
    # Ashby refuses the customer's Ashby key (401: revoked on Ashby's side), or has spent its rate limit (429 with a
    # day's Retry-After, which pauses the whole integration), and the customer hands over a new Ashby key: while the
    # refused calls wait for their retry, or while their requests are still in flight with the old key. Before,
    # every call kept the wait its old key earned (an hour here, up to 24 h by default), the pause stood (or was
    # written again by an answer to the old key after the rotation), and "send again" was refused as still
    # pending: nothing reached Ashby until then. Now the calls go at once with the new key, each once.
    async with fake_ashby() as ashby:
        await connect_ashby(api_server, ashby, OLD_ASHBY_KEY, takes=NEW_ASHBY_KEY)
        if refusal == 429:
            ashby.limited_key = OLD_ASHBY_KEY
        release = asyncio.Event()
        if rotated == "in_flight":
            ashby.hang_until, ashby.hang_s = release, 25
        sessions = [
            await start_assessment(ashby, who)
            for who in (ADA, {**ADA, "ashby_id": "cand-rot-2", "email": "bob@example.com"})
        ]
        # The schedule's every wait (and so the longest Retry-After honoured) is an hour: past this test.
        delivery_worker(
            start_worker,
            api_server,
            tmp_path,
            SHADOWS_API_ASHBY_BASE_URL=ashby.url,
            SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="3600,3600,3600",
            SHADOWS_API_WEBHOOK_TIMEOUT_S="30",
        )

        async def both_in_flight() -> bool:
            return ashby.in_flight == 2

        async def both_waiting() -> bool:
            cur = await db.execute(
                """
                select count(*) as n from ats_callbacks cb join procrastinate_jobs j
                  on j.task_name = 'deliver_ats_callback' and j.args->>'callback_id' = cb.id::text
                where cb.session_id = any(%s) and j.status = 'todo' and j.scheduled_at > now() + interval '10 minutes'
                """,
                (sessions,),
            )
            row = await cur.fetchone()
            return row is not None and row["n"] == 2 and any(u.answered == refusal for u in ashby.updates)

        if rotated == "in_flight":
            await wait_until(both_in_flight, what="both updates in flight with the old key")
        else:
            await wait_until(both_waiting, what=f"both updates waiting an hour after the old key's {refusal}")
        if refusal == 429 and rotated == "waiting":
            cur = await db.execute("select count(*) as n from outbound_pauses where target = 'ats:ashby'")
            assert (await cur.fetchone() or {"n": 0})["n"] == 1  # the whole integration waits
        await issue_ashby_key(api_server, NEW_ASHBY_KEY)
        release.set()  # the old key's requests answered now, after the rotation

        async def both_delivered() -> bool:
            calls = [c for s in sessions for c in await _calls(db, s)]
            return len(calls) == 2 and all(c["status"] == "delivered" for c in calls)

        await wait_until(both_delivered, within_s=45, what="both updates delivered with the new key")
        cur = await db.execute("select count(*) as n from outbound_pauses where target = 'ats:ashby'")
        assert (await cur.fetchone() or {"n": 1})["n"] == 0  # no pause of the old key's outlives it
    accepted = [u for u in ashby.updates if u.answered == 200]
    assert sorted(u.body["assessment_id"] for u in accepted if u.body) == sorted(sessions)  # each once
    assert all(u.authorized for u in accepted)
    assert {u.answered for u in ashby.updates} == {refusal, 200}
