"""The API has a mail server but the worker running the invite e-mail job has none (`shadows worker` started without
SHADOWS_API_SMTP_URL). Before, the job only logged `invite_email.no_smtp`: the assessment kept `invite_withheld`
null, Greenhouse showed the link as if e-mailed and Ashby got no update. Now the job records the reason the API
records without a mail server (`email_not_configured`) and Ashby is told with the join link. So does a worker whose
SHADOWS_API_SMTP_URL no mail server is reached with (`http://…`, no host): before, the job failed on it, unrecorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow
from pydantic import SecretStr

from api.db.pool import Pool, create_pool
from api.integrations import invites
from api.sealing import sealer
from api.settings import ApiSettings
from tests.api.grading_support import wait_until
from tests.api.integration_support import grading_worker
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import fake_ashby
from tests.fakes.greenhouse import fake_greenhouse
from tests.fakes.smtp import SmtpSink, with_mail_server

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"ashby_id": "cand-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    """The API's settings: with a mail server (the worker's, started below, has none)."""
    return with_mail_server(api_settings, smtp.url, "Shadows <interviews@shadows.example>")


@pytest.fixture
async def pool(api_settings: ApiSettings) -> AsyncIterator[Pool]:
    p = create_pool(api_settings.database_url, min_size=1, max_size=2, timeout_s=5)
    await p.open()
    try:
        yield p
    finally:
        await p.close()


async def _invite(db: Conn, session_id: str) -> dict[str, object]:
    cur = await db.execute(
        "select invite_sent_at, invite_withheld, join_url_sealed from ats_assessments where session_id = %s",
        (session_id,),
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def test_a_worker_without_a_mail_server_tells_ashby_the_invite_was_not_emailed(
    api_server: ApiServer, db: Conn, smtp: SmtpSink, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with fake_ashby() as ashby:
        r = await api_server.client.post(
            "/v1/integrations/ashby/keys",
            json={"ashby_api_key": "ashby-key-1"},
            headers=api_server.org_headers(),
        )
        assert r.status_code == 201, r.text
        ashby.partner_url = f"{api_server.url}/integrations/ashby"
        ashby.partner_key = r.json()["key"]
        ashby.customer_api_key = "ashby-key-1"
        started = await ashby.start("difficulty:easy", ADA)
        assert started.status_code == 200 and started.json()["success"] is True, started.text
        session_id = str(started.json()["results"]["assessment_id"])
        # The API has a mail server: the e-mail is queued, nothing withheld yet.
        assert (await _invite(db, session_id))["invite_withheld"] is None

        # The worker without a mail server (empty is unset), where a test's workers share the API's otherwise.
        grading_worker(
            start_worker,
            api_server,
            tmp_path / "grader",
            SHADOWS_API_ASHBY_BASE_URL=ashby.url,
            SHADOWS_API_SMTP_URL="",
        )

        async def told() -> bool:
            return len(ashby.accepted()) >= 1

        await wait_until(told, what="the invite not e-mailed reported to Ashby")
        (update,) = ashby.accepted()
        assert update["assessment_id"] == session_id
        assert "not e-mailed" in update["assessment_status"]["value"]
        meta = {m["identifier"]: m for m in update["metadata"]}
        assert "no mail server" in meta["invite_withheld"]["value"]
        row = await _invite(db, session_id)
        assert row["invite_sent_at"] is None and row["invite_withheld"] == "email_not_configured"
        assert meta["join_url"]["value"] == sealer(api_server.settings).open(row["join_url_sealed"])
    assert smtp.received == []


@pytest.mark.parametrize("smtp_url", ["http://mail.example", "smtp://", "smtp://mail.example:99999"])
async def test_a_mail_server_url_no_server_is_reached_with_is_recorded_as_no_mail_server(
    api_server: ApiServer, api_settings: ApiSettings, pool: Pool, db: Conn, smtp: SmtpSink, smtp_url: str
) -> None:
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", r.json()["key"]) as greenhouse:
        sent = await greenhouse.send_test(
            "difficulty:easy", {"first_name": "Harry", "last_name": "Potter", "email": "h@hogwarts.example"}
        )
        assert sent.status_code == 200, sent.text
        session_id = sent.json()["partner_interview_id"]
        worker = api_settings.model_copy(update={"smtp_url": SecretStr(smtp_url)})
        await invites.deliver_invite(worker, pool, session_id)  # no error: retrying would not change it
        row = await _invite(db, session_id)
        assert row["invite_sent_at"] is None and row["invite_withheld"] == "email_not_configured"
        status = (await greenhouse.test_status(session_id)).json()
    assert status["metadata"]["invite_withheld"] == "email_not_configured"
    assert smtp.received == []
