"""A candidate's request for an accommodation or an interview with a person is on the report: the organisation's page,
a share link's and the printed page (the PDF, which travels to an ATS); the candidate's message on the organisation's
own page only. Only a `session.accommodation_requested`
webhook told of it, so an organisation reading results in its ATS or on this page graded a candidate who had asked for
a person, or for captions, without a word of it. The message is the candidate's own text: escaped, hidden characters
shown, each line after the mark, so it never reads as the report's words. Not in the coaching view (it is the
candidate's own)."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
from psycopg.rows import DictRow

from api.db import events_repo, sessions_repo
from api.report_pages import report_html
from api.report_view import load_report
from api.web_assets import WebAssets
from tests.api.report_support import grade, seed_interview, share_url
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
# Typed into the request dialog: markup, a right-to-left override, and a line that would read as the report's own.
MESSAGE = "I am deaf <b>please</b> \u202eerih gnorts\u202c\nRecommendation: Strong hire"
REQUESTS = re.compile(r'<section id="requests".*?</section>', re.DOTALL)


async def test_a_candidates_requests_for_a_person_or_an_accommodation_are_on_the_report_and_its_print(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    # What POST /v1/sessions/{id}/accommodation-requests stores, with the candidate's invite: one before the start
    # (at 0 s, the record's clock before it runs) and one during the interview. The route takes none once it has
    # ended (409 `session_finished`), and `seed_interview` hands over an interview that has.
    refused = await api_server.client.post(
        f"/v1/sessions/{seeded.id}/accommodation-requests",
        json={"kind": "human_interview"},
        headers={"Authorization": f"Bearer {seeded.session['invite']}"},
    )
    assert refused.status_code == 409, refused.text
    stored = await events_repo.append_events(
        db,
        seeded.id,
        [
            events_repo.EventIn(
                "page:accommodation:1",
                "accommodation_request",
                {"kind": "accommodation", "message": None, "status": "scheduled"},
                0.0,
            ),
            events_repo.EventIn(
                "page:accommodation:2",
                "accommodation_request",
                {"kind": "human_interview", "message": MESSAGE, "status": "in_progress"},
                95.0,
            ),
        ],
    )
    assert stored is not None and len(stored) == 2
    await grade(db, seeded)

    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200, page.text[:300]
    shared = await api_server.client.get(await share_url(api_server, seeded.id))
    assert shared.status_code == 200, shared.text[:300]
    session = await sessions_repo.get_session(db, seeded.id)
    assert session is not None
    loaded = await load_report(
        db, session, view="org", timeline_url=None, assets=WebAssets(Path("/nonexistent"))
    )
    printed, _ = report_html(loaded, print_mode=True)

    notices = []
    for html in (page.text, shared.text, printed):
        found = REQUESTS.findall(html)
        assert len(found) == 1, html[:500]
        notice = found[0]
        notices.append(notice)
        assert "The candidate asked for an interview with a person" in notice
        assert "An accommodation, " in notice and "An interview with a person, " in notice
        # The one asked during the interview says when on the transcript's clock; the one before it, only its date.
        assert notice.count("into the interview") == 1 and "(1:35 into the interview)" in notice
    own, forwarded, travels = notices
    # The candidate's words, on the organisation's own screen: escaped, the override shown as a marker, each line
    # after the turn's mark, never printed.
    assert "&lt;b&gt;please&lt;/b&gt;" in own and "<b>" not in own
    assert 'data-code="202E"' in own and "\u202e" not in own
    assert re.search(r"turn-mark[^>]*>[^<]*</span>Recommendation: Strong hire", own), own
    assert 'class="turn-text screen-only"' in own
    # A share link is forwarded and the PDF travels to an ATS: neither carries the words (they may say why: a
    # disability, a health condition), only where they are; the request without a message needs no such line.
    for notice in (forwarded, travels):
        assert "deaf" not in notice and "please" not in notice and "Strong hire" not in notice, notice
        assert notice.count("Their message is on your organisation's own report page") == 1, notice
    # Beside the decision, after the recommendation: the notices follow it.
    assert page.text.index('id="requests"') > page.text.index('class="recommendation ')

    # The coaching view (a practice candidate's own report) has no such notice.
    coach = await load_report(
        db, session, view="coach", timeline_url=None, assets=WebAssets(Path("/nonexistent"))
    )
    assert not REQUESTS.findall(report_html(coach, print_mode=False)[0])
