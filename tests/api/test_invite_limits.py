"""Per-organisation limits on invite e-mails (SHADOWS_API_INVITE_EMAIL_RATE_LIMIT) and on session creation
(SHADOWS_API_SESSION_CREATE_RATE_LIMIT): an ATS key or API key cannot have any number of e-mails sent to arbitrary
addresses. Past the e-mail limit an ATS-created session is still scheduled, its e-mail withheld and the withholding
recorded and shown to the ATS (no error the ATS would retry); past the session limit the caller gets 429 with
Retry-After and a machine-readable code."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from prometheus_client import REGISTRY
from psycopg.rows import DictRow
from pydantic import SecretStr

from api.integrations import callbacks
from api.sealing import sealer
from api.settings import ApiSettings
from tests.api.grading_support import wait_until
from tests.api.integration_support import document_example, end_interview, grading_worker, simulate_interview
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import FakeAshby, fake_ashby
from tests.fakes.greenhouse import FakeGreenhouse, fake_greenhouse
from tests.fakes.smtp import SmtpSink

Conn = psycopg.AsyncConnection[DictRow]
HARRY = {"first_name": "Harry", "last_name": "Potter", "email": "hpotter@hogwarts.example"}


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    # A mail server, as deployed: the e-mails within the limit are queued (and sent, where a worker runs).
    return api_settings.model_copy(
        update={"smtp_url": SecretStr(smtp.url), "invite_email_rate_limit": "2/hour"}
    )


async def _greenhouse_key(server: ApiServer, org_key: str | None = None) -> str:
    r = await server.client.post("/v1/integrations/greenhouse/keys", headers=server.org_headers(org_key))
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


@pytest.fixture
async def greenhouse(api_server: ApiServer) -> AsyncIterator[FakeGreenhouse]:
    async with fake_greenhouse(
        f"{api_server.url}/integrations/greenhouse", await _greenhouse_key(api_server)
    ) as gh:
        yield gh


async def _sent(sink: SmtpSink, n: int) -> bool:
    return len(sink.received) >= n


def _withheld_count() -> float:
    return REGISTRY.get_sample_value("shadows_org_limited_total", {"kind": "invite_email"}) or 0.0


async def _invite_jobs(db: Conn) -> int:
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs where task_name = 'send_invite_email'"
    )
    return int((await cur.fetchone())["n"])


async def test_invites_past_the_organisations_limit_are_withheld_recorded_and_shown_to_greenhouse(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    withheld_before = _withheld_count()
    sent = []
    for i in range(3):
        r = await greenhouse.send_test("difficulty:easy", HARRY | {"email": f"c{i}@example.com"}, instance=i)
        assert r.status_code == 200, (
            r.text
        )  # the session is scheduled either way: Greenhouse has nothing to retry
        sent.append(r.json()["partner_interview_id"])
    # Greenhouse sends the same `url` again: the same session, no new e-mail, nothing counted.
    again = await greenhouse.send_test("difficulty:easy", HARRY | {"email": "c0@example.com"}, instance=0)
    assert again.json() == {"partner_interview_id": sent[0]}

    assert await _invite_jobs(db) == 2
    cur = await db.execute(
        "select session_id, invite_withheld from ats_assessments order by created_at, session_id"
    )
    withheld = {r["session_id"]: r["invite_withheld"] for r in await cur.fetchall()}
    assert withheld == {sent[0]: None, sent[1]: None, sent[2]: "rate_limited"}
    first = (await greenhouse.test_status(sent[0])).json()["metadata"]
    third = (await greenhouse.test_status(sent[2])).json()["metadata"]
    assert first["invite_withheld"] is None
    # The recruiter sees why no e-mail went, and the link to send themselves.
    assert third["invite_withheld"] == "rate_limited"
    assert "/join#invite=inv_" in third["join_url"]
    assert _withheld_count() == withheld_before + 1  # for the operator


async def test_the_invite_limit_is_per_organisation(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    for i in range(3):
        await greenhouse.send_test("difficulty:easy", HARRY, instance=i)
    _, other_key = await api_server.create_org("Globex")
    async with fake_greenhouse(
        f"{api_server.url}/integrations/greenhouse", await _greenhouse_key(api_server, other_key)
    ) as other:
        r = await other.send_test("difficulty:easy", HARRY, instance=100)
    assert r.status_code == 200, r.text
    assert await _invite_jobs(db) == 3  # two of Acme's, and Globex's first


async def test_ashby_invites_past_the_limit_are_withheld_and_sessions_past_theirs_refused(
    api_server: ApiServer, db: Conn
) -> None:
    api_server.app.state.settings = api_server.settings.model_copy(
        update={"session_create_rate_limit": "3/hour"}
    )
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    async with fake_ashby() as ashby:
        ashby.partner_url = f"{api_server.url}/integrations/ashby"
        ashby.partner_key = r.json()["key"]
        ids = []
        for i in range(3):
            started = await ashby.start(
                "difficulty:easy",
                {
                    "ashby_id": f"cand-{i}",
                    "first_name": "Ada",
                    "last_name": "L",
                    "email": f"a{i}@example.com",
                },
            )
            assert started.status_code == 200 and started.json()["success"] is True, started.text
            ids.append(started.json()["results"]["assessment_id"])
        refused = await ashby.start(
            "difficulty:easy",
            {"ashby_id": "cand-9", "first_name": "Ada", "last_name": "L", "email": "a@example.com"},
        )
    # Ashby's shape: a `message` it shows the recruiter; Retry-After says when to try again.
    assert refused.status_code == 429 and refused.json()["code"] == "session_rate_limited"
    assert "too many" in refused.json()["message"] and int(refused.headers["Retry-After"]) > 0
    assert await _invite_jobs(db) == 2
    cur = await db.execute("select invite_withheld from ats_assessments where session_id = %s", (ids[2],))
    assert (await cur.fetchone())["invite_withheld"] == "rate_limited"


async def _ashby_starts(
    api_server: ApiServer, ashby: FakeAshby, n: int, *, first: int = 0, new_key: bool = True
) -> list[str]:
    if new_key:
        r = await api_server.client.post(
            "/v1/integrations/ashby/keys",
            json={"ashby_api_key": "ashby-key-1"},
            headers=api_server.org_headers(),
        )
        assert r.status_code == 201, r.text
        ashby.partner_url = f"{api_server.url}/integrations/ashby"
        ashby.partner_key = r.json()["key"]
        ashby.customer_api_key = "ashby-key-1"
    ids = []
    for i in range(first, first + n):
        started = await ashby.start(
            "difficulty:easy",
            {"ashby_id": f"cand-{i}", "first_name": "Ada", "last_name": "L", "email": f"a{i}@example.com"},
        )
        assert started.status_code == 200 and started.json()["success"] is True, started.text
        ids.append(started.json()["results"]["assessment_id"])
    return ids


def _shown_either_way(ashby: FakeAshby, assessment_id: str) -> dict[str, dict[str, Any]]:
    """What Ashby shows of the assessment's metadata, the same whether it merges updates or replaces them."""
    merged = ashby.shown(assessment_id, merged=True)
    assert merged == ashby.shown(assessment_id, merged=False)
    return merged


