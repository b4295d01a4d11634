"""An ATS order for a test that is no longer offered is refused as its contract says, and costs nothing.

Found in the ATS integrations pass: `list_tests` (and Ashby's `assessment.list`) offers a difficulty only while the
bank has a question of it, but an order for a difficulty was taken on its name alone. Once the bank lost its last
question of a difficulty (a release that retires it), Greenhouse and Ashby, which keep the test id they listed
when the recruiter set the interview plan up, still sent it: the order was counted against the organisation's
session limit, then refused with 422 `no_matching_question` in the API's own error shape. Greenhouse's contract has
404 for an unknown test (`test_not_found`, as for a question that is gone); Ashby shows the recruiter its 422's
`message`, which that shape does not have, so the recruiter read nothing. Now a difficulty is a test exactly while
a question of it exists, whichever call asks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import psycopg
import pytest
from psycopg.rows import DictRow

from api.settings import ApiSettings
from tests.conftest import ApiServer
from tests.fakes.ashby import FakeAshby, fake_ashby
from tests.fakes.greenhouse import FakeGreenhouse

Conn = psycopg.AsyncConnection[DictRow]
HARRY = {"first_name": "Harry", "last_name": "Potter", "email": "hpotter@hogwarts.example"}
ADA = {"ashby_id": "cand-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(update={"session_create_rate_limit": "1/hour"})


@pytest.fixture
async def ashby(api_server: ApiServer) -> AsyncIterator[FakeAshby]:
    r = await api_server.client.post(
        "/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=api_server.org_headers()
    )
    assert r.status_code == 201, r.text
    async with fake_ashby() as fake:
        fake.partner_url = f"{api_server.url}/integrations/ashby"
        fake.partner_key = r.json()["key"]
        fake.customer_api_key = "ashby-key-1"
        yield fake


async def _retire_hard_questions(db: Conn) -> None:
    """The bank's release without a Hard question (the test's own database)."""
    await db.execute("delete from questions where difficulty = 'Hard'")


async def _sessions(db: Conn) -> int:
    cur = await db.execute("select count(*) as n from sessions")
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def test_greenhouse_gets_404_for_a_difficulty_no_longer_offered_and_nothing_is_counted(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    listed = await greenhouse.list_tests()
    assert "difficulty:hard" in [t["partner_test_id"] for t in listed.json()]
    await _retire_hard_questions(db)
    listed = await greenhouse.list_tests()
    assert "difficulty:hard" not in [t["partner_test_id"] for t in listed.json()]

    stale = await greenhouse.send_test("difficulty:hard", HARRY, instance=1)
    assert (stale.status_code, stale.json()["error"]["code"]) == (404, "test_not_found")
    assert await _sessions(db) == 0
    # The organisation's one session this hour is still there for an order that can be taken.
    taken = await greenhouse.send_test("difficulty:easy", HARRY, instance=2)
    assert taken.status_code == 200, taken.text
    status = await greenhouse.test_status(taken.json()["partner_interview_id"])
    assert status.status_code == 200 and status.json()["partner_status"] == "sent"


async def test_ashby_tells_the_recruiter_a_difficulty_is_no_longer_offered_and_nothing_is_counted(
    ashby: FakeAshby, db: Conn
) -> None:
    await _retire_hard_questions(db)
    listed = await ashby.list()
    assert "difficulty:hard" not in [t["assessment_type_id"] for t in listed.json()["results"]]

    stale = await ashby.start("difficulty:hard", ADA)
    assert stale.status_code == 422
    assert stale.json() == {
        "message": "This assessment is no longer offered by Shadows. Choose another one in the interview plan."
    }
    assert await _sessions(db) == 0
    taken = await ashby.start("difficulty:medium", ADA)
    assert taken.status_code == 200 and taken.json()["success"] is True, taken.text
