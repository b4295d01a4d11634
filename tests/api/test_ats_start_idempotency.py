"""An ATS sending the same start again (Ashby retrying `assessment.start` after a timeout, Greenhouse re-sending a
test order) gets the assessment it already has, and nothing new is scheduled or e-mailed; the same request key with
different parameters is a conflict, said plainly, never a silent success for what was not asked."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
from psycopg.rows import DictRow

from tests.fakes.ashby import FakeAshby
from tests.fakes.greenhouse import FakeGreenhouse

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"ashby_id": "cand-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
HARRY = {
    "first_name": "Harry",
    "last_name": "Potter",
    "email": "hpotter@hogwarts.example",
    "resume_url": "https://hogwarts.example/resume?sig=1",
    "greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709",
}


async def _count(db: Conn, table: str) -> int:
    cur = await db.execute(f"select count(*) as n from {table}")  # a table name of this file's
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def test_ashby_retrying_a_start_gets_the_same_assessment_as_a_first_success(
    ashby: FakeAshby, db: Conn
) -> None:
    first = await ashby.start("difficulty:easy", ADA)
    assert first.status_code == 200, first.text
    # Ashby timed out on the first answer and sends the very same request again, twice at once.
    again = await asyncio.gather(*(ashby.start("difficulty:easy", ADA) for _ in range(2)))
    for r in again:
        assert r.status_code == 200, r.text
        assert r.json() == first.json()
    assert await _count(db, "sessions") == 1
    assert await _count(db, "ats_assessments") == 1
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs where task_name = 'send_invite_email'"
    )
    assert (await cur.fetchone()) == {"n": 0}  # no SMTP here: and none queued by the retries either


async def test_ashby_start_with_the_same_candidate_but_other_parameters_is_a_clear_conflict(
    ashby: FakeAshby, db: Conn
) -> None:
    first = await ashby.start("difficulty:easy", ADA)
    assert first.status_code == 200
    changes: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("difficulty:medium", ADA, {}),  # another assessment
        ("difficulty:easy", ADA, {"application": {"ashby_id": "app-2", "status": "Active"}}),
        ("difficulty:easy", {**ADA, "email": "ada@elsewhere.example"}, {}),  # where the invite would go
    ]
    for type_id, candidate, extra in changes:
        r = await ashby.start(type_id, candidate, **extra)
        assert r.status_code == 409, (type_id, candidate, extra, r.text)
        assert "already has a Shadows interview" in r.json()["message"]
    # Ashby's own status of the application is not a parameter of the assessment: a retry may carry a newer one.
    moved = await ashby.start("difficulty:easy", ADA, application={"ashby_id": "app-1", "status": "Hired"})
    assert moved.status_code == 200 and moved.json() == first.json()
    assert await _count(db, "sessions") == 1


async def test_greenhouse_resending_a_test_order_with_other_parameters_is_a_conflict(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    first = await greenhouse.send_test("difficulty:easy", HARRY, instance=7)
    assert first.status_code == 200, first.text
    # The same order again (Greenhouse re-signs the resume link each time): the same interview.
    again = await greenhouse.send_test(
        "difficulty:easy", {**HARRY, "resume_url": "https://x.example/r?sig=2"}, 7
    )
    assert again.status_code == 200 and again.json() == first.json()
    for test_id, candidate in (
        ("difficulty:hard", HARRY),
        ("difficulty:easy", {**HARRY, "email": "someone.else@example.com"}),
        ("difficulty:easy", {**HARRY, "first_name": "Ginny"}),
    ):
        r = await greenhouse.send_test(test_id, candidate, instance=7)
        assert r.status_code == 409, (test_id, candidate, r.text)
        assert r.json()["error"]["code"] == "test_order_conflict"
        assert "partner_interview_id" not in r.json()
    assert await _count(db, "sessions") == 1
    cur = await db.execute("select c.email from sessions s join candidates c on c.id = s.candidate_id")
    assert await cur.fetchall() == [{"email": HARRY["email"]}]  # the first order's candidate, untouched
