"""Legal holds: an organisation in a dispute stops retention from erasing a session's record until it lifts the hold.
Placed and lifted with the organisation's key (reason, who, when: the trail stays), honoured by the retention job
under the lock its erase takes (a hold placed while it runs is never lost), shown on the organisation's report and
nowhere a share link or the candidate can see."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import psycopg
import pytest
from psycopg.rows import DictRow, dict_row
from pypdf import PdfReader

from api.artifacts import DUMP, key
from api.db import artifacts_repo, events_repo, legal_holds_repo
from api.db.pool import connection
from api.jobs.retention import run_retention
from api.notices import render_notice
from api.storage import LocalStorage
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
REASON = "Dispute 2026-114: keep everything until counsel says otherwise."


async def _finished(api_server: ApiServer, db: Conn, storage: LocalStorage, days_ago: float) -> str:
    """A session that ended `days_ago` days ago, with a transcript line and a stored dump."""
    sid = str((await api_server.create_session())["id"])
    ended = datetime.now(UTC) - timedelta(days=days_ago)
    await db.execute(
        """
        update sessions set status = 'completed', started_at = %s, ended_at = %s, end_reason = 'candidate_ended'
        where id = %s
        """,
        (ended - timedelta(minutes=45), ended, sid),
    )
    async with connection(api_server.app.state.pool) as conn:
        stored = await events_repo.append_events(
            conn,
            sid,
            [events_repo.EventIn(f"tr-{sid}", "transcript", {"role": "user", "text": "I would sort."})],
        )
    assert stored is not None
    await storage.put(key(sid, DUMP), b'{"events": ["I would sort."]}', "application/json")
    return sid


async def _kept(db: Conn, storage: LocalStorage, sid: str) -> bool:
    """The record is all there: not marked erased, its transcript line and its stored dump present."""
    cur = await db.execute(
        """
        select s.retention_applied_at,
          (select count(*) from session_events e where e.session_id = s.id and e.type = 'transcript') as lines
        from sessions s where s.id = %s
        """,
        (sid,),
    )
    row = await cur.fetchone()
    assert row is not None
    dump = await storage.get(key(sid, DUMP))
    kept = row["retention_applied_at"] is None and row["lines"] == 1 and dump is not None
    gone = row["retention_applied_at"] is not None and row["lines"] == 0 and dump is None
    assert kept or gone, (row, dump is not None)  # never half of each
    return kept


async def _until(check: Callable[[], Awaitable[bool]]) -> None:
    while not await check():  # noqa: ASYNC110  # Postgres offers no event for "a backend waits on a lock"
        await asyncio.sleep(0.02)


async def _hold(api_server: ApiServer, sid: str, key_: str | None = None, reason: str = REASON) -> Any:
    return await api_server.client.post(
        f"/v1/sessions/{sid}/legal-hold", json={"reason": reason}, headers=api_server.org_headers(key_)
    )


async def test_an_organisation_places_lists_and_lifts_a_hold_with_reason_who_and_when(
    api_server: ApiServer,
) -> None:
    sid = (await api_server.create_session())["id"]
    other = (await api_server.create_session())["id"]
    before = datetime.now(UTC)
    r = await _hold(api_server, sid)
    assert r.status_code == 201, r.text
    hold = r.json()
    assert hold["session_id"] == sid and hold["reason"] == REASON and hold["active"] is True
    assert hold["placed_by"] == api_server.org_key[:8] and hold["lifted_at"] is None
    assert datetime.fromisoformat(hold["placed_at"]) >= before - timedelta(seconds=5)

    r = await api_server.client.get("/v1/legal-holds", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    assert [h["session_id"] for h in r.json()["data"]] == [sid]  # only the held one, not `other`
    assert other not in r.text

    r = await api_server.client.request(
        "DELETE",
        f"/v1/sessions/{sid}/legal-hold",
        json={"reason": "Settled."},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 200, r.text
    lifted = r.json()
    assert lifted["active"] is False and lifted["lift_reason"] == "Settled."
    assert lifted["lifted_by"] == api_server.org_key[:8] and lifted["lifted_at"] is not None
    assert (await api_server.client.get("/v1/legal-holds", headers=api_server.org_headers())).json()[
        "data"
    ] == []

    # The trail keeps both: the lifted hold and a new one.
    assert (await _hold(api_server, sid, reason="Reopened.")).status_code == 201
    r = await api_server.client.get(f"/v1/sessions/{sid}/legal-holds", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    assert [(h["reason"], h["active"]) for h in r.json()["data"]] == [("Reopened.", True), (REASON, False)]


async def test_holds_answer_clearly_for_another_organisations_session_a_second_hold_and_no_hold(
    api_server: ApiServer,
) -> None:
    _, other_key = await api_server.create_org("Someone else")
    theirs = (await api_server.create_session(other_key))["id"]
    ours = (await api_server.create_session())["id"]
    for r in (
        await _hold(api_server, theirs),
        await api_server.client.delete(f"/v1/sessions/{theirs}/legal-hold", headers=api_server.org_headers()),
        await api_server.client.get(f"/v1/sessions/{theirs}/legal-holds", headers=api_server.org_headers()),
    ):
        assert r.status_code == 404 and r.json()["error"]["code"] == "session_not_found", r.text
    assert (await _hold(api_server, theirs, other_key)).status_code == 201
    r = await api_server.client.get("/v1/legal-holds", headers=api_server.org_headers())
    assert r.json()["data"] == []  # their hold is not in our list

    assert (await _hold(api_server, ours)).status_code == 201
    r = await _hold(api_server, ours)
    assert r.status_code == 409 and r.json()["error"]["code"] == "legal_hold_exists", r.text
    r = await api_server.client.delete(f"/v1/sessions/{ours}/legal-hold", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    r = await api_server.client.delete(f"/v1/sessions/{ours}/legal-hold", headers=api_server.org_headers())
    assert r.status_code == 404 and r.json()["error"]["code"] == "legal_hold_not_found", r.text
    for bad in (
        {"reason": ""},
        {"reason": "x" * 1001},
        {},
        {"reason": REASON, "until": "never"},
        {"reason": "a\x00b"},
    ):
        r = await api_server.client.post(
            f"/v1/sessions/{ours}/legal-hold", json=bad, headers=api_server.org_headers()
        )
        assert r.status_code == 422, (bad, r.text)


async def test_an_erased_record_cannot_be_held(api_server: ApiServer, db: Conn, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "artifacts")
    sid = await _finished(api_server, db, storage, days_ago=400)
    assert await run_retention(api_server.app.state.pool, storage) == 1
    r = await _hold(api_server, sid)
    assert r.status_code == 409 and r.json()["error"]["code"] == "record_erased", r.text
    r = await api_server.client.get("/v1/legal-holds", headers=api_server.org_headers())
    assert r.json()["data"] == []


async def test_retention_keeps_a_held_record_and_erases_it_on_its_next_pass_once_lifted(
    api_server: ApiServer, db: Conn, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path / "artifacts")
    held = await _finished(api_server, db, storage, days_ago=400)
    due = await _finished(api_server, db, storage, days_ago=400)
    assert (await _hold(api_server, held)).status_code == 201

    assert await run_retention(api_server.app.state.pool, storage) == 1
    assert await _kept(db, storage, held)
    assert not await _kept(db, storage, due)
    assert await run_retention(api_server.app.state.pool, storage) == 0  # and it stays held
    assert await _kept(db, storage, held)

    r = await api_server.client.delete(f"/v1/sessions/{held}/legal-hold", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    assert await run_retention(api_server.app.state.pool, storage) == 1
    assert not await _kept(db, storage, held)


async def test_a_hold_placed_after_the_job_listed_the_session_is_honoured(
    api_server: ApiServer, db: Conn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The job reads its work list, then the organisation holds one of them before the job reaches it: the job must
    # not erase it (neither its stored dump nor its rows), and must not go round for ever on a session it skips.
    storage = LocalStorage(tmp_path / "artifacts")
    sid = await _finished(api_server, db, storage, days_ago=400)
    listed = artifacts_repo.due_for_retention
    held: list[int] = []

    async def list_then_hold(*args: Any, **kwargs: Any) -> list[str]:
        due: list[str] = await listed(*args, **kwargs)
        if sid in due and not held:
            r = await _hold(api_server, sid)
            held.append(r.status_code)
        return due

    monkeypatch.setattr(artifacts_repo, "due_for_retention", list_then_hold)
    assert await run_retention(api_server.app.state.pool, storage) == 0
    assert held == [201]
    assert await _kept(db, storage, sid)


async def test_a_hold_that_commits_while_the_job_waits_for_the_sessions_lock_is_honoured(
    api_server: ApiServer, db: Conn, db_url: str, tmp_path: Path
) -> None:
    # The organisation's hold holds the session's row lock when the job reaches the session; the job waits, and the
    # hold commits. The job must see that hold (read after it got the lock), not the state from before its wait.
    storage = LocalStorage(tmp_path / "artifacts")
    sid = await _finished(api_server, db, storage, days_ago=400)
    cur = await db.execute("select id from api_keys where organization_id = %s", (api_server.org_id,))
    key_id = (await cur.fetchone())["id"]  # type: ignore[index]  # the organisation's key exists
    holder = await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row)
    async with holder, holder.transaction():
        assert await legal_holds_repo.lock_session(holder, sid, UUID(api_server.org_id)) is not None
        await legal_holds_repo.place(holder, sid, UUID(api_server.org_id), REASON, key_id)
        job = asyncio.ensure_future(run_retention(api_server.app.state.pool, storage))

        async def job_waits_on_the_lock() -> bool:
            assert not job.done(), job.result()
            cur = await db.execute(
                "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike %s",
                ("%retention_applied_at is null for update%",),
            )
            return int((await cur.fetchone())["n"]) > 0  # type: ignore[index]  # count(*) returns a row

        await _until(job_waits_on_the_lock)
    assert await job == 0
    assert await _kept(db, storage, sid)


class _SlowEraseStorage(LocalStorage):
    """Local storage whose first delete waits until `release` is set: the job caught in the middle of an erase."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.erasing = asyncio.Event()
        self.release = asyncio.Event()

    async def delete(self, keys: list[str]) -> int:
        if not self.erasing.is_set():
            self.erasing.set()
            await self.release.wait()
        return await super().delete(keys)


