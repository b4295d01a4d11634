"""The retention job keeps the promise the candidate notice makes: "<organisation> keeps this record for N days, then
it is deleted", N being the organisation's own `retention_days` (30 for an org-less practice session). Each
session is erased on its organisation's period, no other's; running it again changes nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.artifacts import erase_recorded_artifacts, folder, write_artifacts
from api.db import events_repo
from api.db.pool import connection
from api.jobs.pruning import RULES, prune
from api.jobs.retention import RetentionIncompleteError, run_retention
from api.notice_versions import current_version
from api.notices import PRACTICE_RETENTION_DAYS, render_notice
from api.pdf import PdfRenderer
from api.storage import LocalStorage, StorageError
from api.web_assets import WebAssets
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def _finished(api_server: ApiServer, db: Conn, key: str | None, days_ago: float, now: datetime) -> str:
    s = await api_server.create_session(key)
    await _end(api_server, db, s["id"], days_ago, now)
    return str(s["id"])


async def _end(api_server: ApiServer, db: Conn, session_id: str, days_ago: float, now: datetime) -> None:
    ended = now - timedelta(days=days_ago)
    await db.execute(
        """
        update sessions set status = 'completed', started_at = %s, ended_at = %s, end_reason = 'candidate_ended',
          resume_text = 'Ada Lovelace, Analytical Engine'
        where id = %s
        """,
        (ended - timedelta(minutes=45), ended, session_id),
    )
    async with connection(api_server.app.state.pool) as conn:
        stored = await events_repo.append_events(
            conn,
            session_id,
            [
                events_repo.EventIn(
                    f"tr-{session_id}", "transcript", {"role": "user", "text": "I would sort."}
                )
            ],
        )
    assert stored is not None


async def _erased(db: Conn) -> set[str]:
    cur = await db.execute("select id from sessions where retention_applied_at is not null")
    return {r["id"] for r in await cur.fetchall()}


async def _transcripts(db: Conn, session_id: str) -> int:
    cur = await db.execute(
        "select count(*) as n from session_events where session_id = %s and type = 'transcript'",
        (session_id,),
    )
    return int((await cur.fetchone())["n"])  # type: ignore[index]  # count(*) returns a row


async def test_each_session_is_erased_after_its_own_organisations_period_and_no_sooner(
    api_server: ApiServer, db: Conn, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    short_key = None  # the test's own organisation: 10 days
    await db.execute("update organizations set retention_days = 10 where id = %s", (api_server.org_id,))
    long_org, long_key = await api_server.create_org("Keeps records longer")
    await db.execute("update organizations set retention_days = 100 where id = %s", (long_org,))

    short_due = await _finished(api_server, db, short_key, 11, now)
    short_kept = await _finished(api_server, db, short_key, 9, now)
    long_kept = await _finished(api_server, db, long_key, 11, now)  # 11 days is not 100
    long_due = await _finished(api_server, db, long_key, 101, now)
    r = await api_server.client.post(
        "/v1/internal/practice", json={"language": "python"}, headers=api_server.internal_headers()
    )
    assert r.status_code == 200, r.text
    practice_due = r.json()["session"]["id"]
    await _end(api_server, db, practice_due, PRACTICE_RETENTION_DAYS + 1, now)
    r = await api_server.client.post(
        "/v1/internal/practice", json={"language": "python"}, headers=api_server.internal_headers()
    )
    practice_kept = r.json()["session"]["id"]
    await _end(api_server, db, practice_kept, PRACTICE_RETENTION_DAYS - 1, now)

    # Never started: counted from the session's expiry (the invite cannot open it any more), résumé included.
    unstarted_due = (await api_server.create_session(short_key))["id"]
    unstarted_kept = (await api_server.create_session(short_key))["id"]
    for sid, days_ago in ((unstarted_due, 11), (unstarted_kept, 9)):
        await db.execute(
            """
            update sessions set expires_at = %s, invite_expires_at = %s, resume_text = 'Ada Lovelace'
            where id = %s
            """,
            (now - timedelta(days=days_ago), now - timedelta(days=days_ago + 1), sid),
        )

    storage = LocalStorage(tmp_path / "artifacts")
    erased = await run_retention(api_server.app.state.pool, storage, now=now)

    due = {short_due, long_due, practice_due, unstarted_due}
    assert erased == len(due)
    assert await _erased(db) == due
    for sid in due:
        assert await _transcripts(db, sid) == 0
    for sid in (short_kept, long_kept, practice_kept):
        assert await _transcripts(db, sid) == 1, sid
    for sid in (short_kept, long_kept, practice_kept, unstarted_kept):
        cur = await db.execute("select resume_text from sessions where id = %s", (sid,))
        assert (await cur.fetchone())["resume_text"] is not None, sid  # type: ignore[index]  # it exists
    for sid in due:
        cur = await db.execute("select resume_text from sessions where id = %s", (sid,))
        assert (await cur.fetchone())["resume_text"] is None, sid  # type: ignore[index]  # it exists
    # Idempotent: a second run (a retried or overlapping job) erases and logs nothing more.
    assert await run_retention(api_server.app.state.pool, storage, now=now) == 0
    cur = await db.execute("select session_id from session_deletions where reason = 'retention'")
    assert sorted(r["session_id"] for r in await cur.fetchall()) == sorted(due)


class _ClockAhead(datetime):
    """A worker host whose clock jumped 400 days ahead (an NTP step, a VM resumed from an old snapshot's future)."""

    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return datetime.now(tz) + timedelta(days=400)


async def test_a_worker_clock_running_ahead_erases_and_prunes_nothing_early(
    api_server: ApiServer, db: Conn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every timestamp compared was written by the database's clock, so the period is counted on it: a worker whose
    own clock ran ahead erased every record inside that many days and pruned LiveKit's dedup, irreversibly."""
    now = datetime.now(UTC)
    sid = await _finished(api_server, db, None, 10, now)  # the organisation keeps records 180 days
    await db.execute("insert into livekit_webhook_events (id, event) values ('EV_recent', 'room_finished')")
    monkeypatch.setattr("api.jobs.retention.datetime", _ClockAhead)
    monkeypatch.setattr("api.jobs.pruning.datetime", _ClockAhead)

    pool = api_server.app.state.pool
    assert await prune(pool) == {table: 0 for table, *_ in RULES}
    assert await run_retention(pool, LocalStorage(tmp_path / "artifacts")) == 0
    assert await _erased(db) == set()
    assert await _transcripts(db, sid) == 1
    cur = await db.execute("select count(*) as n from livekit_webhook_events where id = 'EV_recent'")
    assert (await cur.fetchone())["n"] == 1  # type: ignore[index]  # count(*) returns a row


class _RefusingStorage(LocalStorage):
    """Supabase Storage refusing one session's objects (a permission or path error, an outage of one shard)."""

    def __init__(self, root: Path, refused: str) -> None:
        super().__init__(root)
        self.refused = refused

    async def delete(self, keys: list[str]) -> int:
        if any(self.refused in k for k in keys):
            raise StorageError("refused", retryable=False)
        return await super().delete(keys)


async def test_a_session_storage_refuses_fails_the_run_after_the_others_are_erased(
    api_server: ApiServer, db: Conn, tmp_path: Path
) -> None:
    """Kept past its period, the record must reach an operator (the job fails, `shadows_queue_jobs_failed_last_hour`),
    not only a log line per run; the sessions storage took are erased all the same, the refused one kept whole.

    So is a session whose candidate agreed to a notice version this release does not ship (a newer release took the
    consent, then was rolled back): the job erased the kinds the current notice lists (its fallback for a version it
    did not know) and marked the session erased, though the newer notice may promise more. It is left untouched,
    its stored objects too, for a release that ships that notice."""
    now = datetime.now(UTC)
    await db.execute("update organizations set retention_days = 10 where id = %s", (api_server.org_id,))
    refused, taken, newer = [await _finished(api_server, db, None, 11, now) for _ in range(3)]
    ahead = f"v{int(current_version()[1:]) + 1}"
    async with connection(api_server.app.state.pool) as conn:
        for version in (
            current_version(),
            ahead,
        ):  # agreed here, then (a reload) on a newer release's replica
            stored = await events_repo.append_events(
                conn,
                newer,
                [
                    events_repo.EventIn(
                        f"page:consent:{version}",
                        "consent",
                        {"notice_version": version, "notice_sha256": "0" * 64, "retention_days": 10},
                    )
                ],
            )
            assert stored
    storage = _RefusingStorage(tmp_path / "artifacts", refused)
    await storage.put(f"{folder(newer)}/session.json", b"{}", "application/json")
    with pytest.raises(RetentionIncompleteError) as failed:
        await run_retention(api_server.app.state.pool, storage, now=now)
    assert (failed.value.erased, failed.value.left, failed.value.deferred) == (1, 1, 1)
    assert await _erased(db) == {taken}
    assert await _transcripts(db, refused) == 1
    assert await _transcripts(db, newer) == 1
    assert await storage.get(f"{folder(newer)}/session.json") == b"{}"


def test_the_notice_states_the_period_the_job_applies() -> None:
    # The practice notice and the job read one number; an organisation's notice states its own column.
    session = {"role": None, "duration_minutes": 45, "extra_time_minutes": 0, "interview_language": "en"}
    practice = render_notice(session, None, ["python"]).html
    assert f"keeps this record for {PRACTICE_RETENTION_DAYS} days" in practice
    org = {"name": "Acme", "retention_days": 17, "allow_text_only": False}
    assert "keeps this record for 17 days" in render_notice(session, org, ["python"]).html


async def test_a_longer_period_set_after_the_candidate_agreed_does_not_keep_their_record_longer(
    api_server: ApiServer, db: Conn, tmp_path: Path
) -> None:
    # The candidate agreed to "keeps this record for 30 days"; the organisation later keeps records for ten years.
    # Their record still goes after 30 days (what they agreed to is the most it is kept); a shorter period set
    # later applies to everyone at once.
    now = datetime.now(UTC)
    await db.execute("update organizations set retention_days = 30 where id = %s", (api_server.org_id,))
    agreed = await api_server.create_session()
    await consent_and_start(api_server.client, agreed)
    shown = (await _events_of(db, agreed["id"], "consent"))[0]
    assert shown["payload"]["retention_days"] == 30  # recorded with the consent, as shown
    not_agreed = await api_server.create_session()  # never opened: the organisation's period as it is now
    r = await api_server.client.patch(
        "/v1/organization", json={"retention_days": 3650}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    for sid in (agreed["id"], not_agreed["id"]):
        await _end(api_server, db, sid, 31, now)

    storage = LocalStorage(tmp_path / "artifacts")
    assert await run_retention(api_server.app.state.pool, storage, now=now) == 1
    assert await _erased(db) == {agreed["id"]}

    r = await api_server.client.patch(
        "/v1/organization", json={"retention_days": 20}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    assert await run_retention(api_server.app.state.pool, storage, now=now) == 1
    assert await _erased(db) == {agreed["id"], not_agreed["id"]}


async def _events_of(db: Conn, session_id: str, kind: str) -> list[dict[str, Any]]:
    cur = await db.execute(
        "select payload from session_events where session_id = %s and type = %s order by seq",
        (session_id, kind),
    )
    return list(await cur.fetchall())


class _HeldStorage(LocalStorage):
    """Local storage whose first write waits until `release` is set: an artifact write caught mid-way."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.writing = asyncio.Event()
        self.release = asyncio.Event()

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        if not self.writing.is_set():
            self.writing.set()
            await self.release.wait()
        await super().put(key, data, content_type)


async def test_an_artifact_write_under_way_when_retention_erases_leaves_nothing_behind(
    api_server: ApiServer, db: Conn, tmp_path: Path
) -> None:
    # The artifact job (after a re-grade, say) read the session before retention marked it, and stores its dump,
    # transcript included, after retention erased the folder. Artifact jobs of one session run one at a time under
    # the lock `artifacts:<id>`; retention queues an erase under that lock, which runs after the write and takes
    # what it stored, objects and records.
    now = datetime.now(UTC)
    await db.execute("update organizations set retention_days = 10 where id = %s", (api_server.org_id,))
    sid = await _finished(api_server, db, None, 11, now)
    storage = _HeldStorage(tmp_path / "artifacts")
    pool = api_server.app.state.pool
    renderer = PdfRenderer("/nonexistent/chromium", timeout_s=5, concurrency=1)  # the dump alone is enough

    async def write() -> object:
        async with connection(pool) as conn:
            return await write_artifacts(conn, storage, renderer, WebAssets(tmp_path), sid)

    writing = asyncio.create_task(write())
    await asyncio.wait_for(storage.writing.wait(), timeout=60)  # must happen: up to a minute on a loaded box
    assert await run_retention(pool, storage, now=now) == 1
    storage.release.set()
    assert await writing is not None
    assert await storage.list_folder(folder(sid)), "stored after retention erased: the race happened"
    cur = await db.execute(
        "select id, status from procrastinate_jobs where task_name = 'erase_session_artifacts' and lock = %s",
        (f"artifacts:{sid}",),
    )
    queued = await cur.fetchall()
    assert [j["status"] for j in queued] == ["todo"], "retention queues an erase under the session's lock"
    # The worker runs it after the write (same lock): what it does, run here.
    async with connection(pool) as conn:
        await erase_recorded_artifacts(conn, storage, sid)
    assert await storage.list_folder(folder(sid)) == []
    cur = await db.execute("select count(*) as n from session_artifacts where session_id = %s", (sid,))
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
