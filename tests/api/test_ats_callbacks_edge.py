"""Ashby's answers at the edges of what we read, and Ashby's cancel of an interview that has already ended: a fake
Ashby on loopback speaking its assessment contract, the real API, and a real worker.

An Ashby answer cut off (longer than we read, or still arriving at our deadline) is a 2xx Ashby began to answer:
the update is delivered unless what we did read refuses it or is not Ashby's answer; a complete body that says
nothing (`{}`) stays retried. assessment.cancel records Ashby's cancellation only when it cancels the session."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp import web
from psycopg.rows import DictRow

from api import egress
from api.integrations.callbacks import Call, judge
from api.settings import ApiSettings
from tests.api.grading_support import wait_until
from tests.api.integration_support import (
    delivery_worker,
    end_interview,
    grading_worker,
    simulate_interview,
    store_version,
)
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import FakeAshby, fake_ashby
from tests.fakes.greenhouse import FakeGreenhouse, fake_greenhouse
from tests.fakes.smtp import SmtpSink, with_mail_server

Conn = psycopg.AsyncConnection[DictRow]
ASHBY_API_KEY = "ashby-customer-key-edges"
ADA = {"ashby_id": "cand-edge-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
GRACE = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}
PAD = "x" * 100_000  # past any cap we read an answer up to


def _ashby_call() -> Call:
    return Call("https://api.ashbyhq.com/assessment.update", "POST", {}, b"{}", True)


def _cut(body: bytes) -> egress.Reply:
    return egress.Reply(status_code=200, body=body, truncated=True, retry_after_s=None)


@pytest.mark.parametrize(
    "start",
    [
        b'{"results": {"assessment_id": "ses_x", "notes": "' + PAD[:20_000].encode(),  # success past the cut
        b'{"results": {"assessment_id": "ses_x"',  # still arriving at the deadline
        b'{"success": true, "results": {"assessment_id": "ses_',
        b'{\n  "success" : tr',  # cut inside the literal
        b'{"results": ' + b"[" * 30_000,  # nested past the parser's limit before the cut
        b"",  # a 2xx whose body never came before the deadline
    ],
)
def test_a_2xx_from_ashby_cut_off_before_a_refusal_is_delivered_not_retried(start: bytes) -> None:
    # Retried, the same answer is cut at the same place every attempt, and the update Ashby took ends as a dead
    # letter (and pages) once the schedule is used up.
    assert judge(_ashby_call(), _cut(start)) == (True, False, None)


@pytest.mark.parametrize(
    "start",
    [
        b'{"success": false, "errorInfo": {"code": "invalid_input", "message": "' + PAD[:20_000].encode(),
        b'{"errorInfo": {"code": "invalid_input"}, "success": false',
        b'{"success": fa',
    ],
)
def test_a_refusal_seen_before_the_cut_is_a_refusal(start: bytes) -> None:
    assert judge(_ashby_call(), _cut(start)) == (False, True, "rejected")


@pytest.mark.parametrize(
    "start",
    [
        b"<html><body>Bad gateway" + PAD[:5_000].encode(),  # a gateway's page, not Ashby's answer
        b"[" * 20_000,
        b'{"results": {}}\n<html>',  # an object closed without `success`
        b'{"success": "true", "results": {"assessment_id": "ses_',
        b'{"success": 1',
        b'{"success": nul',
        b"{}",  # complete, marked cut only because it filled the read exactly
    ],
)
def test_a_cut_off_answer_already_not_ashbys_shape_is_retried(start: bytes) -> None:
    # What we did read says it is not Ashby's `{"success": ...}`: as for a complete body that says nothing (a
    # gateway's `{}`), it tells nothing about the update, and is tried again.
    assert judge(_ashby_call(), _cut(start)) == (False, False, "invalid_response")


def test_a_complete_answer_marked_cut_at_the_cap_is_read_as_complete() -> None:
    assert judge(_ashby_call(), _cut(b'{"results": {"assessment_id": "ses_x"}, "success": true}')) == (
        True,
        False,
        None,
    )
    assert judge(_ashby_call(), _cut(b'{"results": {"assessment_id": "ses_x"}, "success": false}')) == (
        False,
        True,
        "rejected",
    )


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


async def _settled(db: Conn, session_id: str, kind: str) -> dict[str, Any] | None:
    cur = await db.execute(
        "select status, attempts, last_error from ats_callbacks where session_id = %s and kind = %s",
        (session_id, kind),
    )
    row = await cur.fetchone()
    return row if row and row["status"] != "pending" else None


async def _started_call_with_answer(
    api_server: ApiServer,
    ashby: FakeAshby,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: Any,
    **env: str,
) -> dict[str, Any]:
    """Ashby checks each update as documented, then answers with `answer(update, documented_answer)`; the Started
    call's outcome once it settles (a short retry schedule: an answer retried ends failed within seconds)."""
    original = FakeAshby._update

    async def update(self: FakeAshby, request: web.Request) -> web.StreamResponse:
        documented = await original(self, request)
        return await answer(request, self.updates[-1], documented)

    monkeypatch.setattr(FakeAshby, "_update", update)
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    env.setdefault("SHADOWS_API_WEBHOOK_RETRY_DELAYS_S", "0.2,0.2")
    grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url, **env)
    await simulate_interview(api_server, assessment)
    settled = await wait_until(lambda: _settled(db, assessment, "started"), within_s=60, what="the call")
    assert settled is not None
    return settled


