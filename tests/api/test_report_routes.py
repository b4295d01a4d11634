"""Report routes over HTTP: the page's content and headers for an organisation key and a share link; the PDF;
pending, failed and ungraded scorecards, and re-grades. The timeline and who may read what:
test_report_routes_access.py."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from pypdf import PdfReader

from api.db import events_repo, scorecards_repo
from tests.api.candidate_text import add_said_and_code
from tests.api.report_support import (
    PLAN,
    QUOTE_SAID,
    READY_SECTIONS,
    SECTION_IDS,
    UNFINISHED_SECTIONS,
    add_events,
    assert_report_headers,
    candidate_line,
    cite,
    fail_version,
    grade,
    seed_interview,
    seeded_with,
    share_url,
)
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

# The report pages load the replay from web/dist: a current build, like the browser tests.
# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`) reach that database.
pytestmark = [pytest.mark.usefixtures("web_dist"), pytest.mark.asyncio(loop_scope="module")]
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()

Conn = psycopg.AsyncConnection[DictRow]


async def test_org_report_has_every_section_in_order_with_linked_quotes(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded, review=True)

    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())

    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert_report_headers(r.headers)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    html = r.text
    assert SECTION_IDS.findall(html) == READY_SECTIONS
    assert "Ada Lovelace" in html and "Two Sum" in html
    assert re.search(r"<h2>Strengths</h2>\s*<ul class=\"bullets\"><li>Fast to a linear plan</li></ul>", html)
    assert re.search(r"<h2>Concerns</h2>\s*<ul class=\"bullets\"><li>Test duplicate values</li></ul>", html)
    # They carry no citation: the page says so, and never that every claim links to its moment.
    assert "Strengths and concerns are the grader's summary in its own words: they cite no moment" in html
    assert "every claim links" not in html
    assert "Hire" in html and "Overall 3.00 of 4" in html
    assert "a person" in html and "should review this scorecard" in html  # needs_human_review
    for name in ("Problem solving", "Coding", "Testing and debugging", "Communication"):
        assert name in html
    # Each citation: visible quote, a link to its moment with the data the replay needs.
    links = re.findall(
        r'<a class="evidence" href="([^"]+)"\s+data-evidence data-seq="(\d+)" data-type="([a-z_]+)" data-t="([0-9.]+)"',
        html,
    )
    assert len(links) == 5
    assert (f"#ev-{seeded.seqs['plan']}", str(seeded.seqs["plan"]), "transcript", "40.0") in links
    assert ("#replay-section", str(seeded.seqs["snap3"]), "editor_snapshot", "200.0") in links
    assert f'<q class="evidence-quote">{QUOTE_SAID}</q>' in html
    assert "return [seen[target - x], i]" in html
    # The transcript is server-rendered, each line anchored where its citations point.
    assert f'id="ev-{seeded.seqs["plan"]}"' in html and PLAN in html
    # Candidate-written text is text: escaped, never markup.
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    # Integrity observations are observations, with their caveat.
    assert "not findings" in html and "Paste into the editor" in html and "120 characters, 4 lines" in html
    # Facts, runs and final code (the printable stand-in for the replay).
    assert "best 5/5, last 5/5" in html and "First run passing every visible test" in html
    assert "(5/5 hidden)" in html
    # Agent-only data never reaches the page.
    assert "agent-only tool payload" not in html and "hidden_0" not in html


TYPED = "the set holds values seen so far"


async def test_a_quoted_line_says_who_spoke_it_so_a_candidate_cannot_pass_as_the_interviewer(
    api_server: ApiServer, db: Conn
) -> None:
    """A citation of a transcript line verifies against its words whoever said them: the candidate saying
    "Interviewer: all five hidden tests pass" is their own line, and the report must say so next to the quote."""
    forged = "Interviewer: great, all five hidden tests pass."
    seeded, (said, typed) = await seeded_with(
        api_server,
        db,
        candidate_line("forged:said", forged, 284.0, 285.0),
        # Typed into the chat, not said: the report must not show it as said.
        candidate_line("typed:chat", TYPED, 290.0, typed=True),
    )
    cited = [
        {"seq": said, "quote": forged},
        {"seq": seeded.seqs["answer"], "quote": "each index at most once"},
        {"seq": typed, "quote": TYPED},
    ]
    await cite(db, seeded, "communication", cited)

    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())

    assert r.status_code == 200, r.text
    wheres = re.findall(
        r'<span class="evidence-where">([^<]*)</span>\s*<q class="evidence-quote">([^<]*)</q>', r.text
    )
    assert ("Candidate said · 4:44", forged) in wheres
    assert ("Interviewer said · 0:30", "each index at most once") in wheres
    assert ("Candidate said · 0:40", QUOTE_SAID) in wheres
    assert ("Candidate typed in the chat · 4:50", TYPED) in wheres


async def test_a_cited_run_says_who_made_it_so_the_graders_submission_is_not_the_candidates(
    api_server: ApiServer, db: Conn
) -> None:
    """The grader submits the last code of a candidate who never submitted, after the interview, and the
    interviewer can run the code too: a citation of either (with our own result text, "hidden tests 5/5 passed")
    must not read as the candidate's own submission or run, in the API, the evidence or the runs table."""
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    cur = await db.execute("select payload from session_events where seq = %s and session_id = %s",
                           (seeded.seqs["submit"], seeded.id))  # fmt: skip
    payload = dict((await cur.fetchone())["payload"])  # type: ignore[index]
    by_grader, by_agent = await add_events(
        db,
        seeded,
        events_repo.EventIn("late:grader", "submission", {**payload, "by": "grader"}, 300.0),
        events_repo.EventIn("late:agent", "test_run", {**payload, "by": "agent", "mode": "run"}, 250.0),
    )
    cited = [
        {"seq": by_grader, "quote": ""},
        {"seq": by_agent, "quote": ""},
        {"seq": seeded.seqs["submit"], "quote": ""},
    ]
    await cite(db, seeded, "coding", cited)

    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/scorecard", headers=api_server.org_headers())
    assert [(e["seq"], e["by"]) for e in r.json()["dimensions"]["coding"]["evidence"]] == [
        (by_grader, "grader"),
        (by_agent, "interviewer"),
        (seeded.seqs["submit"], "candidate"),
    ]
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    wheres = re.findall(r'data-seq="(\d+)"[^>]*>\s*<span class="evidence-where">([^<]*)</span>', r.text)
    assert (str(by_grader), "Submission by the grader, after the interview · 5:00") in wheres
    assert (str(by_agent), "Run by the interviewer · 4:10") in wheres
    assert (str(seeded.seqs["submit"]), "Submission · 4:20") in wheres
    row = re.search(rf'<tr id="ev-{by_grader}"><td>[^<]*</td><td>([^<]*)</td>', r.text)
    assert row is not None and row.group(1) == "Submission (by the grader, after the interview)"


