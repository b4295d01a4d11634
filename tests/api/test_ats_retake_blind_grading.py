"""A candidate an ATS sends again (Ashby's retake: the same candidate id) under another name or address: the new
session uses the new ones, and the earlier interview is still graded blind to the name and address its candidate
gave in it. The candidate's row is shared by both sessions; the name and address the retake replaced are kept, only
for the grader to scrub, and bounded."""

from __future__ import annotations

import psycopg
from psycopg.rows import DictRow

from api.db import bundle_repo
from api.db.sessions_repo import OTHER_NAMES_KEPT
from tests.fakes.ashby import FakeAshby

Conn = psycopg.AsyncConnection[DictRow]

ADA = {
    "ashby_id": "cand-blind",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada.lovelace@example.com",
}
KING = {**ADA, "last_name": "King", "email": "countess@example.org"}


async def _take(ashby: FakeAshby, candidate: dict[str, str]) -> str:
    """Start an assessment for `candidate` and end it (cancelled in Ashby), so that the next start is a retake."""
    r = await ashby.start("difficulty:easy", candidate)
    assert r.status_code == 200, r.text
    session_id = str(r.json()["results"]["assessment_id"])
    cancelled = await ashby.cancel(session_id)
    assert cancelled.json()["success"] is True, cancelled.text
    return session_id


async def _redacted(db: Conn, session_id: str) -> list[str]:
    bundle = await bundle_repo.load_bundle_input(db, session_id)
    assert bundle is not None
    return bundle.redact


async def test_a_retake_under_another_name_leaves_the_first_interview_graded_blind_to_its_name(
    ashby: FakeAshby, db: Conn
) -> None:
    first = await _take(ashby, ADA)
    assert {"Lovelace", "ada.lovelace@example.com", "ada.lovelace"} <= set(await _redacted(db, first))
    retake = await _take(ashby, KING)
    # The first interview, graded (or re-graded) after the retake was scheduled: its own name and address are
    # still scrubbed (before, the row said "Ada King" only, and "Lovelace" reached the grader).
    for session_id in (first, retake):
        terms = set(await _redacted(db, session_id))
        assert {"Lovelace", "ada.lovelace@example.com", "ada.lovelace"} <= terms, terms
        assert {"King", "countess@example.org", "countess"} <= terms, terms
    # The retake is sent as the candidate now is.
    cur = await db.execute(
        "select c.name, c.email from sessions s join candidates c on c.id = s.candidate_id where s.id = %s",
        (retake,),
    )
    assert await cur.fetchone() == {"name": "Ada King", "email": "countess@example.org"}


async def test_the_names_a_candidate_went_by_are_kept_newest_first_and_bounded(
    ashby: FakeAshby, db: Conn
) -> None:
    names = [f"Ada {chr(ord('A') + i) * 3}" for i in range(OTHER_NAMES_KEPT + 4)]
    for last in names:
        await _take(ashby, {**ADA, "last_name": last.split()[1]})
    cur = await db.execute("select name, other_names from candidates where external_id = 'ashby:cand-blind'")
    row = await cur.fetchone()
    assert row is not None and row["name"] == names[-1]
    # The address never changed, so only names: each replaced one, newest first, the oldest dropped past the bound.
    assert row["other_names"] == names[-2::-1][:OTHER_NAMES_KEPT]


def test_an_earlier_name_with_an_at_sign_is_scrubbed_as_a_name_not_an_address() -> None:
    """A name may hold an `@` ("Ada @ Lovelace"): kept in other_names by a retake, its parts are still scrubbed, as
    they were while it was the candidate's name; an address kept there is scrubbed as the e-mail is."""
    terms = set(
        bundle_repo.redaction_terms(
            "Ada King", "countess@example.org", ["Ada @ Lovelace", "ada.l@example.com"]
        )
    )
    assert {"Lovelace", "Ada @ Lovelace"} <= terms, terms
    assert {"ada.l@example.com", "ada.l"} <= terms, terms
