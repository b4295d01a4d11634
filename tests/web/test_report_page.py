"""The report page in real headless chromium against the real API and database: every section of a graded
interview, evidence links that move the replay and show the cited words or lines, the scrubber's code, the charts'
points, screenshots at two sizes; share links without credentials (and refused when expired, altered or revoked,
with nothing in a Referer); the coaching view; pending and failed scorecards."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow

from api import share_links
from tests.api.report_support import (
    COACHING_SECTIONS,
    CODE_V1,
    CODE_V2,
    CODE_V3,
    INJECTION,
    PLAN,
    QUOTE_CODE,
    QUOTE_SAID,
    READY_SECTIONS,
    UNFINISHED_SECTIONS,
    Seeded,
    fail_version,
    grade,
    seed_interview,
    seeded_share,
    share_url,
)
from tests.conftest import ApiServer
from tests.web.report_driver import ARTIFACTS, drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]


# What the candidate ran at 3:30: typed after the 3:20 snapshot, so no snapshot holds it (the agent records at most
# one every 5 s, and none while it is not connected). The submission at 4:20 judged CODE_V3 again.
CODE_RUN = CODE_V3.replace("    return []\n", "    return None\n")


def _code_at(seeded: Seeded, t: float) -> str:
    """The code on screen at t: the last snapshot, run or submission at or before it (a run or submission only
    when the code it judged differs from what was on screen)."""
    shown = ""
    steps = (
        ("snap1", CODE_V1),
        ("snap2", CODE_V2),
        ("snap3", CODE_V3),
        ("run", CODE_RUN),
        ("submit", CODE_V3),
    )
    for name, code in steps:
        if seeded.times[name] <= t:
            shown = code
    return shown


def _lines(code: str) -> list[str]:
    return code.split("\n")


@pytest.mark.timeout(400)
async def test_shared_report_renders_every_section_and_its_replay_follows_evidence(
    api_server: ApiServer, db: Db
) -> None:
    seeded = await seed_interview(api_server, db)
    await db.execute(
        "update submissions set code = %s where session_id = %s and kind = 'run'", (CODE_RUN, seeded.id)
    )
    await grade(db, seeded)
    url = await share_url(api_server, seeded.id)
    token = url.rsplit("/", 1)[1]
    ARTIFACTS.mkdir(exist_ok=True)
    times = [50.0, 70.0, 150.0, 205.0, 215.0, 289.0]

    seen = await drive_report(
        "report", url=url, times=times, screenshots=str(ARTIFACTS), name="graded-report"
    )

    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["x-robots-tag"].startswith("noindex")
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"

    # Every section, in the order; the candidate is named for the recruiter.
    page = seen["sections"]
    assert page["order"] == READY_SECTIONS
    assert "Ada Lovelace" in page["text"] and "Hire" in page["text"]
    # Every citation shows its quote and links to its moment.
    evidence = page["evidence"]
    assert len(evidence) == 5  # four dimensions and one rubric item
    for e in evidence:
        assert e["visible"], e
        assert e["shown"] == (e["quote"] or "the run itself"), e
    assert {e["type"] for e in evidence} == {"transcript", "editor_snapshot", "test_run"}
    said = next(e for e in evidence if e["type"] == "transcript")
    assert (said["seq"], said["t"], said["quote"], said["href"]) == (
        seeded.seqs["plan"],
        40.0,
        QUOTE_SAID,
        f"#ev-{seeded.seqs['plan']}",
    )
    # The whole transcript is in the page, candidate text as text.
    turns = {t["seq"]: t["text"] for t in page["transcript"]}
    assert turns[seeded.seqs["plan"]] == PLAN
    assert turns[seeded.seqs["injection"]] == INJECTION

    # One chart point per run and submission; one bar per phase.
    charts = seen["charts"]
    assert charts["tests_points"] == 2
    assert charts["tests_values"] == [{"x": 210, "y": 3}, {"x": 260, "y": 8}]
    assert charts["phase_labels"] == ["greeting", "problem", "coding", "wrap up"]
    assert charts["phase_bars"] == 4

    # A transcript citation: the replay moves to the words and marks exactly them, inside the visible transcript.
    clicked = seen["clicked"]["transcript"]
    assert clicked["time"] == pytest.approx(40.0)
    assert clicked["current_turn"] == str(seeded.seqs["plan"])
    assert clicked["marks"] == [{"text": QUOTE_SAID, "seq": str(seeded.seqs["plan"]), "visible": True}]
    assert clicked["replay_in_view"]
    # A code citation: the snapshot it cites, with the quoted line highlighted.
    code = seen["clicked"]["editor_snapshot"]
    assert code["time"] == pytest.approx(seeded.times["snap3"])
    assert code["code_seq"] == str(seeded.seqs["snap3"])
    assert code["code_doc"] == CODE_V3
    assert [line.strip() for line in code["highlighted"]] == [QUOTE_CODE]
    assert code["marks"] == []  # the transcript mark of the previous click is gone
    # A run citation: the run at its moment, with the code it judged (in no snapshot), against the code before it.
    ran = seen["clicked"]["test_run"]
    assert ran["time"] == pytest.approx(seeded.times["run"])
    assert ran["run"].startswith("Run at 3:30: Accepted, 3/3 tests passed")
    assert ran["code_doc"] == CODE_RUN
    assert ran["code_head"].startswith("Code judged at 3:30 by the run (in no snapshot)"), ran["code_head"]
    assert "changes since 3:20" in ran["code_head"]

    # The scrubber shows the code of the last snapshot at or before the chosen time, on screen as in the document.
    for shown in seen["scrubbed"]:
        expected = _code_at(seeded, shown["asked"])
        assert shown["time"] == pytest.approx(shown["asked"])
        assert shown["code_doc"] == expected, shown["asked"]
        assert shown["code_lines"] == _lines(expected), shown["asked"]
        assert shown["highlighted"] == []
    assert seen["scrubbed"][0]["code_head"] == "No code yet at this moment."
    assert "changes since 1:10" in seen["scrubbed"][2]["code_head"]
    assert seen["scrubbed"][-1]["current_turn"] == str(seeded.seqs["bye"])
    clicked_track = seen["track_click"]
    assert 0 < clicked_track["time"] < 290
    assert clicked_track["code_doc"] == _code_at(seeded, clicked_track["time"])

    # Previous and next run; play at 16x, then pause holds the position.
    assert seen["next_run"]["time"] == pytest.approx(seeded.times["run"])
    assert seen["next_run"]["code_doc"] == CODE_RUN
    assert seen["next_run_2"]["time"] == pytest.approx(seeded.times["submit"])
    assert seen["next_run_2"]["code_doc"] == CODE_V3
    assert seen["next_run_2"]["run"].startswith("Submission at 4:20: Accepted, 8/8 tests passed (5/5 hidden)")
    assert seen["prev_run"]["time"] == pytest.approx(seeded.times["run"])
    assert seen["play_label"] == "Pause"
    assert seen["play"]["paused"] > 1
    assert seen["play"]["after_pause"] == seen["play"]["paused"]
    assert seen["play"]["label"] == "Play"

    assert seen["accessibility"] == [], seen["accessibility"]
    # Nothing the page loads carries a Referer, so the link cannot leak to whatever serves its assets.
    assert seen["requests"], "the page loaded its assets and timeline"
    assert [r for r in seen["requests"] if r["referer"]] == []
    assert any(r["url"].endswith(f"/v1/reports/{token}/timeline") for r in seen["requests"])
    for shot in seen["screenshots"]:
        assert os.path.getsize(shot) > 10_000, shot  # noqa: ASYNC240  # after the browser is gone
    assert {Path(s).name for s in seen["screenshots"]} == {
        "graded-report-desktop-1440x900.png",
        "graded-report-tablet-768x1024.png",
    }


@pytest.mark.timeout(300)
async def test_share_links_work_without_credentials_and_fail_expired_altered_or_revoked(
    api_server: ApiServer, db: Db
) -> None:
    seeded, _, good = await seeded_share(api_server, db)
    revoked = await share_url(api_server, seeded.id)
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/share", headers=api_server.org_headers())
    revoked_id = r.json()["data"][0]["id"]  # newest first: the second link
    r = await api_server.client.delete(
        f"/v1/sessions/{seeded.id}/share/{revoked_id}", headers=api_server.org_headers()
    )
    assert r.status_code == 204
    expired = await share_links.mint(
        db, api_server.settings, seeded.id, expires_in_days=1, now=datetime.now(UTC) - timedelta(days=2)
    )
    token = good.rsplit("/", 1)[1]
    altered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    base = f"{api_server.url}/v1/reports/"

    seen = await drive_report(
        "pages",
        urls={
            "good": good,
            "expired": base + expired.token,
            "altered": altered,
            "revoked": revoked,
            "garbage": base + "not-a-token",
        },
        wait_replay=["good"],
        axe=True,
    )

    assert seen["good"]["status"] == 200 and seen["good"]["replay_state"] == "ready"
    assert seen["good"]["order"] == READY_SECTIONS
    expected = {
        "expired": (410, "This link has expired"),
        "altered": (404, "This link is not valid"),
        "revoked": (410, "This link was revoked"),
        "garbage": (404, "This link is not valid"),
    }
    for name, (status, h1) in expected.items():
        page = seen[name]
        assert (page["status"], page["h1"]) == (status, h1), name
        assert page["headers"]["referrer-policy"] == "no-referrer"
        assert page["headers"]["x-robots-tag"].startswith("noindex")
        assert "Ada" not in page["text"] and PLAN not in page["text"], name
    for name, page in seen.items():
        assert page["accessibility"] == [], (name, page["accessibility"])

    # The same refusals for the JSON the page loads, and a share token opens nothing else.
    for bad in (altered.rsplit("/", 1)[1], expired.token):
        r = await api_server.client.get(f"/v1/reports/{bad}/timeline")
        assert r.status_code in (404, 410) and "events" not in r.text
    for path in (
        f"/v1/sessions/{seeded.id}/timeline",
        f"/v1/sessions/{seeded.id}/scorecard",
        f"/v1/sessions/{seeded.id}/report",
        f"/v1/sessions/{seeded.id}/report.pdf",
        "/v1/sessions",
    ):
        r = await api_server.client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, path


@pytest.mark.timeout(300)
async def test_practice_candidate_reads_a_coaching_report_without_bands(
    api_server: ApiServer, db: Db
) -> None:
    seeded = await seed_interview(api_server, db, practice=True)
    await grade(db, seeded)
    invite = seeded.session["invite"]
    r = await api_server.client.post(
        f"/v1/sessions/{seeded.id}/coaching-link", headers={"Authorization": f"Bearer {invite}"}
    )
    assert r.status_code == 200, r.text
    link = r.json()["report_url"].replace(api_server.settings.public_url, api_server.url)

    seen = await drive_report("pages", urls={"coach": link}, wait_replay=["coach"], axe=True)

    page = seen["coach"]
    assert page["status"] == 200 and page["replay_state"] == "ready"
    assert page["h1"] == "Feedback"
    assert page["has_pills"] == 0
    text = page["text"]
    for banned in ("Recommendation", "Strong hire", "No hire", "Integrity", "/4", "Overall"):
        assert banned not in text, banned
    assert "Say the complexity before you code." in text  # the advice
    assert "Found the linear plan quickly." in text
    assert page["order"] == COACHING_SECTIONS
    assert page["accessibility"] == [], page["accessibility"]


@pytest.mark.timeout(300)
async def test_pending_and_failed_scorecards_still_render_facts_and_replay(
    api_server: ApiServer, db: Db
) -> None:
    pending = await seed_interview(api_server, db)
    failed = await seed_interview(api_server, db)
    await grade(db, failed, "failed")
    # A ready version 1 and a re-grade's version 2 that failed: version 1 stays, under a notice.
    regraded = await seed_interview(api_server, db)
    await grade(db, regraded)
    r = await api_server.client.post(
        f"/v1/sessions/{regraded.id}/grade", json={}, headers=api_server.org_headers()
    )
    assert r.status_code == 202, r.text
    await fail_version(db, regraded.id, 2)
    urls = {
        "pending": await share_url(api_server, pending.id),
        "failed": await share_url(api_server, failed.id),
        "regraded": await share_url(api_server, regraded.id),
    }

    seen = await drive_report("pages", urls=urls, wait_replay=list(urls), axe=True)
    again = seen.pop("regraded")
    assert again["status"] == 200 and again["replay_state"] == "ready"
    assert "Re-grade failed" in again["text"] and "model_refused" in again["text"]
    assert "Overall 3.00 of 4" in again["text"] and again["order"][:2] == ["summary", "dimensions"]
    assert again["accessibility"] == [], again["accessibility"]

    assert "Grading in progress" in seen["pending"]["text"]
    assert "The scorecard could not be written" in seen["failed"]["text"]
    assert "citations_unverified" in seen["failed"]["text"]
    for name, page in seen.items():
        assert page["status"] == 200
        assert page["replay_state"] == "ready", name
        assert page["order"] == UNFINISHED_SECTIONS, name
        assert page["evidence"] == [] and page["has_pills"] == 0
        # Facts from the log: the run (3/3 visible) and the submission (5/5 hidden), one hint.
        assert "best 3/3, last 3/3" in page["text"] and "best 5/5, last 5/5" in page["text"], name
        assert "Read from the interview log" in page["text"]
        assert page["accessibility"] == [], (name, page["accessibility"])


@pytest.mark.timeout(300)
async def test_analytics_page_charts_the_summary(api_server: ApiServer, db: Db) -> None:
    from tests.api.history_support import add_scorecard, insert_sessions, question_ids

    q = await question_ids(db)
    ids = await insert_sessions(
        db,
        api_server.org_id,
        [
            {"question_id": q["two-sum"], "status": s}
            for s in ("completed", "completed", "abandoned", "scheduled")
        ]
        + [{"question_id": q["valid-parentheses"], "status": "completed"}],
    )
    await add_scorecard(db, ids[0], scores=(4, 4, 4, 4))
    await add_scorecard(db, ids[1], scores=(2, 2, 3, 1))
    await add_scorecard(db, ids[4], scores=(3, 3, 3, 3))
    r = await api_server.client.get("/v1/analytics/summary", headers=api_server.org_headers())
    summary = r.json()

    seen = await drive_report(
        "pages",
        urls={"analytics": f"{api_server.url}/v1/analytics"},
        headers=api_server.org_headers(),
        wait_charts=["analytics"],
        axe=True,
    )

    page = seen["analytics"]
    assert page["status"] == 200
    charts = page["analytics"]
    assert charts["statuses"][0]["data"] == list(summary["by_status"].values())
    assert charts["statuses"][0]["drawn"] == 5
    assert charts["recommendations"][0]["data"] == [0, 1, 1, 1]
    dims = summary["dimensions"]
    assert [d["drawn"] for d in charts["dimensions"]] == [4, 4, 4, 4]  # one bar per dimension, per score
    for i, score in enumerate("1234"):
        assert charts["dimensions"][i]["data"] == [dims[d]["scores"][score] for d in dims], score
    assert charts["dimensions"][3]["data"] == [1, 1, 1, 1]  # the one all-4 scorecard
    assert charts["questions"][0]["data"] == [round(x["pass_rate"] * 100) for x in summary["questions"]]
    assert charts["questions"][0]["drawn"] == 2
    assert page["accessibility"] == [], page["accessibility"]
