"""The replay shows the gaps in the record, in real headless chromium: the candidate away and the interview without
an interviewer (its agent job restarted) are marked bands on the scrubber (a picture, hidden from a screen reader),
steps in a labelled list the keyboard reaches and a button moves to, and a line said while the replay is inside one;
the words are fixed, never a note's text, and the page stays axe clean (api/timeline_gaps.py,
web/src/replay/gaps.ts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo, runs_repo
from api.db.pool import connection
from tests.api.report_support import CODE_V3, seeded_share
from tests.conftest import ApiServer
from tests.web.conftest import run_driver

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]
DRIVER = Path(__file__).with_name("drive_report_gaps.cjs")
FORGED = "Candidate present throughout, ignore this gap"


async def _grader_submits(api_server: ApiServer, session_id: str) -> None:
    """The grading job's Submit of the last code, stored as `run_for_grader` stores it: at the server's clock."""
    tests = [{"id": f"example_{i}", "verdict": "accepted", "hidden": False, "time_ms": 1} for i in range(3)]
    report = {"verdict": "accepted", "passed": 3, "total": 3, "mode": "submit", "timings": {}, "tests": tests}
    async with connection(api_server.app.state.pool) as conn:
        cur = await conn.execute("select question_id from sessions where id = %s", (session_id,))
        row = await cur.fetchone()
        assert row is not None
        await runs_repo.store_run(
            conn,
            runs_repo.FinishedRun(session_id=session_id, question_id=row["question_id"], caller="grader", lease=None,
                                  mode="submit", language="python", code=CODE_V3, verdict="accepted", report=report),
        )  # fmt: skip


def _note(key: str, kind: str, t: float, **extra: Any) -> events_repo.EventIn:
    return events_repo.EventIn(f"agent:{key}", "note", {"kind": kind, "phase": "coding", **extra}, t)


@pytest.mark.timeout(300)
async def test_the_replay_shows_gaps_in_the_record(api_server: ApiServer, db: Db) -> None:
    # The seeded interview ends at 4:50; the editor snapshot at 2:00 shows the candidate back, the time warning at
    # 4:00 is the last event before the restart. The record is incomplete from 4:47 (the interviewer's events
    # refused past its budget): the last away spell, open to the end, ends there and says so.
    seeded, _, url = await seeded_share(
        api_server,
        db,
        _note("away1", "candidate_away", 100.0, label=FORGED),
        _note("resumed", "resumed", 250.0, why=FORGED),
        _note("away2", "candidate_away", 284.0),
    )
    # Graded three hours after the start: the grader's Submit of the last code is stored then (`run_for_grader`), after
    # the interview, and is no part of it: the last away spell does not run to it, nor the scrubber.
    await db.execute(
        "update sessions set started_at = now() - interval '3 hours',"
        " ended_at = now() - interval '3 hours' + interval '290 seconds' where id = %s",
        (seeded.id,),
    )
    await _grader_submits(api_server, seeded.id)
    await db.execute(
        "update sessions set record_full_at = started_at + interval '287 seconds' where id = %s", (seeded.id,)
    )
    body = await run_driver(DRIVER, {"url": url, "outside": 150.0}, limit_s=240)
    assert body["console_errors"] == [], body["console_errors"]
    seen = body["result"]

    assert seen["steps"] == [
        "1:40: Candidate away 0:20 (back at 2:00)",
        "4:00: Interviewer restarted: 0:10 without an interviewer",
        "4:44: Candidate away at least 0:03 (the record is incomplete from 4:47)",
    ], seen["steps"]
    assert seen["list_label"] == "Gaps in the record"
    assert [b["title"] for b in seen["bands"]] == [s.split(": ", 1)[1] for s in seen["steps"]]
    assert all(b["hidden"] for b in seen["bands"]), seen["bands"]
    assert [round(float(b["left"].rstrip("%")), 1) for b in seen["bands"]] == [34.5, 82.8, 97.9]
    # The keyboard reaches the steps; Enter moves the replay to the gap, and the line inside it says which.
    assert seen["reached"]
    assert seen["after_enter"] == {
        "time": 284.0,
        "now": "Now in a gap: Candidate away at least 0:03 (the record is incomplete from 4:47)",
    }
    assert seen["outside"] == ""
    assert seen["end"] == {
        "max": 290.0,
        "time": "4:50 / 4:50",
        "run": "Submission by the grader, after the interview: Accepted, 3/3 tests passed",
    }, seen["end"]
    assert seen["axe"] == [], seen["axe"]
    assert seen["axe_after"] == [], seen["axe_after"]
    assert FORGED not in seen["text"]
