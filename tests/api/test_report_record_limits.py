"""A record that met one of its bounds says so on the report, from when: the agent's events refused past the
session's event budget (409 `session_record_full`) and the page's observations dropped past their cap were stored
nowhere, so the transcript, the replay and the observations simply stopped, read as an interview where nothing more
was said or seen."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow
from pypdf import PdfReader

from api.artifacts import build_dump
from api.db import report_repo, sessions_repo
from api.settings import ApiSettings
from api.timeline_reads import _fingerprint, _key
from tests.api.conftest import consent_and_start
from tests.api.report_support import grade, seed_interview, share_url
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

OBSERVATIONS_CAP = 10  # the least SHADOWS_API_INTEGRITY_MAX_EVENTS may be


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(
        update={"event_budget_bytes": 20_000, "integrity_max_events": OBSERVATIONS_CAP}
    )


def _said(key: str, t: float) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "type": "transcript",
        "t": t,
        "payload": {"role": "user", "text": "x" * 4_000},
    }


async def _agent_post(server: ApiServer, sid: str, key: str, t: float) -> httpx.Response:
    return await server.client.post(
        f"/v1/internal/sessions/{sid}/events",
        json={"events": [_said(key, t)]},
        headers=server.internal_headers(),
    )


async def _post(server: ApiServer, sid: str, *events: dict[str, Any]) -> httpx.Response:
    return await server.client.post(
        f"/v1/internal/sessions/{sid}/events",
        json={"events": list(events)},
        headers=server.internal_headers(),
    )


def _note(key: str, kind: str, t: float) -> dict[str, Any]:
    return {"idempotency_key": key, "type": "note", "t": t, "payload": {"kind": kind, "phase": "coding"}}


async def _gaps(server: ApiServer, sid: str) -> tuple[list[tuple[Any, ...]], str]:
    """The timeline's gaps (kind, start, end, length, how it closed, end_from) and its ETag."""
    r = await server.client.get(f"/v1/sessions/{sid}/timeline", headers=server.org_headers())
    assert r.status_code == 200, r.text
    gaps = [
        (e["kind"], e["start"], e["end"], e["duration_s"], e["closed_by"], e.get("end_from"))
        for e in r.json()["events"]
        if e["type"] == "gap"
    ]
    return gaps, r.headers["etag"]


def _printed_gaps(html: str) -> list[tuple[str, ...]]:
    """The rows of the page's printed "Gaps in the record" table (from, gap, length, until)."""
    table = html.split('<table class="runs gaps"', 1)
    assert len(table) == 2, "no printed gaps"
    body = table[1].split("</table>", 1)[0]
    cells = re.findall(
        r"<tr><td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td></tr>", body, re.S
    )
    return [tuple(" ".join(unescape(c).split()) for c in row) for row in cells]


async def _page(server: ApiServer, sid: str) -> str:
    r = await server.client.get(f"/v1/sessions/{sid}/report", headers=server.org_headers())
    assert r.status_code == 200, r.text
    return r.text


def _section(html: str, element_id: str) -> str:
    found = re.search(rf'<(section|p) [^>]*id="{element_id}"[^>]*>.*?</\1>', html, re.S)
    assert found, f"no #{element_id} on the page"
    return re.sub(r"\s+", " ", found.group(0))


