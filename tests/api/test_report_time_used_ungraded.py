"""A report without a scorecard's facts (not graded yet, or its grading failed) states the time used as the grader's
facts count it (`grader/time_used.py`), to the interview's own end: it read `ended_at - started_at`, and a session
the stall sweep closed an hour after the interviewer's END read as a candidate who overran by an hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo, sessions_repo
from api.db.bundle_repo import load_bundle_input
from api.report_view import load_report
from api.web_assets import WebAssets
from grader.facts import compute_facts
from tests.api.report_support import add_events, grade, seed_interview
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")
Conn = psycopg.AsyncConnection[DictRow]

END_S = 41 * 60  # the interviewer's END
CLOSED_S = END_S + 3600  # the stall sweep's close, an hour later


@pytest.mark.parametrize("scorecard", ["pending", "failed"])
async def test_an_ungraded_report_of_a_session_closed_an_hour_late_counts_to_the_interviews_end(
    api_server: ApiServer, db: Conn, scorecard: Literal["pending", "failed"]
) -> None:
    seeded = await seed_interview(api_server, db)
    await add_events(
        db, seeded, events_repo.EventIn("seed:end", "phase_change", {"from": "wrap_up", "to": "end"}, END_S)
    )
    await grade(db, seeded, scorecard)
    # Every event stored when it happened (`t` on the database's clock), the session closed by the sweep.
    started = datetime.now(UTC) - timedelta(seconds=CLOSED_S + 60)
    await db.execute(
        "update sessions set started_at = %s, ended_at = %s, status = 'abandoned', end_reason = 'stalled' "
        "where id = %s",
        (started, started + timedelta(seconds=CLOSED_S), seeded.id),
    )
    async with db.transaction():  # the log is append-only (a trigger): lifted for this one update
        await db.execute("alter table session_events disable trigger session_events_no_update")
        await db.execute(
            "update session_events set created_at = %s + make_interval(secs => coalesce(t, 0)) "
            "where session_id = %s",
            (started, seeded.id),
        )
        await db.execute("alter table session_events enable trigger session_events_no_update")
    await db.execute(
        "update submissions set created_at = %s + interval '260 seconds' where session_id = %s",
        (started, seeded.id),
    )
    session = await sessions_repo.get_session(db, seeded.id)
    assert session is not None
    page = await load_report(
        db, session, view="org", timeline_url=None, assets=WebAssets(Path("/nonexistent"))
    )
    assert page.facts_from_grader is False
    assert page.facts.time_used_s == END_S  # not CLOSED_S
    # The grader's facts, once it grades this record, state the same time.
    bundle = await load_bundle_input(db, seeded.id)
    assert bundle is not None
    assert compute_facts(bundle).time_used_s == END_S
