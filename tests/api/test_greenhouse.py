"""Greenhouse's Assessment Partner flow end to end: a fake Greenhouse on loopback that speaks the documented
contract, the real API, a real worker with the fake grader, and a local mail server for the invite."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from pydantic import SecretStr

from api import share_links
from api.db import bundle_repo
from api.integrations import profile_links
from api.settings import ApiSettings
from grader.redact import Redactor
from tests.api.grading_support import wait_until
from tests.api.integration_support import (
    create_endpoint,
    delivery_rows,
    document_example,
    end_interview,
    grading_worker,
    simulate_interview,
    store_version,
)
from tests.conftest import ApiServer, StartWorker
from tests.fakes.greenhouse import FakeGreenhouse, basic, fake_greenhouse
from tests.fakes.smtp import SmtpSink, with_mail_server
from tests.fakes.webhook_receiver import WebhookReceiver, webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]
HARRY = {
    "first_name": "Harry",
    "last_name": "Potter",
    "preferred_name": "Hal",
    "email": "hpotter@hogwarts.example",
    "phone_number": "123-456-7890",
    "resume_url": "https://hogwarts.example/resume",
    "greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709",
}


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    return with_mail_server(api_settings, smtp.url)


async def _issue_key(server: ApiServer) -> str:
    r = await server.client.post("/v1/integrations/greenhouse/keys", headers=server.org_headers())
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    assert key.startswith("shgh_") and len(key) < 171 and r.json()["prefix"] == key[:9]
    return str(key)


@pytest.fixture
async def greenhouse(api_server: ApiServer) -> AsyncIterator[FakeGreenhouse]:
    key = await _issue_key(api_server)
    async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", key) as gh:
        yield gh


async def test_callback_urls_are_matched_and_stored_as_the_patch_will_go_and_bounded_once_encoded(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    # Stored as sent, a callback URL of 2,000 characters of non-ASCII text was too large for the unique index on
    # it: a 503 database_unavailable, which Greenhouse retries for ever.
    def body(url: str) -> dict[str, Any]:
        return {
            "partner_test_id": "question:two-sum",
            "candidate": HARRY,
            "sent_by": "r@acme.example",
            "url": url,
        }

    tail = "".join(chr(0x4E00 + (i * 7919) % 0x5000) for i in range(1_900))  # little for pglz to compress
    async with greenhouse.client() as c:
        huge = await c.post("/send_test", json=body(greenhouse.callback_url(1) + "/" + tail))
        assert (huge.status_code, huge.json()["error"]["code"]) == (422, "invalid_url"), huge.text
        url = greenhouse.callback_url(2)
        first = await c.post("/send_test", json=body(url.replace("http://", "HTTP://") + "/é"))
        again = await c.post("/send_test", json=body(url + "/%C3%A9"))
    assert first.status_code == 200, first.text
    assert again.json() == first.json()
    cur = await db.execute(
        "select callback_url from ats_assessments where session_id = %s",
        (first.json()["partner_interview_id"],),
    )
    assert await cur.fetchone() == {"callback_url": url + "/%C3%A9"}


async def _sessions(db: Conn) -> int:
    cur = await db.execute("select count(*) as n from sessions")
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def test_send_test_to_patch_to_complete_test_status(
    api_server: ApiServer,
    greenhouse: FakeGreenhouse,
    smtp: SmtpSink,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
) -> None:
    tests = await greenhouse.list_tests()
    assert tests.status_code == 200
    ids = [t["partner_test_id"] for t in tests.json()]
    assert ids[:3] == ["difficulty:easy", "difficulty:medium", "difficulty:hard"]
    assert "question:two-sum" in ids and all(
        set(t) == {"partner_test_id", "partner_test_name"} for t in tests.json()
    )
    document_example("greenhouse.list_tests", tests.json()[:4])

    sent = await greenhouse.send_test("question:two-sum", HARRY, instance=12345)
    assert sent.status_code == 200, sent.text
    interview = sent.json()["partner_interview_id"]
    # Greenhouse retries send_test: same url, same interview, nothing new scheduled or e-mailed.
    again = await greenhouse.send_test("question:two-sum", HARRY, instance=12345)
    assert again.json() == {"partner_interview_id": interview}
    assert await _sessions(db) == 1
    document_example("greenhouse.send_test", sent.json())

    grader_dir = tmp_path / "grader"
    grading_worker(start_worker, api_server, grader_dir, SHADOWS_API_SMTP_URL=smtp.url)
    await wait_until(lambda: _mails(smtp, 1), what="the invite e-mail")

    status = (await greenhouse.test_status(interview)).json()
    assert status["partner_status"] == "sent" and status["partner_score"] is None
    assert status["partner_profile_url"] is None
    flags = status["metadata"]["asked_for_human_interview"], status["metadata"]["asked_for_accommodation"]
    assert flags == (False, False)
    (mail,) = smtp.received
    assert mail.rcpt_tos == ["hpotter@hogwarts.example"]
    assert mail.message["Subject"] == "Your technical interview with Acme Hiring"
    assert "Hello Hal," in mail.text and "interviewer is an AI" in mail.text
    link = re.search(r"http://\S+/join#invite=inv_\S+", mail.text)
    assert link is not None and status["metadata"]["join_url"] == link.group(0)
    joined = await api_server.client.post("/v1/join", json={"invite": link.group(0).split("#invite=")[1]})
    assert joined.status_code == 200 and joined.json()["session"]["id"] == interview
    assert joined.json()["participant_name"] == "Hal Potter"
    document_example("greenhouse.test_status.sent", status)

    await simulate_interview(api_server, interview)
    started = (await greenhouse.test_status(interview)).json()
    assert started["partner_status"] == "started"
    # The join link admits whoever holds it; once the candidate has used it, no one else at the ATS needs it.
    assert (started["metadata"]["join_url"], started["metadata"]["invite_expires_at"]) == (None, None)
    # The candidate asks for a person from their interview page: the recruiter reading the result here is told.
    asked = await api_server.client.post(
        f"/v1/sessions/{interview}/accommodation-requests",
        json={"kind": "human_interview", "message": "I would rather talk to a person."},
        headers={"Authorization": f"Bearer {link.group(0).split('#invite=')[1]}"},
    )
    assert asked.status_code == 201, asked.text
    await end_interview(api_server, interview)
    grading = (await greenhouse.test_status(interview)).json()
    assert grading["partner_status"] == "grading" and grading["metadata"]["join_url"] is None
    assert greenhouse.patches == []

    (grader_dir / "release").touch()
    await wait_until(lambda: _patched(greenhouse), what="Greenhouse's PATCH")
    (patch,) = greenhouse.patches
    assert patch.authorized and patch.body == b"" and patch.interview == "12345"
    assert patch.errors == []  # the test_status Greenhouse read right after satisfies its rules
    complete = patch.status_read
    assert complete is not None
    assert complete["partner_status"] == "complete"
    assert complete["partner_score"] == 67  # dimensions 3, 4, 2, 3: overall 3.00 -> 67
    meta = complete["metadata"]
    assert (meta["recommendation"], meta["needs_human_review"], meta["grading"]) == ("hire", False, "ready")
    assert meta["scorecard_version"] == 1 and meta["rubric_version"] and meta["join_url"] is None
    assert meta["hints"] == 0
    assert (meta["asked_for_human_interview"], meta["asked_for_accommodation"]) == (True, False)
    opened = await share_links.verify(
        db, api_server.settings, complete["partner_profile_url"].rsplit("/", 1)[1]
    )
    assert opened.session_id == interview
    # Read again: the same profile link (kept, not minted per read).
    assert (await greenhouse.test_status(interview)).json() == complete
    document_example("greenhouse.test_status.complete", complete)
    assert len(smtp.received) == 1

    assert await wait_until(lambda: _settled_callbacks(db, interview), what="the callback recorded") == [
        {"status": "delivered", "attempts": 1, "last_status_code": 200}
    ]


async def _mails(smtp: SmtpSink, n: int) -> bool:
    return len(smtp.received) >= n


async def _patched(gh: FakeGreenhouse) -> bool:
    return any(p.status_read is not None for p in gh.patches)


async def test_a_failing_patch_is_retried_like_a_webhook_and_failed_grading_is_complete_without_a_score(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    greenhouse.fail_patches = 2
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url, ["scorecard.failed", "scorecard.ready"])
        receiver.secrets = [ep["secret"]]
        sent = await greenhouse.send_test("difficulty:medium", HARRY)
        interview = sent.json()["partner_interview_id"]
        grader_dir = tmp_path / "grader"
        grader_dir.mkdir()
        (grader_dir / "fail").touch()
        grading_worker(start_worker, api_server, grader_dir)
        await simulate_interview(api_server, interview)
        await end_interview(api_server, interview)
        await wait_until(lambda: _patched(greenhouse), what="Greenhouse's PATCH")
        await wait_until(lambda: _hooked(receiver), what="scorecard.failed")
    assert [p.status_read is not None for p in greenhouse.patches] == [False, False, True]
    status = greenhouse.patches[-1].status_read
    assert status is not None and greenhouse.patches[-1].errors == []
    assert (status["partner_status"], status["partner_score"]) == ("complete", None)
    assert status["partner_profile_url"]  # always present when complete
    meta = status["metadata"]
    assert (meta["grading"], meta["grading_failure_reason"], meta["needs_human_review"]) == (
        "failed",
        "fake_failure",
        True,
    )
    rows = await wait_until(lambda: _settled_callbacks(db, interview), what="the third attempt recorded")
    assert [(r["status"], r["attempts"]) for r in rows] == [("delivered", 3)]
    (hook,) = receiver.deliveries
    assert hook.verified_with == [0] and hook.type == "scorecard.failed"
    data = hook.payload["data"]
    assert data["metadata"]["ats"] == "greenhouse" and data["session_id"] == interview
    card = data["scorecard"]
    assert (card["status"], card["reason"], card["score"], card["needs_human_review"]) == (
        "failed",
        "fake_failure",
        None,
        True,
    )
    assert data["report_url"].startswith(f"{api_server.url}/v1/reports/shr_")
    document_example("scorecard.failed", hook.payload)


async def _hooked(receiver: WebhookReceiver) -> bool:
    return len(receiver.succeeded()) >= 1


async def test_keys_are_checked_on_every_partner_route(
    api_server: ApiServer, greenhouse: FakeGreenhouse
) -> None:
    sent = await greenhouse.send_test("difficulty:easy", HARRY)
    interview = sent.json()["partner_interview_id"]
    ashby = await api_server.client.post(
        "/v1/integrations/ashby/keys",
        json={"ashby_api_key": "ashby-key-0123"},
        headers=api_server.org_headers(),
    )
    wrong = {
        "none": {},
        "garbage": {"Authorization": basic("shgh_" + "A" * 43)},
        "password": {"Authorization": "Basic " + base64.b64encode(f"{greenhouse.key}:x".encode()).decode()},
        "bearer": {"Authorization": f"Bearer {greenhouse.key}"},
        "org_key": {"Authorization": basic(api_server.org_key)},
        "ashby_key": {"Authorization": basic(ashby.json()["key"])},
        "not_base64": {"Authorization": "Basic %%%"},
        "too_long": {"Authorization": basic("k" * 171)},
    }
    routes: list[tuple[str, str, Any]] = [
        ("GET", "/integrations/greenhouse/list_tests", None),
        (
            "POST",
            "/integrations/greenhouse/send_test",
            {"partner_test_id": "difficulty:easy", "candidate": HARRY, "url": greenhouse.callback_url(1)},
        ),
        ("GET", f"/integrations/greenhouse/test_status?partner_interview_id={interview}", None),
        ("POST", "/integrations/greenhouse/response_error", {"api_call": "list_tests", "errors": ["x"]}),
    ]
    for method, path, body in routes:
        for who, headers in wrong.items():
            r = await api_server.client.request(method, path, json=body, headers=headers)
            assert r.status_code == 401, (path, who, r.text)
            assert interview not in r.text
    # A new key revokes the old one; DELETE revokes the new one.
    new_key = await _issue_key(api_server)
    r = await api_server.client.get(
        "/integrations/greenhouse/list_tests", headers={"Authorization": basic(greenhouse.key)}
    )
    assert r.status_code == 401
    r = await api_server.client.get(
        "/integrations/greenhouse/list_tests", headers={"Authorization": basic(new_key)}
    )
    assert r.status_code == 200
    r = await api_server.client.delete("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 204
    r = await api_server.client.get(
        "/integrations/greenhouse/list_tests", headers={"Authorization": basic(new_key)}
    )
    assert r.status_code == 401


async def test_unknown_interviews_and_tests_are_404_and_never_another_organisations(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    sent = await greenhouse.send_test("difficulty:easy", HARRY)
    mine = sent.json()["partner_interview_id"]
    by_api = await api_server.create_session()
    _, other_key = await api_server.create_org("Other Org")
    other = await api_server.client.post(
        "/v1/integrations/greenhouse/keys", headers=api_server.org_headers(other_key)
    )
    async with fake_greenhouse(greenhouse.partner_url, other.json()["key"]) as other_gh:
        theirs = (await other_gh.send_test("difficulty:easy", HARRY)).json()["partner_interview_id"]
        for unknown in ("ses_000000000000000000000000", by_api["id"], mine, "x" * 200, "' or 1=1 --"):
            r = await other_gh.test_status(unknown)
            assert (r.status_code, r.json()["error"]["code"]) == (404, "interview_not_found"), unknown
            assert "Harry" not in r.text
        assert (await other_gh.test_status(theirs)).status_code == 200
        # The same callback url in another organisation is another interview.
        same_url = {
            "partner_test_id": "difficulty:easy",
            "candidate": HARRY,
            "url": greenhouse.callback_url(12345),
        }
        async with other_gh.client() as c:
            again = await c.post("/send_test", json=same_url)
        assert again.status_code == 200 and again.json()["partner_interview_id"] not in (mine, theirs)
    r = await greenhouse.send_test("question:no-such-question", HARRY)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "test_not_found")
    r = await greenhouse.send_test("difficulty:impossible", HARRY)
    assert r.status_code == 404
    r = await greenhouse.test_status("")
    assert r.status_code == 422


@pytest.mark.parametrize(
    ("candidate", "field"),
    [
        ({**HARRY, "email": "not-an-email"}, "candidate.email"),
        ({**HARRY, "first_name": ""}, "candidate.first_name"),
        ({**HARRY, "first_name": "Ha\x00rry"}, "candidate.first_name"),
        ({**HARRY, "first_name": "H" * 101}, "candidate.first_name"),
    ],
)
async def test_send_test_refuses_unusable_candidates_and_schedules_nothing(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn, candidate: dict[str, Any], field: str
) -> None:
    r = await greenhouse.send_test("difficulty:easy", candidate)
    assert r.status_code == 422 and r.json()["error"]["message"].startswith(field)
    assert await _sessions(db) == 0


async def test_the_legal_first_name_behind_a_preferred_one_is_scrubbed_from_what_the_grader_reads(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    # Greenhouse sends both names; the session is addressed by the preferred one ("Hal Potter"). The candidate may
    # still write or say the other ("# Harry Potter, 2026"), so grading must be blind to it too.
    sent = await greenhouse.send_test("question:two-sum", HARRY)
    bundle = await bundle_repo.load_bundle_input(db, sent.json()["partner_interview_id"])
    assert bundle is not None
    assert {"Harry", "Hal", "Potter"} <= set(bundle.redact)
    code = Redactor(bundle.redact).code("# Harry Potter, 2026\ndef two_sum(): ...\n", "python").text
    assert "Harry" not in code and "Potter" not in code


async def test_response_error_is_stored_without_the_email_and_answers_200(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    body = {
        "api_call": "test_status",
        "errors": [
            "partner_status is 'complete' but partner_profile url is missing",
            {"odd": "shape"},
            *["e"] * 150,
        ],
        "partner_test_id": "difficulty:easy",
        "partner_test_name": "AI coding screen (easy)",
        "partner_interview_id": "ses_0123",
        "candidate_email": "hpotter@hogwarts.example",
        "added_later_by_greenhouse": True,
    }
    async with greenhouse.client() as c:
        r = await c.post("/response_error", json=body)
    assert (r.status_code, r.json()) == (200, {"status": 200})
    cur = await db.execute("select * from ats_response_errors")
    (row,) = await cur.fetchall()
    assert (row["api_call"], row["partner_interview_id"], row["provider"]) == (
        "test_status",
        "ses_0123",
        "greenhouse",
    )
    assert len(row["errors"]) == 100 and row["errors"][1] == "{'odd': 'shape'}"
    assert "hpotter" not in str(row)


async def test_without_smtp_no_mail_is_queued_and_the_join_link_is_in_test_status(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    api_server.app.state.settings = api_server.settings.model_copy(update={"smtp_url": None})
    sent = await greenhouse.send_test("difficulty:easy", HARRY)
    status = (await greenhouse.test_status(sent.json()["partner_interview_id"])).json()
    assert "/join#invite=inv_" in status["metadata"]["join_url"]
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs where task_name = 'send_invite_email'"
    )
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row


async def _settled_callbacks(db: Conn, interview: str) -> list[dict[str, Any]] | None:
    """The session's calls back to Greenhouse once none is pending. The job records an attempt after Greenhouse
    answered (and read test_status): wait for that write, not for Greenhouse's side (reading at once failed CI)."""
    cur = await db.execute(
        "select status, attempts, last_status_code from ats_callbacks where session_id = %s", (interview,)
    )
    rows = await cur.fetchall()
    return rows if rows and all(r["status"] != "pending" for r in rows) else None