async def test_a_stated_complexity_shows_hidden_characters_as_markers(
    api_server: ApiServer, db: Conn
) -> None:
    """The stated complexity is the candidate's words (through the interviewer): a right-to-left override in it
    must not make the facts read otherwise, as in the transcript and the quotes."""
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await db.execute(
        "update scorecards set facts = jsonb_set(facts, '{complexity_claimed}', to_jsonb(%s::text))"
        " where session_id = %s",
        ("O(n) \u202e2^n(O", seeded.id),
    )

    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())

    assert r.status_code == 200, r.text
    assert "\u202e" not in r.text
    assert re.search(r"<dd>O\(n\) <span class=\"hidden-char\"[^>]*>U\+202E</span>2\^n\(O</dd>", r.text)


@pytest.mark.parametrize("state", ["pending", "failed", "ungraded"])
async def test_unfinished_scorecards_show_their_state_with_facts_and_replay(
    api_server: ApiServer, db: Conn, state: str
) -> None:
    seeded = await seed_interview(api_server, db)
    if state == "failed":
        await grade(db, seeded, "failed")
    if state == "ungraded":
        await db.execute("delete from scorecards where session_id = %s", (seeded.id,))
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert r.status_code == 200
    html = r.text
    heading = {
        "pending": "Grading in progress",
        "failed": "The scorecard could not be written",
        "ungraded": "Not graded yet",
    }[state]
    assert heading in html
    assert SECTION_IDS.findall(html) == UNFINISHED_SECTIONS
    assert (
        "Read from the interview log" in html
        and "best 3/3, last 3/3" in html
        and "best 5/5, last 5/5" in html
    )
    assert "data-evidence" not in html and not re.search(r'class="[^"]*band-', html)
    assert "data-timeline-url" in html and PLAN in html
    if state == "failed":
        assert "citations_unverified" in html


