"""Races on the integration routes as two API replicas see them: bursts of concurrent requests over real HTTP to two
uvicorn servers (each with its own connection pool) on one real Postgres database, a real worker, and a fake Ashby
on loopback. Whatever the interleaving, the database decides: one call sent again per burst, one live key."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api.settings import ApiSettings
from tests.api.conftest import ASHBY_KEY, serve
from tests.api.grading_support import wait_until
from tests.api.integration_support import grading_worker, simulate_interview
from tests.conftest import ApiServer, StartWorker, WorkerProcess
from tests.fakes.ashby import FakeAshby, basic
from tests.fakes.smtp import SmtpSink, with_mail_server

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"ashby_id": "cand-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
BURST = 12


async def burst(
    clients: list[httpx.AsyncClient], requests: list[tuple[str, str]], headers: dict[str, str]
) -> list[httpx.Response]:
    """Every request at once, alternating between the replicas."""
    return await asyncio.gather(
        *(clients[i % len(clients)].request(m, p, headers=headers) for i, (m, p) in enumerate(requests))
    )


async def _calls(db: Conn, session_id: str) -> list[dict[str, Any]]:
    cur = await db.execute(
        "select id, kind, status, attempts, resend_of from ats_callbacks where session_id = %s order by created_at, id",
        (session_id,),
    )
    return await cur.fetchall()


async def test_a_burst_of_send_again_requests_on_two_replicas_sends_the_call_once(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """Ashby refused the Started update until its retries ran out (the customer's key was wrong). Once fixed, a
    recruiter's double clicks and a retrying script send it again together, through both replicas: one call is
    queued and reaches Ashby once, every other request is a 409. Sending again the original and the call that sent
    it again, together, after that one was delivered: again one."""
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    ashby.customer_api_key = "the-key-ashby-really-issued"  # every update is refused with 401

    def worker() -> WorkerProcess:
        return grading_worker(
            start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url
        )

    first = worker()
    await simulate_interview(api_server, assessment)

    async def failed() -> list[dict[str, Any]] | None:
        rows = await _calls(db, assessment)
        return rows if len(rows) == 1 and rows[0]["status"] == "failed" else None

    (original,) = await wait_until(failed, what="the Started update failed for good")
    assert original["attempts"] == 4 and ashby.accepted() == []
    first.stop()
    ashby.customer_api_key = ASHBY_KEY  # fixed on Ashby's side
    refused = len(ashby.updates)

    path = f"/v1/sessions/{assessment}/ats-callbacks"
    headers = api_server.org_headers()
    async with serve(api_server.settings, timeout_s=60) as other:
        clients = [api_server.client, other]
        answers = await burst(clients, [("POST", f"{path}/{original['id']}/send-again")] * BURST, headers)
        assert sorted(r.status_code for r in answers) == [202] + [409] * (BURST - 1), [
            r.text for r in answers
        ]
        assert all(
            r.json()["error"]["code"] == "ats_callback_pending" for r in answers if r.status_code == 409
        )
        resent = next(r.json() for r in answers if r.status_code == 202)
        assert (resent["kind"], resent["status"], resent["attempts"]) == ("started", "pending", 0)
        # The call sent again is itself pending: sending it again is a 409 as well.
        r = await other.post(f"{path}/{resent['id']}/send-again", headers=headers)
        assert (r.status_code, r.json()["error"]["code"]) == (409, "ats_callback_pending")
        assert [(c["status"], c["resend_of"]) for c in await _calls(db, assessment)] == [
            ("failed", None),
            ("pending", original["id"]),
        ]

        second = worker()

        async def delivered() -> list[dict[str, Any]] | None:
            rows = await _calls(db, assessment)
            return rows if all(c["status"] != "pending" for c in rows) else None

        await wait_until(delivered, what="the call sent again delivered")
        second.stop()
        assert len(ashby.updates) == refused + 1
        (update,) = ashby.accepted()
        assert update["assessment_status"]["value"] == "Started"

        # Both the original and its delivered resend, sent again together: one resend of the pair at a time.
        pair = [
            ("POST", f"{path}/{original['id']}/send-again"),
            ("POST", f"{path}/{resent['id']}/send-again"),
        ]
        answers = await burst(clients, pair * (BURST // 2), headers)
        assert sorted(r.status_code for r in answers) == [202] + [409] * (BURST - 1), [
            r.text for r in answers
        ]
        worker()
        await wait_until(delivered, what="the second resend delivered")
    rows = await _calls(db, assessment)
    assert [(c["status"], c["resend_of"]) for c in rows] == [
        ("failed", None),
        ("delivered", original["id"]),
        ("delivered", original["id"]),
    ]
    assert len(ashby.updates) == refused + 2 and len(ashby.accepted()) == 2


async def test_keys_issued_at_once_on_two_replicas_leave_one_live_key(
    api_server: ApiServer, db: Conn
) -> None:
    """Issuing a key revokes the previous one. A burst of issues (an admin's script run twice, two tabs) through
    both replicas: every request gets its key, and exactly one of them is live afterwards, for each ATS."""
    headers = api_server.org_headers()
    async with serve(api_server.settings, timeout_s=60) as other:
        clients = [api_server.client, other]
        answers = await burst(clients, [("POST", "/v1/integrations/greenhouse/keys")] * BURST, headers)
        assert [r.status_code for r in answers] == [201] * BURST, [
            r.text for r in answers if r.status_code != 201
        ]
        ashby_answers = await asyncio.gather(
            *(
                clients[i % 2].post(
                    "/v1/integrations/ashby/keys",
                    json={"ashby_api_key": f"ashby-customer-key-{i:02d}"},
                    headers=headers,
                )
                for i in range(BURST)
            )
        )
        assert [r.status_code for r in ashby_answers] == [201] * BURST
    cur = await db.execute(
        "select provider, count(*) as n from integration_keys where revoked_at is null group by provider order by 1"
    )
    assert [(r["provider"], r["n"]) for r in await cur.fetchall()] == [("ashby", 1), ("greenhouse", 1)]
    greenhouse_live = [
        (
            await api_server.client.get(
                "/integrations/greenhouse/list_tests", headers={"Authorization": basic(r.json()["key"])}
            )
        ).status_code
        for r in answers
    ]
    ashby_live = [
        (
            await api_server.client.post(
                "/integrations/ashby/assessment.list",
                json={},
                headers={"Authorization": basic(r.json()["key"])},
            )
        ).status_code
        for r in ashby_answers
    ]
    assert sorted(greenhouse_live) == [200] + [401] * (BURST - 1), greenhouse_live
    assert sorted(ashby_live) == [200] + [401] * (BURST - 1), ashby_live


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    # With a mail server, as deployed: without one, each Ashby assessment's first update says its invite was not
    # e-mailed (api.integrations.assessments), ahead of the calls this file is about.
    return with_mail_server(api_settings, smtp.url)
