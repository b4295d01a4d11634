"""Multi-statement writes are atomic: a failure part-way leaves nothing half-written (repo functions, real Postgres)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import psycopg
import pytest
from psycopg.rows import DictRow, dict_row

from api.db import events_repo, orgs_repo, sessions_repo
from api.security import digest, new_invite, new_session_id

Conn = psycopg.AsyncConnection[DictRow]


async def _count(db: Conn, sql: str, *args: object) -> int:
    cur = await db.execute(sql, args)  # type: ignore[arg-type]  # constant test SQL
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def _question(db: Conn) -> UUID:
    cur = await db.execute("select id from questions order by question_number limit 1")
    row = await cur.fetchone()
    assert row is not None
    return UUID(str(row["id"]))


def _new_session(org_id: UUID | None, question_id: UUID, **overrides: object) -> sessions_repo.NewSession:
    now = datetime.now(UTC)
    sid = new_session_id()
    fields: dict[str, object] = {
        "id": sid,
        "organization_id": org_id,
        "question_id": question_id,
        "language": "python",
        "room_name": f"shadows-{sid}",
        "invite_hash": digest(new_invite()),
        "invite_expires_at": now + timedelta(days=1),
        "duration_minutes": 45,
        "expires_at": now + timedelta(days=7),
        "job_description": None,
        "resume_text": None,
        "metadata": {},
        "practice": False,
        "candidate_name": "Rollback Candidate",
        "candidate_email": "rb@example.com",
        "candidate_external_id": None,
    }
    fields.update(overrides)
    return sessions_repo.NewSession(**fields)  # type: ignore[arg-type]  # test data


async def test_session_insert_failing_after_candidate_insert_leaves_no_orphan_candidate(db: Conn) -> None:
    org_id, _ = await orgs_repo.create_org(db, "Rollback Org")
    bad = _new_session(org_id, uuid4())  # no such question: the session insert violates its foreign key

    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        await sessions_repo.insert_session(db, bad)

    assert await _count(db, "select count(*) as n from candidates where name = 'Rollback Candidate'") == 0
    assert await _count(db, "select count(*) as n from sessions") == 0


async def test_session_insert_violating_a_check_rolls_back_the_upserted_candidate(db: Conn) -> None:
    org_id, _ = await orgs_repo.create_org(db, "Rollback Org")
    q = await _question(db)
    bad = _new_session(org_id, q, duration_minutes=1000, candidate_external_id="ats-1")

    with pytest.raises(psycopg.errors.CheckViolation):
        await sessions_repo.insert_session(db, bad)

    assert await _count(db, "select count(*) as n from candidates") == 0


async def test_session_insert_with_duplicate_room_keeps_the_first_and_adds_no_candidate(db: Conn) -> None:
    org_id, _ = await orgs_repo.create_org(db, "Rollback Org")
    q = await _question(db)
    first = _new_session(org_id, q)
    await sessions_repo.insert_session(db, first)

    with pytest.raises(psycopg.errors.UniqueViolation):
        await sessions_repo.insert_session(db, _new_session(org_id, q, room_name=first.room_name))

    assert await _count(db, "select count(*) as n from candidates") == 1
    assert await _count(db, "select count(*) as n from sessions") == 1


async def test_event_batch_whose_third_event_violates_a_constraint_stores_none_of_it(db: Conn) -> None:
    org_id, _ = await orgs_repo.create_org(db, "Events Org")
    row = await sessions_repo.insert_session(db, _new_session(org_id, await _question(db)))
    sid = row["id"]
    await events_repo.append_events(db, sid, [events_repo.EventIn("before", "note", {})])
    batch = [
        events_repo.EventIn("one", "transcript", {"text": "a"}),
        events_repo.EventIn("two", "transcript", {"text": "b"}),
        events_repo.EventIn("three", "not-a-type", {"text": "c"}),  # not in session_event_types
        events_repo.EventIn("four", "transcript", {"text": "d"}),
    ]

    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        await events_repo.append_events(db, sid, batch)

    cur = await db.execute(
        "select seq, idempotency_key from session_events where session_id = %s order by seq", (sid,)
    )
    assert [(r["seq"], r["idempotency_key"]) for r in await cur.fetchall()] == [(1, "before")]
    # The log is still usable and dense after the rollback.
    stored = await events_repo.append_events(db, sid, [events_repo.EventIn("one", "transcript", {})])
    assert stored is not None and stored[0].seq == 2 and not stored[0].duplicate


async def test_transactions_that_reference_a_session_and_then_append_to_it_wait_for_each_other(
    db: Conn, db_url: str
) -> None:
    """A run is stored as its submission (whose foreign key takes a key-share lock on the session row) and then its
    event. Two of them at once (a candidate's run and the agent's) must queue on the session, not deadlock."""
    org_id, _ = await orgs_repo.create_org(db, "Busy Org")
    question = await _question(db)
    sid = (await sessions_repo.insert_session(db, _new_session(org_id, question)))["id"]
    a = await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row)
    b = await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row)
    try:
        for conn in (a, b):  # both transactions now hold a key-share lock on the session row
            await conn.execute(
                """
                insert into submissions (question_id, session_id, language, code, result_json, kind, verdict)
                values (%s, %s, 'python', 'pass', '{}', 'run', 'accepted')
                """,
                (question, sid),
            )

        async def append(conn: Conn, key: str) -> int:
            stored = await events_repo.append_events(conn, sid, [events_repo.EventIn(key, "note", {})])
            await conn.commit()
            assert stored is not None
            return stored[0].seq

        seqs = await asyncio.wait_for(asyncio.gather(append(a, "run-a"), append(b, "run-b")), timeout=60)
    finally:
        await a.close()
        await b.close()
    assert sorted(seqs) == [1, 2]
    assert await _count(db, "select count(*) as n from submissions where session_id = %s", sid) == 2


async def test_org_creation_failing_on_its_key_leaves_no_organisation(db: Conn) -> None:
    org_id, key = await orgs_repo.create_org(db, "First")
    # A second org whose key insert collides (same key hash) must not leave the organisation row behind.
    cur = await db.execute("select key_hash from api_keys where organization_id = %s", (org_id,))
    row = await cur.fetchone()
    assert row is not None and bytes(row["key_hash"]) == digest(key)
    before = await _count(db, "select count(*) as n from organizations")

    import api.db.orgs_repo as repo  # patch the key generator for this one call

    original = repo.new_api_key
    repo.new_api_key = lambda: key  # type: ignore[assignment]  # force a key-hash collision
    try:
        with pytest.raises(psycopg.errors.UniqueViolation):
            await repo.create_org(db, "Second")
    finally:
        repo.new_api_key = original  # type: ignore[assignment]  # restore

    assert await _count(db, "select count(*) as n from organizations") == before
    assert await _count(db, "select count(*) as n from organizations where name = 'Second'") == 0


async def test_bank_import_failing_on_a_later_question_rolls_back_earlier_ones(db: Conn) -> None:
    from api.db.questions_repo import upsert_bank
    from judge.bank import load_question
    from tests.conftest import ROOT

    await db.execute("delete from questions")
    questions = [
        load_question(ROOT / "questions" / slug) for slug in ("number-of-islands", "valid-parentheses")
    ]
    last = questions[-1]
    # Same question number as the first: passes model validation, violates questions_number_key in the database.
    clash = last.model_copy(
        update={"meta": last.meta.model_copy(update={"number": questions[0].meta.number})}
    )

    with pytest.raises(psycopg.errors.UniqueViolation):
        await upsert_bank(db, [*questions[:-1], clash])

    assert await _count(db, "select count(*) as n from questions") == 0
    assert await _count(db, "select count(*) as n from test_cases") == 0
    assert await _count(db, "select count(*) as n from starter_codes") == 0
