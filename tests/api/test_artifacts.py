"""Session artifacts end to end with a real worker: the interview's end and its grading write the JSON dump, the
report PDF and the uploaded résumé PDF to storage (`local` and `supabase`, the latter against a local server
speaking the Storage REST API); the organisation lists them with signed URLs that download without credentials;
deletion erases rows and objects; retention runs as a queue job and keeps the scorecard."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import structlog.testing
from psycopg.rows import DictRow
from pypdf import PdfReader

from api import erasure
from api.db.pool import connection
from api.jobs.maintenance import register_periodic_tasks
from api.jobs.settings import WorkerSettings
from api.storage import LocalStorage, SupabaseStorage
from tests.api.conftest import WITH_PDF, minimal_pdf, serve
from tests.api.grading_support import defer_retention_now, wait_until
from tests.api.report_support import PLAN, QUOTE_SAID, grade, seed_interview
from tests.conftest import ApiServer, StartWorker
from tests.fakes.supabase_storage import FakeSupabaseStorage

Conn = psycopg.AsyncConnection[DictRow]
SERVICE_KEY = "test-service-role-key-" + "q" * 24
RESUME_TEXT = "Ada Lovelace, Analytical Engine"


@dataclass
class Stack:
    """An API and the worker environment (with Chromium: the report PDF is an artifact) sharing one storage
    backend."""

    backend: str
    client: httpx.AsyncClient
    headers: dict[str, str]
    worker_env: dict[str, str]
    fake: FakeSupabaseStorage | None
    local_dir: Path | None

    def stored_keys(self, session_id: str) -> list[str]:
        if self.fake is not None:
            return [k for k in self.fake.keys("session-artifacts") if k.startswith(f"sessions/{session_id}/")]
        assert self.local_dir is not None
        folder = self.local_dir / "sessions" / session_id
        return sorted(f"sessions/{session_id}/{p.name}" for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture(params=["local", "supabase"])
async def stack(
    request: pytest.FixtureRequest, api_server: ApiServer, tmp_path: Path
) -> AsyncIterator[Stack]:
    """The test's API switched to the backend under test (its app reads `app.state.storage` per request)."""
    state = api_server.app.state
    await state.storage.aclose()
    if request.param == "local":
        local = tmp_path / "artifacts"
        state.storage = LocalStorage(local)
        env = {"SHADOWS_API_STORAGE_DIR": str(local), **WITH_PDF}
        yield Stack("local", api_server.client, api_server.org_headers(), env, None, local)
        return
    async with FakeSupabaseStorage(service_key=SERVICE_KEY) as fake:
        state.storage = SupabaseStorage(fake.url, SERVICE_KEY, bucket="session-artifacts", timeout_s=10)
        env = {
            "SHADOWS_API_STORAGE_BACKEND": "supabase",
            "SUPABASE_URL": fake.url,
            "SUPABASE_SERVICE_ROLE_KEY": SERVICE_KEY,
            **WITH_PDF,
        }
        yield Stack("supabase", api_server.client, api_server.org_headers(), env, fake, None)


async def _artifacts(db: Conn, session_id: str) -> dict[str, dict[str, Any]]:
    cur = await db.execute("select * from session_artifacts where session_id = %s", (session_id,))
    return {r["name"]: r for r in await cur.fetchall()}


async def _count_types(db: Conn, session_id: str, types: list[str], *, keep: bool) -> int:
    """How many of a session's events are of `types` (or, with `keep`, of any other type)."""
    op = "<> all" if keep else "= any"
    return await _count(
        db,
        f"select count(*) as n from session_events where session_id = %s and type {op}(%s)",
        session_id,
        types,
    )


async def _count(db: Conn, sql: str, *args: Any) -> int:
    cur = await db.execute(sql, args)
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