async def test_a_withheld_ashby_invite_is_shown_to_the_recruiter_in_ashby_with_the_join_link(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path, smtp: SmtpSink
) -> None:
    # Found in round 3 of the ATS audit: Greenhouse showed a withheld invite in test_status, but Ashby, which has
    # no call of ours to read, was never told; only our database, logs and metric knew. Ashby's contract has the
    # partner report the assessment's status as it evolves (assessment.update's `assessment_status`, a string
    # field Ashby shows the recruiter): the withholding is reported so, with the join link to send by hand.
    async with fake_ashby() as ashby:
        ids = await _ashby_starts(api_server, ashby, 3)
        # The worker sends the two e-mails queued (to the test's mail server, as the API is configured).
        grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_ASHBY_BASE_URL=ashby.url)

        async def told() -> bool:
            return len(ashby.accepted()) >= 1

        await wait_until(told, what="the withheld invite reported to Ashby")
        (update,) = ashby.accepted()
        assert update["assessment_id"] == ids[2]  # only the withheld one: the others' e-mails went
        await wait_until(lambda: _sent(smtp, 2), what="the two e-mails within the limit sent")
        assert update["assessment_status"]["type"] == "string"
        assert "not e-mailed" in update["assessment_status"]["value"]
        meta = {m["identifier"]: m for m in update["metadata"]}
        cur = await db.execute("select join_url_sealed from ats_assessments where session_id = %s", (ids[2],))
        join_url = sealer(api_server.settings).open((await cur.fetchone())["join_url_sealed"])
        assert meta["join_url"] == {
            "identifier": "join_url",
            "label": "Candidate's interview link",
            "description": "Send it to the candidate yourself; it works until the invite expires.",
            "type": "url",
            "value": join_url,
        }
        assert meta["invite_withheld"]["type"] == "string" and "limit" in meta["invite_withheld"]["value"]
        document_example("ashby.update.invite_withheld", update)

        # The candidate starts from the link the recruiter sent: Started follows, in order.
        await simulate_interview(api_server, ids[2])

        async def started() -> bool:
            return len(ashby.accepted()) >= 2

        await wait_until(started, what="the Started update")
        assert ashby.accepted()[1]["assessment_status"]["value"] == "Started"
        # Whether Ashby merges an update's metadata into what it holds or replaces it (it does not say), the
        # recruiter reads the same, and the join link, which admits whoever holds it, is taken back once the
        # interview started: left out of Started, it stayed on the profile under the merging reading.
        shown = _shown_either_way(ashby, ids[2])
        assert json.dumps(shown).count(join_url) == 0
        assert shown["join_url"]["type"] == "string" and "No longer shown" in shown["join_url"]["value"]
        assert "limit" in shown["invite_withheld"]["value"]

        # The withholding call sent again now (send-again, or a late retry) never puts the stale state back over
        # Started: it is built from where the session stands.
        assert await _status_sent_again(db, api_server, ids[2], "invite_withheld") == "Started"

        await end_interview(api_server, ids[2])

        async def grading() -> bool:
            return len(ashby.accepted()) >= 3

        await wait_until(grading, what="the grading update")
        assert ashby.accepted()[2]["assessment_status"]["value"] == "Completed: grading"
        # While it is graded, the withholding and Started sent again say so, not less.
        assert await _status_sent_again(db, api_server, ids[2], "invite_withheld") == "Completed: grading"
        assert await _status_sent_again(db, api_server, ids[2], "started") == "Completed: grading"
        (tmp_path / "grader" / "release").touch()

        async def result() -> bool:
            return len(ashby.accepted()) >= 4

        await wait_until(result, what="the result update")
        assert ashby.accepted()[3]["assessment_status"]["value"] == "Completed"
        shown = _shown_either_way(ashby, ids[2])
        assert {"recommendation", "needs_human_review", "invite_withheld", "join_url"} <= set(shown)
        assert json.dumps(shown).count(join_url) == 0
        # Another withheld one that Ashby cancels: the withholding, sent late, says so instead.
        (late,) = await _ashby_starts(api_server, ashby, 1, first=9, new_key=False)
        assert (await ashby.cancel(late)).json()["success"] is True
        # Nor, once the result is in, over the result: neither the withholding nor Started, sent again, says less.
        # (Read while Ashby still answers: the result's call is recorded only once its answer is back.)
        assert await _status_sent_again(db, api_server, ids[2], "invite_withheld") == "Completed"
        assert await _status_sent_again(db, api_server, ids[2], "started") == "Completed"
        assert await _status_sent_again(db, api_server, ids[2], "grading") == "Completed"
    cur = await db.execute(
        "select cb.*, a.callback_url from ats_callbacks cb join ats_assessments a using (session_id)"
        " where cb.session_id = %s and cb.kind = 'invite_withheld'",
        (late,),
    )
    row = await cur.fetchone()
    assert row is not None
    call = await callbacks.build_call(db, api_server.settings, row)
    assert call.content is not None
    body = json.loads(call.content)
    assert "assessment_status" not in body
    assert body["cancelled_reason"]["value"] == "The hiring team cancelled this interview in Ashby."


