"""The time a candidate was allowed is the scheduled duration plus the extra time the organisation granted (an
accommodation), everywhere the report, its replay and the grader state it: `api.scheduling.allowed_minutes`, the
one source the countdown, the agent and the run bounds already read. With the scheduled duration alone, a candidate
given 15 extra minutes who used 50 of their 60 read "50:00 of 45:00" on the report and the PDF, the replay's timeline
said 2,700 s allowed, and the grader was told "3000 s of 2700 s allowed" and "planned for 45 minutes": an
accommodation shown to the hiring manager and the model as an overrun."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.db.bundle_repo import load_bundle_input
from api.templating import clock
from grader.facts import compute_facts
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

EXTRA = 15


async def _finished_with_extra_time(api_server: ApiServer, db: Conn) -> tuple[dict[str, Any], int]:
    session = await api_server.create_session(extra_time_minutes=EXTRA)
    r = await api_server.agent_start(session)
    assert r.status_code == 200, r.text
    cur = await db.execute("select duration_minutes from sessions where id = %s", (session["id"],))
    row = await cur.fetchone()
    assert row is not None
    allowed = row["duration_minutes"] + EXTRA
    used = row["duration_minutes"] + 5  # past the scheduled duration, well within the candidate's time
    # Ended from the candidate's page: the time used counts to that close (a time_up end counts to the interview's own
    # end in its record, of which this one has none).
    await db.execute(
        "update sessions set status = 'completed', end_reason = 'candidate_ended',"
        " ended_at = started_at + %s * interval '1 minute' where id = %s",
        (used, session["id"]),
    )
    return session, allowed


async def test_the_report_and_its_timeline_state_the_candidates_own_time(
    api_server: ApiServer, db: Conn
) -> None:
    session, allowed = await _finished_with_extra_time(api_server, db)
    org = api_server.org_headers()
    timeline = await api_server.client.get(f"/v1/sessions/{session['id']}/timeline", headers=org)
    assert timeline.status_code == 200
    assert timeline.json()["session"]["time_allowed_s"] == allowed * 60

    page = await api_server.client.get(f"/v1/sessions/{session['id']}/report", headers=org)
    assert page.status_code == 200
    used_s = (allowed - EXTRA + 5) * 60
    # The header and the facts (read from the event log: no scorecard yet) both say it.
    assert page.text.count(f"{clock(used_s)} of {clock(allowed * 60)}") == 2, page.text


async def test_the_grader_is_told_the_candidates_own_time(api_server: ApiServer, db: Conn) -> None:
    session, allowed = await _finished_with_extra_time(api_server, db)
    bundle = await load_bundle_input(db, session["id"])
    assert bundle is not None
    assert bundle.session.duration_minutes == allowed  # "The interview was planned for N minutes."
    assert compute_facts(bundle).time_allowed_s == allowed * 60