@pytest.mark.timeout(240)
async def test_end_and_grading_write_dump_report_and_resume_to_storage(
    api_server: ApiServer, db: Conn, stack: Stack, start_worker: StartWorker, tmp_path: Path
) -> None:
    grader_dir = tmp_path / "grader"
    grader_dir.mkdir()
    (grader_dir / "release").touch()  # the fake grader answers at once
    resume = minimal_pdf(RESUME_TEXT)
    seeded = await seed_interview(api_server, db, resume_pdf=resume)
    assert await _count(db, "select count(*) as n from session_uploads where session_id = %s", seeded.id) == 1

    start_worker(
        SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.grader",
        SHADOWS_TEST_GRADER_DIR=str(grader_dir),
        **stack.worker_env,
    )

    async def graded_and_written() -> dict[str, Any] | None:
        found = await _artifacts(db, seeded.id)
        if set(found) != {"session.json", "report.pdf", "resume.pdf"}:
            return None
        cur = await db.execute(
            "select status from scorecards where session_id = %s and version = 1", (seeded.id,)
        )
        row = await cur.fetchone()
        if row is None or row["status"] != "ready" or not await _job_done(db, seeded.id):
            return None
        r = await stack.client.get(f"/v1/sessions/{seeded.id}/artifacts", headers=stack.headers)
        listed = {a["name"]: a for a in r.json()["data"]}
        async with httpx.AsyncClient() as plain:
            dump = json.loads((await plain.get(listed["session.json"]["url"])).content)
        return {"listed": listed, "dump": dump} if dump["scorecards"][0]["status"] == "ready" else None

    done = await wait_until(graded_and_written, within_s=180, what="artifacts written after grading")

    assert stack.stored_keys(seeded.id) == [
        f"sessions/{seeded.id}/report.pdf",
        f"sessions/{seeded.id}/resume.pdf",
        f"sessions/{seeded.id}/session.json",
    ]
    dump = done["dump"]
    assert dump["session"]["id"] == seeded.id and dump["session"]["question"]["slug"] == "two-sum"
    assert [e["seq"] for e in dump["events"]] == sorted(seeded.seqs.values())  # the whole log, tool calls too
    assert {r["kind"] for r in dump["runs"]} == {"run", "submit"} and all(r["code"] for r in dump["runs"])
    assert dump["scorecards"][0]["status"] == "ready" and dump["scorecards"][0]["recommendation"] == "hire"
    assert seeded.session["invite"] not in json.dumps(dump)  # only its hash is stored, and not dumped
    # The résumé went to storage and left the database's staging table.
    assert await _count(db, "select count(*) as n from session_uploads where session_id = %s", seeded.id) == 0

    async with httpx.AsyncClient() as plain:  # signed URLs need no credentials
        for name, item in done["listed"].items():
            r = await plain.get(item["url"])
            assert r.status_code == 200, name
            assert (
                hashlib.sha256(r.content).hexdigest() == item["sha256"]
                and len(r.content) == item["size_bytes"]
            )
            if name == "resume.pdf":
                assert r.content == resume
            if name == "report.pdf":
                text = " ".join(
                    " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(r.content)).pages
                )
                assert "Recommendation" in text and "Hire" in text and "Ada Lovelace" in text
    # Served by the API whichever the backend (a storage backend's own signed URL cannot be taken back).
    assert all(i["url"].startswith(f"{api_server.url}/v1/artifacts/shv_") for i in done["listed"].values())
    # Another organisation cannot list them.
    _, other = await api_server.create_org("Other")
    r = await stack.client.get(f"/v1/sessions/{seeded.id}/artifacts", headers=api_server.org_headers(other))
    assert r.status_code == 404


