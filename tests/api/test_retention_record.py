"""Retention erases the whole record the candidate notice lists ("What is recorded": the transcript, the code as
written with every run and submission, the observations of the page), not only the transcript; it keeps the
scorecard and its facts, and the report, its timeline and its share link answer cleanly once the record is gone."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow
from pypdf import PdfReader

from api.db import artifacts_repo, bundle_repo
from api.jobs.retention import run_retention
from api.notice_versions import current_version, versions
from api.notices import render_notice
from api.record import KINDS, UnshippedNoticeError, promised_kinds, recorded_items
from api.storage import LocalStorage
from tests.api.report_support import CODE_V3, Seeded, grade, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

SESSION = {"role": None, "duration_minutes": 45, "extra_time_minutes": 0, "interview_language": "en"}
RECORD_EVENT_TYPES = (
    "transcript",
    "hint",
    "editor_snapshot",
    "tool_call",
    "test_run",
    "submission",
    "integrity",
)


def _recorded_list(html: str) -> list[str]:
    """The items of the notice's "What is recorded" list, as text."""
    m = re.search(r"<h3>What is recorded</h3>\s*<ul>(.*?)</ul>", html, re.S)
    assert m, "the notice has a 'What is recorded' list"
    items = re.findall(r"<li>(.*?)</li>", m.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", i)).split()) for i in items]


def test_every_item_a_notice_lists_as_recorded_maps_to_kinds_the_job_erases() -> None:
    org = {"name": "Acme", "retention_days": 30, "allow_text_only": False}
    for version in versions():
        items = _recorded_list(render_notice(SESSION, org, ["python"], version).html)
        table = recorded_items(version)
        assert items, version
        for text in items:
            matched = [i for i in table if text.startswith(i.starts)]
            assert len(matched) == 1, (
                f"{version}: '{text[:60]}' has no row (or several) in its recorded table"
            )
            assert matched[0].kinds, f"{version}: '{text[:60]}' names no kind"
        assert len(table) == len(items), f"{version}: its table lists items the notice does not"
        for kind in promised_kinds([version]):
            assert KINDS[kind].event_types or KINDS[kind].elsewhere
            for home in KINDS[kind].elsewhere:
                assert home in artifacts_repo._ERASERS, f"{kind}: nothing erases {home}"


async def _count(db: Conn, sql: str, sid: str) -> int:
    cur = await db.execute(sql, (sid,))
    return int((await cur.fetchone())["n"])  # type: ignore[index]  # count(*) returns a row


async def _record_left(db: Conn, sid: str) -> dict[str, int]:
    """What of the notice's record a session still has, in every table that holds some of it."""
    left = {
        t: await _count(
            db, f"select count(*) as n from session_events where session_id = %s and type = '{t}'", sid
        )
        for t in RECORD_EVENT_TYPES
    }
    left["submissions"] = await _count(db, "select count(*) as n from submissions where session_id = %s", sid)
    left["session_drafts"] = await _count(
        db, "select count(*) as n from session_drafts where session_id = %s", sid
    )
    left["sessions_content"] = await _count(
        db,
        """select count(*) as n from sessions where id = %s and (final_code is not null or transcript is not null
             or events is not null or resume_text is not null)""",
        sid,
    )
    return left


async def _interview(
    api_server: ApiServer, db: Conn, key: str | None, ended: datetime, *, graded: bool = True
) -> Seeded:
    seeded = await seed_interview(api_server, db, key=key)
    await db.execute(
        """
        update sessions set status = 'completed', ended_at = %s, final_code = %s, resume_text = 'Ada, engineer',
          transcript = '[{"text": "hi"}]', events = '[{"paste": 120}]'
        where id = %s
        """,
        (ended, CODE_V3, seeded.id),
    )
    await db.execute(
        "insert into session_drafts (session_id, language, code) values (%s, 'python', %s)",
        (seeded.id, CODE_V3),
    )
    if graded:
        await grade(db, seeded)
    return seeded


async def test_retention_erases_the_code_runs_and_observations_too_and_keeps_the_scorecard(
    api_server: ApiServer, db: Conn, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    await db.execute("update organizations set retention_days = 10 where id = %s", (api_server.org_id,))
    other_org, other_key = await api_server.create_org("Other org")
    await db.execute("update organizations set retention_days = 10 where id = %s", (other_org,))
    due = await _interview(api_server, db, None, now - timedelta(days=11))
    ungraded = await _interview(api_server, db, None, now - timedelta(days=12), graded=False)
    kept = await _interview(api_server, db, None, now - timedelta(days=9))  # same org, not due yet
    other = await _interview(api_server, db, other_key, now - timedelta(days=9))
    before = {s.id: await _record_left(db, s.id) for s in (due, kept, other)}
    assert all(all(v > 0 for v in b.values()) for b in before.values()), before

    storage = LocalStorage(tmp_path / "artifacts")
    assert await run_retention(api_server.app.state.pool, storage, now=now) == 2

    assert await _record_left(db, due.id) == dict.fromkeys(before[due.id], 0)
    assert sum((await _record_left(db, ungraded.id)).values()) == 0
    for s in (kept, other):
        assert await _record_left(db, s.id) == before[s.id], s.id
    # The scorecard and what is not the record stay: the consent, phases, time warnings, the scorecard itself.
    assert await _count(db, "select count(*) as n from scorecards where session_id = %s", due.id) == 1
    assert (
        await _count(
            db,
            "select count(*) as n from session_events where session_id = %s and type = 'phase_change'",
            due.id,
        )
        > 0
    )
    # Idempotent; the log holds counts only.
    assert await run_retention(api_server.app.state.pool, storage, now=now) == 0
    cur = await db.execute("select removed from session_deletions where session_id = %s", (due.id,))
    rows = await cur.fetchall()
    assert len(rows) == 1 and all(isinstance(v, int) for v in rows[0]["removed"].values()), rows

    # The report page, its timeline, the scorecard API and a share link answer, and say the record went.
    h = api_server.org_headers()
    page = await api_server.client.get(f"/v1/sessions/{due.id}/report", headers=h)
    assert page.status_code == 200, page.text
    text = " ".join(unescape(page.text).split())
    assert text.count("The interview record was deleted on") == 3, (
        "replay, transcript and integrity sections say so"
    )
    assert "under the retention period" in text
    assert "data-timeline-url" not in text  # no replay of what is left (phases without code or words)
    assert "No, each index at most once." not in text  # a transcript line no evidence quotes is gone
    assert "seen[x] = i" not in text  # the final code (and every snapshot) is gone
    timeline = await api_server.client.get(f"/v1/sessions/{due.id}/timeline", headers=h)
    assert timeline.status_code == 200, timeline.text
    assert timeline.json()["events"] == [] and timeline.json()["session"]["record_deleted_at"]
    card = await api_server.client.get(f"/v1/sessions/{due.id}/scorecard", headers=h)
    assert card.status_code == 200, card.text
    r = await api_server.client.post(f"/v1/sessions/{due.id}/share", headers=h)
    assert r.status_code in (200, 201), r.text
    shared = await api_server.client.get(r.json()["report_url"].removeprefix(api_server.url))
    assert shared.status_code == 200 and "The interview record was deleted on" in shared.text
    pdf = await api_server.client.get(f"/v1/sessions/{due.id}/report.pdf", headers=h)
    assert pdf.status_code == 200, pdf.text
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "The interview record was deleted on" in flat and "Recommendation" in flat
    assert "seen[x] = i" not in flat and "Final code" not in flat
    # Without a ready scorecard, the facts read from what is left say the record went instead of counting nothing.
    page = await api_server.client.get(f"/v1/sessions/{ungraded.id}/report", headers=h)
    assert page.status_code == 200, page.text
    text = " ".join(unescape(page.text).split())
    assert "whose record was deleted on" in text and "no longer counted" in text
    # No re-grade of what is left (it would grade an empty interview), and a version pending then is not graded.
    r = await api_server.client.post(f"/v1/sessions/{due.id}/grade", headers=h)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "record_deleted"), r.text
    assert await bundle_repo.load_bundle_input(db, due.id) is None
    assert await bundle_repo.load_bundle_input(db, kept.id) is not None
    # The session not due still shows its replay.
    page = await api_server.client.get(f"/v1/sessions/{kept.id}/report", headers=h)
    assert page.status_code == 200 and "The interview record was deleted" not in page.text


def test_the_kinds_erased_are_those_of_the_versions_agreed_to_and_an_unshipped_one_is_never_guessed() -> None:
    """A consent to a version this release does not ship (a newer release's) was dropped, and a session that agreed
    to nothing else was erased by the current notice's table, which may list less than the newer one promised."""
    newest = int(current_version()[1:])
    for version in versions():
        assert promised_kinds([version]) == tuple(
            sorted({k for i in recorded_items(version) for k in i.kinds})
        )
    assert promised_kinds([]) == promised_kinds([current_version()])  # never agreed: what it would have shown
    for agreed in ([f"v{newest + 1}"], [current_version(), f"v{newest + 1}"], ["v0"]):
        with pytest.raises(UnshippedNoticeError) as unshipped:
            promised_kinds(agreed)
        assert unshipped.value.agreed == [v for v in agreed if v not in versions()], agreed
