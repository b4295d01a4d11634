"""ATSs that behave badly within their documented contracts: what they send that we neither keep nor use never
refuses their order, and an answer of Ashby's that is not its documented shape is never taken for a refusal."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from aiohttp import web
from psycopg.rows import DictRow

from api import egress
from api.integrations.callbacks import Call, judge
from api.settings import ApiSettings
from tests.api.grading_support import wait_until
from tests.api.integration_support import grading_worker, simulate_interview
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import FakeAshby, fake_ashby
from tests.fakes.greenhouse import FakeGreenhouse
from tests.fakes.smtp import SmtpSink, with_mail_server

Conn = psycopg.AsyncConnection[DictRow]
ASHBY_API_KEY = "ashby-customer-key-adversarial"
ADA = {"ashby_id": "cand-adv-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
ZOE = {
    "first_name": "Zoë",
    "last_name": "Łukasiewicz-Müller",
    "preferred_name": None,
    "email": "zoe@example.com",
    "greenhouse_profile_url": "https://app.greenhouse.io/people/4242?application_id=4343",
}


def _presigned_resume_url(filename: str) -> str:
    """A resume link as Greenhouse sends it: a storage URL signed for 7 days with a temporary credential, naming
    the candidate's file (percent-encoded) for the download. Such links run past 2,000 characters."""
    token = "IQoJb3JpZ2luX2VjE" + "A" * 1_400
    return (
        "https://prod-heroku.s3.amazonaws.com/person_attachments/data/123/456/789/original/"
        f"{quote(filename)}?response-content-disposition={quote('attachment; filename=' + filename)}"
        "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE%2F20261205%2Fus-east-1%2Fs3%2Faws4_request"
        f"&X-Amz-Date=20261205T093000Z&X-Amz-Expires=604800&X-Amz-Security-Token={token}"
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + "f" * 64
    )


