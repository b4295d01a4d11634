"""What a hiring team reads of how an interview ended, and of why its grading failed. The report showed the status
alone ("abandoned", "completed") beside the time used ("12:03 of 45:00"): an interview cut short by the
interviewer's own job stopping read as the candidate giving up after twelve minutes, and one the candidate ended
from their page the same as one the interviewer closed. The page now says who or what ended it, in the header and
among the facts (printed too), and an ending on our side says so. A failed grading showed its code alone ("failed
(citations_unverified)"), which read as something about the candidate; it now says in words what failed, beside
the code. An empty record says why it is empty, never that it was erased; and a snapshot's language, which the
candidate's page names, reaches the replay's code heading only when it is one the API runs."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from typing import get_args

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo, sessions_repo
from api.report_pages import report_html
from api.report_view import load_report
from api.schemas import EndReason
from api.templating import ended, failure
from api.web_assets import WebAssets
from tests.api.report_support import CODE_V3, grade, seed_interview
from tests.api.test_report_routes import _regrade
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")
Conn = psycopg.AsyncConnection[DictRow]

# Every end_reason the API stores besides the agent's (api/schemas.py EndReason): its own endings.
API_END_REASONS = (
    "candidate_ended",
    "room_finished",
    "stalled",
    "ended_agent_lost",
    "cancelled",
    "cancelled_by_ats",
)


def _text(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


async def _end(db: Conn, session_id: str, status: str, reason: str) -> None:
    await db.execute(
        "update sessions set status = %s, end_reason = %s where id = %s", (status, reason, session_id)
    )


@pytest.mark.parametrize(
    ("status", "reason", "said"),
    [
        (
            "completed",
            "agent_shutdown",
            "The interviewer stopped before the interview ended (on our side, not the candidate's)",
        ),
        (
            "abandoned",
            "room_finished",
            "The call closed without a normal end (a connection lost, on either side)",
        ),
        ("completed", "candidate_ended", "The candidate ended it from their page"),
        ("completed", "time_up", "Time ran out"),
    ],
)
async def test_the_report_says_how_the_interview_ended_in_its_header_and_facts(
    api_server: ApiServer, db: Conn, status: str, reason: str, said: str
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _end(db, seeded.id, status, reason)
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert r.status_code == 200
    header = _text(r.text.split('<main id="main"', 1)[0])
    facts = _text(r.text.split('<section id="facts"', 1)[1].split("</section>", 1)[0])
    assert said in header, header
    assert f"How it ended {said}" in facts, facts


async def test_the_printed_page_the_pdf_prints_says_how_it_ended(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _end(db, seeded.id, "completed", "agent_shutdown")
    session = await sessions_repo.get_session(db, seeded.id)
    assert session is not None
    page = await load_report(
        db, session, view="org", timeline_url=None, assets=WebAssets(Path("/nonexistent"))
    )
    html, _ = report_html(page, print_mode=True)
    assert "How it ended The interviewer stopped before the interview ended (on our side" in _text(html)


async def test_the_coaching_view_tells_the_candidate_how_it_ended(api_server: ApiServer, db: Conn) -> None:
    practice = await seed_interview(api_server, db, practice=True)
    await grade(db, practice)
    await _end(db, practice.id, "completed", "candidate_left")
    mine = {"Authorization": f"Bearer {practice.session['invite']}"}
    r = await api_server.client.get(f"/v1/sessions/{practice.id}/report", headers=mine)
    assert r.status_code == 200
    assert "How it ended You left and did not rejoin in time" in _text(r.text)
    assert "The candidate" not in _text(r.text.split('<section id="facts"', 1)[1].split("</section>", 1)[0])


def test_every_end_reason_the_api_stores_has_words_and_an_unknown_one_is_shown_as_it_is() -> None:
    for reason in (*get_args(EndReason), *API_END_REASONS):
        assert not ended(reason).startswith("Ended:"), reason
    assert ended("moon_landing") == "Ended: moon landing"
    assert ended(None) == "\u2013"


async def test_a_failed_grading_says_in_words_what_failed_beside_its_code(
    api_server: ApiServer, db: Conn
) -> None:
    failed = await seed_interview(api_server, db)
    await grade(db, failed, "failed")  # citations_unverified
    r = await api_server.client.get(f"/v1/sessions/{failed.id}/report", headers=api_server.org_headers())
    assert r.status_code == 200
    assert (
        "Scorecard version 1 failed: the grader's claims did not all check out against the interview record, so none"
        " is shown ( citations_unverified ). Nothing is concluded about the candidate from it."
        in _text(r.text)
    )

    regraded = await seed_interview(api_server, db)
    await grade(db, regraded)
    await _regrade(api_server, db, regraded, "failed")  # model_refused
    r = await api_server.client.get(f"/v1/sessions/{regraded.id}/report", headers=api_server.org_headers())
    assert r.status_code == 200
    refused = (
        r"Scorecard version 2 failed .{10,30} UTC: the grading model refused to answer \( model_refused \)\."
    )
    assert re.search(refused, _text(r.text))


def test_every_failure_reason_the_grading_docs_list_has_words() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "grading.md").read_text(encoding="utf-8")
    table = docs.split("### Failure reasons", 1)[1].split("\n\n", 1)[0]
    reasons = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE)
    assert len(reasons) >= 12
    for reason in reasons:
        assert failure(reason), reason
    assert failure("something_new") == ""


async def test_an_empty_record_says_why_it_is_empty_and_never_that_it_was_erased(
    api_server: ApiServer, db: Conn
) -> None:
    """A session with nothing recorded said "nothing was said, or it was erased under the data retention policy",
    though retention's erasure has a notice of its own: a record that was never erased read as if it had been."""
    scheduled = await api_server.create_session()
    started = await api_server.create_session()
    r = await api_server.agent_start(started)
    assert r.status_code == 200, r.text
    cancelled = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/sessions/{cancelled['id']}/cancel", headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    ended = await api_server.create_session()
    r = await api_server.agent_start(ended)
    assert r.status_code == 200, r.text
    r = await api_server.client.post(
        f"/v1/internal/sessions/{ended['id']}/complete",
        json={"final_code": None, "language": "python", "reason": "no_show"},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text
    expected = {
        scheduled["id"]: (
            "No transcript: the interview has not started.",
            "No code was run: the interview has not started.",
            "No code was written: the interview has not started.",
        ),
        cancelled["id"]: (
            "No transcript: the interview did not take place.",
            "No code was run: the interview did not take place.",
            "No code was written: the interview did not take place.",
        ),
        started["id"]: (
            "No transcript: nothing has been said or typed yet.",
            "No code has been run yet.",
            "No code yet: the interview is in progress.",
        ),
        ended["id"]: (
            "No transcript: nothing was said or typed in this interview.",
            "No code was run.",
            "No code was written.",
        ),
    }
    for session_id, said in expected.items():
        r = await api_server.client.get(f"/v1/sessions/{session_id}/report", headers=api_server.org_headers())
        assert r.status_code == 200
        text = _text(r.text)
        assert "erased" not in text and "retention" not in text, session_id
        for sentence in said:
            assert sentence in text, (session_id, sentence)


async def test_a_snapshot_names_only_a_language_the_api_runs_in_the_timeline(
    api_server: ApiServer, db: Conn
) -> None:
    """The candidate's page names a snapshot's language, and the agent keeps any one-word name: the replay's code
    heading printed it as its own words ("Code at 5:00 …, in All_tests_passed")."""
    seeded = await seed_interview(api_server, db)
    stored = await events_repo.append_events(
        db,
        seeded.id,
        [
            events_repo.EventIn(
                f"lang:{name}", "editor_snapshot", {"language": name, "code": f"# {name}\n", "version": 9}, t
            )
            for name, t in (("All_tests_passed", 300.0), ("java", 301.0), ("Accepted.5-5", 302.0))
        ],
    )
    assert stored is not None
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/timeline", headers=api_server.org_headers())
    assert r.status_code == 200
    named = {e["code"]: e["language"] for e in r.json()["events"] if e["type"] == "editor_snapshot"}
    assert named["# All_tests_passed\n"] is None and named["# Accepted.5-5\n"] is None
    assert named["# java\n"] == "java" and named[CODE_V3] == "python"  # the seeded ones keep theirs
