"""The same test order sent again with its text written another way that reads the same (a name composed once and
decomposed once, an e-mail address in another case) is the same order: the interview already scheduled, nothing new
scheduled, never a 409 conflict. Look-alikes of another script are still another order."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import psycopg
from psycopg.rows import DictRow

from api.integrations import assessments
from tests.fakes.ashby import FakeAshby
from tests.fakes.greenhouse import FakeGreenhouse

Conn = psycopg.AsyncConnection[DictRow]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


JOSE = {"first_name": "José", "last_name": "Núñez", "email": "jose.nunez@example.com"}
# The same person as Greenhouse may send it again: names decomposed ("e" + U+0301), the address in capitals.
JOSE_AGAIN = {"first_name": nfd("José"), "last_name": nfd("Núñez"), "email": "Jose.Nunez@EXAMPLE.com"}
CYRILLIC_A = "\u0410"


async def _sessions(db: Conn) -> int:
    cur = await db.execute("select count(*) as n from sessions")
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def test_greenhouse_resending_an_order_written_another_way_gets_the_same_interview(
    greenhouse: FakeGreenhouse, db: Conn
) -> None:
    first = await greenhouse.send_test("difficulty:easy", JOSE, instance=3)
    assert first.status_code == 200, first.text
    again = await greenhouse.send_test("difficulty:easy", JOSE_AGAIN, instance=3)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    # And the other way round: an order first sent decomposed, then composed.
    other = await greenhouse.send_test("difficulty:easy", JOSE_AGAIN, instance=4)
    same = await greenhouse.send_test("difficulty:easy", JOSE, instance=4)
    assert other.status_code == same.status_code == 200, same.text
    assert same.json() == other.json() != first.json()
    assert await _sessions(db) == 2
    # A name that only looks the same (a Cyrillic capital A) is another candidate: still a conflict.
    lookalike = await greenhouse.send_test(
        "difficulty:easy", {**JOSE, "first_name": "Jos\u00e9", "last_name": f"{CYRILLIC_A}lvarez"}, instance=3
    )
    assert lookalike.status_code == 409, lookalike.text
    assert await _sessions(db) == 2


async def test_ashby_retrying_a_start_written_another_way_gets_the_same_assessment(
    ashby: FakeAshby, db: Conn
) -> None:
    candidate = {"ashby_id": "cand-7", **JOSE}
    first = await ashby.start("difficulty:easy", candidate)
    assert first.status_code == 200, first.text
    again = await ashby.start("difficulty:easy", {"ashby_id": "cand-7", **JOSE_AGAIN})
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert await _sessions(db) == 1
    lookalike = await ashby.start("difficulty:easy", {**candidate, "first_name": f"{CYRILLIC_A}da"})
    assert lookalike.status_code == 409, lookalike.text
    assert await _sessions(db) == 1


def test_an_assessment_fingerprinted_before_still_matches_its_retry() -> None:
    """Assessments scheduled before the text was compared as it reads keep the digest of the text as it came: the
    very same request sent again still finds them."""
    start = {
        "candidate_name": nfd("José Núñez"),
        "candidate_email": "Jose@Example.com",
        "metadata": {"a": "b"},
    }
    as_it_came = json.dumps(start, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    legacy = hashlib.sha256(as_it_came.encode("ascii")).digest()
    assert assessments.same_request(legacy, start)
    assert assessments.same_request(assessments.request_fingerprint(start), start)
    assert not assessments.same_request(None, start)
    assert not assessments.same_request(legacy, {**start, "candidate_email": "jose@elsewhere.example"})