async def test_fields_greenhouse_sends_that_we_neither_keep_nor_use_never_refuse_the_order(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    # `resume_url`, `phone_number` and `sent_by` are neither fetched nor stored, yet each had a length limit of its
    # own: a signed resume link past 2,000 characters (a temporary credential, a Unicode file name encoded), or a
    # phone number written with extensions, was a 422 for an order Greenhouse's contract allows. Greenhouse only
    # expects 401 and 404, and the recruiter could not send the test at all.
    resume = _presigned_resume_url("Zoë Łukasiewicz-Müller \u2013 CV (final, 2026).pdf")
    assert len(resume) > 2_000
    phone = "+1 (555) 010-0000 ext. 1234 / mobile +44 20 7946 0000 (weekdays only, UK time)"
    first = await greenhouse.send_test(
        "question:two-sum", {**ZOE, "resume_url": resume, "phone_number": phone}, instance=1
    )
    assert first.status_code == 200, first.text
    session_id = first.json()["partner_interview_id"]

    # Sent again with a re-signed (shorter) link, another phone and a long `sent_by`: the same order.
    async with greenhouse.client() as c:
        again = await c.post(
            "/send_test",
            json={
                "partner_test_id": "question:two-sum",
                "candidate": {**ZOE, "resume_url": resume[:300], "phone_number": phone * 3},
                "sent_by": "Recruiting Coordinator, Talent Acquisition (EMEA) " * 10,
                "url": greenhouse.callback_url(1),
            },
        )
    assert (again.status_code, again.json()) == (200, {"partner_interview_id": session_id}), again.text

    cur = await db.execute(
        "select c.name, s.metadata from sessions s join candidates c on c.id = s.candidate_id where s.id = %s",
        (session_id,),
    )
    row = await cur.fetchone()
    assert row is not None and row["name"] == "Zoë Łukasiewicz-Müller"
    assert "X-Amz" not in json.dumps(row["metadata"]) and "7946" not in json.dumps(row["metadata"])

    status = await greenhouse.test_status(session_id)
    assert status.status_code == 200 and status.json()["partner_status"] == "sent"


def _ashby_call() -> Call:
    return Call("https://api.ashbyhq.com/assessment.update", "POST", {}, b"{}", True)


@pytest.mark.parametrize(
    "body",
    [b"{}", b"[]", b"null", b"true", b'"ok"', b'{"success": "true"}', b'{"success": 1}', b'{"results": {}}'],
)
def test_a_2xx_from_ashby_without_a_boolean_success_is_an_unreadable_answer_retried(body: bytes) -> None:
    # Ashby answers `{"success": true|false, ...}`. A 2xx in any other shape (a gateway's `{}`, a JSON string, a
    # `success` that is not a boolean) says nothing about the update: it is `invalid_response`, tried again like
    # a body that is not JSON, never `rejected` (a refusal, which ended the call failed at its first attempt).
    reply = egress.Reply(status_code=200, body=body, truncated=False, retry_after_s=None)
    assert judge(_ashby_call(), reply) == (False, False, "invalid_response")


def test_only_a_boolean_success_decides_an_ashby_answer() -> None:
    ok = egress.Reply(200, b'{"success": true, "results": {"assessment_id": "ses_x"}}', False, None)
    no = egress.Reply(200, b'{"success": false, "errorInfo": {"code": "invalid_input"}}', False, None)
    assert judge(_ashby_call(), ok) == (True, False, None)
    assert judge(_ashby_call(), no) == (False, True, "rejected")
    greenhouse_patch = Call("https://app.greenhouse.io/x", "PATCH", {}, None, False)
    assert judge(greenhouse_patch, egress.Reply(204, b"[]", False, None)) == (True, False, None)


@pytest.fixture
async def ashby(api_server: ApiServer) -> AsyncIterator[FakeAshby]:
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": ASHBY_API_KEY}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    async with fake_ashby() as fake:
        fake.partner_url = f"{api_server.url}/integrations/ashby"
        fake.partner_key = r.json()["key"]
        fake.customer_api_key = ASHBY_API_KEY
        yield fake


async def test_an_ashby_answer_of_an_unexpected_shape_is_tried_again_until_ashby_takes_it(
    api_server: ApiServer,
    ashby: FakeAshby,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = [b"{}"]  # the first update is answered 200 `{}`, then Ashby answers as documented
    original = FakeAshby._update

    async def update(self: FakeAshby, request: Any) -> Any:
        if answers:
            await request.read()
            return web.Response(body=answers.pop(), content_type="application/json")
        return await original(self, request)

    monkeypatch.setattr(FakeAshby, "_update", update)
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url)
    await simulate_interview(api_server, assessment)

    async def settled() -> dict[str, Any] | None:
        cur = await db.execute(
            "select status, attempts, last_error from ats_callbacks where session_id = %s and kind = 'started'",
            (assessment,),
        )
        row = await cur.fetchone()
        return row if row and row["status"] != "pending" else None

    assert await wait_until(settled, what="the Started call settled") == {
        "status": "delivered",
        "attempts": 2,
        "last_error": None,
    }
    assert [u["assessment_status"]["value"] for u in ashby.accepted()][:1] == ["Started"]


async def test_fields_ashby_sends_that_we_neither_keep_nor_use_never_refuse_the_start(
    ashby: FakeAshby, db: Conn
) -> None:
    # The application's `status` and the job's `ashby_job_url` are neither kept nor used, yet each was typed and
    # bounded: a status sent as an object, or a job link past 2,000 characters, was a 422 with a message telling
    # the recruiter Shadows could not read the request, for a start Ashby's contract allows.
    job_url = "https://app.ashbyhq.com/jobs/job-9?" + "&".join(f"utm_{i}=Zo%C3%AB" for i in range(200))
    assert len(job_url) > 2_000
    r = await ashby.start(
        "difficulty:easy",
        ADA,
        application={"ashby_id": "app-adv-1", "status": {"id": "st-1", "title": "Active \u2013 Screen"}},
        job={"ashby_id": "job-9", "name": "Backend Engineer", "req_id": None, "ashby_job_url": job_url},
    )
    assert r.status_code == 200 and r.json()["success"] is True, r.text
    session_id = r.json()["results"]["assessment_id"]

    # The same start again, its status moved on and its job link re-tagged: the same assessment.
    again = await ashby.start(
        "difficulty:easy",
        ADA,
        application={"ashby_id": "app-adv-1", "status": "Hired"},
        job={"ashby_id": "job-9", "name": "Backend Engineer", "req_id": None, "ashby_job_url": job_url[:60]},
    )
    assert (again.status_code, again.json()) == (200, r.json()), again.text
    cur = await db.execute("select metadata from sessions where id = %s", (session_id,))
    row = await cur.fetchone()
    assert row is not None and "utm_" not in json.dumps(row["metadata"])


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    # With a mail server, as deployed: without one, each Ashby assessment's first update says its invite was not
    # e-mailed (api.integrations.assessments), ahead of the calls this file is about.
    return with_mail_server(api_settings, smtp.url)
