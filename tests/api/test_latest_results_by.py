"""Who ran each latest report (`GET /v1/sessions/{id}/results`, `by`): the candidate's runs told from the
interviewer's, on the run's row (`submissions.run_by`), given to rows stored before it from their events by migration,
and `?by=candidate` finding the candidate's own run behind the interviewer's newer one."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.migrate import migrate
from tests.conftest import ApiServer

pytestmark = pytest.mark.sandbox

BACKFILL = "20270111090100"
BACKFILL_SUFFIXED = "20270112090000"  # runs stored 2026-11-21..30: event keys carried a random suffix


async def test_results_say_who_ran_each_report_and_find_the_candidates_own_behind_the_interviewers(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow], db_url: str
) -> None:
    s = await api_server.create_session()
    r = await api_server.agent_start(s)
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {s['invite']}"}
    results = f"/v1/sessions/{s['id']}/results"
    code = {"language": "python", "code": "def f(:\n"}  # the judge's cheapest answer: it does not compile
    mine = await api_server.client.post(f"/v1/sessions/{s['id']}/runs", json=code, headers=auth)
    assert mine.status_code == 200, mine.text
    theirs = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/runs", json=code, headers=api_server.internal_headers()
    )
    assert theirs.status_code == 200, theirs.text

    # The newest Run is the interviewer's `run_tests`, and says so; before, it read as the candidate's own.
    latest = (await api_server.client.get(results, headers=auth)).json()
    assert (latest["run"]["submission_id"], latest["run"]["by"]) == (theirs.json()["submission_id"], "agent")
    # A page following its own lost Run asks for the candidate's: theirs, stored a moment later, does not hide it.
    own = (await api_server.client.get(results, params={"by": "candidate"}, headers=auth)).json()
    assert (own["run"]["submission_id"], own["run"]["by"]) == (mine.json()["submission_id"], "candidate")
    assert own["submit"] is None and own["custom"] is None
    bad = await api_server.client.get(results, params={"by": "agent"}, headers=auth)
    assert bad.status_code == 422

    # Rows stored before the column (as the migration found them) are given it from their events.
    await db.execute("update submissions set run_by = null where session_id = %s", (s["id"],))
    assert (await api_server.client.get(results, headers=auth)).json()["run"]["by"] is None
    await db.execute("delete from supabase_migrations.schema_migrations where version = %s", (BACKFILL,))
    assert await migrate(db_url) == [BACKFILL]
    cur = await db.execute(
        "select id::text, run_by from submissions where session_id = %s order by created_at", (s["id"],)
    )
    assert [(r["id"], r["run_by"]) for r in await cur.fetchall()] == [
        (mine.json()["submission_id"], "candidate"),
        (theirs.json()["submission_id"], "agent"),
    ]

    # Runs stored before the key lost its suffix (`api:<kind>:<id>:<8 hex>`) are found by their payload's id.
    await db.execute("update submissions set run_by = null where session_id = %s", (s["id"],))
    await db.execute("alter table session_events disable trigger session_events_no_update")  # append-only
    try:
        await db.execute(
            "update session_events set idempotency_key = idempotency_key || ':' || substr(md5(random()::text), 1, 8)"
            " where session_id = %s and idempotency_key like 'api:%%'",
            (s["id"],),
        )
    finally:
        await db.execute("alter table session_events enable trigger session_events_no_update")
    await db.execute(
        "delete from supabase_migrations.schema_migrations where version in (%s, %s)",
        (BACKFILL, BACKFILL_SUFFIXED),
    )
    assert await migrate(db_url) == [BACKFILL, BACKFILL_SUFFIXED]
    cur = await db.execute(
        "select id::text, run_by from submissions where session_id = %s order by created_at", (s["id"],)
    )
    assert [(r["id"], r["run_by"]) for r in await cur.fetchall()] == [
        (mine.json()["submission_id"], "candidate"),
        (theirs.json()["submission_id"], "agent"),
    ]

    # A run an API replica from before the column stores has none, and is not known: said so (null), and kept
    # among the candidate's own, which the page then matches by time alone.
    await db.execute("update submissions set run_by = null where id = %s", (theirs.json()["submission_id"],))
    own = (await api_server.client.get(results, params={"by": "candidate"}, headers=auth)).json()
    assert (own["run"]["submission_id"], own["run"]["by"]) == (theirs.json()["submission_id"], None)