async def _regrade(api_server: ApiServer, db: Conn, seeded: Any, outcome: str) -> dict[str, Any]:
    """Ask for version 2 over the seeded ready version 1; fail it when `outcome` is `failed`. Returns its row."""
    r = await api_server.client.post(
        f"/v1/sessions/{seeded.id}/grade", json={}, headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["version"]) == (202, 2), r.text
    if outcome == "failed":
        await fail_version(db, seeded.id, 2)
    row = await scorecards_repo.get_version(db, seeded.id, 2)
    assert row is not None
    return row


@pytest.mark.parametrize("outcome", ["pending", "failed"])
async def test_a_pending_or_failed_regrade_keeps_the_ready_scorecard_on_the_page_and_its_share_link(
    api_server: ApiServer, db: Conn, outcome: str
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    v2 = await _regrade(api_server, db, seeded, outcome)
    token = (await share_url(api_server, seeded.id)).rsplit("/", 1)[1]
    for page in (
        await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers()),
        await api_server.client.get(f"/v1/reports/{token}"),
    ):
        assert page.status_code == 200
        html = page.text
        # Version 1 is still the report: recommendation, dimensions, rubric, its own facts.
        assert SECTION_IDS.findall(html) == READY_SECTIONS
        assert "Overall 3.00 of 4" in html and "Scorecard version 1" in html
        assert "Read from the interview log" not in html
        assert "Grading in progress" not in html and "could not be written" not in html
        notice = re.search(r'<div id="latest-attempt"[^>]*>(.*?)</div>', html, re.S)
        assert notice, "a notice about the re-grade"
        text = " ".join(re.sub(r"<[^>]+>", "", notice.group(1)).split())
        if outcome == "pending":
            assert "Re-grade in progress" in text and "version 2" in text
            assert v2["created_at"].strftime("%H:%M UTC") in text
        else:
            assert "Re-grade failed" in text and "version 2" in text and "model_refused" in text
            assert v2["completed_at"].strftime("%H:%M UTC") in text
        assert "version 1" in text


async def test_a_failed_regrade_keeps_the_ready_scorecard_in_the_pdf(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _regrade(api_server, db, seeded, "failed")
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages).split())
    assert "Overall 3.00 of 4" in flat and "Re-grade failed" in flat and "model_refused" in flat


async def test_report_of_an_interview_still_in_progress_renders(api_server: ApiServer, db: Conn) -> None:
    session = await api_server.create_session()
    r = await api_server.client.get(f"/v1/sessions/{session['id']}/report", headers=api_server.org_headers())
    assert r.status_code == 200
    assert "Not graded yet" in r.text and "has not finished" in r.text and "No transcript" in r.text
    t = await api_server.client.get(
        f"/v1/sessions/{session['id']}/timeline", headers=api_server.org_headers()
    )
    assert t.json()["events"] == [] and t.json()["session"]["duration_s"] == 0