async def test_an_update_ashby_took_with_an_answer_longer_than_we_read_is_delivered_once(
    api_server: ApiServer,
    ashby: FakeAshby,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ashby took the update and answered 200 with a body past the 64 KiB read, its `success` after the cut: it
    # could not be parsed, was `invalid_response`, sent again on every retry and ended failed (a dead letter that
    # pages) while Ashby showed Started.
    async def long_answer(request: web.Request, seen: Any, documented: web.Response) -> web.Response:
        assert documented.status == 200 and seen.errors == []
        body = {"results": {"assessment_id": seen.body["assessment_id"], "notes": PAD}, "success": True}
        return web.Response(body=json.dumps(body).encode(), content_type="application/json")

    settled = await _started_call_with_answer(
        api_server, ashby, db, start_worker, tmp_path, monkeypatch, long_answer
    )
    assert settled == {"status": "delivered", "attempts": 1, "last_error": None}
    assert [u.body["assessment_status"]["value"] for u in ashby.updates if u.body] == ["Started"]


async def test_an_update_ashby_took_whose_answer_is_still_arriving_at_our_deadline_is_delivered_once(
    api_server: ApiServer,
    ashby: FakeAshby,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = asyncio.Event()

    async def slow_answer(request: web.Request, seen: Any, documented: web.Response) -> web.StreamResponse:
        assert documented.status == 200 and seen.errors == []
        answer = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        answer.content_length = 4_096
        await answer.prepare(request)
        await answer.write(b'{"results": {"assessment_id": "' + seen.body["assessment_id"].encode() + b'"')
        async with asyncio.timeout(30):
            await release.wait()  # the rest never comes while the worker waits
        return answer

    try:
        settled = await _started_call_with_answer(
            api_server,
            ashby,
            db,
            start_worker,
            tmp_path,
            monkeypatch,
            slow_answer,
            SHADOWS_API_WEBHOOK_TIMEOUT_S="1",
        )
    finally:
        release.set()
    assert settled == {"status": "delivered", "attempts": 1, "last_error": None}
    assert len(ashby.updates) == 1


async def test_a_refusal_cut_off_after_its_success_ends_the_call_at_once(
    api_server: ApiServer,
    ashby: FakeAshby,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def long_refusal(request: web.Request, seen: Any, documented: web.Response) -> web.Response:
        body = {"success": False, "errorInfo": {"code": "invalid_input", "message": PAD}}
        return web.Response(body=json.dumps(body).encode(), content_type="application/json")

    settled = await _started_call_with_answer(
        api_server, ashby, db, start_worker, tmp_path, monkeypatch, long_refusal
    )
    assert settled == {"status": "failed", "attempts": 1, "last_error": "rejected"}


# --- assessment.cancel of an interview that has already ended ------------------------------------------------------


async def _cancelled_by_ats_at(db: Conn, session_id: str) -> Any:
    cur = await db.execute(
        "select cancelled_by_ats_at from ats_assessments where session_id = %s", (session_id,)
    )
    row = await cur.fetchone()
    assert row is not None
    return row["cancelled_by_ats_at"]


async def test_ashby_cancelling_a_taken_interview_is_told_it_ended_and_then_takes_its_result(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # The candidate finished; the hiring team then cancels in Ashby. Answered `success: true` (and recorded as
    # Ashby's cancellation), Ashby closes its assessment and refuses the result that follows, a dead letter.
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    await simulate_interview(api_server, assessment)
    await end_interview(api_server, assessment)

    r = await ashby.cancel(assessment)
    assert r.status_code == 200, r.text
    answer = r.json()
    if answer.get("success") is True:
        ashby.started.discard(assessment)  # Ashby took the cancellation: it refuses later updates of it
    assert answer["success"] is False and answer["errorInfo"]["code"] == "assessment_already_ended"
    assert "already taken" in answer["errorInfo"]["message"]
    cur = await db.execute("select status from sessions where id = %s", (assessment,))
    assert await cur.fetchone() == {"status": "completed"}
    assert await _cancelled_by_ats_at(db, assessment) is None

    grader_dir = tmp_path / "grader"
    grader_dir.mkdir()
    (grader_dir / "release").touch()
    grading_worker(start_worker, api_server, grader_dir, SHADOWS_API_ASHBY_BASE_URL=ashby.url)
    result = await wait_until(lambda: _settled(db, assessment, "result"), within_s=60, what="the result")
    assert result == {"status": "delivered", "attempts": 1, "last_error": None}
    assert ashby.accepted()[-1]["assessment_status"]["value"] == "Completed"


async def test_ashby_cancelling_an_interview_cancelled_in_shadows_records_nothing_and_shadows_says_so(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # Cancelled in Shadows while Ashby was unreachable; Ashby's own cancel followed. It was recorded as Ashby's
    # cancellation, and the pending Shadows-side update then told Ashby "cancelled in Ashby".
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    r = await api_server.client.post(f"/v1/sessions/{assessment}/cancel", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    again = await ashby.cancel(assessment)
    assert again.json() == {"success": True, "results": {"assessment_id": assessment}}  # it is cancelled
    assert await _cancelled_by_ats_at(db, assessment) is None

    grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url)
    await wait_until(lambda: _settled(db, assessment, "cancelled"), within_s=60, what="the cancellation")
    (update,) = ashby.accepted()
    assert update["cancelled_reason"]["value"] == "The hiring team cancelled this interview in Shadows."


async def test_a_cancellation_mark_left_on_a_session_ashby_never_cancelled_is_not_read_as_ashbys(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # Rows written before the fix carry `cancelled_by_ats_at` for sessions Ashby's cancel did not cancel; the
    # session's end (its end reason) says who cancelled it, so no migration is needed to stop the wrong wording.
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    r = await api_server.client.post(f"/v1/sessions/{assessment}/cancel", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    await db.execute(
        "update ats_assessments set cancelled_by_ats_at = now() where session_id = %s", (assessment,)
    )

    grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url)
    await wait_until(lambda: _settled(db, assessment, "cancelled"), within_s=60, what="the cancellation")
    (update,) = ashby.accepted()
    assert update["cancelled_reason"]["value"] == "The hiring team cancelled this interview in Shadows."


async def test_ashby_cancelling_an_interview_under_way_cancels_and_records_it(
    api_server: ApiServer, ashby: FakeAshby, db: Conn
) -> None:
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    await simulate_interview(api_server, assessment)
    r = await ashby.cancel(assessment)
    assert r.json() == {"success": True, "results": {"assessment_id": assessment}}
    cur = await db.execute("select status, end_reason from sessions where id = %s", (assessment,))
    assert await cur.fetchone() == {"status": "cancelled", "end_reason": "cancelled_by_ats"}
    assert await _cancelled_by_ats_at(db, assessment) is not None


# --- Greenhouse: its answer to the completion PATCH is its status alone --------------------------------------------


async def test_a_greenhouse_2xx_whose_body_is_still_arriving_at_our_deadline_is_delivered_once(
    api_server: ApiServer,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The same class as Ashby's cut-off answer: Greenhouse took the PATCH (and read test_status) but its answer's
    # body never ends. Only the status is read, so the call is delivered once, never sent again.
    release = asyncio.Event()
    original = FakeGreenhouse.handle_patch

    async def endless(self: FakeGreenhouse, request: web.Request) -> web.StreamResponse:
        documented = await original(self, request)
        answer = web.StreamResponse(status=documented.status)
        answer.content_length = 100_000
        await answer.prepare(request)
        await answer.write(b"{" + b" " * 2_000)
        async with asyncio.timeout(30):
            await release.wait()
        return answer

    monkeypatch.setattr(FakeGreenhouse, "handle_patch", endless)
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    try:
        async with fake_greenhouse(f"{api_server.url}/integrations/greenhouse", r.json()["key"]) as gh:
            sent = await gh.send_test("difficulty:easy", GRACE)
            interview = sent.json()["partner_interview_id"]
            await simulate_interview(api_server, interview)
            await end_interview(api_server, interview)
            await store_version(db, api_server, interview, 1, ready=True)
            # The deadline leaves the fake's own work (it reads test_status before it answers) room on a loaded
            # host: at 3 s one full run saw the status miss it and the call sent again (CI54b).
            delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_WEBHOOK_TIMEOUT_S="6")
            settled = await wait_until(lambda: _settled(db, interview, "completed"), what="the PATCH")
            assert settled == {"status": "delivered", "attempts": 1, "last_error": None}
            assert [(p.authorized, p.errors) for p in gh.patches] == [(True, [])]
    finally:
        release.set()


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    # With a mail server, as deployed: without one, each Ashby assessment's first update says its invite was not
    # e-mailed (api.integrations.assessments), ahead of the calls this file is about.
    return with_mail_server(api_settings, smtp.url)
