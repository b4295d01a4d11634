"""Practice draws only the questions the bank marks `practice: true`, and an organisation's draw never does: anyone
may start a practice session, read its question and, resubmitting, probe its hidden tests, so nothing practice shows
is a real screen's question (api/db/questions_repo.py pick_question)."""

from __future__ import annotations

from uuid import UUID

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.errors import UnprocessableError
from api.integrations.assessments import offered_tests
from api.scheduling import schedule_session
from api.settings import ApiSettings
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

DRAWS = 16  # a coin toss each before the fix: all 16 landing right by chance is 1 in 65,536


async def _ids(db: Conn) -> dict[str, UUID]:
    cur = await db.execute("select slug, id from questions")
    return {r["slug"]: r["id"] for r in await cur.fetchall()}


async def _draw(
    db: Conn,
    settings: ApiSettings,
    org: UUID | None,
    *,
    question_id: UUID | None = None,
    difficulty: str | None,
) -> str:
    scheduled = await schedule_session(
        db,
        settings,
        organization_id=org,
        candidate_name="Ada",
        candidate_email=None,
        candidate_external_id=None,
        question_id=question_id,
        difficulty=difficulty,
        topic=None,
        language="python",
        duration_minutes=45,
        job_description=None,
        resume_text=None,
        metadata={},
        practice=org is None,
    )
    cur = await db.execute(
        "select q.slug from sessions s join questions q on q.id = s.question_id where s.id = %s",
        (scheduled.session["id"],),
    )
    row = await cur.fetchone()
    assert row is not None
    return str(row["slug"])


async def test_practice_draws_only_the_marked_question_and_an_organisation_only_the_other(
    db: Conn, api_settings: ApiSettings
) -> None:
    # A bank of two Easy questions, one of them for practice: every draw has exactly one right answer.
    await db.execute("delete from questions where slug not in ('two-sum', 'valid-palindrome')")
    org, _key = await create_org(db, "Acme")

    practice = {await _draw(db, api_settings, None, difficulty="Easy") for _ in range(DRAWS // 2)}
    practice |= {await _draw(db, api_settings, None, difficulty=None) for _ in range(DRAWS // 2)}
    screens = {await _draw(db, api_settings, org, difficulty="Easy") for _ in range(DRAWS // 2)}
    screens |= {await _draw(db, api_settings, org, difficulty=None) for _ in range(DRAWS // 2)}

    assert practice == {"valid-palindrome"}
    assert screens == {"two-sum"}


async def test_an_organisation_gets_a_practice_question_only_by_naming_it_and_practice_never_an_unmarked_one(
    db: Conn, api_settings: ApiSettings
) -> None:
    # The bank import (upsert_bank, as in every test database) stored the bank's marks.
    cur = await db.execute("select slug, difficulty from questions where practice order by slug")
    marked = [(r["slug"], r["difficulty"]) for r in await cur.fetchall()]
    assert marked == [("top-k-frequent-elements", "Medium"), ("valid-palindrome", "Easy")]
    ids = await _ids(db)
    org, _key = await create_org(db, "Acme")

    named = await _draw(db, api_settings, org, question_id=ids["valid-palindrome"], difficulty=None)
    assert named == "valid-palindrome"
    with pytest.raises(UnprocessableError) as refused:
        await _draw(db, api_settings, None, question_id=ids["two-sum"], difficulty=None)
    assert refused.value.code == "question_not_found"


async def test_an_ats_difficulty_is_offered_only_while_it_has_a_question_practice_does_not_offer(
    db: Conn,
) -> None:
    # The ATS's difficulty test draws like an organisation's session: a difficulty whose every question is for
    # practice would be listed and then refused.
    await db.execute("update questions set practice = (difficulty = 'Easy')")
    ids = [t.id for t in await offered_tests(db)]
    assert ids[:2] == ["difficulty:medium", "difficulty:hard"]
    assert "difficulty:easy" not in ids


async def test_practice_with_nothing_marked_is_503_and_never_falls_back_to_the_whole_bank(
    api_server: ApiServer, db: Conn
) -> None:
    hard = await api_server.client.post("/v1/practice", json={"difficulty": "Hard"})
    assert hard.status_code == 422, hard.text  # the bank's one Hard question is organisations'
    assert hard.json()["error"]["code"] == "no_matching_question"

    await db.execute("update questions set practice = false")
    r = await api_server.client.post("/v1/practice", json={})
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "practice_unavailable"
    cur = await db.execute("select count(*) as n from sessions")
    assert (await cur.fetchone()) == {"n": 0}
