"""Abuse by a caller holding a valid credential: costly work asked for in parallel (the analytics figures) is
bounded per organisation, so that one organisation cannot hold the database pool everyone shares; and a candidate's
calls for the interviewer, each a call to LiveKit's API, are limited per session whatever their outcome; and an
organisation's re-grades, each a paid grading, are limited across its sessions."""

from __future__ import annotations

import asyncio

import psycopg
from psycopg.rows import DictRow

from api.db import scorecards_repo
from api.settings import ApiSettings
from tests.api.conftest import consent_and_start, create_session_as, serve
from tests.api.grading_support import complete, grading_jobs, interview
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, ApiServer
from tests.fakes.livekit_server import FakeLiveKitServer

Conn = psycopg.AsyncConnection[DictRow]
PATHS = ("/v1/analytics/summary", "/v1/analytics")  # the figures as JSON, and as the HTML page


async def _waiting_on_locks(db: Conn) -> int:
    cur = await db.execute(
        "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and pid <> pg_backend_pid()"
        " and datname = current_database()"  # this test's database: others share the cluster
    )
    return int((await cur.fetchone() or {}).get("n", 0))


async def test_one_organisations_parallel_analytics_hold_a_few_connections_not_the_pool(
    api_server: ApiServer, db: Conn
) -> None:
    # Each figures request holds a pooled connection for up to its statement timeout (15 s). A lock held elsewhere
    # makes them wait here: an organisation's first requests wait, the ones past its share are refused at once,
    # and another organisation still gets its figures (within the process's own bound).
    per_org = api_server.app.state.analytics_slots.per_org
    api_server.settings.analytics_timeout_s = (
        120  # the held requests wait for the lock, however loaded the box
    )
    _, other_key = await api_server.create_org("Other Hiring")
    locker = await psycopg.AsyncConnection.connect(api_server.settings.database_url or "")
    async with locker:
        async with locker.transaction():
            await locker.execute("lock table sessions in access exclusive mode")
            held = [
                asyncio.create_task(api_server.client.get(PATHS[i % 2], headers=api_server.org_headers()))
                for i in range(per_org)
            ]
            for _ in range(500):  # the held requests are in PostgreSQL, waiting for the lock
                if await _waiting_on_locks(db) >= per_org:
                    break
                await asyncio.sleep(0.02)
            assert await _waiting_on_locks(db) == per_org
            for path in PATHS:
                r = await asyncio.wait_for(
                    api_server.client.get(path, headers=api_server.org_headers()), timeout=5
                )
                assert r.status_code == 429, r.text
                assert r.json()["error"]["code"] == "analytics_busy"
                assert int(r.headers["retry-after"]) > 0
            assert await _waiting_on_locks(db) == per_org  # the refused ones never reached PostgreSQL
            other = asyncio.create_task(
                api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers(other_key))
            )
            for _ in range(500):
                if await _waiting_on_locks(db) > per_org:
                    break
                await asyncio.sleep(0.02)
            assert await _waiting_on_locks(db) == per_org + 1  # another organisation's share is its own
        # The lock is gone: every request that was let in gets its figures, and the slots come back.
        for r in [*await asyncio.gather(*held), await other]:
            assert r.status_code == 200, r.text
    assert api_server.app.state.analytics_slots.held == 0
    api_server.settings.analytics_timeout_s = 15.0
    r = await api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers())
    assert r.status_code == 200, r.text


async def test_analytics_refused_by_the_process_bound_say_so_and_free_their_slot_on_a_timeout(
    api_server: ApiServer,
) -> None:
    slots = api_server.app.state.analytics_slots
    slots.capacity = 1
    # Long enough that the first is still holding its slot when the second arrives on a loaded host (0.3 s was not:
    # the first timed out, gave its slot back, and the second was let in), short enough to wait out below.
    api_server.settings.analytics_timeout_s = 3.0
    locker = await psycopg.AsyncConnection.connect(api_server.settings.database_url or "")
    _, other_key = await api_server.create_org("Other Hiring")
    async with locker, locker.transaction():
        await locker.execute("lock table sessions in access exclusive mode")
        first = asyncio.create_task(
            api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers())
        )
        for _ in range(500):
            if slots.held:
                break
            await asyncio.sleep(0.01)
        r = await api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers(other_key))
        assert r.status_code == 429, r.text
        assert r.json()["error"]["code"] == "analytics_busy"
        timed_out = await first
        assert timed_out.status_code == 503, timed_out.text
        assert timed_out.json()["error"]["code"] == "analytics_timeout"
    assert slots.held == 0
    api_server.settings.analytics_timeout_s = 15.0
    r = await api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers(other_key))
    assert r.status_code == 200, r.text


