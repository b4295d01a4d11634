"""The API's question cache: a question's tests are read from PostgreSQL once per version, any write to them makes a
new version at once, and the judge's share of the cache stays within its budget."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg.rows import DictRow

from api.cli_database import import_questions
from api.db import questions_repo
from api.question_cache import QuestionCache
from judge.schemas import RunRequest
from tests.api.test_question_import import _copy_bank

Conn = psycopg.AsyncConnection[DictRow]
SLUGS = ["valid-palindrome", "valid-parentheses"]


@pytest.fixture
async def bank(db: Conn, db_url: str, tmp_path) -> dict[str, UUID]:
    await db.execute("delete from questions")
    await import_questions(db_url, _copy_bank(tmp_path, SLUGS))
    cur = await db.execute("select slug, id from questions")
    return {r["slug"]: r["id"] for r in await cur.fetchall()}


async def _version(db: Conn, qid: UUID) -> datetime:
    cur = await db.execute("select updated_at from questions where id = %s", (qid,))
    row = await cur.fetchone()
    assert row is not None
    return row["updated_at"]


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    """The questions the cache read from the database, in order."""
    seen: list[UUID] = []
    real = questions_repo.load_question_for_judge

    async def counting(conn: Conn, question_id: UUID) -> dict[str, Any]:
        seen.append(question_id)
        return await real(conn, question_id)

    monkeypatch.setattr(questions_repo, "load_question_for_judge", counting)
    return seen


async def test_any_write_to_a_questions_tests_or_starter_code_is_a_new_version(db: Conn, bank) -> None:
    qid, other = bank["valid-palindrome"], bank["valid-parentheses"]
    writes = [
        ("update test_cases set input = input where question_id = %s and position = 0", (qid,)),
        (
            "insert into test_cases (question_id, case_key, position, input, expected_output, hidden) "
            "values (%s, 'extra', 999, '[\"a\"]', 'true', true)",
            (qid,),
        ),
        ("delete from test_cases where question_id = %s and case_key = 'extra'", (qid,)),
        (
            "update starter_codes set code = code || ' ' where question_id = %s and language = 'python'",
            (qid,),
        ),
    ]
    for sql, params in writes:
        before, untouched = await _version(db, qid), await _version(db, other)
        await db.execute(sql, params)
        assert await _version(db, qid) > before, sql
        assert await _version(db, other) == untouched, sql
    # A test moved to another question: both are new versions.
    await db.execute(
        "insert into test_cases (question_id, case_key, position, input, expected_output, hidden) "
        "values (%s, 'moving', 998, '[\"a\"]', 'true', true)",
        (qid,),
    )
    before, before_other = await _version(db, qid), await _version(db, other)
    await db.execute("update test_cases set question_id = %s where case_key = 'moving'", (other,))
    assert await _version(db, qid) > before and await _version(db, other) > before_other


async def test_the_judge_reads_a_version_once_and_a_changed_test_at_once(db: Conn, bank, loads) -> None:
    qid = bank["valid-palindrome"]
    cache = QuestionCache()
    version = await _version(db, qid)
    first = await cache.judge_question(db, qid, version)
    again = await cache.judge_question(db, qid, version)
    assert again is first and loads == [qid]
    assert isinstance(first["tests"], tuple) and cache.judge_bytes == first["test_bytes"] > 0
    # Shared tests make requests like any list of tests.
    request = RunRequest(
        language="python", source="x", signature=first["signature"], tests=first["tests"], mode="submit"
    )
    assert [t.id for t in request.tests] == [t.id for t in first["tests"]]

    changed = first["tests"][0]
    await db.execute(
        "update test_cases set expected_output = %s where question_id = %s and case_key = %s",
        ("false" if changed.expected is True else "true", qid, changed.id),
    )
    fresh = await cache.judge_question(db, qid, await _version(db, qid))
    assert loads == [qid, qid]
    assert fresh["tests"][0].expected is not changed.expected
    # No version known (a session read without it): read afresh, cache nothing.
    assert (await cache.judge_question(db, qid, None))["tests"] == fresh["tests"] and loads == [qid] * 3


async def test_the_judges_share_stays_within_its_budget(db: Conn, bank, loads) -> None:
    a, b = bank["valid-palindrome"], bank["valid-parentheses"]
    sizes = {q: (await questions_repo.load_question_for_judge(db, q))["test_bytes"] for q in (a, b)}
    loads.clear()
    versions = {q: await _version(db, q) for q in (a, b)}

    cache = QuestionCache(max_judge_bytes=max(sizes.values()))  # room for one of them
    await cache.judge_question(db, a, versions[a])
    await cache.judge_question(db, b, versions[b])  # evicts a
    assert cache.judge_bytes == sizes[b]
    await cache.judge_question(db, b, versions[b])
    await cache.judge_question(db, a, versions[a])
    assert loads == [a, b, a] and cache.judge_bytes == sizes[a]

    small = QuestionCache(max_judge_bytes=min(sizes.values()) - 1)  # room for neither: nothing is kept
    for _ in range(2):
        await small.judge_question(db, a, versions[a])
    assert loads == [a, b, a, a, a] and small.judge_bytes == 0
