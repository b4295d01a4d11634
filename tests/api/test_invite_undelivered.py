"""An invite e-mail that will never reach the candidate is told to the recruiter, in the ATS, with the join link.

Found in the ATS integrations pass: the mail server refusing the candidate's address (550 "user unknown", 553) was
only logged. Greenhouse's test_status kept `invite_withheld: null` and Ashby got no update, so both recruiters read
an invite as sent that the candidate never got, and the interview expired unused a week later. A temporary refusal
(451, 452) was given up the same way, for good, where a later attempt would have gone; and an invite whose job ran
out of retries (the mail server down past the schedule) was lost as silently. Each now ends as the other withheld
invites do (`invite_withheld`: `address_refused`, or `email_failed` after the last attempt): recorded, shown in
Greenhouse's test_status beside the join link, and reported to Ashby with the link; a temporary refusal is retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from psycopg.rows import DictRow

from api.db.pool import Pool, create_pool
from api.integrations import invites
from api.sealing import sealer
from api.settings import ApiSettings
from tests.api.grading_support import wait_until
from tests.api.integration_support import grading_worker
from tests.conftest import ApiServer, StartWorker, free_port
from tests.fakes.ashby import FakeAshby, fake_ashby
from tests.fakes.greenhouse import FakeGreenhouse
from tests.fakes.smtp import SmtpSink, with_mail_server

Conn = psycopg.AsyncConnection[DictRow]
HARRY = {"first_name": "Harry", "last_name": "Potter", "email": "hpotter@hogwarts.example"}
USER_UNKNOWN = "550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table"
TRY_LATER = "451 4.3.0 Temporary lookup failure, try again later"


class RefusingSink(SmtpSink):
    """The loopback mail server, refusing the addresses in `refuse` at RCPT with the reply given there."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
async def smtp() -> AsyncIterator[RefusingSink]:
    sink = RefusingSink()
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(sink, hostname="localhost"), "127.0.0.1", 0
    )
    sink.url = f"smtp://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield sink
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: RefusingSink) -> ApiSettings:
    return with_mail_server(api_settings, smtp.url, "Shadows <interviews@shadows.example>")


@pytest.fixture
async def pool(api_settings: ApiSettings) -> AsyncIterator[Pool]:
    p = create_pool(api_settings.database_url, min_size=1, max_size=2, timeout_s=5)
    await p.open()
    try:
        yield p
    finally:
        await p.close()


@pytest.fixture
async def ashby(api_server: ApiServer) -> AsyncIterator[FakeAshby]:
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    async with fake_ashby() as fake:
        fake.partner_url = f"{api_server.url}/integrations/ashby"
        fake.partner_key = r.json()["key"]
        fake.customer_api_key = "ashby-key-1"
        yield fake


