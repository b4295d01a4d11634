"""An organisation rotates its ATS credentials while calls back to the ATS are queued, or deletes its integration
and creates a new one before they are sent: each queued call is sent with the credential that is live when it is
sent (never the replaced one), once, and neither credential reaches the worker's log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow

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
        r = await api_server.client.post(
            "/v1/integrations/ashby/keys",
            json={"ashby_api_key": OLD_ASHBY_KEY},
            headers=api_server.org_headers(),
        )
        assert r.status_code == 201, r.text
        old_partner_key = r.json()["key"]
        ashby.partner_url, ashby.partner_key = f"{api_server.url}/integrations/ashby", old_partner_key
        ashby.customer_api_key = NEW_ASHBY_KEY  # what Ashby takes once the customer rotated its key
        started = await ashby.start("difficulty:easy", ADA)
        assert started.status_code == 200 and started.json()["success"] is True, started.text
        session_id = started.json()["results"]["assessment_id"]
        await simulate_interview(api_server, session_id)
        await end_interview(api_server, session_id)
        await store_version(db, api_server, session_id, 1, ready=True)
        queued = await _calls(db, session_id)
        assert queued and all(c["status"] == "pending" and c["attempts"] == 0 for c in queued)

        rotated = await api_server.client.post(
            "/v1/integrations/ashby/keys",
            json={"ashby_api_key": NEW_ASHBY_KEY},
            headers=api_server.org_headers(),
        )
        assert rotated.status_code == 201, rotated.text
        new_partner_key = rotated.json()["key"]

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
