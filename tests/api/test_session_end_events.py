"""A session that ends without a scorecard (cancelled, or its invite expired unused) says so: a receiver waiting
for `scorecard.ready` gets `session.cancelled` or `session.expired` (signed, through the same outbox and delivery
machinery), Ashby gets the cancellation its contract has, and Greenhouse is prompted to read `test_status`, which
says `cancelled` or `expired`."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import ats_callbacks_repo
from api.db.pool import connection
from api.integrations.callbacks import build_call
from api.jobs.lapsed_sessions import abandon_stalled_sessions, expire_unused_invites
from api.settings import ApiSettings
from tests.api.grading_support import wait_until
from tests.api.integration_support import create_endpoint, delivery_rows, delivery_worker, document_example
from tests.conftest import ApiServer, StartWorker
from tests.fakes.ashby import FakeAshby
from tests.fakes.greenhouse import FakeGreenhouse
from tests.fakes.smtp import SmtpSink, with_mail_server
from tests.fakes.webhook_receiver import webhook_receiver

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"ashby_id": "cand-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
HARRY = {
    "first_name": "Harry",
    "last_name": "Potter",
    "email": "hpotter@hogwarts.example",
    "greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709",
}


async def _lapse(db: Conn, session_id: str) -> None:
    """The invite ran out unused (a while ago: past the sweep's grace)."""
    await db.execute(
        "update sessions set invite_expires_at = now() - interval '1 hour' where id = %s", (session_id,)
    )


async def test_cancelled_and_expired_sessions_reach_a_receiver_signed_and_once(
    api_server: ApiServer, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with webhook_receiver() as receiver:
        ep = await create_endpoint(api_server, receiver.url)
        receiver.secrets.append(ep["secret"])
        cancelled = await api_server.create_session()
        expired = await api_server.create_session()
        fresh = await api_server.create_session()  # its invite still runs: no event
        r = await api_server.client.post(
            f"/v1/sessions/{cancelled['id']}/cancel", headers=api_server.org_headers()
        )
        assert r.status_code == 200, r.text
        await _lapse(db, expired["id"])
        async with connection(api_server.app.state.pool) as conn:
            assert await expire_unused_invites(conn) == 1
            assert await expire_unused_invites(conn) == 0  # once: a second sweep finds nothing new
        delivery_worker(start_worker, api_server, tmp_path)

        def ends() -> list[tuple[str, str]]:
            return [
                (d.type, d.payload["data"]["session_id"])
                for d in receiver.verified()
                if d.type in ("session.cancelled", "session.expired")
            ]

        async def both() -> bool:
            return len(ends()) >= 2

        await wait_until(both, what="both end events delivered")
        assert sorted(ends()) == sorted(
            [("session.cancelled", cancelled["id"]), ("session.expired", expired["id"])]
        )
        by_type = {d.type: d.payload["data"] for d in receiver.verified()}
        for d in receiver.verified():
            if d.type in ("session.cancelled", "session.expired"):
                document_example(d.type, d.payload)
        assert by_type["session.cancelled"]["status"] == "cancelled"
        assert by_type["session.cancelled"]["end_reason"] == "cancelled"
        assert by_type["session.expired"]["status"] == "scheduled"
        assert by_type["session.expired"]["invite_expires_at"]
    rows = [r for r in await delivery_rows(db, ep["id"]) if r["session_id"] == fresh["id"]]
    assert [r["event_type"] for r in rows] == ["session.scheduled"]
    # A late cancel of the expired session is a real change: it is told too (and its invite expired only once).
    r = await api_server.client.post(f"/v1/sessions/{expired['id']}/cancel", headers=api_server.org_headers())
    assert r.status_code == 200
    rows = [r for r in await delivery_rows(db, ep["id"]) if r["session_id"] == expired["id"]]
    assert [r["event_type"] for r in rows] == ["session.scheduled", "session.expired", "session.cancelled"]


async def test_ashby_hears_an_expired_invite_as_a_cancellation_and_greenhouse_reads_the_end(
    api_server: ApiServer,
    ashby: FakeAshby,
    greenhouse: FakeGreenhouse,
    db: Conn,
    start_worker: StartWorker,
    tmp_path: Path,
) -> None:
    lapsed = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    await _lapse(db, lapsed)
    gh_cancelled = (await greenhouse.send_test("difficulty:easy", HARRY, instance=1)).json()
    gh_expired = (await greenhouse.send_test("difficulty:easy", {**HARRY, "email": "h2@x.example"}, 2)).json()
    r = await api_server.client.post(
        f"/v1/sessions/{gh_cancelled['partner_interview_id']}/cancel", headers=api_server.org_headers()
    )
    assert r.status_code == 200
    await _lapse(db, gh_expired["partner_interview_id"])
    async with connection(api_server.app.state.pool) as conn:
        assert await expire_unused_invites(conn) == 2
    delivery_worker(start_worker, api_server, tmp_path, SHADOWS_API_ASHBY_BASE_URL=ashby.url)

    async def called() -> bool:
        return len(ashby.accepted()) >= 1 and len(greenhouse.patches) >= 2

    await wait_until(called, what="the calls to both ATSs")
    (update,) = ashby.accepted()
    document_example("ashby.update.expired", update)
    assert update["assessment_id"] == lapsed
    assert update["cancelled_reason"]["type"] == "string"
    assert "expired" in update["cancelled_reason"]["value"]
    read = {p.interview: p.status_read for p in greenhouse.patches}
    assert read["1"] is not None and read["1"]["partner_status"] == "cancelled"
    assert read["2"] is not None and read["2"]["partner_status"] == "expired"
    assert all(not p.errors for p in greenhouse.patches)
    # The candidate was free to be sent another assessment once the invite expired; Ashby knows the first ended.
    assert (await ashby.start("difficulty:easy", ADA)).status_code == 200


async def test_an_expiry_sent_again_after_a_cancellation_never_puts_the_older_news_back(
    api_server: ApiServer, ashby: FakeAshby, db: Conn
) -> None:
    # The invite expired (Ashby was told), then the hiring team cancelled the session in Shadows (told too). Sending
    # the expiry call again later (the send-again route, or a retry that outlived the cancellation) must say where
    # the session stands, cancelled, not the expiry over it.
    lapsed = (await ashby.start("difficulty:easy", ADA)).json()["results"]["assessment_id"]
    await _lapse(db, lapsed)
    async with connection(api_server.app.state.pool) as conn:
        assert await expire_unused_invites(conn) == 1
    r = await api_server.client.post(f"/v1/sessions/{lapsed}/cancel", headers=api_server.org_headers())
    assert r.status_code == 200
    cur = await db.execute(
        "select id, kind from ats_callbacks where session_id = %s order by created_at", (lapsed,)
    )
    calls = await cur.fetchall()
    assert [c["kind"] for c in calls] == ["expired", "cancelled"]
    cb = await ats_callbacks_repo.load_callback(db, calls[0]["id"])
    assert cb is not None
    call = await build_call(db, api_server.settings, cb)
    assert call.content is not None
    body = json.loads(call.content)
    assert body["cancelled_reason"]["value"] == "The hiring team cancelled this interview in Shadows."


def test_every_worker_schedules_the_expiry_sweep_every_five_minutes() -> None:
    from procrastinate import App, testing

    from api.jobs.maintenance import register_periodic_tasks
    from api.jobs.settings import WorkerSettings

    app = App(connector=testing.InMemoryConnector())
    register_periodic_tasks(app, WorkerSettings(_env_file=None))  # type: ignore[call-arg]  # settings kwarg
    tasks = app.periodic_registry.periodic_tasks
    assert tasks[("sweep_lapsed_sessions", "lapsed_sessions")].cron == "*/5 * * * *"


async def test_an_invite_just_expired_is_left_alone_for_the_grace_and_a_started_session_never_expires(
    api_server: ApiServer, db: Conn
) -> None:
    # A candidate who joined in the invite's last seconds is marked started by LiveKit's webhook a moment later:
    # within the grace the sweep leaves the session alone, and once started it is never reported expired.
    just = await api_server.create_session()
    started = await api_server.create_session()
    await db.execute(
        "update sessions set invite_expires_at = now() - interval '30 seconds' where id = %s", (just["id"],)
    )
    await db.execute(
        "update sessions set status = 'in_progress', started_at = now(),"
        " invite_expires_at = now() - interval '1 hour' where id = %s",
        (started["id"],),
    )
    async with connection(api_server.app.state.pool) as conn:
        assert await expire_unused_invites(conn) == 0
    cur = await db.execute("select count(*) as n from sessions where expired_at is not null")
    assert await cur.fetchone() == {"n": 0}


async def test_a_session_left_in_progress_long_past_its_end_is_abandoned_and_graded(
    api_server: ApiServer, db: Conn
) -> None:
    # Nothing ended it: the agent died before its completion call and LiveKit's room_finished never arrived (the
    # API down through LiveKit's retries). It stayed in progress for ever, ungraded, and a receiver waiting for
    # scorecard.ready waited for ever. Past its end (duration and extra time) and a generous grace, the sweep
    # abandons it as room_finished would, and grading follows.
    stuck = await api_server.create_session()
    running = await api_server.create_session()
    for session_id, started in ((stuck["id"], "3 hours"), (running["id"], "50 minutes")):
        await db.execute(
            f"update sessions set status = 'in_progress', started_at = now() - interval '{started}'"  # constants
            " where id = %s",
            (session_id,),
        )
    async with connection(api_server.app.state.pool) as conn:
        assert await abandon_stalled_sessions(conn) == 1
        assert await abandon_stalled_sessions(conn) == 0
    cur = await db.execute("select id, status, end_reason from sessions order by status")
    assert {r["id"]: (r["status"], r["end_reason"]) for r in await cur.fetchall()} == {
        stuck["id"]: ("abandoned", "stalled"),
        running["id"]: ("in_progress", None),
    }
    cur = await db.execute("select session_id, status from scorecards")
    assert await cur.fetchall() == [{"session_id": stuck["id"], "status": "pending"}]
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs where task_name = 'grade_session' and args->>'session_id' = %s",
        (stuck["id"],),
    )
    assert await cur.fetchone() == {"n": 1}


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    # With a mail server, as deployed: without one, each Ashby assessment's first update says its invite was not
    # e-mailed (api.integrations.assessments), ahead of the calls this file is about.
    return with_mail_server(api_settings, smtp.url)
