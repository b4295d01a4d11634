"""The gauges `/metrics` reads from Postgres stay cheap as the tables grow: each query's plan reads the rows it
counts through an index (or a table kept small by construction), never a big table whole; and the grading usage
kept as totals plus changes (migration 20270121090100) equals the sum over `scorecards` through every write.

Plans come from the queries the gauges really run (a connection that EXPLAINs each before running it), with
sequential scans priced out (`enable_seqscan = off`) so that an empty test table plans as a season's would: a query
no index can serve still plans a sequential scan. Measured on 200,000 rows each: docs/deployment.md, "Metrics"."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, cast

import psycopg
from psycopg.rows import dict_row

from api.db.pool import Conn
from api.jobs import metrics as queue_metrics
from api.ops_metrics import database_figures

# Tables that grow with the sessions, and the index each gauge's query must read them by.
EXPECTED: dict[str, dict[str, str]] = {
    "database_figures": {"sessions": "sessions_in_progress_idx"},
    "queue_stats": {
        "procrastinate_jobs": "procrastinate_jobs_id_lock_idx_v1",
        "procrastinate_events": "procrastinate_events_job_id_fkey_v1",
    },
    "grading_lag_seconds": {"scorecards": "scorecards_pending_created_idx"},
    "failed_jobs": {
        "procrastinate_events": "shadows_procrastinate_events_failed_at_idx",
        "procrastinate_jobs": "procrastinate_jobs_pkey",
    },
    "failed_gradings": {"scorecards": "scorecards_failed_completed_idx"},
}
# One row per worker, per grading model, or per change since the last scrape: read whole.
SMALL = {"procrastinate_workers", "grading_usage", "grading_usage_changes"}


class _Explaining:
    """Stands in for a pooled connection: EXPLAINs each statement, with its parameters, then runs it."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.plans: list[tuple[str, dict[str, Any]]] = []

    async def execute(self, query: str, params: Any = None) -> Any:
        cur = await self.conn.execute("explain (format json) " + query, params)
        row = await cur.fetchone()
        assert row is not None
        plan = row["QUERY PLAN"]
        self.plans.append((query, (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]))
        return await self.conn.execute(query, params)


def _scans(node: dict[str, Any], parent_index: str | None = None) -> list[tuple[str, str, str | None]]:
    """(node type, relation, index) of every scan of a table; a bitmap heap scan names its bitmap's index."""
    out = []
    children = node.get("Plans", [])
    if "Relation Name" in node:
        index = node.get("Index Name")
        if node["Node Type"] == "Bitmap Heap Scan":
            bitmaps = [c.get("Index Name") for c in children if c["Node Type"] == "Bitmap Index Scan"]
            index = bitmaps[0] if len(bitmaps) == 1 else None
        out.append((node["Node Type"], node["Relation Name"], index))
    for child in children:
        out.extend(_scans(child))
    return out


async def test_every_gauge_read_from_the_database_reads_its_rows_by_an_index(db: Conn) -> None:
    await db.execute("set enable_seqscan = off")
    spy = _Explaining(db)
    conn = cast(Conn, spy)
    runs: dict[str, Callable[[], Awaitable[object]]] = {
        "database_figures": lambda: database_figures(conn),
        "queue_stats": lambda: queue_metrics.queue_stats(conn),
        "grading_lag_seconds": lambda: queue_metrics.grading_lag_seconds(conn),
        "failed_jobs": lambda: queue_metrics.failed_jobs(conn),
        "failed_gradings": lambda: queue_metrics.failed_gradings(conn),
    }
    for gauge, run in runs.items():
        spy.plans.clear()
        await run()
        assert spy.plans, gauge
        for query, plan in spy.plans:
            for node_type, relation, index in _scans(plan):
                if relation in SMALL:
                    continue
                assert relation in EXPECTED[gauge], f"{gauge} reads {relation}: {query}"
                assert node_type != "Seq Scan" and index == EXPECTED[gauge][relation], (
                    f"{gauge} reads {relation} by {node_type} {index}, not by {EXPECTED[gauge][relation]}"
                )


# The sums the gauge served before the totals: the oracle.
SUMS = """
select model, coalesce(sum(input_tokens), 0) as input, coalesce(sum(output_tokens), 0) as output,
       coalesce(sum(cost_usd), 0) as cost
from scorecards where model is not null group by model order by model
"""


async def _sessions(conn: Conn, n: int) -> list[str]:
    org = await (
        await conn.execute("insert into organizations (name, slug) values ('Usage', 'usage') returning id")
    ).fetchone()
    assert org is not None
    ids = [f"ses_usage{i:020d}" for i in range(n)]
    for sid in ids:
        await conn.execute(
            "insert into sessions (id, organization_id, room_name, invite_hash, invite_expires_at, expires_at)"
            " values (%s, %s, %s, sha256(%s::bytea), now() + interval '1 day', now() + interval '7 days')",
            (sid, org["id"], "room-" + sid, sid.encode()),
        )
    return ids