@pytest.mark.timeout(240)
async def test_delete_erases_rows_and_stored_objects_and_logs_without_personal_data(
    api_server: ApiServer,
    db: Conn,
    stack: Stack,
    start_worker: StartWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded = await seed_interview(
        api_server,
        db,
        resume_pdf=minimal_pdf(RESUME_TEXT),
        candidate={"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "ats-9"},
    )
    kept_session = await seed_interview(
        api_server, db, candidate={"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "ats-9"}
    )
    await grade(db, seeded)
    share = await stack.client.post(f"/v1/sessions/{seeded.id}/share", json={}, headers=stack.headers)
    token = share.json()["report_url"].rsplit("/", 1)[1]
    worker = start_worker(**stack.worker_env)
    await wait_until(lambda: _artifacts_complete(db, seeded.id), within_s=120, what="artifacts written")
    assert len(stack.stored_keys(seeded.id)) == 3

    if stack.fake is not None:
        stack.fake.fail_with = 503  # storage down at the moment of deletion: the queued job erases later
    logged = structlog.testing.CapturingLogger()
    monkeypatch.setattr(erasure, "log", logged)  # the API runs in this process: its log calls are recorded
    r = await stack.client.delete(f"/v1/sessions/{seeded.id}", headers=stack.headers)
    assert r.status_code == 204 and r.content == b""

    for table in (
        "sessions",
        "session_events",
        "submissions",
        "scorecards",
        "share_links",
        "session_artifacts",
        "session_uploads",
    ):
        column = "id" if table == "sessions" else "session_id"
        assert await _count(db, f"select count(*) as n from {table} where {column} = %s", seeded.id) == 0, (
            table
        )
    # The candidate stays: another session still refers to them.
    assert await _count(db, "select count(*) as n from candidates where external_id = 'ats-9'") == 1
    cur = await db.execute("select * from session_deletions where session_id = %s", (seeded.id,))
    audit = await cur.fetchall()
    assert len(audit) == 1 and audit[0]["reason"] == "request"
    assert audit[0]["removed"]["events"] == len(seeded.seqs) and audit[0]["removed"]["scorecards"] == 1
    deleted_logs = [c for c in logged.calls if c.args == ("session.deleted",)]
    assert len(deleted_logs) == 1 and deleted_logs[0].kwargs["session_id"] == seeded.id
    assert deleted_logs[0].kwargs["events"] == len(seeded.seqs)
    flat = json.dumps([c.kwargs for c in logged.calls], default=str) + json.dumps(audit, default=str)
    for personal in ("Ada", "ada@example.com", "ats-9", PLAN, QUOTE_SAID):
        assert personal not in flat

    if stack.fake is not None:
        stack.fake.fail_with = None
    await wait_until(lambda: _no_keys(stack, seeded.id), within_s=120, what="stored objects erased")
    if stack.backend != "local":  # the job logs once it has closed its storage client, after the last delete

        async def erasure_logged() -> bool:
            return worker.logged("artifacts.erased")

        await wait_until(erasure_logged, within_s=30, what="the erasure logged")
    # Everything that pointed at the session now fails.
    assert (await stack.client.get(f"/v1/reports/{token}")).status_code == 404
    for method, path in (
        ("GET", f"/v1/sessions/{seeded.id}"),
        ("GET", f"/v1/sessions/{seeded.id}/report"),
        ("DELETE", f"/v1/sessions/{seeded.id}"),
    ):
        r = await stack.client.request(method, path, headers=stack.headers)
        assert r.status_code == 404, path
    assert (
        await stack.client.get(f"/v1/sessions/{kept_session.id}", headers=stack.headers)
    ).status_code == 200
    # The last session of a candidate takes the candidate with it.
    r = await stack.client.delete(f"/v1/sessions/{kept_session.id}", headers=stack.headers)
    assert r.status_code == 204
    assert await _count(db, "select count(*) as n from candidates where external_id = 'ats-9'") == 0


async def _artifacts_complete(db: Conn, session_id: str) -> bool:
    return set(await _artifacts(db, session_id)) == {"session.json", "report.pdf", "resume.pdf"}


async def _no_keys(stack: Stack, session_id: str) -> bool:
    return stack.stored_keys(session_id) == []


async def test_delete_refuses_running_interviews_and_other_organisations(
    api_server: ApiServer, db: Conn
) -> None:
    running = await api_server.create_session()
    r = await api_server.agent_start(running)
    assert r.status_code == 200
    r = await api_server.client.delete(f"/v1/sessions/{running['id']}", headers=api_server.org_headers())
    assert (r.status_code, r.json()["error"]["code"]) == (409, "session_in_progress")
    _, other = await api_server.create_org("Other")
    scheduled = await api_server.create_session()
    r = await api_server.client.delete(
        f"/v1/sessions/{scheduled['id']}", headers=api_server.org_headers(other)
    )
    assert (r.status_code, r.json()["error"]["code"]) == (404, "session_not_found")
    assert (
        await _count(
            db, "select count(*) as n from sessions where id = any(%s)", [running["id"], scheduled["id"]]
        )
        == 2
    )
    # Cancelled first, a running interview can be deleted; a scheduled one can be at once (its invite dies with it).
    await api_server.client.post(f"/v1/sessions/{running['id']}/cancel", headers=api_server.org_headers())
    for sid in (running["id"], scheduled["id"]):
        assert (
            await api_server.client.delete(f"/v1/sessions/{sid}", headers=api_server.org_headers())
        ).status_code == 204
    r = await api_server.client.post("/v1/join", json={"invite": scheduled["invite"]})
    assert r.status_code == 401


@pytest.mark.timeout(240)
async def test_retention_job_erases_old_transcripts_and_artifacts_and_keeps_scorecards(
    api_server: ApiServer, db: Conn, db_url: str, start_worker: StartWorker, tmp_path: Path
) -> None:
    local = tmp_path / "artifacts"
    settings = api_server.settings.model_copy(update={"storage_dir": local})
    old = await seed_interview(api_server, db, resume_pdf=minimal_pdf(RESUME_TEXT))
    recent = await seed_interview(api_server, db)
    running = await api_server.create_session()
    for s in (old, recent):
        await grade(db, s)
    await db.execute("update organizations set retention_days = 3 where id = %s", (api_server.org_id,))
    start_worker(SHADOWS_API_STORAGE_DIR=str(local), **WITH_PDF)
    await wait_until(lambda: _artifacts_complete(db, old.id), within_s=120, what="artifacts written")
    ended_long_ago = datetime.now(UTC) - timedelta(days=4)
    await db.execute("update sessions set ended_at = %s where id = %s", (ended_long_ago, old.id))
    await db.execute(
        "update sessions set status = 'in_progress', started_at = %s, created_at = %s where id = %s",
        (ended_long_ago, ended_long_ago, running["id"]),
    )
    # The record the notice lists: the conversation, the code as written, every run and submission, the page's
    # observations (tests/api/test_retention_record.py checks the list against the notice).
    record = ["transcript", "hint", "editor_snapshot", "tool_call", "test_run", "submission", "integrity"]
    record_before = await _count_types(db, old.id, record, keep=False)
    other_before = await _count_types(db, old.id, record, keep=True)
    assert record_before > 0 and other_before > 0

    await defer_retention_now(db_url)

    async def erased() -> bool:
        cur = await db.execute("select retention_applied_at from sessions where id = %s", (old.id,))
        row = await cur.fetchone()
        return row is not None and row["retention_applied_at"] is not None

    await wait_until(erased, within_s=120, what="retention applied")
    assert await _count_types(db, old.id, record, keep=False) == 0
    assert await _count_types(db, old.id, record, keep=True) == other_before
    assert (
        await _count(
            db, "select count(*) as n from scorecards where session_id = %s and status = 'ready'", old.id
        )
        == 1
    )
    assert await _count(db, "select count(*) as n from session_artifacts where session_id = %s", old.id) == 0
    assert not (local / "sessions" / old.id).exists()
    cur = await db.execute("select resume_text from sessions where id = %s", (old.id,))
    assert (await cur.fetchone())["resume_text"] is None  # type: ignore[index]  # the session exists
    cur = await db.execute("select reason, removed from session_deletions where session_id = %s", (old.id,))
    audit = await cur.fetchall()
    assert [a["reason"] for a in audit] == ["retention"]
    assert audit[0]["removed"]["events"] == record_before and audit[0]["removed"]["storage_objects"] == 3
    # Recent and unfinished sessions are untouched.
    for sid in (recent.id, running["id"]):
        cur = await db.execute("select retention_applied_at from sessions where id = %s", (sid,))
        assert (await cur.fetchone())["retention_applied_at"] is None  # type: ignore[index]  # it exists
    assert (
        await _count(
            db,
            "select count(*) as n from session_events where session_id = %s and type = 'transcript'",
            recent.id,
        )
        > 0
    )

    # The report still reads: scorecard and facts, the transcript citation kept as an erased moment, and says the
    # record went where the replay and transcript were.
    async with serve(settings) as client:
        r = await client.get(f"/v1/sessions/{old.id}/report", headers=api_server.org_headers())
    assert r.status_code == 200
    assert "Recommendation" in r.text and "Erased moment" in r.text and QUOTE_SAID in r.text
    assert PLAN not in r.text.replace(QUOTE_SAID, "")
    assert "The interview record was deleted on" in r.text
    # Later artifact writes do not bring the erased data back.
    async with connection(api_server.app.state.pool) as conn, conn.transaction():
        from api.jobs.artifacts import request_artifacts

        await request_artifacts(conn, old.id)
    await wait_until(lambda: _job_done(db, old.id), within_s=60, what="artifact job finished")
    assert not (local / "sessions" / old.id).exists()


async def _job_done(db: Conn, session_id: str) -> bool:
    cur = await db.execute(
        """
        select count(*) as n from procrastinate_jobs where task_name = 'write_session_artifacts'
          and args->>'session_id' = %s and status::text in ('todo', 'doing')
        """,
        (session_id,),
    )
    return int((await cur.fetchone())["n"]) == 0  # type: ignore[index]  # count(*) returns a row


def test_the_worker_schedules_retention_hourly() -> None:
    from procrastinate import App, testing

    app = App(connector=testing.InMemoryConnector())
    register_periodic_tasks(app, WorkerSettings(_env_file=None))  # type: ignore[call-arg]  # settings kwarg
    tasks = app.periodic_registry.periodic_tasks
    assert ("apply_retention", "retention") in tasks
    assert tasks[("apply_retention", "retention")].cron == "23 * * * *"