async def _graded_and_patched(
    api_server: ApiServer, greenhouse: FakeGreenhouse, start_worker: StartWorker, tmp_path: Path
) -> tuple[str, dict[str, Any]]:
    """An interview sent, taken, ended and graded; its id and the test_status Greenhouse read after its PATCH."""
    sent = await greenhouse.send_test("difficulty:easy", HARRY)
    interview = sent.json()["partner_interview_id"]
    grader_dir = tmp_path / "grader"
    grader_dir.mkdir()
    (grader_dir / "release").touch()
    grading_worker(start_worker, api_server, grader_dir)
    await simulate_interview(api_server, interview)
    await end_interview(api_server, interview)
    await wait_until(lambda: _patched(greenhouse), what="Greenhouse's PATCH")
    first = greenhouse.patches[-1].status_read
    assert first is not None
    return interview, first


async def test_revoking_the_profile_link_gives_greenhouse_a_live_one_and_has_it_read_test_status_again(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    interview, first = await _graded_and_patched(api_server, greenhouse, start_worker, tmp_path)
    old_url = first["partner_profile_url"]
    old_token = old_url.rsplit("/", 1)[1]
    link_id, _ = share_links.check_token(api_server.settings, old_token)
    listed = await api_server.client.get(f"/v1/sessions/{interview}/share", headers=api_server.org_headers())
    assert str(link_id) in [d["id"] for d in listed.json()["data"]]

    # The organisation revokes the link it found on the candidate's Greenhouse profile (it leaked, say).
    r = await api_server.client.delete(
        f"/v1/sessions/{interview}/share/{link_id}", headers=api_server.org_headers()
    )
    assert r.status_code == 204
    assert (await api_server.client.get(f"/v1/reports/{old_token}")).status_code == 410

    # test_status never hands Greenhouse the revoked link again: a new, live one, kept across reads.
    status = (await greenhouse.test_status(interview)).json()
    assert status["partner_status"] == "complete" and status["partner_profile_url"] != old_url
    new_token = status["partner_profile_url"].rsplit("/", 1)[1]
    assert (await share_links.verify(db, api_server.settings, new_token)).session_id == interview
    assert (await api_server.client.get(f"/v1/reports/{new_token}")).status_code == 200
    assert (await greenhouse.test_status(interview)).json() == status

    # Greenhouse only reads test_status after a PATCH: the revocation sends one, and it reads the live link.
    async def patched_again() -> bool:
        return sum(p.status_read is not None for p in greenhouse.patches) >= 2

    await wait_until(patched_again, what="a second PATCH after the revocation")
    again = greenhouse.patches[-1]
    assert again.errors == [] and again.status_read is not None
    assert again.status_read["partner_profile_url"] == status["partner_profile_url"]

    # Rotating the signing key kills every link, the kept one included: test_status mints one that opens.
    rotated = api_server.settings.model_copy(update={"share_signing_key": SecretStr("rotated-" + "k" * 40)})
    api_server.app.state.settings = rotated
    after = (await greenhouse.test_status(interview)).json()
    assert after["partner_profile_url"] != status["partner_profile_url"]
    rotated_token = after["partner_profile_url"].rsplit("/", 1)[1]
    assert (await share_links.verify(db, rotated, rotated_token)).session_id == interview


async def test_a_profile_link_near_its_expiry_or_under_a_rotated_key_is_handed_to_greenhouse_again(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    interview, first = await _graded_and_patched(api_server, greenhouse, start_worker, tmp_path)

    async def reads(n: int) -> bool:
        return sum(p.status_read is not None for p in greenhouse.patches) >= n

    # A live link with life left: nothing to do.
    assert await profile_links.refresh_dead_links(db, api_server.settings) == 0
    # Two days from its expiry: Greenhouse is told, reads test_status, and shows a link good for the full lifetime.
    await db.execute(
        "update ats_assessments set profile_url_expires_at = now() + interval '1 day' where session_id = %s",
        (interview,),
    )
    assert await profile_links.refresh_dead_links(db, api_server.settings) == 1
    await wait_until(lambda: reads(2), what="the PATCH for the expiring link")
    renewed = greenhouse.patches[-1].status_read
    assert renewed is not None and greenhouse.patches[-1].errors == []
    assert renewed["partner_profile_url"] != first["partner_profile_url"]
    token = renewed["partner_profile_url"].rsplit("/", 1)[1]
    opened = await share_links.verify(db, api_server.settings, token)
    assert opened.expires_at - datetime.now(UTC) > timedelta(days=api_server.settings.share_link_max_days - 1)
    assert await profile_links.refresh_dead_links(db, api_server.settings) == 0

    # The signing key is rotated: every link dies, the one on the profile too, and Greenhouse gets a live one.
    rotated = api_server.settings.model_copy(update={"share_signing_key": SecretStr("rotated-" + "k" * 40)})
    api_server.app.state.settings = rotated
    assert await profile_links.refresh_dead_links(db, rotated) == 1
    await wait_until(lambda: reads(3), what="the PATCH after the key rotation")
    latest = greenhouse.patches[-1].status_read
    assert latest is not None
    token = latest["partner_profile_url"].rsplit("/", 1)[1]
    assert (await share_links.verify(db, rotated, token)).session_id == interview
    assert await profile_links.refresh_dead_links(db, rotated) == 0


def test_the_worker_refreshes_ats_profile_links_hourly() -> None:
    from procrastinate import App, testing

    from api.jobs.maintenance import register_periodic_tasks
    from api.jobs.settings import WorkerSettings

    app = App(connector=testing.InMemoryConnector())
    register_periodic_tasks(app, WorkerSettings(_env_file=None))  # type: ignore[call-arg]  # settings kwarg
    task = app.periodic_registry.periodic_tasks[("refresh_ats_profile_links", "ats_profile_links")]
    assert task.cron == "41 * * * *" and task.task.queue == "maintenance"


async def test_a_failed_regrade_never_replaces_the_result_greenhouse_or_webhooks_hold(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    """Version 1 was ready and handed over; a re-grade's version 2 failed. Greenhouse keeps version 1's score (no
    PATCH for version 2: nothing it reads changed), and the `scorecard.failed` webhook says which scorecard stands."""
    endpoint = await create_endpoint(
        api_server, "https://hooks.example/shadows", ["scorecard.ready", "scorecard.failed"]
    )
    interview = (await greenhouse.send_test("difficulty:easy", HARRY)).json()["partner_interview_id"]
    await simulate_interview(api_server, interview)
    await end_interview(api_server, interview)
    await store_version(db, api_server, interview, 1, ready=True)
    before = (await greenhouse.test_status(interview)).json()
    assert (before["partner_status"], before["partner_score"], before["metadata"]["scorecard_version"]) == (
        "complete",
        67,
        1,
    )

    r = await api_server.client.post(
        f"/v1/sessions/{interview}/grade", json={}, headers=api_server.org_headers()
    )
    assert r.status_code == 202, r.text
    assert (await greenhouse.test_status(interview)).json() == before  # pending: still version 1
    await store_version(db, api_server, interview, 2, ready=False)

    assert (await greenhouse.test_status(interview)).json() == before  # failed: still version 1
    cur = await db.execute(
        "select kind, scorecard_version from ats_callbacks where session_id = %s order by created_at",
        (interview,),
    )
    assert [(c["kind"], c["scorecard_version"]) for c in await cur.fetchall()] == [("completed", 1)]

    rows = await delivery_rows(db, endpoint["id"])
    assert [r["event_type"] for r in rows] == ["scorecard.ready", "scorecard.failed"]
    ready, failed = (r["payload"]["data"] for r in rows)
    assert (ready["scorecard"]["version"], ready["current_scorecard"]["version"]) == (1, 1)
    assert (failed["scorecard"]["version"], failed["scorecard"]["status"]) == (2, "failed")
    current = failed["current_scorecard"]
    assert (current["version"], current["status"], current["score"]) == (1, "ready", 67)
