"""The grader tells the code the candidate was given from the code they wrote by the starter code recorded when
their interview started (sessions.starter_code), not by the bank's starter at grading time: a bank re-imported
between the interview and its grading had made the old starter, still in every snapshot, count as the candidate's
work, and the new one, never in their editor, as given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.db import sessions_repo
from api.db.bundle_repo import load_bundle_input
from api.db.questions_repo import upsert_bank
from api.security import digest, new_invite, new_session_id
from grader.bundle import build_bundle
from grader.credit import untouched
from grader.facts import compute_facts
from judge.bank import load_question

Conn = psycopg.AsyncConnection[DictRow]
BANK = Path(__file__).resolve().parents[2] / "questions"


async def _session(db: Conn, question_id: Any, status: str = "scheduled") -> str:
    now = datetime.now(UTC)
    sid = new_session_id()
    await sessions_repo.insert_session(
        db,
        sessions_repo.NewSession(
            id=sid,
            organization_id=None,
            question_id=question_id,
            language="python",
            room_name=f"shadows-{sid}",
            invite_hash=digest(new_invite()),
            invite_expires_at=now + timedelta(days=1),
            duration_minutes=45,
            expires_at=now + timedelta(days=7),
            job_description=None,
            resume_text=None,
            metadata={},
            practice=True,
            candidate_name="Ada Lovelace",
            candidate_email=None,
            candidate_external_id=None,
            status=status,
        ),
    )
    return sid


async def test_the_starter_given_at_the_start_is_the_one_graded_after_a_bank_re_import(db: Conn) -> None:
    question = load_question(BANK / "two-sum")
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    row = await cur.fetchone()
    assert row is not None
    given = question.starters["python"]

    started = await _session(db, row["id"])
    assert await sessions_repo.mark_started(db, started) == "in_progress"
    running = await _session(db, row["id"], status="in_progress")  # a row inserted running
    scheduled = await _session(db, row["id"])  # starts only after the re-import

    # The bank is re-imported with a new Python starter before the interview is graded.
    changed = question.model_copy(
        update={"starters": {**question.starters, "python": given.replace("return []", "return [0, 0]")}}
    )
    assert changed.starters["python"] != given
    await upsert_bank(db, [changed])
    assert await sessions_repo.mark_started(db, scheduled) == "in_progress"

    source = await load_bundle_input(db, started)
    assert source is not None
    assert source.question.starter_code["python"] == given
    bundle = build_bundle(source, compute_facts(source))
    # The starter as given, run unchanged, is no work of the candidate's; the new one would have been theirs.
    assert untouched(given, "python", bundle.index.starter)
    assert not untouched(changed.starters["python"], "python", bundle.index.starter)

    inserted = await load_bundle_input(db, running)
    assert inserted is not None and inserted.question.starter_code["python"] == given

    # A session that starts after the re-import was given the new starter, and is graded by it.
    later = await load_bundle_input(db, scheduled)
    assert later is not None
    assert later.question.starter_code["python"] == changed.starters["python"]


async def test_a_session_started_before_the_starter_was_recorded_is_graded_by_the_banks(db: Conn) -> None:
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    row = await cur.fetchone()
    assert row is not None
    sid = await _session(db, row["id"])
    await sessions_repo.mark_started(db, sid)
    await db.execute("update sessions set starter_code = null where id = %s", (sid,))
    source = await load_bundle_input(db, sid)
    assert source is not None
    assert source.question.starter_code["python"] == load_question(BANK / "two-sum").starters["python"]