async def test_a_hold_asked_for_while_the_job_erases_waits_for_it_and_is_told_the_record_is_gone(
    api_server: ApiServer, db: Conn, tmp_path: Path
) -> None:
    # The hold must not answer 201 for a record the job is erasing: it waits on the lock the erase holds, then finds
    # the record gone.
    storage = _SlowEraseStorage(tmp_path / "artifacts")
    sid = await _finished(api_server, db, storage, days_ago=400)
    job = asyncio.ensure_future(run_retention(api_server.app.state.pool, storage))
    await asyncio.wait(
        {job, asyncio.ensure_future(storage.erasing.wait())}, return_when=asyncio.FIRST_COMPLETED
    )
    assert not job.done()
    hold = asyncio.ensure_future(_hold(api_server, sid))

    async def hold_waits_on_a_lock() -> bool:
        assert not hold.done(), hold.result().text
        cur = await db.execute(
            "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike %s",
            ("%sessions%for update%",),
        )
        return int((await cur.fetchone())["n"]) > 0  # type: ignore[index]  # count(*) returns a row

    await _until(hold_waits_on_a_lock)
    storage.release.set()
    assert await job == 1
    r = await hold
    assert r.status_code == 409 and r.json()["error"]["code"] == "record_erased", r.text
    assert not await _kept(db, storage, sid)