async def _served(conn: Conn) -> list[dict[str, Any]]:
    _, usage = await database_figures(conn)
    return sorted(usage, key=lambda u: u["model"])


async def test_grading_usage_totals_equal_the_sums_over_scorecards_through_every_write(db: Conn) -> None:
    ids = await _sessions(db, 4)
    await db.execute(
        "insert into scorecards (session_id, version, status, trigger) select id, 1, 'pending', 'session_end'"
        " from unnest(%s::text[]) id",
        (ids,),
    )
    stored = (
        "update scorecards set status = 'failed', reason = 'grader_error', completed_at = now(), model = %s,"
        " input_tokens = %s, output_tokens = %s, cost_usd = %s where session_id = %s and version = 1"
    )
    await db.execute(stored, ("grader-a", 1000, 200, 0.01, ids[0]))
    await db.execute(stored, ("grader-a", 3000, 400, 0.03, ids[1]))
    assert await _served(db) == await (await db.execute(SUMS)).fetchall()
    await db.execute(
        stored, ("grader-b", 5, None, None, ids[2])
    )  # usage unknown: a model with nothing counted
    await db.execute(
        "update scorecards set scorecard = null where session_id = %s", (ids[0],)
    )  # usage untouched
    await db.execute(stored, ("grader-b", 7000, 700, 0.07, ids[0]))  # a version's model and usage changed
    await db.execute(
        "insert into scorecards (session_id, version, status, trigger, completed_at, reason, model, input_tokens,"
        " output_tokens, cost_usd) values (%s, 2, 'failed', 'regrade', now(), 'grader_error', 'grader-c', 1, 1, 1)",
        (ids[3],),
    )
    expected = await (await db.execute(SUMS)).fetchall()
    assert [u["model"] for u in expected] == ["grader-a", "grader-b", "grader-c"]
    assert await _served(db) == expected
    # Moved into the totals by the scrape: none left over.
    left = await (await db.execute("select count(*) as n from grading_usage_changes")).fetchone()
    assert left == {"n": 0}

    await db.execute("delete from sessions where id = any(%s)", ([ids[1], ids[3]],))  # scorecards cascade
    expected = await (await db.execute(SUMS)).fetchall()
    assert [u["model"] for u in expected] == ["grader-b"]  # a model no stored scorecard names is not served
    assert await _served(db) == expected


async def test_scrapes_of_two_replicas_at_once_move_each_usage_change_once(db: Conn, db_url: str) -> None:
    ids = await _sessions(db, 60)
    await db.execute(
        "insert into scorecards (session_id, version, status, trigger, completed_at, reason, model, input_tokens,"
        " output_tokens, cost_usd) select id, 1, 'failed', 'session_end', now(), 'grader_error',"
        " 'grader-' || (i %% 3), 100 * i, i, i / 1000.0 from unnest(%s::text[]) with ordinality as t(id, i)",
        (ids,),
    )
    expected = await (await db.execute(SUMS)).fetchall()
    replicas = [
        await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) for _ in range(4)
    ]
    try:
        served = await asyncio.gather(*(_served(c) for c in replicas))
    finally:
        for c in replicas:
            await c.close()
    assert all(s == expected for s in served)
    totals = await (
        await db.execute(SUMS.replace("scorecards where model is not null", "grading_usage"))
    ).fetchall()
    assert totals == expected


async def test_a_scrape_that_cannot_write_still_serves_the_usage_and_the_interviews_in_progress(
    db: Conn,
) -> None:
    ids = await _sessions(db, 3)
    await db.execute(
        "insert into scorecards (session_id, version, status, trigger, completed_at, reason, model, input_tokens,"
        " output_tokens, cost_usd) select id, 1, 'failed', 'session_end', now(), 'grader_error', 'grader-a', 10, 1,"
        " 0.5 from unnest(%s::text[]) id",
        (ids,),
    )
    await db.execute(
        "update sessions set status = 'in_progress', started_at = now() where id = %s", (ids[0],)
    )
    expected = await (await db.execute(SUMS)).fetchall()
    # A hot standby, or Supabase's read-only mode once the disk is nearly full: moving the changes is refused.
    await db.execute("set default_transaction_read_only = on")
    try:
        in_progress, usage = await database_figures(db)
    finally:
        await db.execute("set default_transaction_read_only = off")
    assert (in_progress, sorted(usage, key=lambda u: u["model"])) == (1, expected)
    left = await (await db.execute("select count(*) as n from grading_usage_changes")).fetchone()
    assert left == {"n": 3}  # moved by a later scrape that can write
    assert await _served(db) == expected


async def test_a_scrape_with_no_usage_change_to_move_writes_nothing(db: Conn) -> None:
    # Every replica's every scrape runs the move: with nothing to move it takes no transaction id, so it writes no WAL.
    async with db.transaction():
        await database_figures(db)
        row = await (await db.execute("select pg_current_xact_id_if_assigned() as xid")).fetchone()
        raise psycopg.Rollback
    assert row == {"xid": None}
