"""The ATSs' requests as their own documentation writes them: what Greenhouse or Ashby sends in the shape its examples
show (ids as numbers where a table says String) is read as text, never refused with an error its contract does not
have."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.conftest import ApiServer
from tests.fakes.ashby import FakeAshby
from tests.fakes.greenhouse import FakeGreenhouse

Conn = psycopg.AsyncConnection[DictRow]


async def _reports(db: Conn) -> list[dict[str, Any]]:
    cur = await db.execute(
        "select api_call, errors, partner_test_id, partner_interview_id from ats_response_errors order by received_at"
    )
    return list(await cur.fetchall())


# Greenhouse's own example of a response_error request (greenhouse-api-docs, assessment/_response_error.md): the
# ids are JSON numbers there, though its table calls them strings.
DOCUMENTED_EXAMPLE = {
    "api_call": "test_status",
    "errors": ["partner_status is 'complete' but partner_profile url is missing"],
    "partner_test_id": 12345,
    "partner_test_name": "Personality Test",
    "partner_interview_id": 299506,
    "candidate_email": "hpotter@hogwarts.edu",
}


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        pytest.param(
            DOCUMENTED_EXAMPLE,
            (
                "test_status",
                ["partner_status is 'complete' but partner_profile url is missing"],
                "12345",
                "299506",
            ),
            id="the-documented-example",
        ),
        pytest.param(
            {"api_call": "list_tests", "errors": "partner_test_name is missing"},
            ("list_tests", ["partner_test_name is missing"], None, None),
            id="one-error-not-in-an-array",
        ),
        pytest.param(
            {"api_call": "list_tests", "errors": None, "partner_test_name": 7, "candidate_email": "x" * 400},
            ("list_tests", [], None, None),
            id="null-errors-and-fields-not-kept-in-any-shape",
        ),
        pytest.param(
            {"errors": ["no api_call"], "partner_interview_id": "i" * 300, "partner_test_id": 1.5},
            ("", ["no api_call"], "1.5", "i" * 200),
            id="no-api-call-and-an-id-past-what-is-kept",
        ),
        pytest.param(
            {"api_call": "c" * 150, "errors": [{"nested": [1, 2]}, 3, True]},
            ("c" * 100, ["{'nested': [1, 2]}", "3", "True"], None, None),
            id="a-long-call-name-and-entries-that-are-not-strings",
        ),
    ],
)
async def test_a_response_error_report_in_any_shape_is_answered_200_and_kept_as_text(
    greenhouse: FakeGreenhouse, db: Conn, body: dict[str, Any], stored: tuple[Any, ...]
) -> None:
    # Greenhouse's contract has one answer for response_error, 200. Its own example sends the ids as numbers; read
    # as strings, that example was a 422 and the report was lost, and so was any report whose field was longer than
    # the column keeping it, or whose `errors` was one string.
    async with greenhouse.client() as c:
        r = await c.post("/response_error", json=body)
    assert (r.status_code, r.json()) == (200, {"status": 200}), r.text
    (row,) = await _reports(db)
    assert (row["api_call"], row["errors"], row["partner_test_id"], row["partner_interview_id"]) == stored
    assert "hpotter" not in str(row) and "xxxx" not in str(row)


async def test_a_response_error_still_needs_greenhouses_key_and_a_json_object(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn
) -> None:
    r = await api_server.client.post("/integrations/greenhouse/response_error", json=DOCUMENTED_EXAMPLE)
    assert r.status_code == 401, r.text
    async with greenhouse.client() as c:
        r = await c.post("/response_error", json=["not", "an", "object"])
    assert r.status_code == 422, r.text
    assert await _reports(db) == []


@pytest.mark.parametrize(
    "partner_interview_id",
    [
        pytest.param("ses_" + "0" * 300, id="longer-than-any-of-ours"),
        pytest.param("x" * 201, id="just-past-what-was-bounded"),
        pytest.param("299506", id="unknown"),
    ],
)
async def test_test_status_for_an_id_that_names_no_interview_is_404_whatever_its_length(
    greenhouse: FakeGreenhouse, partner_interview_id: str
) -> None:
    # Greenhouse's contract has 401 and 404; an id that names none of the organisation's interviews is its 404
    # whatever its length. Bounded as a query parameter, one longer than 200 characters was a 422.
    r = await greenhouse.test_status(partner_interview_id)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "interview_not_found"), r.text


async def test_send_test_reads_a_number_where_it_reads_text_and_answers_as_for_the_text(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    # An unknown test sent as a number is Greenhouse's 404, as it is sent as text (read strictly, it was a 422).
    candidate = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    r = await greenhouse.send_test(12345, candidate)  # type: ignore[arg-type]  # as Greenhouse's examples write ids
    assert (r.status_code, r.json()["error"]["code"]) == (404, "test_not_found"), r.text
    # A number in a name is its text, as the same name sent as a string is.
    r = await greenhouse.send_test("difficulty:easy", {**candidate, "last_name": 3})
    assert r.status_code == 200, r.text
    cur = await db.execute("select c.name from sessions s join candidates c on c.id = s.candidate_id")
    assert [row["name"] for row in await cur.fetchall()] == ["Ada 3"]


ADA = {"ashby_id": "cand-shape-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


async def test_assessment_start_reads_a_number_where_it_reads_text(ashby: FakeAshby, db: Conn) -> None:
    # A job's requisition id (or any id) sent as a number was a 422 ("could not read ... job.req_id") that the
    # recruiter could do nothing about; it is kept as its text.
    r = await ashby.start(
        "difficulty:easy",
        ADA,
        job={"ashby_id": 9, "name": "Backend Engineer", "req_id": 77},
        application={"ashby_id": 4242, "status": "Active"},
    )
    assert (r.status_code, r.json()["success"]) == (200, True), r.text
    session_id = r.json()["results"]["assessment_id"]
    cur = await db.execute("select metadata from sessions where id = %s", (session_id,))
    row = await cur.fetchone()
    assert row is not None
    assert (row["metadata"]["ashby_req_id"], row["metadata"]["ashby_job_id"]) == ("77", "9")
    assert row["metadata"]["ashby_application_id"] == "4242"
    # The same start sent again with the ids as text is the same start (a retry), not another assessment.
    again = await ashby.start(
        "difficulty:easy",
        ADA,
        job={"ashby_id": "9", "name": "Backend Engineer", "req_id": "77"},
        application={"ashby_id": "4242", "status": "Active"},
    )
    assert (again.status_code, again.json()["results"]["assessment_id"]) == (200, session_id), again.text
    # A cancel naming an id as a number names no assessment: Ashby's own `success: false`, not a 422.
    r = await ashby.cancel(12345)  # type: ignore[arg-type]
    assert (r.status_code, r.json()["errorInfo"]["code"]) == (200, "assessment_not_found"), r.text


async def test_greenhouse_requests_without_a_content_type_are_read_as_json_as_its_examples_send_them(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    # Greenhouse's examples send the JSON with the Basic header alone (`curl -X POST .../send_test`, no
    # Content-Type). FastAPI reads such a body as no JSON by default: the order was a 422 (a contract of 401 and 404),
    # nothing was scheduled, and a response_error report was lost.
    order = {
        "partner_test_id": "difficulty:easy",
        "candidate": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        "url": greenhouse.callback_url(4711),
    }
    async with greenhouse.client() as c:
        unlabelled = await c.post("/send_test", content=json.dumps(order).encode())
        assert "content-type" not in unlabelled.request.headers
        assert unlabelled.status_code == 200, unlabelled.text
        session_id = unlabelled.json()["partner_interview_id"]
        # The same order with its label is the same order, not another interview.
        labelled = await c.post("/send_test", json=order)
        assert labelled.status_code == 200, labelled.text
        assert labelled.json() == {"partner_interview_id": session_id}
        report = await c.post("/response_error", content=json.dumps(DOCUMENTED_EXAMPLE).encode())
        assert (report.status_code, report.json()) == (200, {"status": 200}), report.text
        # The edge's checks hold for an unlabelled body as for a labelled one: a key sent twice is no JSON we read.
        twice = await c.post("/send_test", content=b'{"url": "a", ' + json.dumps(order).encode()[1:])
        assert (twice.status_code, twice.json()["error"]["code"]) == (422, "duplicate_json_key"), twice.text
    cur = await db.execute("select count(*) as n from sessions")
    row = await cur.fetchone()
    assert row is not None and row["n"] == 1
    (kept,) = await _reports(db)
    assert (kept["api_call"], kept["partner_interview_id"]) == ("test_status", "299506")