async def test_a_held_session_cannot_be_deleted_on_request(api_server: ApiServer, db: Conn) -> None:
    sid = (await api_server.create_session())["id"]
    assert (await _hold(api_server, sid)).status_code == 201
    r = await api_server.client.delete(f"/v1/sessions/{sid}", headers=api_server.org_headers())
    assert r.status_code == 409 and r.json()["error"]["code"] == "session_on_legal_hold", r.text
    assert (
        await api_server.client.get(f"/v1/sessions/{sid}", headers=api_server.org_headers())
    ).status_code == 200
    r = await api_server.client.delete(f"/v1/sessions/{sid}/legal-hold", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    assert (
        await api_server.client.delete(f"/v1/sessions/{sid}", headers=api_server.org_headers())
    ).status_code == 204
    # The trail outlives the session: the hold and its lifting are still on record.
    cur = await db.execute("select reason, lifted_at from legal_holds where session_id = %s", (sid,))
    rows = await cur.fetchall()
    assert [r["reason"] for r in rows] == [REASON] and rows[0]["lifted_at"] is not None


async def test_the_report_page_shows_the_hold_to_the_organisation_and_not_the_pdf_nor_a_share_link(
    api_server: ApiServer,
) -> None:
    sid = (await api_server.create_session())["id"]
    reason = 'Case <script>alert(1)</script> & "quotes" \u202eevil'
    assert (await _hold(api_server, sid, reason=reason)).status_code == 201
    page = await api_server.client.get(f"/v1/sessions/{sid}/report", headers=api_server.org_headers())
    assert page.status_code == 200, page.text
    assert 'id="legal-hold"' in page.text
    assert (
        'Case &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34; <span class="hidden-char"'
        in page.text
    )
    assert ">U+202E</span>evil" in page.text  # the override is shown, not in effect
    assert "<script>alert(1)" not in page.text
    assert api_server.org_key[:8] in page.text

    assert 'class="card state state-hold screen-only"' in page.text  # not printed from the browser either

    # The PDF travels (to an ATS, for one): it does not carry the hold.
    pdf = await api_server.client.get(f"/v1/sessions/{sid}/report.pdf", headers=api_server.org_headers())
    assert pdf.status_code == 200, pdf.text[:300]
    printed = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Ada Lovelace" in printed and "legal hold" not in printed.lower() and "alert(1)" not in printed

    r = await api_server.client.post(f"/v1/sessions/{sid}/share", json={}, headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    shared = await api_server.client.get(urlsplit(r.json()["report_url"]).path)
    assert shared.status_code == 200, shared.text
    assert 'id="legal-hold"' not in shared.text and "alert(1)" not in shared.text


def test_the_current_notice_tells_an_organisations_candidate_a_legal_hold_can_keep_the_record_longer() -> (
    None
):
    # The notice promises deletion after N days; a hold keeps the record past it, so a candidate agreeing now is
    # told. A practice session cannot be held (no organisation), and its notice does not say it can.
    session = {"role": None, "duration_minutes": 45, "extra_time_minutes": 0, "interview_language": "en"}
    org = {"name": "Acme", "retention_days": 30, "allow_text_only": False}
    said = " ".join(render_notice(session, org, ["python"]).html.split())
    assert "keeps this record for 30 days, then it is deleted" in said
    assert "legal hold" in said and "until the hold is lifted" in said
    practice = " ".join(render_notice(session, None, ["python"]).html.split())
    assert "legal hold" not in practice