async def _assessment(db: Conn, session_id: str) -> dict[str, Any]:
    cur = await db.execute(
        "select invite_sent_at, invite_withheld, join_url_sealed from ats_assessments where session_id = %s",
        (session_id,),
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def _ashby_start(ashby: FakeAshby, email: str) -> str:
    started = await ashby.start(
        "difficulty:easy",
        {"ashby_id": f"cand-{email}", "first_name": "Ada", "last_name": "L", "email": email},
    )
    assert started.status_code == 200 and started.json()["success"] is True, started.text
    return str(started.json()["results"]["assessment_id"])


async def test_an_address_the_mail_server_refuses_is_shown_in_greenhouse_beside_the_join_link(
    api_server: ApiServer,
    api_settings: ApiSettings,
    smtp: RefusingSink,
    pool: Pool,
    greenhouse: FakeGreenhouse,
    db: Conn,
) -> None:
    smtp.refuse["gone@example.com"] = USER_UNKNOWN
    ids = []
    for i, email in enumerate(("gone@example.com", "here@example.com")):
        sent = await greenhouse.send_test("difficulty:easy", HARRY | {"email": email}, instance=i)
        assert sent.status_code == 200, sent.text
        ids.append(sent.json()["partner_interview_id"])
    refused, taken = ids
    for session_id in ids:
        await invites.deliver_invite(
            api_settings, pool, session_id
        )  # a refusal for good is no retryable error

    assert [r.rcpt_tos for r in smtp.received] == [["here@example.com"]]
    assert (await _assessment(db, taken))["invite_withheld"] is None
    row = await _assessment(db, refused)
    assert row["invite_sent_at"] is None and row["invite_withheld"] == "address_refused"
    status = (await greenhouse.test_status(refused)).json()
    assert status["partner_status"] == "sent"
    assert status["metadata"]["invite_withheld"] == "address_refused"
    assert status["metadata"]["join_url"] == sealer(api_settings).open(row["join_url_sealed"])

    # The job run again (a stray retry) neither e-mails nor records anything new.
    await invites.deliver_invite(api_settings, pool, refused)
    assert len(smtp.received) == 1


async def test_a_temporary_refusal_is_tried_again_and_then_goes(
    api_server: ApiServer,
    api_settings: ApiSettings,
    smtp: RefusingSink,
    pool: Pool,
    greenhouse: FakeGreenhouse,
    db: Conn,
) -> None:
    # 451: the server's lookup failed for now. Given up at once, the candidate never got an invite that the next
    # attempt would have delivered.
    smtp.refuse["later@example.com"] = TRY_LATER
    sent = await greenhouse.send_test("difficulty:easy", HARRY | {"email": "later@example.com"}, instance=1)
    session_id = sent.json()["partner_interview_id"]
    with pytest.raises(invites.SmtpUnavailableError):  # retryable: the job runs again
        await invites.deliver_invite(api_settings, pool, session_id)
    assert (await _assessment(db, session_id))["invite_withheld"] is None

    del smtp.refuse["later@example.com"]
    await invites.deliver_invite(api_settings, pool, session_id)  # the job's retry
    assert [r.rcpt_tos for r in smtp.received] == [["later@example.com"]]
    row = await _assessment(db, session_id)
    assert row["invite_sent_at"] is not None and row["invite_withheld"] is None


async def test_a_refused_address_is_reported_to_ashby_with_the_join_link(
    api_server: ApiServer,
    api_settings: ApiSettings,
    smtp: RefusingSink,
    pool: Pool,
    ashby: FakeAshby,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
) -> None:
    smtp.refuse["gone@example.com"] = USER_UNKNOWN
    refused = await _ashby_start(ashby, "gone@example.com")
    await invites.deliver_invite(api_settings, pool, refused)
    # The worker's own mail settings point nowhere: only the call to Ashby is left for it.
    grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url)

    async def told() -> bool:
        return len(ashby.accepted()) >= 1

    await wait_until(told, what="the refused address reported to Ashby")
    (update,) = ashby.accepted()
    assert update["assessment_id"] == refused
    assert (
        update["assessment_status"]["value"] == "Invite not e-mailed: send the candidate the interview link"
    )
    meta = {m["identifier"]: m for m in update["metadata"]}
    assert "refused" in meta["invite_withheld"]["value"]
    row = await _assessment(db, refused)
    assert meta["join_url"]["value"] == sealer(api_settings).open(row["join_url_sealed"])


async def test_an_invite_whose_email_job_runs_out_of_retries_is_reported_to_ashby(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # The mail server is down past the e-mail job's whole schedule: the job fails for good, and before, only the
    # queue knew. Its last attempt records it and tells the ATS.
    session_id = await _ashby_start(ashby, "ada@example.com")
    grading_worker(
        start_worker,
        api_server,
        tmp_path / "grader",
        SHADOWS_API_ASHBY_BASE_URL=ashby.url,
        SHADOWS_API_SMTP_URL=f"smtp://127.0.0.1:{free_port()}",  # nothing listens there
        SHADOWS_API_SMTP_TIMEOUT_S="2",
        SHADOWS_WORKER_RETRY_DELAYS_S="0.1,0.1",
    )

    async def told() -> bool:
        return len(ashby.accepted()) >= 1

    await wait_until(told, what="the undelivered invite reported to Ashby")
    (update,) = ashby.accepted()
    assert update["assessment_id"] == session_id
    assert "not e-mailed" in update["assessment_status"]["value"]
    row = await _assessment(db, session_id)
    assert row["invite_sent_at"] is None and row["invite_withheld"] == "email_failed"
    cur = await db.execute(
        "select status, attempts from procrastinate_jobs where task_name = 'send_invite_email'"
    )
    assert [dict(r) for r in await cur.fetchall()] == [{"status": "failed", "attempts": 3}]
