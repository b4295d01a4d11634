"""After `DELETE /v1/sessions/{id}` no row of any table, in any schema the application writes (its own and the job
queue's), holds anything of the candidate: their name, address, external id, résumé text, the organisation's
metadata about them, what they said or wrote. Walked over the whole database, not a list of known tables, so a
table added later that copies any of it fails here. And retention racing the grading job: a final submission stored,
or a bundle read, across retention's commit keeps nothing of the erased record and grades no empty interview."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import DictRow, dict_row

from api.db import artifacts_repo, bundle_repo, events_repo, runs_repo
from api.db.pool import connection
from api.jobs.grading import _final_submit
from grader.final_submit import final_submission
from tests.api.integration_support import create_endpoint, end_interview, simulate_interview, store_version
from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

NAME = "Zenobia Quartermaine-Oyelaran"
EMAIL = "zenobia.qo@example.org"
EXTERNAL_ID = "ext-zq-55190"
RESUME = "Maintained the Quillfeather telemetry pipeline"
METADATA = "requisition-zq-8817"
SAID = "A hash map from value to index."  # simulate_interview's candidate line
WROTE = "seen = {}"  # and its editor snapshot


async def _rows_holding(db: Conn, needle: str) -> list[str]:
    """`schema.table` of every row of every user table whose text holds `needle`."""
    cur = await db.execute(
        """
        select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
        order by 1, 2
        """
    )
    hits: list[str] = []
    for t in await cur.fetchall():
        found = await db.execute(
            sql.SQL("select count(*) as n from {}.{} r where strpos(r::text, %s) > 0").format(
                sql.Identifier(t["schema"]), sql.Identifier(t["name"])
            ),
            (needle,),
        )
        row = await found.fetchone()
        if row and row["n"]:
            hits.append(f"{t['schema']}.{t['name']}")
    return hits


async def test_an_erased_session_leaves_nothing_of_its_candidate_in_any_table(
    api_server: ApiServer, db: Conn
) -> None:
    await create_endpoint(api_server, "http://127.0.0.1:9/hook")
    r = await api_server.client.post(
        "/v1/sessions",
        json={
            "candidate": {"name": NAME, "email": EMAIL, "external_id": EXTERNAL_ID},
            "resume_text": RESUME,
            "metadata": {"req": METADATA},
        },
        headers={**api_server.org_headers(), "Idempotency-Key": "erasure-trace-1"},
    )
    assert r.status_code == 201, r.text
    created = r.json()
    sid = created["id"]
    await simulate_interview(api_server, sid)
    await end_interview(api_server, sid)
    await store_version(db, api_server, sid, 1, ready=True)
    r = await api_server.client.post(f"/v1/sessions/{sid}/share", json={}, headers=api_server.org_headers())
    assert r.status_code in (200, 201), r.text
    needles = (NAME, EMAIL, EXTERNAL_ID, RESUME, METADATA, SAID, WROTE)
    before = {n: await _rows_holding(db, n) for n in needles}
    assert all(before.values()), before  # the walk finds what is there

    r = await api_server.client.delete(f"/v1/sessions/{sid}", headers=api_server.org_headers())
    assert r.status_code == 204, r.text

    after = {n: await _rows_holding(db, n) for n in needles}
    assert after == {n: [] for n in needles}, after
    # The id itself only where the erasure's own bookkeeping keeps it: its log row, its `session.erased` notice and
    # the queue's jobs (ids only: api/jobs/__init__.py).
    assert await _rows_holding(db, sid) == [
        "public.procrastinate_jobs",
        "public.session_deletions",
        "public.webhook_deliveries",
    ]
    cur = await db.execute("select event_type from webhook_deliveries where session_id = %s", (sid,))
    assert {r["event_type"] for r in await cur.fetchall()} == {"session.erased"}


# --- retention racing the grading job: nothing it reads or writes outlives the erasure ------------------------------


async def _finished(server: ApiServer, db: Conn) -> tuple[str, UUID]:
    """A finished session with a conversation and final code the candidate never submitted."""
    created = await server.create_session()
    sid = created["id"]
    await simulate_interview(server, sid)
    r = await server.client.post(
        f"/v1/internal/sessions/{sid}/complete",
        json={"final_code": "def two_sum(nums, target):\n    return [0, 1]\n", "language": "python"},
        headers=server.internal_headers(),
    )
    assert r.status_code == 200, r.text
    cur = await db.execute("select question_id from sessions where id = %s", (sid,))
    row = await cur.fetchone()
    assert row is not None
    return sid, row["question_id"]


async def _retain(conn: Conn, sid: str) -> None:
    """What the retention job does to one session (`api.jobs.retention._erase_one`, storage aside)."""
    async with conn.transaction():
        assert await artifacts_repo.lock_for_retention(conn, sid)
        assert await artifacts_repo.apply_retention(conn, sid, 0) is not None


async def _recorded(db: Conn, sid: str) -> dict[str, int]:
    cur = await db.execute(
        """
        select (select count(*) from submissions where session_id = %(s)s) as runs,
          (select count(*) from session_events where session_id = %(s)s and type in ('submission', 'transcript'))
            as events
        """,
        {"s": sid},
    )
    row = await cur.fetchone()
    assert row is not None
    return {k: int(v) for k, v in row.items()}


async def test_a_final_submission_judged_while_retention_erased_the_record_is_not_stored(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    # The grading job's final Submit: the session read, the code judged (seconds), the run stored. Retention erased
    # the record while the judge ran; the store then put the candidate's code back, kept for ever after the period
    # they were promised (the session is never due again).
    sid, question_id = await _finished(api_server, db)
    run = runs_repo.FinishedRun(
        session_id=sid, question_id=question_id, caller="grader", lease=None, mode="submit", language="python",
        code="def two_sum(nums, target):\n    return [0, 1]\n", verdict="accepted",
        report={"verdict": "accepted", "passed": 1, "total": 1, "tests": [], "timings": {}},
    )  # fmt: skip
    retention = await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row)
    async with retention, connection(api_server.app.state.pool) as conn:
        async with retention.transaction():
            assert await artifacts_repo.lock_for_retention(retention, sid)  # the row, `for update`
            store = asyncio.create_task(runs_repo.store_run(conn, run))
            await until_blocked(db, store, "the grader's run")
            assert await artifacts_repo.apply_retention(retention, sid, 0) is not None
        with pytest.raises(events_repo.RecordErasedError):
            await store
    assert await _recorded(db, sid) == {"runs": 0, "events": 0}


async def test_a_grading_whose_record_retention_erased_submits_nothing_and_grades_nothing(
    api_server: ApiServer, db: Conn
) -> None:
    sid, _ = await _finished(api_server, db)
    pool = api_server.app.state.pool
    async with connection(pool) as conn:
        bundle = await bundle_repo.load_bundle_input(conn, sid)
        assert bundle is not None and final_submission(bundle) is not None  # there is code to submit for them
        await _retain(conn, sid)
    resources = SimpleNamespace(pool=pool, judge=None, admission=None, settings=api_server.settings)
    assert await _final_submit(resources, bundle, 0) is None  # type: ignore[arg-type]  # the judge is never reached
    assert await _recorded(db, sid) == {"runs": 0, "events": 0}


async def test_the_grader_reads_a_session_and_its_record_as_of_one_moment(
    api_server: ApiServer, db: Conn, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Retention committed after the grader read the session's row and before it read its events: the bundle was
    # the session without its record, an empty interview graded `ready` and sent to the ATS as the result.
    sid, _ = await _finished(api_server, db)
    list_events = events_repo.list_events

    async def retention_first(conn: Conn, session_id: str) -> list[dict[str, Any]]:
        async with await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row) as other:
            await _retain(other, session_id)
        return await list_events(conn, session_id)

    monkeypatch.setattr(events_repo, "list_events", retention_first)
    async with connection(api_server.app.state.pool) as conn:
        bundle = await bundle_repo.load_bundle_input(conn, sid)
    assert bundle is not None
    assert SAID in [e.payload.get("text") for e in bundle.events if e.type == "transcript"]
    assert await _recorded(db, sid) == {"runs": 0, "events": 0}  # and retention did erase it
