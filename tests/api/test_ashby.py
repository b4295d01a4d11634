"""Ashby's assessment flow end to end: a fake Ashby on loopback that speaks the documented contract (and validates
every assessment.update), the real API, and a real worker with the fake grader."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api import share_links
from api.db import ats_callbacks_repo, events_repo
from api.integrations.callbacks import build_call
from api.settings import ApiSettings
from tests.api.grading_support import wait_until
from tests.api.integration_support import (
    document_example,
    end_interview,
    grading_worker,
    simulate_interview,
    store_version,
)
from tests.conftest import ApiServer, StartWorker, free_port
from tests.fakes.ashby import FakeAshby, basic, fake_ashby
from tests.fakes.smtp import SmtpSink, with_mail_server

Conn = psycopg.AsyncConnection[DictRow]
ASHBY_API_KEY = "ashby-customer-key-7f3a"
ADA = {"ashby_id": "cand-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


@pytest.fixture
async def ashby(api_server: ApiServer) -> AsyncIterator[FakeAshby]:
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": ASHBY_API_KEY}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    assert r.json()["key"].startswith("shab_")
    async with fake_ashby() as fake:
        fake.partner_url = f"{api_server.url}/integrations/ashby"
        fake.partner_key = r.json()["key"]
        fake.customer_api_key = ASHBY_API_KEY
        yield fake


def _worker(
    start_worker: StartWorker, server: ApiServer, ashby: FakeAshby, grader_dir: Path, **env: str
) -> None:
    grading_worker(start_worker, server, grader_dir, SHADOWS_API_ASHBY_BASE_URL=ashby.url, **env)


async def _updates(ashby: FakeAshby, n: int) -> bool:
    return len(ashby.accepted()) >= n


async def _taken_and_ended(
    start_worker: StartWorker,
    server: ApiServer,
    ashby: FakeAshby,
    tmp_path: Path,
    assessment: str,
    *,
    grading_seen: bool = True,
) -> Path:
    """The assessment taken and ended, with a grading worker; its grader directory (a file `fail` there fails the
    next grading). With `grading_seen`, grading waits until Ashby has accepted Started and the grading update (so
    each says its own news), else it grades at once."""
    grader_dir = tmp_path / "grader"
    grader_dir.mkdir()
    if not grading_seen:
        (grader_dir / "release").touch()
    _worker(start_worker, server, ashby, grader_dir)
    await simulate_interview(server, assessment)
    await end_interview(server, assessment)
    if grading_seen:
        await wait_until(lambda: _updates(ashby, 2), what="the Started and grading updates")
        assert [u["assessment_status"]["value"] for u in ashby.accepted()] == [
            "Started",
            "Completed: grading",
        ]
        (grader_dir / "release").touch()
    return grader_dir


async def test_start_then_started_then_the_result_with_typed_fields(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    listed = await ashby.list()
    assert listed.status_code == 200 and listed.json()["success"] is True
    results = listed.json()["results"]
    assert [r["assessment_type_id"] for r in results][:3] == [
        "difficulty:easy",
        "difficulty:medium",
        "difficulty:hard",
    ]
    assert all(set(r) == {"assessment_type_id", "name", "description"} for r in results)
    document_example("ashby.assessment.list", {"success": True, "results": results[:3]})

    started = await ashby.start("difficulty:easy", ADA)
    assert started.status_code == 200, started.text
    assessment = started.json()["results"]["assessment_id"]
    assert started.json() == {"success": True, "results": {"assessment_id": assessment}}
    session = (
        await api_server.client.get(f"/v1/sessions/{assessment}", headers=api_server.org_headers())
    ).json()
    assert session["candidate"] == {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "external_id": "ashby:cand-1",
    }
    assert (
        session["metadata"]["ashby_application_id"] == "app-1"
        and session["metadata"]["ashby_job_id"] == "job-9"
    )

    grader_dir = tmp_path / "grader"
    _worker(start_worker, api_server, ashby, grader_dir)
    await simulate_interview(api_server, assessment)
    await wait_until(lambda: _updates(ashby, 1), what="the Started update")
    # The candidate asks for a person from their interview page (what its route stores): the result says so.
    asked = events_repo.EventIn(
        "page:accommodation:1",
        "accommodation_request",
        {"kind": "human_interview", "message": "I would rather talk to a person.", "status": "in_progress"},
    )
    assert await events_repo.append_events(db, assessment, [asked])
    await end_interview(api_server, assessment)
    # The interview is over and grading is held: Ashby hears so, rather than keep showing Started.
    await wait_until(lambda: _updates(ashby, 2), what="the grading update")
    grading = ashby.accepted()[1]
    assert grading == {
        "assessment_id": assessment,
        "timestamp": grading["timestamp"],
        "assessment_status": {
            "identifier": "status",
            "label": "Status",
            "description": "",
            "type": "string",
            "value": "Completed: grading",
        },
        "metadata": [],
    }
    (grader_dir / "release").touch()
    await wait_until(lambda: _updates(ashby, 3), what="the result update")

    assert all(u.errors == [] and u.authorized for u in ashby.updates)
    first, grading, result = ashby.accepted()
    assert first["assessment_id"] == assessment and first["assessment_status"]["value"] == "Started"
    assert first["timestamp"] <= grading["timestamp"] <= result["timestamp"]
    assert result["assessment_status"]["value"] == "Completed"
    assert result["assessment_result"] == {
        "identifier": "score",
        "label": "Score",
        "description": "0-100, from the scorecard's four dimensions",
        "type": "numeric_score",
        "value": 67,
    }
    profile = result["assessment_profile_url"]
    assert profile["type"] == "url"
    opened = await share_links.verify(db, api_server.settings, profile["value"].rsplit("/", 1)[1])
    assert opened.session_id == assessment
    meta = {m["identifier"]: m for m in result["metadata"]}
    assert meta["recommendation"]["value"] == "Hire" and meta["recommendation"]["type"] == "string"
    assert meta["duration"]["type"] == "numeric_duration_minutes" and meta["duration"]["value"] >= 0
    assert meta["needs_human_review"]["value"] == "No"
    assert (meta["candidate_requests"]["type"], meta["candidate_requests"]["value"]) == (
        "string",
        "An interview with a person",
    )
    assert result["timestamp"] >= first["timestamp"]
    document_example("ashby.update.started", first)
    document_example("ashby.update.grading", grading)
    document_example("ashby.update.result", result)

    async def recorded() -> list[dict[str, object]] | None:
        # The job records each delivery after Ashby answered: wait for those writes, not just Ashby's side.
        cur = await db.execute(
            "select kind, status, attempts from ats_callbacks where session_id = %s order by created_at",
            (assessment,),
        )
        rows = await cur.fetchall()
        return rows if rows and all(r["status"] != "pending" for r in rows) else None

    assert await wait_until(recorded, what="the callbacks recorded") == [
        {"kind": "started", "status": "delivered", "attempts": 1},
        {"kind": "grading", "status": "delivered", "attempts": 1},
        {"kind": "result", "status": "delivered", "attempts": 1},
    ]


async def test_a_second_active_assessment_of_a_candidate_is_409_and_refusals_are_written_for_recruiters(
    api_server: ApiServer, ashby: FakeAshby, db: Conn
) -> None:
    first = await ashby.start("difficulty:easy", ADA)
    assert first.status_code == 200
    again = await ashby.start("difficulty:medium", ADA)
    assert again.status_code == 409
    assert "already has a Shadows interview" in again.json()["message"]
    other = await ashby.start("difficulty:easy", {**ADA, "ashby_id": "cand-2"})
    assert other.status_code == 200  # another candidate is not held back
    unknown = await ashby.start("question:no-such", {**ADA, "ashby_id": "cand-3"})
    assert unknown.status_code == 422 and "no longer offered" in unknown.json()["message"]
    no_email = await ashby.start("difficulty:easy", {**ADA, "ashby_id": "cand-4", "email": "not an email"})
    assert no_email.status_code == 422
    assert no_email.json() == {
        "message": "The candidate has no valid e-mail address in Ashby. Add one, then send the assessment again."
    }
    async with ashby.client() as c:
        broken = await c.post(
            "/assessment.start", content=b"{not json", headers={"content-type": "application/json"}
        )
        missing = await c.post("/assessment.start", json={"assessment_type_id": "difficulty:easy"})
    assert broken.status_code == 422 and set(broken.json()) == {"message"}
    assert missing.status_code == 422 and "candidate" in missing.json()["message"]
    cur = await db.execute("select count(*) as n from sessions")
    assert (await cur.fetchone())["n"] == 2  # type: ignore[index]  # count(*) returns a row
    # Once the first one is cancelled, the candidate can be assessed again.
    cancelled = await ashby.cancel(first.json()["results"]["assessment_id"])
    assert cancelled.json() == {
        "success": True,
        "results": {"assessment_id": first.json()["results"]["assessment_id"]},
    }
    assert (await ashby.start("difficulty:medium", ADA)).status_code == 200


async def test_a_candidate_with_one_name_and_fields_ashby_sends_as_null_are_scheduled(
    api_server: ApiServer, ashby: FakeAshby, db: Conn
) -> None:
    # A candidate known by one name has no last name: Ashby's JSON says null for a value it does not have (as it
    # does for the application's status and the job's req id, which were accepted), and a job may have no name.
    # Both were refused with "Shadows could not read this request from Ashby (candidate.last_name)", which the
    # recruiter can do nothing about.
    one_name = {**ADA, "ashby_id": "cand-one", "first_name": "Sukarno", "last_name": None}
    job = {"ashby_id": "job-3", "name": None, "req_id": None, "ashby_job_url": None, "hiringTeam": []}
    r = await ashby.start("difficulty:easy", one_name, job=job)
    assert r.status_code == 200, r.text
    session_id = r.json()["results"]["assessment_id"]
    cur = await db.execute(
        "select c.name, s.metadata from sessions s join candidates c on c.id = s.candidate_id where s.id = %s",
        (session_id,),
    )
    row = await cur.fetchone()
    assert row is not None
    assert row["name"] == "Sukarno"
    assert (row["metadata"]["ashby_job_id"], row["metadata"]["ashby_job_name"]) == ("job-3", "")
    # The same start again is Ashby's retry: the same assessment, nothing new.
    again = await ashby.start("difficulty:easy", one_name, job=job)
    assert again.status_code == 200 and again.json()["results"]["assessment_id"] == session_id


async def test_cancel_from_ashby_cancels_quietly_and_a_cancel_in_shadows_is_reported_to_ashby(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    by_ashby = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    by_team = (await ashby.start("difficulty:easy", {**ADA, "ashby_id": "cand-2"})).json()["results"][
        "assessment_id"
    ]
    r = await ashby.cancel(by_ashby)
    assert r.json()["success"] is True
    cur = await db.execute("select status, end_reason from sessions where id = %s", (by_ashby,))
    assert await cur.fetchone() == {"status": "cancelled", "end_reason": "cancelled_by_ats"}
    # Quietly: no call back to Ashby is queued. The outbox row would be written in the cancel's own transaction, so
    # this is read now; the fake's log below would show it only if that call happened to arrive first.
    cur = await db.execute("select kind from ats_callbacks where session_id = %s", (by_ashby,))
    assert await cur.fetchall() == []
    assert (await ashby.cancel(by_ashby)).json()["success"] is True  # idempotent
    unknown = await ashby.cancel("ses_000000000000000000000000")
    assert (
        unknown.json()["success"] is False and unknown.json()["errorInfo"]["code"] == "assessment_not_found"
    )
    r = await api_server.client.post(f"/v1/sessions/{by_team}/cancel", headers=api_server.org_headers())
    assert r.status_code == 200
    _worker(start_worker, api_server, ashby, tmp_path / "grader")
    await wait_until(lambda: _updates(ashby, 1), what="the cancellation update")
    (update,) = ashby.accepted()
    assert update["assessment_id"] == by_team and update["cancelled_reason"]["type"] == "string"
    assert "assessment_status" not in update


async def test_a_nul_in_any_text_ashby_sends_is_a_refusal_not_a_server_error(
    ashby: FakeAshby, db: Conn
) -> None:
    # PostgreSQL text never holds U+0000. Each Ashby model listed the fields it checked, and the cancel's
    # assessment_id was not among them: it reached the query, a 500. Every text field of every model now is.
    cancelled = await ashby.cancel("ses_0000\x00")
    assert cancelled.status_code == 422, cancelled.text
    job = {"ashby_id": "job-9", "name": "Backend Engineer", "req_id": "REQ-77"}
    for candidate, extra in (
        (ADA, {"job": {**job, "name": "Back\x00end"}}),
        (ADA, {"application": {"ashby_id": "app-1", "status": "Act\x00ive"}}),
        ({**ADA, "ashby_id": "cand\x00"}, {}),
    ):
        r = await ashby.start("difficulty:easy", candidate, **extra)
        assert r.status_code == 422, (extra, r.text)
    cur = await db.execute("select count(*) as n from ats_assessments")
    assert await cur.fetchone() == {"n": 0}


async def test_updates_retry_on_errors_and_stop_on_a_refusal_or_a_wrong_customer_key(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    ashby.fail_updates = 2
    retried = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    _worker(start_worker, api_server, ashby, tmp_path / "grader")
    await simulate_interview(api_server, retried)
    await wait_until(lambda: _updates(ashby, 1), what="the Started update after two 503s")
    assert [u.answered for u in ashby.updates] == [503, 503, 200]

    ashby.refuse = True
    refused = (await ashby.start("difficulty:easy", {**ADA, "ashby_id": "cand-2"})).json()["results"][
        "assessment_id"
    ]
    await simulate_interview(api_server, refused)

    async def failed() -> bool:
        cur = await db.execute(
            "select status, attempts, last_error from ats_callbacks where session_id = %s", (refused,)
        )
        row = await cur.fetchone()
        return bool(row and row["status"] == "failed")

    await wait_until(failed, what="a refused update failed")
    cur = await db.execute(
        "select status, attempts, last_error from ats_callbacks where session_id = %s", (refused,)
    )
    assert await cur.fetchone() == {
        "status": "failed",
        "attempts": 1,
        "last_error": "rejected",
    }  # not retried


async def test_an_answer_nested_past_the_parsers_limit_is_retried_not_left_pending_for_ever(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # A 200 whose JSON nests deeper than Python's recursion limit (well within the 64 KiB read) raised
    # RecursionError out of the job: the call stayed `pending` with no attempt recorded, never retried, never
    # failed, and "send again" answered 409 for ever. It is an unreadable answer like any other: tried again.
    ashby.garble_updates = 1
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    _worker(start_worker, api_server, ashby, tmp_path / "grader")
    await simulate_interview(api_server, assessment)
    await wait_until(lambda: _updates(ashby, 1), what="the Started update after a garbled answer")
    assert [u.errors for u in ashby.updates] == [["garbled answer"], []]

    async def settled() -> dict[str, Any] | None:
        # Ashby answers before the worker records the answer: wait for the record, not for Ashby.
        cur = await db.execute(
            "select status, attempts, last_error from ats_callbacks where session_id = %s", (assessment,)
        )
        row = await cur.fetchone()
        return row if row and row["status"] != "pending" else None

    assert await wait_until(settled, what="the call recorded") == {
        "status": "delivered",
        "attempts": 2,
        "last_error": None,
    }


async def test_json_nested_past_the_parsers_limit_is_a_refusal_not_a_server_error(
    api_server: ApiServer, ashby: FakeAshby
) -> None:
    # Ashby's routes read their bodies themselves; one nested deeper than the recursion limit was a 500.
    deep = b'{"assessment_type_id": "difficulty:easy", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    async with ashby.client() as c:
        for route in ("assessment.start", "assessment.cancel"):
            r = await c.post(f"/{route}", content=deep, headers={"content-type": "application/json"})
            assert r.status_code == 422, (route, r.status_code, r.text)
            assert "not JSON" in r.json()["message"]


async def test_a_key_sent_twice_is_a_refusal_whatever_the_body_is_labelled(
    api_server: ApiServer, ashby: FakeAshby, db: Conn
) -> None:
    # Ashby's routes read their bodies themselves, so a multipart label (which the edge leaves to the route) must
    # not let the last of two `assessment_type_id`s win.
    raw = (
        b'{"assessment_type_id": "difficulty:easy", "assessment_type_id": "difficulty:hard", "candidate": {}}'
    )
    async with ashby.client() as c:
        for content_type in ("application/json", "multipart/form-data; boundary=x"):
            r = await c.post("/assessment.start", content=raw, headers={"content-type": content_type})
            assert r.status_code == 422, (content_type, r.text)
            assert "assessment_type_id" in r.text
    cur = await db.execute("select count(*) as n from sessions")
    assert (await cur.fetchone()) == {"n": 0}


async def test_calls_that_fail_and_give_up_are_counted_on_the_workers_metrics_port(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # ShadowsWebhookDeliveriesExhausted says "an ATS did not receive a result", but calls back to Greenhouse and
    # Ashby counted in no metric: an ATS down past the whole retry schedule, or a customer's wrong Ashby key,
    # failed every result without a signal an operator could alert on.
    ashby.fail_updates = 3
    exhausted = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    port = free_port()
    _worker(
        start_worker,
        api_server,
        ashby,
        tmp_path / "grader",
        SHADOWS_API_WEBHOOK_RETRY_DELAYS_S="0.2,0.2",
        SHADOWS_WORKER_METRICS_PORT=str(port),
    )
    await simulate_interview(api_server, exhausted)

    async def scraped(done: str) -> str | None:
        async with httpx.AsyncClient(timeout=10) as client:
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        return text if done in text else None

    exhausted_1 = 'shadows_ats_callback_failures_total{provider="ashby",reason="exhausted"} 1.0'
    text = await wait_until(lambda: scraped(exhausted_1), within_s=90, what="the exhausted call counted")
    assert [u.answered for u in ashby.updates] == [503, 503, 503]
    assert _metric(text, "shadows_ats_callbacks_total", 'outcome="failed",provider="ashby"') == 3
    assert _metric(text, "shadows_ats_callback_failures_total", 'provider="ashby",reason="status"') == 3
    assert (
        _metric(text, "shadows_ats_callback_failures_total", 'provider="greenhouse",reason="exhausted"') == 0
    )

    # A refusal ends the call at once; a call that cannot be made at all (the key revoked) ends it unsent.
    ashby.refuse = True
    refused = (await ashby.start("difficulty:easy", {**ADA, "ashby_id": "cand-2"})).json()["results"][
        "assessment_id"
    ]
    await simulate_interview(api_server, refused)
    exhausted_2 = exhausted_1.replace("1.0", "2.0")
    text = await wait_until(lambda: scraped(exhausted_2), within_s=60, what="the refused call counted")
    assert _metric(text, "shadows_ats_callback_failures_total", 'provider="ashby",reason="rejected"') == 1
    unsent = (await ashby.start("difficulty:easy", {**ADA, "ashby_id": "cand-3"})).json()["results"][
        "assessment_id"
    ]
    await api_server.client.delete("/v1/integrations/ashby/keys", headers=api_server.org_headers())
    await simulate_interview(api_server, unsent)
    exhausted_3 = exhausted_1.replace("1.0", "3.0")
    text = await wait_until(lambda: scraped(exhausted_3), within_s=60, what="the unsendable call counted")
    assert _metric(text, "shadows_ats_callbacks_total", 'outcome="failed",provider="ashby"') == 4


def _metric(text: str, name: str, labels: str) -> float:
    m = re.search(re.escape(f"{name}{{{labels}}}") + r" ([0-9.e+-]+)$", text, re.MULTILINE)
    assert m, (name, labels)
    return float(m.group(1))


async def test_ashby_keys_and_partner_routes_refuse_wrong_callers(
    api_server: ApiServer, ashby: FakeAshby
) -> None:
    r = await api_server.client.post("/v1/integrations/ashby/keys", json={}, headers=api_server.org_headers())
    assert r.status_code == 422
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": "has:colon"}, headers=api_server.org_headers()
    )
    assert r.status_code == 422
    gh = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    wrong: dict[str, dict[str, str]] = {
        "none": {},
        "garbage": {"Authorization": basic("shab_" + "A" * 43)},
        "greenhouse_key": {"Authorization": basic(gh.json()["key"])},
        "org_key": {"Authorization": basic(api_server.org_key)},
        "customer_key": {"Authorization": basic(ASHBY_API_KEY)},
        "bearer": {"Authorization": f"Bearer {ashby.partner_key}"},
    }
    bodies: dict[str, Any] = {
        "assessment.list": {},
        "assessment.start": {
            "assessment_type_id": "difficulty:easy",
            "candidate": ADA,
            "application": {"ashby_id": "a"},
            "job": {"ashby_id": "j"},
        },
        "assessment.cancel": {"assessment_id": "ses_x"},
    }
    for route, body in bodies.items():
        for who, headers in wrong.items():
            r = await api_server.client.post(f"/integrations/ashby/{route}", json=body, headers=headers)
            assert r.status_code == 401, (route, who)
    assert (await ashby.list()).status_code == 200
    await api_server.client.delete("/v1/integrations/ashby/keys", headers=api_server.org_headers())
    assert (await ashby.list()).status_code == 401


async def test_a_callback_whose_key_was_revoked_fails_without_a_call(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """The customer removes the integration after an assessment started: its callbacks are not sent (nobody holds a
    key to send them with), they end `failed` with the reason and no attempt, and nothing retries them."""
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    revoked = await api_server.client.delete("/v1/integrations/ashby/keys", headers=api_server.org_headers())
    assert revoked.status_code == 204
    _worker(start_worker, api_server, ashby, tmp_path / "grader")
    await simulate_interview(api_server, assessment)

    async def settled() -> list[dict[str, Any]] | None:
        cur = await db.execute(
            "select status, attempts, last_error from ats_callbacks where session_id = %s order by created_at",
            (assessment,),
        )
        rows = list(await cur.fetchall())
        return rows if rows and all(r["status"] != "pending" for r in rows) else None

    rows = await wait_until(settled, what="the Started update to settle")
    assert rows == [{"status": "failed", "attempts": 0, "last_error": "no_live_key"}]
    assert ashby.updates == []


async def test_revoking_the_profile_link_sends_ashby_the_result_again_with_a_live_link(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    await _taken_and_ended(start_worker, api_server, ashby, tmp_path, assessment)
    await wait_until(lambda: _updates(ashby, 3), what="the result update")
    result = ashby.accepted()[2]
    old_token = result["assessment_profile_url"]["value"].rsplit("/", 1)[1]
    link_id, _ = share_links.check_token(api_server.settings, old_token)
    # Another link to the same session, revoked too: Ashby is not told about links it never held.
    other = await api_server.client.post(
        f"/v1/sessions/{assessment}/share", json={}, headers=api_server.org_headers()
    )
    r = await api_server.client.delete(
        f"/v1/sessions/{assessment}/share/{other.json()['id']}", headers=api_server.org_headers()
    )
    assert r.status_code == 204

    r = await api_server.client.delete(
        f"/v1/sessions/{assessment}/share/{link_id}", headers=api_server.org_headers()
    )
    assert r.status_code == 204
    assert (await api_server.client.get(f"/v1/reports/{old_token}")).status_code == 410

    await wait_until(lambda: _updates(ashby, 4), what="the result sent again")
    again = ashby.accepted()[3]
    assert again["assessment_status"]["value"] == "Completed"
    assert again["assessment_result"] == result["assessment_result"]
    assert again["timestamp"] > result["timestamp"]  # newer than the result it replaces
    new_token = again["assessment_profile_url"]["value"].rsplit("/", 1)[1]
    assert new_token != old_token
    assert (await share_links.verify(db, api_server.settings, new_token)).session_id == assessment
    assert (await api_server.client.get(f"/v1/reports/{new_token}")).status_code == 200

    async def recorded() -> list[dict[str, object]] | None:
        cur = await db.execute(
            "select kind, status from ats_callbacks where session_id = %s order by created_at", (assessment,)
        )
        rows = await cur.fetchall()
        return rows if len(rows) == 4 and all(r["status"] != "pending" for r in rows) else None

    assert await wait_until(recorded, what="the callbacks recorded") == [
        {"kind": "started", "status": "delivered"},
        {"kind": "grading", "status": "delivered"},
        {"kind": "result", "status": "delivered"},
        {"kind": "result", "status": "delivered"},
    ]
    assert len(ashby.updates) == 4  # the unrelated link's revocation sent nothing


async def test_a_result_that_failed_for_good_is_listed_and_sent_again_once_the_key_is_fixed(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """The customer typed a wrong Ashby API key: every update is refused with 401 until the retries run out. Once
    the key is fixed, the organisation sees what failed and sends it again; nothing of the result is lost."""
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    ashby.customer_api_key = "the-key-ashby-really-issued"  # not the one the customer gave us
    await _taken_and_ended(start_worker, api_server, ashby, tmp_path, assessment, grading_seen=False)
    path = f"/v1/sessions/{assessment}/ats-callbacks"

    async def settled() -> list[dict[str, Any]] | None:
        r = await api_server.client.get(path, headers=api_server.org_headers())
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        return data if len(data) == 3 and all(c["status"] == "failed" for c in data) else None

    failed = await wait_until(settled, what="every update failed")
    assert [(c["kind"], c["attempts"], c["last_status_code"], c["last_error"]) for c in failed] == [
        ("started", 4, 401, "http_status"),
        ("grading", 4, 401, "http_status"),
        ("result", 4, 401, "http_status"),
    ]
    assert ashby.accepted() == [] and all(c["next_attempt_at"] is None for c in failed)

    fixed = await api_server.client.post(
        "/v1/integrations/ashby/keys",
        json={"ashby_api_key": "the-key-ashby-really-issued"},
        headers=api_server.org_headers(),
    )
    assert fixed.status_code == 201
    for call in failed:
        r = await api_server.client.post(f"{path}/{call['id']}/send-again", headers=api_server.org_headers())
        assert r.status_code == 202, r.text
        assert (r.json()["kind"], r.json()["status"], r.json()["attempts"]) == (call["kind"], "pending", 0)
        again = r.json()["id"]
    r = await api_server.client.post(f"{path}/{again}/send-again", headers=api_server.org_headers())
    assert r.status_code in (202, 409)  # 409 ats_callback_pending unless the worker was quicker
    if r.status_code == 409:
        assert r.json()["error"]["code"] == "ats_callback_pending"
    await wait_until(lambda: _updates(ashby, 3), what="the updates sent again")
    started, graded, result = ashby.accepted()[:3]
    assert started["assessment_status"]["value"] == "Started"
    # The grading update sent once the result is there says the result, never "grading" over it.
    assert graded["assessment_status"]["value"] == "Completed" and graded["assessment_result"]["value"] == 67
    assert result["assessment_status"]["value"] == "Completed" and result["assessment_result"]["value"] == 67
    token = result["assessment_profile_url"]["value"].rsplit("/", 1)[1]
    assert (await share_links.verify(db, api_server.settings, token)).session_id == assessment

    # Another session's call, or no call at all, is not found; the first calls keep their history.
    other = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/sessions/{other['id']}/ats-callbacks/{failed[0]['id']}/send-again",
        headers=api_server.org_headers(),
    )
    assert (r.status_code, r.json()["error"]["code"]) == (404, "ats_callback_not_found")
    listed = (await api_server.client.get(path, headers=api_server.org_headers())).json()["data"]
    assert [(c["kind"], c["status"]) for c in listed[:3]] == [
        ("started", "failed"),
        ("grading", "failed"),
        ("result", "failed"),
    ]
    assert (
        await api_server.client.get(
            f"/v1/sessions/{other['id']}/ats-callbacks", headers=api_server.org_headers()
        )
    ).json() == {"data": []}


async def test_sending_again_a_result_a_regrade_superseded_sends_the_newest_result(
    api_server: ApiServer, ashby: FakeAshby, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    """Version 1 failed and its result (not scored) reached Ashby, then a re-grade's version 2 was ready and its
    score did. Sending version 1's call again from the log must not put the superseded result back over it, dated
    now so that Ashby takes it as the newest: what is sent again is the result that stands."""
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    grader_dir = tmp_path / "grader"
    grader_dir.mkdir()
    _worker(start_worker, api_server, ashby, grader_dir)
    await simulate_interview(api_server, assessment)
    await end_interview(api_server, assessment)
    await wait_until(lambda: _updates(ashby, 2), what="the grading update")
    assert ashby.accepted()[1]["assessment_status"]["value"] == "Completed: grading"
    (grader_dir / "fail").touch()
    await wait_until(lambda: _updates(ashby, 3), what="version 1's result")
    (grader_dir / "fail").unlink()
    (grader_dir / "release").touch()
    r = await api_server.client.post(f"/v1/sessions/{assessment}/grade", headers=api_server.org_headers())
    assert (r.status_code, r.json()["version"]) == (202, 2), r.text
    await wait_until(lambda: _updates(ashby, 4), what="version 2's result")
    first, second = ashby.accepted()[2:4]
    assert first["assessment_result"]["type"] == "string"  # not scored
    assert second["assessment_result"]["value"] == 67

    path = f"/v1/sessions/{assessment}/ats-callbacks"

    async def settled() -> list[dict[str, Any]] | None:
        data = (await api_server.client.get(path, headers=api_server.org_headers())).json()["data"]
        return data if len(data) == 4 and all(c["status"] == "delivered" for c in data) else None

    calls = await wait_until(settled, what="the calls recorded")
    assert [(c["kind"], c["scorecard_version"]) for c in calls] == [
        ("started", None),
        ("grading", None),
        ("result", 1),
        ("result", 2),
    ]
    r = await api_server.client.post(f"{path}/{calls[2]['id']}/send-again", headers=api_server.org_headers())
    assert r.status_code == 202, r.text
    assert (r.json()["kind"], r.json()["scorecard_version"]) == ("result", 2)
    await wait_until(lambda: _updates(ashby, 5), what="the result sent again")
    again = ashby.accepted()[4]
    assert again["assessment_result"] == second["assessment_result"]
    assert again["timestamp"] > second["timestamp"]

    # A revocation of the profile link (or the hourly link refresh) reads the newest version handed over and queues
    # its call: one that read it while version 2 was being stored queued version 1's call behind version 2's. What
    # that call sends is still the result that stands, not version 1's failure dated now.
    await db.execute("select outbox_emit_ats_callback(%s, 'ashby', 'result', 1)", (assessment,))
    await wait_until(lambda: _updates(ashby, 6), what="the late call for version 1")
    late = ashby.accepted()[5]
    assert late["assessment_result"] == second["assessment_result"]
    assert late["assessment_status"]["value"] == "Completed" and late["timestamp"] > again["timestamp"]


async def test_a_failed_regrade_never_replaces_the_score_ashby_holds(
    api_server: ApiServer, ashby: FakeAshby, db: Conn
) -> None:
    """Version 1's score reached Ashby; a re-grade's version 2 failed. No result is queued for version 2, and a
    result call built later (a link refresh, or one queued for version 2 before this rule) sends version 1's score."""
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    await simulate_interview(api_server, assessment)
    await end_interview(api_server, assessment)
    await store_version(db, api_server, assessment, 1, ready=True)
    r = await api_server.client.post(f"/v1/sessions/{assessment}/grade", headers=api_server.org_headers())
    assert r.status_code == 202, r.text
    await store_version(db, api_server, assessment, 2, ready=False)
    cur = await db.execute(
        "select kind, scorecard_version from ats_callbacks where session_id = %s order by created_at",
        (assessment,),
    )
    assert [(c["kind"], c["scorecard_version"]) for c in await cur.fetchall()] == [
        ("started", None),
        ("grading", None),
        ("result", 1),
    ]

    await db.execute("select outbox_emit_ats_callback(%s, 'ashby', 'result', 2)", (assessment,))
    cur = await db.execute(
        "select id from ats_callbacks where session_id = %s and scorecard_version = 2", (assessment,)
    )
    row = await cur.fetchone()
    assert row is not None
    cb = await ats_callbacks_repo.load_callback(db, row["id"])
    assert cb is not None
    call = await build_call(db, api_server.settings, cb)
    assert call.content is not None
    body = json.loads(call.content)
    assert (body["assessment_result"]["type"], body["assessment_result"]["value"]) == ("numeric_score", 67)


