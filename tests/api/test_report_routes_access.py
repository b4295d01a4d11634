"""Report routes over HTTP, the timeline and who reads what: the timeline's shape and what it leaves out; the org
page's short-lived timeline grant; a share link's reach; a practice candidate's invite, which opens the coaching view
(a company's candidate reads nothing). The page's content, the PDF and unfinished scorecards: test_report_routes.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.rows import DictRow

from api import share_links, view_tokens
from api.db import events_repo
from tests.api.report_support import (
    COACHING_SECTIONS,
    CODE_V1,
    CODE_V2,
    CODE_V3,
    PLAN,
    SECTION_IDS,
    assert_report_headers,
    grade,
    seed_interview,
    seeded_with,
    share_url,
    timeline_url,
)
from tests.api.token_support import tampered
from tests.conftest import ApiServer

# The report pages load the replay from web/dist: a current build, like the browser tests.
pytestmark = pytest.mark.usefixtures("web_dist")

Conn = psycopg.AsyncConnection[DictRow]


async def test_timeline_is_one_ordered_list_with_full_code_and_run_verdicts(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)

    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/timeline", headers=api_server.org_headers())

    assert r.status_code == 200
    assert_report_headers(r.headers)
    body = r.json()
    assert body["session"] == {
        "id": seeded.id,
        "status": "completed",
        "language": "python",
        "time_allowed_s": 2700,
        "ended_s": 290.0,
        "duration_s": 290.0,
        "record_deleted_at": None,
    }
    events = body["events"]
    assert [e["t"] for e in events] == sorted(e["t"] for e in events)
    assert [e["type"] for e in events] == [
        "phase_change",
        "transcript",
        "transcript",
        "phase_change",
        "transcript",
        "transcript",
        "transcript",
        "phase_change",
        "editor_snapshot",
        "editor_snapshot",
        "hint",
        "editor_snapshot",
        "test_run",
        "integrity",
        "integrity",
        "transcript",
        "transcript",
        "time_warning",
        "submission",
        "phase_change",
        "transcript",
    ]
    by_seq = {e["seq"]: e for e in events}
    assert [by_seq[seeded.seqs[n]]["code"] for n in ("snap1", "snap2", "snap3")] == [
        CODE_V1,
        CODE_V2,
        CODE_V3,
    ]
    plan = by_seq[seeded.seqs["plan"]]
    assert plan == {
        "seq": seeded.seqs["plan"],
        "t": 40.0,
        "type": "transcript",
        "role": "candidate",
        "text": PLAN,
        "start": 40.0,
        "end": 47.0,
    }
    run = by_seq[seeded.seqs["run"]]
    assert (run["kind"], run["verdict"], run["passed"], run["total"], run["code"]) == (
        "run",
        "accepted",
        3,
        3,
        CODE_V3,
    )
    submit = by_seq[seeded.seqs["submit"]]
    assert submit["visible"] == {"passed": 3, "total": 3} and submit["hidden"] == {"passed": 5, "total": 5}
    # Hidden tests are counts only: their names never leave the server.
    assert [t["id"] for t in submit["tests"]] == ["example_0", "example_1", "example_2"]
    assert "hidden_0" not in r.text
    assert by_seq[seeded.seqs["paste"]] == {
        "seq": seeded.seqs["paste"],
        "t": 215.0,
        "type": "integrity",
        "kind": "paste",
        "chars": 120,
        "lines": 4,
        "duration_ms": None,
        "source": None,
    }
    assert by_seq[seeded.seqs["hint"]]["text"] == "Think about duplicates."
    assert by_seq[seeded.seqs["warning"]]["minutes_left"] == 5
    # The agent's own events are not part of the report.
    assert "tool_call" not in {e["type"] for e in events} and "agent-only" not in r.text


async def test_payload_fields_of_the_wrong_type_are_dropped_not_served(
    api_server: ApiServer, db: Conn
) -> None:
    seeded, stored = await seeded_with(
        api_server,
        db,
        events_repo.EventIn(
            "odd:1",
            "transcript",
            {"role": "system", "text": {"html": "<b>x</b>"}, "start": "soon", "extra": "not served"},
            299.0,
        ),
        events_repo.EventIn(
            "odd:2", "integrity", {"kind": ["paste"], "chars": "12", "note": "free text"}, 299.5
        ),
        graded=False,
    )
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/timeline", headers=api_server.org_headers())
    odd = [e for e in r.json()["events"] if e["seq"] in set(stored)]
    assert odd == [
        {
            "seq": stored[0],
            "t": 299.0,
            "type": "transcript",
            "role": "interviewer",
            "text": "",
            "start": None,
            "end": None,
        },
        {
            "seq": stored[1],
            "t": 299.5,
            "type": "integrity",
            "kind": None,
            "chars": None,
            "lines": None,
            "duration_ms": None,
            "source": None,
        },
    ]
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200 and "not served" not in page.text and "free text" not in page.text


async def test_org_page_timeline_link_is_a_short_lived_timeline_only_grant(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    url = timeline_url(r.text)
    token = url.split("/")[3]
    assert token.startswith("shv_") and url == f"/v1/reports/{token}/timeline"
    grant = view_tokens.check(api_server.settings, token)
    assert (grant.session_id, grant.view, grant.scope) == (seeded.id, "org", "timeline")
    assert grant.expires_at - datetime.now(UTC) <= timedelta(minutes=60)

    timeline = await api_server.client.get(url)  # no credentials: the token is the grant
    assert timeline.status_code == 200 and timeline.json()["session"]["id"] == seeded.id
    # It opens the timeline only: not the page, nor anything else.
    page = await api_server.client.get(f"/v1/reports/{token}")
    assert page.status_code == 404 and "This link is not valid" in page.text
    for path in (f"/v1/sessions/{seeded.id}/timeline", f"/v1/sessions/{seeded.id}/scorecard", "/v1/sessions"):
        assert (
            await api_server.client.get(path, headers={"Authorization": f"Bearer {token}"})
        ).status_code == 401
    # Expired, or signed with another key: refused.
    later = datetime.now(UTC) + timedelta(minutes=61)
    with pytest.raises(share_links.ShareLinkExpiredError):
        view_tokens.check(api_server.settings, token, now=later)
    rotated = api_server.settings.model_copy(
        update={"share_signing_key": __import__("pydantic").SecretStr("k" * 40)}
    )
    with pytest.raises(share_links.ShareLinkInvalidError):
        view_tokens.check(rotated, token)
    # Altered by one bit: refused.
    with pytest.raises(share_links.ShareLinkInvalidError):
        view_tokens.check(api_server.settings, tampered(token, "shv_"))


async def test_share_link_opens_page_and_timeline_only_for_its_session(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    other = await seed_interview(api_server, db)
    await grade(db, seeded)
    token = (await share_url(api_server, seeded.id)).rsplit("/", 1)[1]

    page = await api_server.client.get(f"/v1/reports/{token}")
    assert page.status_code == 200
    assert_report_headers(page.headers)
    assert timeline_url(page.text) == f"/v1/reports/{token}/timeline"
    assert seeded.id in page.text and other.id not in page.text
    timeline = await api_server.client.get(f"/v1/reports/{token}/timeline")
    assert timeline.status_code == 200 and timeline.json()["session"]["id"] == seeded.id
    assert (await api_server.client.get(f"/v1/reports/{token}/report.pdf")).status_code == 404


async def test_practice_invite_reads_the_coaching_view_and_company_invites_do_not(
    api_server: ApiServer, db: Conn
) -> None:
    practice = await seed_interview(api_server, db, practice=True)
    await grade(db, practice)
    company = await seed_interview(api_server, db)
    await grade(db, company)
    mine = {"Authorization": f"Bearer {practice.session['invite']}"}

    r = await api_server.client.get(f"/v1/sessions/{practice.id}/report", headers=mine)
    assert r.status_code == 200
    assert_report_headers(r.headers)
    html = r.text
    assert (
        "Feedback" in html
        and "Advice for next time" in html
        and "Say the complexity before you code." in html
    )
    assert re.search(
        r"<h2>Areas to improve</h2>\s*<ul class=\"bullets\"><li>Test duplicate values</li></ul>", html
    )
    assert "Concerns" not in html
    for banned in (
        "Recommendation",
        "Strong hire",
        "No hire",
        "Overall",
        "/4<",
        "Integrity observations",
    ):
        assert banned not in html, banned
    assert not re.search(r'class="[^"]*band-', html)
    assert SECTION_IDS.findall(html) == COACHING_SECTIONS
    coach_timeline = await api_server.client.get(f"/v1/sessions/{practice.id}/timeline", headers=mine)
    assert coach_timeline.status_code == 200
    assert "integrity" not in {e["type"] for e in coach_timeline.json()["events"]}
    via_page = await api_server.client.get(timeline_url(html))
    assert via_page.json() == coach_timeline.json()

    # The coaching link opens the same view in a browser without the invite in the URL.
    link = await api_server.client.post(f"/v1/sessions/{practice.id}/coaching-link", headers=mine)
    assert link.status_code == 200
    url = link.json()["report_url"]
    assert practice.session["invite"] not in url and url.startswith(
        api_server.settings.public_url + "/v1/reports/shv_"
    )
    opened = await api_server.client.get(url.removeprefix(api_server.settings.public_url))
    assert (
        opened.status_code == 200
        and "Advice for next time" in opened.text
        and "Recommendation" not in opened.text
    )

    # A company's candidate never reads their report; nobody reads another session with their invite.
    theirs = {"Authorization": f"Bearer {company.session['invite']}"}
    for path in ("report", "timeline", "report.pdf"):
        r = await api_server.client.get(f"/v1/sessions/{company.id}/{path}", headers=theirs)
        assert (r.status_code, r.json()["error"]["code"]) == (403, "report_not_shared"), path
        r = await api_server.client.get(f"/v1/sessions/{company.id}/{path}", headers=mine)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "session_not_found"), path
    r = await api_server.client.post(f"/v1/sessions/{company.id}/coaching-link", headers=theirs)
    assert r.status_code == 403
    r = await api_server.client.post(
        f"/v1/sessions/{company.id}/coaching-link", headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_a_practice_session")
