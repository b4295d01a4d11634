"""The agent's runs after the interview ended: a session's record closes SHADOWS_API_COMPLETE_AFTER_ABANDON_S after it
stopped running (docs/internal-api.md), and a run is an event like any other. The agent's run route checked only
the session's time window (its end plus the grace, up to hours later), so a completed, graded session took new runs
and `submission` events after its report was written."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo, runs_repo
from api.db.pool import connection
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
CODE = "def two_sum(nums, target):\n    return [0, 1]\n"


async def _ended(server: ApiServer, db: Conn, *, seconds_ago: int) -> dict[str, Any]:
    """A session the agent started and completed `seconds_ago` seconds ago (its time window still open)."""
    created = await server.create_session()
    h = server.internal_headers()
    assert (await server.agent_start(created, h)).status_code == 200
    r = await server.client.post(
        f"/v1/internal/sessions/{created['id']}/complete",
        json={"final_code": CODE, "language": "python"},
        headers=h,
    )
    assert r.json()["status"] == "completed"
    await db.execute(
        "update sessions set ended_at = now() - make_interval(secs => %s) where id = %s",
        (seconds_ago, created["id"]),
    )
    return created


async def _record(db: Conn, session_id: str) -> tuple[int, int]:
    cur = await db.execute(
        "select (select count(*) from submissions where session_id = %(s)s) as runs,"
        " (select count(*) from session_events where session_id = %(s)s) as events",
        {"s": session_id},
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["runs"]), int(row["events"])


@pytest.mark.parametrize("mode", ["run", "submit"])
async def test_agent_run_on_a_closed_record_is_409_and_stores_nothing(
    api_server: ApiServer, db: Conn, mode: str
) -> None:
    closed_for = api_server.settings.complete_after_abandon_s + 60
    session = await _ended(api_server, db, seconds_ago=closed_for)
    before = await _record(db, session["id"])
    r = await api_server.client.post(
        f"/v1/internal/sessions/{session['id']}/runs",
        json={"language": "python", "code": CODE, "mode": mode},
        headers=api_server.internal_headers(),
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "session_finished")
    assert await _record(db, session["id"]) == before


@pytest.mark.sandbox
async def test_agent_run_racing_the_end_is_still_stored_within_the_grace(
    api_server: ApiServer, db: Conn
) -> None:
    # The candidate's End can overtake the agent's run_tests by a moment: that run is part of the interview.
    session = await _ended(api_server, db, seconds_ago=1)
    r = await api_server.client.post(
        f"/v1/internal/sessions/{session['id']}/runs",
        json={"language": "python", "code": CODE, "mode": "run"},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text
    assert (await _record(db, session["id"]))[0] == 1


async def test_a_run_whose_record_closed_while_it_was_judged_is_not_stored(
    api_server: ApiServer, db: Conn
) -> None:
    # Checked again where the run is stored, under the session's row lock: judging takes seconds.
    window = api_server.settings.complete_after_abandon_s
    session = await _ended(api_server, db, seconds_ago=window + 1)
    cur = await db.execute("select question_id from sessions where id = %s", (session["id"],))
    question_id = (await cur.fetchone())["question_id"]  # type: ignore[index]  # the session exists
    before = await _record(db, session["id"])
    run = runs_repo.FinishedRun(
        session_id=session["id"],
        question_id=question_id,
        caller="agent",
        lease=None,
        mode="run",
        language="python",
        code=CODE,
        verdict="accepted",
        report={"verdict": "accepted", "passed": 1, "total": 1, "tests": [], "timings": {}},
    )
    async with connection(api_server.app.state.pool) as conn:
        with pytest.raises(events_repo.RecordClosedError):
            await runs_repo.store_run(conn, run, closed_after_s=window)
    assert await _record(db, session["id"]) == before