async def test_a_record_past_its_event_budget_says_from_when_it_may_be_incomplete(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    r = await _agent_post(api_server, s["id"], "k0", 1.0)
    assert r.status_code == 200, r.text
    assert 'id="record-full"' not in await _page(api_server, s["id"]), "nothing was left out yet"

    # A turn a minute until one is refused: the record is incomplete from that turn's time, not from when it was
    # posted (a spool replayed after an outage is posted long after).
    i = 1
    while (r := await _agent_post(api_server, s["id"], f"k{i}", 60.0 * i)).status_code == 200:
        i += 1
    assert r.json()["error"]["code"] == "session_record_full", r.text
    cur = await db.execute(
        "select extract(epoch from record_full_at - started_at)::float8 as at from sessions where id = %s",
        (s["id"],),
    )
    assert await cur.fetchone() == {"at": 60.0 * i}
    r = await _agent_post(api_server, s["id"], "later", 2_400.0)  # a later refusal keeps the first time
    assert r.json()["error"]["code"] == "session_record_full", r.text
    since = f"{i}:00"

    page = await _page(api_server, s["id"])
    notice = _section(page, "record-full")
    assert f"The record is incomplete from {since}" in notice
    assert "turns said or typed, hints, phase changes and code snapshots may be missing" in notice
    assert "screen-only" not in notice, "the PDF prints it too"
    facts = _section(page, "facts")
    assert f"counted from a record that is incomplete from {since}" in facts, "the facts' counts say so too"

    through_link = await api_server.client.get(await share_url(api_server, s["id"]))
    assert through_link.status_code == 200
    assert f"The record is incomplete from {since}" in _section(through_link.text, "record-full")

    pdf = await api_server.client.get(f"/v1/sessions/{s['id']}/report.pdf", headers=api_server.org_headers())
    assert pdf.status_code == 200, pdf.text
    printed = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert f"The record is incomplete from {since}" in printed

    # The dump says it too: a reader of session.json alone could not tell the record stops early.
    session = await sessions_repo.get_session(db, s["id"])
    assert session is not None
    dumped = json.loads(await build_dump(db, session))["session"]
    assert (dumped["record_full_s"], dumped["observations_capped_s"]) == (60.0 * i, None)


async def test_observations_past_the_cap_are_said_to_be_missing_from_when_they_were_dropped(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    auth = {"Authorization": f"Bearer {s['invite']}"}
    url = f"/v1/sessions/{s['id']}/integrity"

    def focus(n: int) -> dict[str, Any]:
        return {"id": f"focus-{n:04d}", "kind": "focus_lost", "duration_ms": 1000}

    r = await api_server.client.post(
        url, json={"events": [focus(n) for n in range(OBSERVATIONS_CAP)]}, headers=auth
    )
    assert (r.status_code, r.json()["dropped"]) == (202, 0), r.text
    assert 'id="integrity-capped"' not in await _page(api_server, s["id"]), "every observation so far is kept"

    paste = {"id": "paste-0001", "kind": "paste", "chars": 4000, "lines": 90}
    r = await api_server.client.post(url, json={"events": [paste]}, headers=auth)
    assert (r.status_code, r.json()["dropped"]) == (202, 1), r.text
    await db.execute(
        "update sessions set observations_capped_at = started_at + interval '12 minutes 5 seconds' where id = %s",
        (s["id"],),
    )
    r = await api_server.client.post(url, json={"events": [{**paste, "id": "paste-0002"}]}, headers=auth)
    assert (r.status_code, r.json()["dropped"]) == (202, 1), r.text

    page = await _page(api_server, s["id"])
    note = _section(page, "integrity-capped")
    assert "From 12:05 on, the page's observations were not recorded" in note


async def _record_full_s(db: Conn, sid: str) -> float | None:
    cur = await db.execute(
        "select extract(epoch from record_full_at - started_at)::float8 as at from sessions where id = %s",
        (sid,),
    )
    row = await cur.fetchone()
    assert row is not None
    return row["at"]


async def test_a_refused_retry_is_dated_by_its_new_events_and_an_older_refused_spool_moves_it_earlier(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)

    async def post(*events: dict[str, Any]) -> httpx.Response:
        return await api_server.client.post(
            f"/v1/internal/sessions/{s['id']}/events",
            json={"events": list(events)},
            headers=api_server.internal_headers(),
        )

    # Each batch repeats the one before it (as a retry after a lost answer does) beside a new turn: the refused
    # one's repeat is in the record, so the record is whole up to its new turn, not from the repeat.
    r = await post(_said("k1", 60.0))
    i = 1
    while r.status_code == 200:
        i += 1
        r = await post(_said(f"k{i - 1}", 60.0 * (i - 1)), _said(f"k{i}", 60.0 * i))
    assert r.json()["error"]["code"] == "session_record_full", r.text
    assert i > 2, "the refused batch is a retry of a stored one"
    assert await _record_full_s(db, s["id"]) == 60.0 * i

    # A dead job's spool replayed afterwards holds older events, refused as well: the record is incomplete from them.
    r = await post(_said("spool-1", 30.0))
    assert r.json()["error"]["code"] == "session_record_full", r.text
    assert await _record_full_s(db, s["id"]) == 30.0
    r = await post(_said("late", 45.0))  # a later refusal of later events keeps the earlier time
    assert r.json()["error"]["code"] == "session_record_full", r.text
    assert await _record_full_s(db, s["id"]) == 30.0
    assert "The record is incomplete from 0:30" in _section(await _page(api_server, s["id"]), "record-full")


async def test_a_record_refused_before_the_start_is_incomplete_from_the_records_zero(
    api_server: ApiServer, db: Conn
) -> None:
    # The interviewer's job joins the room when the candidate opens it, before they start: what it records then is
    # stored at 0 s. A session that never started measured its cut from its creation, hours before.
    s = await api_server.create_session()
    await db.execute("update sessions set created_at = now() - interval '2 hours' where id = %s", (s["id"],))
    i = 0
    while (r := await _agent_post(api_server, s["id"], f"k{i}", 5.0)).status_code == 200:
        i += 1
    assert r.json()["error"]["code"] == "session_record_full", r.text
    cur = await db.execute("select started_at, record_full_at from sessions where id = %s", (s["id"],))
    row = await cur.fetchone()
    assert row is not None and row["started_at"] is None and row["record_full_at"] is not None
    assert await report_repo.left_out(db, s["id"]) == {"record_full_s": 0.0, "observations_capped_s": None}


async def test_the_coaching_view_says_its_cut_and_its_uncited_summary_in_its_own_terms(
    api_server: ApiServer, db: Conn
) -> None:
    practice = await seed_interview(api_server, db, practice=True)
    await grade(db, practice)
    await db.execute(
        "update sessions set record_full_at = started_at + interval '3 minutes' where id = %s", (practice.id,)
    )
    mine = {"Authorization": f"Bearer {practice.session['invite']}"}
    r = await api_server.client.get(f"/v1/sessions/{practice.id}/report", headers=mine)
    assert r.status_code == 200, r.text
    notice = _section(r.text, "record-full")
    assert "At 3:00 your record reached its size limit" in notice
    assert "and from what your feedback was written from" in notice and "scorecard" not in notice
    uncited = re.search(r'<p [^>]*class="[^"]*feedback-uncited[^"]*"[^>]*>(.*?)</p>', r.text, re.S)
    assert uncited, "the note under strengths and areas to improve"
    said = " ".join(uncited.group(1).split())
    # Its rubric shows marks only: the evidence is with the dimensions, not "each rubric item".
    assert "Strengths and areas to improve are the coach's summary" in said
    assert "rubric item above" not in said and "How it went" in said


async def test_a_gap_open_at_the_records_cut_ends_there_not_at_the_end_of_the_interview(
    api_server: ApiServer, db: Conn
) -> None:
    # The candidate left the room at 0:30; the record filled up while they were gone, and their return, noted after
    # the cut, was refused with the batch it came in (a batch is refused whole). The gap ran to the interview's end
    # (30:00): away for time nothing records.
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    r = await _post(api_server, s["id"], _note("left", "candidate_left", 30.0))
    assert r.status_code == 200, r.text
    i = 1
    while (r := await _agent_post(api_server, s["id"], f"k{i}", 60.0 * i)).status_code == 200:
        i += 1
    cut = 60.0 * i
    r = await _post(
        api_server, s["id"], _said("more", cut + 20.0), _note("back", "candidate_returned", cut + 30.0)
    )
    assert r.json()["error"]["code"] == "session_record_full", r.text
    await db.execute(
        "update sessions set status = 'completed', ended_at = started_at + interval '30 minutes' where id = %s",
        (s["id"],),
    )
    gaps, etag = await _gaps(api_server, s["id"])
    assert gaps == [("candidate_left", 30.0, cut, cut - 30.0, "record_cut", None)]

    # A dead job's older spool, refused too, moves the cut back: no event is stored, and yet the timeline (kept by
    # the API per record) is not the one it kept for the later cut.
    r = await _agent_post(api_server, s["id"], "spool-1", 45.0)
    assert r.json()["error"]["code"] == "session_record_full", r.text
    moved, moved_etag = await _gaps(api_server, s["id"])
    assert moved == [("candidate_left", 30.0, 45.0, 15.0, "record_cut", None)]
    assert moved_etag != etag

    page = await _page(api_server, s["id"])
    assert _printed_gaps(page) == [
        (
            "0:30",
            "Candidate left the interview room",
            "at least 0:15",
            "not known: the record is incomplete from 0:45",
        )
    ]
    assert "The record is incomplete from 0:45" in _section(page, "record-full")


async def test_a_batch_without_times_refused_after_the_end_cuts_the_record_no_later_than_its_end(
    api_server: ApiServer, db: Conn
) -> None:
    # The interview ran 19:00 and ended a minute ago; the interviewer's wrap-up was stored after it, at 19:30. A
    # batch without times refused now was dated now, 20:00: "incomplete from 20:00", past everything in the record.
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    await db.execute(
        """
        update sessions set status = 'completed', started_at = now() - interval '20 minutes',
          ended_at = now() - interval '1 minute' where id = %s
        """,
        (s["id"],),
    )
    r = await _agent_post(api_server, s["id"], "wrap-up", 1170.0)
    assert r.status_code == 200, r.text
    await db.execute("update sessions set event_bytes = 20000 where id = %s", (s["id"],))  # its budget, spent
    r = await _post(
        api_server, s["id"], {"idempotency_key": "untimed", "type": "hint", "payload": {"text": "x"}}
    )
    assert r.json()["error"]["code"] == "session_record_full", r.text
    assert await report_repo.left_out(db, s["id"]) == {"record_full_s": 1170.0, "observations_capped_s": None}
    assert "The record is incomplete from 19:30" in _section(await _page(api_server, s["id"]), "record-full")


async def test_the_timelines_key_names_the_cut_alike_whatever_a_connections_float_digits(
    api_server: ApiServer, db: Conn
) -> None:
    # The key names the ETag on every replica: the cut read as a float's text was rounded to 15 digits (its
    # microseconds lost) on a connection with `extra_float_digits = 0`, and the same record had two ETags.
    s = await api_server.create_session()
    await db.execute(
        "update sessions set record_full_at = '2026-12-06 17:00:00.123456+00' where id = %s", (s["id"],)
    )
    session = await sessions_repo.get_session(db, s["id"])
    assert session is not None
    key = _key(session, "org", await _fingerprint(db, s["id"]))
    await db.execute("set extra_float_digits = 0")
    try:
        assert _key(session, "org", await _fingerprint(db, s["id"])) == key
    finally:
        await db.execute("reset extra_float_digits")
    # A microsecond's move of the cut is still a new key.
    await db.execute(
        "update sessions set record_full_at = record_full_at - interval '1 microsecond' where id = %s",
        (s["id"],),
    )
    assert _key(session, "org", await _fingerprint(db, s["id"])) != key