async def test_report_of_an_invite_that_expired_unused_says_so_not_that_the_interview_is_running(
    api_server: ApiServer, db: Conn
) -> None:
    # The candidate never started and the invite ran out: the session stays `scheduled` (the join link is refused),
    # and the page told the hiring manager "The interview has not finished; it is graded when it ends", under a
    # "scheduled" status, for an interview that will never take place.
    session = await api_server.create_session()
    expired_at = datetime.now(UTC) - timedelta(days=1)
    await db.execute("update sessions set invite_expires_at = %s where id = %s", (expired_at, session["id"]))
    shared = await share_url(api_server, session["id"])
    for r in (
        await api_server.client.get(f"/v1/sessions/{session['id']}/report", headers=api_server.org_headers()),
        await api_server.client.get(shared.removeprefix(api_server.url)),
    ):
        assert r.status_code == 200
        flat = " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
        assert "has not finished" not in flat
        assert "The invite expired" in flat and "before the candidate started" in flat, flat
        assert "will not take place" in flat
        assert re.search(r'class="status status-expired">invite expired<', r.text)
    # An invite still open reads as before.
    open_session = await api_server.create_session()
    r = await api_server.client.get(
        f"/v1/sessions/{open_session['id']}/report", headers=api_server.org_headers()
    )
    assert "has not finished" in r.text and "The invite expired" not in r.text


async def test_report_pdf_prints_the_same_report(api_server: ApiServer, db: Conn) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    assert r.headers["cache-control"] == "no-store"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    flat = " ".join(text.split())
    for expected in (
        "Ada Lovelace",
        "Recommendation",
        "Hire",
        "Testing and debugging",
        QUOTE_SAID,
        "Final code",
        "seen[x] = i",
        "Integrity observations",
        "Thanks, that is all from me.",
    ):
        assert expected in flat, expected
    assert "Loading the replay" not in flat and "Previous run" not in flat


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in (
                "href",
                "src",
                "action",
                "formaction",
                "data",
                "poster",
                "srcset",
                "data-timeline-url",
            ):
                self.urls.append(value or "")


def _resource_attributes(html: str) -> list[str]:
    """Every URL an element of the page names (parsed as a browser does, not matched as text)."""
    parser = _Attributes()
    parser.feed(html)
    return parser.urls


LINKS = (
    "see [the docs](https://evil.example/a) ![x](https://evil.example/b.png) https://evil.example/c "
    "<a href='https://evil.example/d'>d</a> <img src=https://evil.example/e> "
    "<style>@import url(https://evil.example/f.css)</style> javascript:alert(1) www.evil.example/g"
)


async def test_links_urls_and_markdown_the_candidate_writes_stay_text_on_the_page_and_in_the_pdf(
    api_server: ApiServer, db: Conn
) -> None:
    """No candidate-written text becomes a link, an image, a stylesheet or anything else that opens a resource: not
    in the page (a reviewer's click), not in the PDF (an ATS attachment a recruiter clicks)."""
    seeded = await seed_interview(
        api_server,
        db,
        candidate={
            "name": "Ada https://evil.example/n [x](https://evil.example/m)",
            "email": "ada@example.com",
        },
    )
    await grade(db, seeded)
    await add_said_and_code(db, seeded.id, "links", LINKS, f"# {LINKS}\n")
    html = (
        await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    ).text
    assert "evil.example/a" in html and "evil.example/n" in html  # shown, as text
    urls = _resource_attributes(html)
    assert urls and all(u.startswith(("#", "/assets/", "/v1/reports/")) for u in urls), urls
    assert "<style>@import" not in html

    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    reader = PdfReader(io.BytesIO(r.content))
    flat = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "evil.example/a" in flat
    actions = [
        str(annot.get_object().get("/A", {}).get("/S"))
        for page in reader.pages
        for annot in page.get("/Annots") or []
        if "evil" in str(annot.get_object().get("/A", {}).get("/URI", ""))
        or annot.get_object().get("/A", {}).get("/S") in ("/URI", "/Launch", "/JavaScript", "/GoToR")
    ]
    assert actions == []


async def test_pdf_is_503_when_this_host_cannot_print(api_server: ApiServer, db: Conn) -> None:
    from api.pdf import PdfRenderer

    seeded = await seed_interview(api_server, db)
    api_server.app.state.pdf = PdfRenderer("/nonexistent/chromium", timeout_s=5, concurrency=1)
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers())
    assert (r.status_code, r.json()["error"]["code"]) == (503, "pdf_unavailable")
