"""Ashby's candidate id is the key a start is matched on: the same id written with other code points that Unicode
calls the same text (composed once, decomposed once) is the same candidate, as the start's fingerprint already
says. Before, the fingerprint matched while the look-up by id did not: a retry scheduled a second interview and
e-mailed a second invite. Look-alikes of another script and compatibility forms stay other candidates."""

from __future__ import annotations

import unicodedata

import psycopg
from psycopg.rows import DictRow

from tests.fakes.ashby import FakeAshby

Conn = psycopg.AsyncConnection[DictRow]

ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
COMPOSED = unicodedata.normalize("NFC", "cand-José-7")
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


async def _rows(db: Conn) -> list[tuple[str, str]]:
    cur = await db.execute(
        "select a.session_id, a.external_candidate_id from ats_assessments a order by a.created_at"
    )
    return [(r["session_id"], r["external_candidate_id"]) for r in await cur.fetchall()]


async def test_a_retry_with_the_candidate_id_decomposed_is_the_same_assessment(
    ashby: FakeAshby, db: Conn
) -> None:
    first = await ashby.start("difficulty:easy", {"ashby_id": COMPOSED, **ADA})
    assert first.status_code == 200, first.text
    again = await ashby.start("difficulty:easy", {"ashby_id": DECOMPOSED, **ADA})
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    rows = await _rows(db)
    assert len(rows) == 1
    assert rows[0][1] == COMPOSED  # kept in one form


async def test_another_start_for_the_twin_id_is_a_conflict_not_a_second_interview(
    ashby: FakeAshby, db: Conn
) -> None:
    first = await ashby.start("difficulty:easy", {"ashby_id": DECOMPOSED, **ADA})
    assert first.status_code == 200, first.text
    other = await ashby.start("difficulty:hard", {"ashby_id": COMPOSED, **ADA})
    assert other.status_code == 409, other.text
    assert len(await _rows(db)) == 1


async def test_a_stored_id_kept_as_it_came_still_matches_its_retry(ashby: FakeAshby, db: Conn) -> None:
    """An assessment stored before ids were kept composed holds the id as Ashby sent it: its retry, in either form,
    still finds it."""
    first = await ashby.start("difficulty:easy", {"ashby_id": COMPOSED, **ADA})
    assert first.status_code == 200, first.text
    await db.execute("update ats_assessments set external_candidate_id = %s", (DECOMPOSED,))
    for form in (DECOMPOSED, COMPOSED):
        again = await ashby.start("difficulty:easy", {"ashby_id": form, **ADA})
        assert again.status_code == 200, again.text
        assert again.json() == first.json()
    assert len(await _rows(db)) == 1


async def test_look_alike_and_compatibility_ids_are_other_candidates(ashby: FakeAshby, db: Conn) -> None:
    first = await ashby.start("difficulty:easy", {"ashby_id": "cand-A1", **ADA})
    assert first.status_code == 200, first.text
    for twin in ("cand-\u04101", "cand-\uff211"):  # a Cyrillic A; a fullwidth A
        other = await ashby.start("difficulty:easy", {"ashby_id": twin, **ADA})
        assert other.status_code == 200, other.text
        assert other.json() != first.json()
    assert len(await _rows(db)) == 3


async def test_an_id_whose_composed_form_is_too_long_is_a_422_for_the_recruiter_not_a_500(
    ashby: FakeAshby, db: Conn
) -> None:
    """The id is kept composed, and composing can lengthen text: U+FB2C (a Hebrew letter with two marks) is three
    code points in NFC, U+0958 (Devanagari qa) two. An id of 200 or fewer characters as sent, past 200 composed, was
    stored into a column of 200 at most: a 500 for Ashby to retry. It is refused as any id past 200 is."""
    for expanding in ("\ufb2c" * 67, "\u0958" * 101, "x" * 201):
        assert len(unicodedata.normalize("NFC", expanding)) > 200
        r = await ashby.start("difficulty:easy", {"ashby_id": expanding, **ADA})
        assert r.status_code == 422, (expanding[:3], r.status_code, r.text)
        assert "ashby_id" in r.json()["message"] or "candidate" in r.json()["message"], r.text
    assert await _rows(db) == []
    # At the bound, composed: scheduled, and kept composed.
    fits = "\ufb2c" * 66 + "ab"
    assert len(unicodedata.normalize("NFC", fits)) == 200
    ok = await ashby.start("difficulty:easy", {"ashby_id": fits, **ADA})
    assert ok.status_code == 200, ok.text
    assert [stored for _, stored in await _rows(db)] == [unicodedata.normalize("NFC", fits)]
