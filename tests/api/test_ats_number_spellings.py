"""One JSON number, one text: an ATS's request with a number written 77 once and 77.0 (or 7.7e1) once is the same
request (api/integrations/ats_numbers.py). Read as Python reads them, 77 was "77" and 77.0 was "77.0": the same
Ashby start sent again was another candidate (a second interview, a second invite) or a 409, and the same
Greenhouse order a 409."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg.rows import DictRow

from tests.fakes.ashby import FakeAshby
from tests.fakes.greenhouse import FakeGreenhouse

Conn = psycopg.AsyncConnection[DictRow]


async def _sessions(db: Conn) -> list[dict[str, Any]]:
    cur = await db.execute("select id, metadata from sessions order by created_at")
    return list(await cur.fetchall())


def _start(candidate_id: Any, application_id: Any, req_id: Any) -> dict[str, Any]:
    return {
        "assessment_type_id": "difficulty:easy",
        "candidate": {
            "ashby_id": candidate_id,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "ashby_profile_url": "https://app.ashbyhq.com/candidates/c-1",
        },
        "application": {"ashby_id": application_id, "status": "Active"},
        "job": {"ashby_id": 9, "name": "Backend Engineer", "req_id": req_id},
    }


async def _post_start(ashby: FakeAshby, raw: bytes) -> tuple[int, dict[str, Any]]:
    async with ashby.client() as c:
        r = await c.post("/assessment.start", content=raw, headers={"content-type": "application/json"})
    return r.status_code, dict(r.json())


async def test_an_ashby_start_sent_again_with_its_numbers_spelled_otherwise_is_the_same_start(
    ashby: FakeAshby, db: Conn
) -> None:
    status, first = await _post_start(ashby, json.dumps(_start(1001, 4242, 77)).encode())
    assert (status, first["success"]) == (200, True), first
    session_id = first["results"]["assessment_id"]
    # Ashby retrying through a serialiser that writes a float's integer value as 77.0, or in exponent form.
    for raw in (
        json.dumps(_start(1001.0, 4242.0, 77.0)).encode(),
        json.dumps(_start(1001, 4242, 77)).replace('"req_id": 77', '"req_id": 7.7e1').encode(),
        json.dumps(_start("1001", "4242", "77")).encode(),
    ):
        status, again = await _post_start(ashby, raw)
        assert (status, again.get("results")) == (200, {"assessment_id": session_id}), (raw, again)
    (row,) = await _sessions(db)  # one interview, one invite
    meta = row["metadata"]
    assert (meta["ashby_candidate_id"], meta["ashby_application_id"], meta["ashby_req_id"]) == (
        "1001",
        "4242",
        "77",
    )
    cur = await db.execute("select external_candidate_id from ats_assessments")
    assert [r["external_candidate_id"] for r in await cur.fetchall()] == ["1001"]
    # Another number is another detail: the candidate's other start is refused while this one waits.
    status, other = await _post_start(ashby, json.dumps(_start(1001, 4242, 77.5)).encode())
    assert status == 409, other
    assert len(await _sessions(db)) == 1


async def test_a_greenhouse_order_sent_again_with_a_number_spelled_otherwise_is_the_same_order(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    candidate = {"first_name": "Ada", "last_name": 3, "email": "ada@example.com"}
    r = await greenhouse.send_test("difficulty:easy", candidate, instance=501)
    assert r.status_code == 200, r.text
    session_id = r.json()["partner_interview_id"]
    again = await greenhouse.send_test("difficulty:easy", {**candidate, "last_name": 3.0}, instance=501)
    assert (again.status_code, again.json()) == (200, {"partner_interview_id": session_id}), again.text
    assert len(await _sessions(db)) == 1
    # A number with a fraction is another name: another order on that url.
    other = await greenhouse.send_test("difficulty:easy", {**candidate, "last_name": 3.5}, instance=501)
    assert (other.status_code, other.json()["error"]["code"]) == (409, "test_order_conflict"), other.text


async def test_a_response_error_keeps_an_id_sent_as_a_float_as_the_integer_it_is(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    body = {
        "api_call": "test_status",
        "errors": [2.0],
        "partner_test_id": 12345.0,
        "partner_interview_id": 299506.0,
    }
    async with greenhouse.client() as c:
        r = await c.post("/response_error", json=body)
    assert (r.status_code, r.json()) == (200, {"status": 200}), r.text
    cur = await db.execute("select errors, partner_test_id, partner_interview_id from ats_response_errors")
    row = await cur.fetchone()
    assert row is not None
    assert (row["errors"], row["partner_test_id"], row["partner_interview_id"]) == (["2"], "12345", "299506")


# No number of JSON: NaN and Infinity (Python's parser takes them) and a number past a double's range, read as
# infinity. Each read "nan" or "inf" before, so two candidates whose ids were NaN were one candidate.
NOT_NUMBERS = ("NaN", "Infinity", "-Infinity", "1e400")


async def test_an_ashby_start_with_no_number_of_json_for_an_id_is_refused(ashby: FakeAshby, db: Conn) -> None:
    for spelling in NOT_NUMBERS:
        raw = (
            json.dumps(_start(1001, 4242, 77)).replace('"ashby_id": 1001', f'"ashby_id": {spelling}').encode()
        )
        assert spelling.encode() in raw
        status, body = await _post_start(ashby, raw)
        assert status == 422 and "candidate.ashby_id" in body["message"], (spelling, body)
    assert await _sessions(db) == []


async def test_a_greenhouse_order_with_no_number_of_json_is_refused_and_a_report_keeps_it_as_text(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    for spelling in NOT_NUMBERS:
        body = {
            "partner_test_id": "difficulty:easy",
            "candidate": {"first_name": "Ada", "last_name": "@L@", "email": "ada@example.com"},
            "url": greenhouse.callback_url(700),
        }
        raw = json.dumps(body).replace('"@L@"', spelling).encode()
        async with greenhouse.client() as c:
            r = await c.post("/send_test", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 422, (spelling, r.text)
        assert "last_name" in r.text, r.text
    assert await _sessions(db) == []
    # A report is kept as it came: its text says what the ATS sent.
    raw = json.dumps({"api_call": "test_status", "errors": ["@E@"], "partner_test_id": "1"}).replace(
        '"@E@"', "NaN"
    )
    async with greenhouse.client() as c:
        r = await c.post(
            "/response_error", content=raw.encode(), headers={"content-type": "application/json"}
        )
    assert (r.status_code, r.json()) == (200, {"status": 200}), r.text
    cur = await db.execute("select errors from ats_response_errors")
    assert [row["errors"] for row in await cur.fetchall()] == [["nan"]]