async def test_a_candidate_looping_on_agent_dispatch_is_limited_before_livekit_is_asked(
    api_settings: ApiSettings, db: Conn
) -> None:
    # A call that finds LiveKit failing (or the interviewer present) gives its redispatch allowance back, so the
    # allowance never ran out: each call was another ListParticipants request to LiveKit's API, for ever.
    from api.db.orgs_repo import create_org

    _, key = await create_org(db, "Dispatch Org")
    async with FakeLiveKitServer(LIVEKIT_KEY, LIVEKIT_SECRET) as livekit:
        livekit.list_fail_with = (503, "unavailable")
        settings = api_settings.model_copy(
            update={"livekit_url": livekit.ws_url, "agent_dispatch_rate_limit": "3/hour"}
        )
        async with serve(settings) as client:
            s = await create_session_as(client, key)
            await consent_and_start(client, s)
            auth = {"Authorization": f"Bearer {s['invite']}"}
            url = f"/v1/sessions/{s['id']}/agent-dispatch"
            answers = [await client.post(url, headers=auth) for _ in range(5)]
            asked = len(livekit.listed)
            other = await create_session_as(client, key)
            await consent_and_start(client, other)
            elsewhere = await client.post(
                f"/v1/sessions/{other['id']}/agent-dispatch",
                headers={"Authorization": f"Bearer {other['invite']}"},
            )
    assert [r.status_code for r in answers] == [503, 503, 503, 429, 429]
    assert answers[3].json()["error"]["code"] == "rate_limited"
    assert int(answers[3].headers["retry-after"]) > 0
    assert asked == 3  # the refused calls never reached LiveKit
    assert elsewhere.status_code == 503  # another session's count is its own


async def _fail_version(db: Conn, session_id: str, version: int) -> None:
    await scorecards_repo.store_outcome(
        db, session_id, version, status="failed", reason="grader_not_configured", scorecard=None,
        recommendation=None, overall_score=None, facts=None, needs_human_review=False, model=None,
        prompt_version=None, rubric_version=None, input_tokens=None, output_tokens=None, cost_usd=None,
        samples=None, duration_ms=None,
    )  # fmt: skip


async def test_an_organisations_regrades_across_its_sessions_are_rate_limited(
    api_server: ApiServer, db: Conn
) -> None:
    # Each session's versions are bounded, but not the sessions: a loop over an organisation's history set off a
    # paid grading per session and version. Counted per organisation, before anything is read or stored.
    api_server.settings.regrade_rate_limit = "2/hour"
    sessions = [await interview(api_server) for _ in range(3)]
    for s in sessions:
        await complete(api_server, s["id"])
        await _fail_version(db, s["id"], 1)
    answers = [
        await api_server.client.post(
            f"/v1/sessions/{s['id']}/grade", json={}, headers=api_server.org_headers()
        )
        for s in sessions
    ]
    assert [r.status_code for r in answers] == [202, 202, 429]
    assert answers[2].json()["error"]["code"] == "rate_limited"
    assert int(answers[2].headers["retry-after"]) > 0
    cur = await db.execute("select count(*) as n from scorecards where session_id = %s", (sessions[2]["id"],))
    assert (await cur.fetchone() or {}).get("n") == 1  # nothing stored, nothing queued for the refused one
    assert len(await grading_jobs(db, sessions[2]["id"])) == 1
    # Another organisation's count is its own.
    _, other_key = await api_server.create_org("Other Hiring")
    theirs = await interview(api_server, key=other_key)
    await complete(api_server, theirs["id"])
    await _fail_version(db, theirs["id"], 1)
    r = await api_server.client.post(
        f"/v1/sessions/{theirs['id']}/grade", json={}, headers=api_server.org_headers(other_key)
    )
    assert r.status_code == 202, r.text


async def test_an_organisations_report_pdfs_across_its_sessions_are_rate_limited(
    api_server: ApiServer, pdf_renders: list[str]
) -> None:
    # Its share of Chromium's queue bounded how many printed at once, not how many: four at a time, for ever, kept
    # Chromium printing on the API's own host. Counted per organisation, before anything is read or printed.
    api_server.settings.report_pdf_rate_limit = "2/hour"
    first, second = await api_server.create_session(), await api_server.create_session()
    answers = [
        await api_server.client.get(f"/v1/sessions/{s['id']}/report.pdf", headers=api_server.org_headers())
        for s in (first, second, second)
    ]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[2].json()["error"]["code"] == "rate_limited"
    assert int(answers[2].headers["retry-after"]) > 0
    assert len(pdf_renders) == 2  # the refused one never reached Chromium
    _, other_key = await api_server.create_org("Other Hiring")
    theirs = await api_server.create_session(other_key)
    r = await api_server.client.get(
        f"/v1/sessions/{theirs['id']}/report.pdf", headers=api_server.org_headers(other_key)
    )
    assert r.status_code == 200, r.text