async def _status_sent_again(db: Conn, server: ApiServer, session_id: str, kind: str) -> str:
    """The `assessment_status` the session's `kind` call would carry if it were sent now.

    What a status call says depends on which of the session's *other* calls Ashby already has (`LATER_NEWS`), as
    recorded by the worker once each answer is back: Ashby has answered before that record exists, so wait for
    every call of the session to be recorded, not only this one (a loaded box read Started still pending)."""

    async def recorded() -> list[dict[str, Any]] | None:
        cur = await db.execute(
            "select cb.*, a.callback_url from ats_callbacks cb join ats_assessments a using (session_id)"
            " where cb.session_id = %s order by cb.created_at",
            (session_id,),
        )
        rows = await cur.fetchall()
        return rows if rows and all(r["status"] != "pending" for r in rows) else None

    rows = await wait_until(recorded, what=f"the calls of {session_id} recorded")
    assert [r["status"] for r in rows] == ["delivered"] * len(rows)
    (row,) = [r for r in rows if r["kind"] == kind]
    call = await callbacks.build_call(db, server.settings, row | {"created_at": datetime.now(UTC)})
    assert call.content is not None
    return str(json.loads(call.content)["assessment_status"]["value"])


async def test_an_address_no_mail_server_takes_is_withheld_and_both_recruiters_are_told(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    # An address whose part before the @ is not ASCII (josé@…) is valid, and both ATSs schedule it, but it cannot
    # go through a mail server without SMTPUTF8: the invite job logged `invite_email.unsendable_address` and sent
    # nothing, and neither recruiter was told (Greenhouse's invite_withheld null, no update to Ashby), so each
    # waited for a candidate who never got the link until the invite expired.
    r = await greenhouse.send_test("difficulty:easy", HARRY | {"email": "josé@example.com"}, instance=0)
    assert r.status_code == 200, r.text
    sid = r.json()["partner_interview_id"]
    meta = (await greenhouse.test_status(sid)).json()["metadata"]
    assert meta["invite_withheld"] == "unsendable_address"
    assert "/join#invite=inv_" in meta["join_url"]
    # No e-mail job for it, and it took no place under the invite limit (2/hour here): the next two go.
    for i in (1, 2):
        r = await greenhouse.send_test("difficulty:easy", HARRY | {"email": f"c{i}@example.com"}, instance=i)
        assert r.status_code == 200, r.text
    assert await _invite_jobs(db) == 2

    async with fake_ashby() as ashby:
        assert await _ashby_starts(api_server, ashby, 0) == []  # the Ashby key, no start yet
        started = await ashby.start(
            "difficulty:easy",
            {"ashby_id": "cand-j", "first_name": "José", "last_name": "L", "email": "josé@example.com"},
        )
    assert started.status_code == 200, started.text
    ashby_sid = started.json()["results"]["assessment_id"]
    cur = await db.execute(
        "select cb.*, a.callback_url, a.invite_withheld from ats_callbacks cb join ats_assessments a"
        " using (session_id) where cb.session_id = %s",
        (ashby_sid,),
    )
    (row,) = await cur.fetchall()
    assert (row["kind"], row["invite_withheld"]) == ("invite_withheld", "unsendable_address")
    call = await callbacks.build_call(db, api_server.settings, row)
    assert call.content is not None
    body = json.loads(call.content)
    assert "not e-mailed" in body["assessment_status"]["value"]
    meta_fields = {m["identifier"]: m for m in body["metadata"]}
    assert "address" in meta_fields["invite_withheld"]["value"]
    assert "limit" not in meta_fields["invite_withheld"]["value"]
    assert meta_fields["join_url"]["type"] == "url"
    assert await _invite_jobs(db) == 2


async def test_session_creation_past_the_organisations_limit_is_429_with_retry_after(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    api_server.app.state.settings = api_server.settings.model_copy(
        update={"session_create_rate_limit": "2/hour", "invite_email_rate_limit": "100/hour"}
    )
    await api_server.create_session()
    await greenhouse.send_test("difficulty:easy", HARRY, instance=1)  # ATS-created sessions count too

    r = await api_server.client.post(
        "/v1/sessions",
        json={"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"}},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "session_rate_limited"
    assert 0 < int(r.headers["Retry-After"]) <= 3600
    refused = await greenhouse.send_test("difficulty:easy", HARRY, instance=2)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "session_rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    # A repeat of a send that was taken is still answered: it creates nothing.
    repeat = await greenhouse.send_test("difficulty:easy", HARRY, instance=1)
    assert repeat.status_code == 200, repeat.text
    cur = await db.execute("select count(*) as n from sessions")
    assert (await cur.fetchone())["n"] == 2


async def test_an_ats_order_refused_for_its_test_uses_none_of_the_session_limit(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    """A start naming a test we do not offer (one removed from the bank, a stale id a misconfigured ATS keeps
    sending) was counted against the session limit before the test was looked up: two refused orders locked the
    organisation out of creating sessions, through both ATSs and the API alike."""
    api_server.app.state.settings = api_server.settings.model_copy(
        update={"session_create_rate_limit": "2/hour", "invite_email_rate_limit": "100/hour"}
    )
    for i in range(3):
        r = await greenhouse.send_test("question:no-such-question", HARRY, instance=10 + i)
        assert r.status_code == 404 and r.json()["error"]["code"] == "test_not_found", r.text
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    async with fake_ashby() as ashby:
        ashby.partner_url = f"{api_server.url}/integrations/ashby"
        ashby.partner_key = r.json()["key"]
        for i in range(3):
            refused = await ashby.start(
                "difficulty:no-such-difficulty",
                {
                    "ashby_id": f"cand-{i}",
                    "first_name": "Ada",
                    "last_name": "L",
                    "email": f"a{i}@example.com",
                },
            )
            assert refused.status_code == 422, refused.text
        started = await ashby.start(
            "difficulty:easy",
            {"ashby_id": "cand-9", "first_name": "Ada", "last_name": "L", "email": "a9@example.com"},
        )
    assert started.status_code == 200 and started.json()["success"] is True, started.text
    assert (await greenhouse.send_test("difficulty:easy", HARRY, instance=1)).status_code == 200
    cur = await db.execute("select count(*) as n from sessions")
    assert (await cur.fetchone())["n"] == 2
    # The limit itself still holds.
    past = await greenhouse.send_test("difficulty:easy", HARRY, instance=2)
    assert past.status_code == 429 and past.json()["error"]["code"] == "session_rate_limited", past.text


def test_defaults_are_generous() -> None:
    fields = ApiSettings.model_fields
    assert fields["invite_email_rate_limit"].default == "300/hour"
    assert fields["session_create_rate_limit"].default == "1000/hour"