async def _result_call(db: Conn, api_server: ApiServer, assessment: str, version: int) -> dict[str, Any]:
    """The body of the result call queued for `version`, as the worker would build it now."""
    cur = await db.execute(
        "select id from ats_callbacks where session_id = %s and kind = 'result' and scorecard_version = %s",
        (assessment, version),
    )
    row = await cur.fetchone()
    assert row is not None
    cb = await ats_callbacks_repo.load_callback(db, row["id"])
    assert cb is not None
    call = await build_call(db, api_server.settings, cb)
    assert call.content is not None
    body: dict[str, Any] = json.loads(call.content)
    return body


async def test_a_regrades_result_tells_ashby_it_was_regraded(
    api_server: ApiServer, ashby: FakeAshby, db: Conn
) -> None:
    """A re-grade's result replaces the score Ashby holds. Greenhouse's test_status and the webhooks carry the
    scorecard's version; Ashby's update carried nothing, so the recruiter saw the score change with no word why.
    The first result carries no such field; a re-grade's says so, in a field the contract types."""
    assessment = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    await simulate_interview(api_server, assessment)
    await end_interview(api_server, assessment)
    await store_version(db, api_server, assessment, 1, ready=True)
    first = await _result_call(db, api_server, assessment, 1)
    assert "scorecard_version" not in [f["identifier"] for f in first["metadata"]]

    r = await api_server.client.post(f"/v1/sessions/{assessment}/grade", headers=api_server.org_headers())
    assert (r.status_code, r.json()["version"]) == (202, 2), r.text
    await store_version(db, api_server, assessment, 2, ready=True)
    second = await _result_call(db, api_server, assessment, 2)
    labels = [f for f in second["metadata"] if f["identifier"] == "scorecard_version"]
    assert [(f["type"], f["value"]) for f in labels] == [
        ("string", "Scorecard version 2: re-graded, it replaces the result Shadows sent before.")
    ]
    assert second["assessment_result"]["value"] == 67
    identifiers = [f["identifier"] for f in second["metadata"]]
    assert len(identifiers) == len(set(identifiers))


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    # With a mail server, as deployed: without one, each Ashby assessment's first update says its invite was not
    # e-mailed (api.integrations.assessments), ahead of the calls this file is about.
    return with_mail_server(api_settings, smtp.url)
