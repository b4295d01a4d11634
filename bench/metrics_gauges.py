"""Metrics benchmark: what the gauges `/metrics` reads from Postgres cost a scrape with a season of data, each query
EXPLAIN ANALYZEd on its own throw-away PostgreSQL (the best of `--repeat` runs, warm).

    .venv/bin/python -m bench metrics_gauges [--rows 200000] [--repeat 5]

Seeds `--rows` sessions (one in 5,000 in progress), as many scorecards (one in 300 failed, one in 7,000 pending,
with scorecard and facts of about 1.5 KB) and procrastinate jobs (one in 500 failed), three events each. Baseline,
measured in the same run: the queries before migrations 20270121090000 (indexes) and 20270121090100 (usage totals),
with those indexes dropped in a transaction rolled back afterwards and the usage summed over `scorecards`. Target:
every gauge under 1 ms, by an index (tests/api/test_metrics_query_plans.py holds the plans).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from api.db.embedded import EmbeddedPostgres
from api.db.migrate import migrate
from api.jobs import metrics as queue_metrics
from api.ops_metrics import IN_PROGRESS, USAGE, database_figures
from bench._machine import describe_cpu
from bench._report_measure import loadavg

SEED = """
set session_replication_role = replica;  -- no triggers: the rows as a season left them, fast
insert into organizations (name, slug) values ('Bench', 'bench');
insert into sessions (id, organization_id, status, language, room_name, invite_hash, invite_expires_at,
  duration_minutes, expires_at, created_at, started_at, ended_at)
select 'ses_g' || lpad(to_hex(i), 23, '0'), (select id from organizations limit 1),
  case when i %% 5000 = 0 then 'in_progress' when i %% 10 = 0 then 'scheduled' else 'completed' end, 'python',
  'g' || i, sha256(('g' || i)::bytea), now() + interval '3 days', 45, now() + interval '7 days',
  now() - i * interval '2 minutes', now() - i * interval '2 minutes',
  now() - i * interval '2 minutes' + interval '45 minutes'
from generate_series(1, %(rows)s) i;
insert into scorecards (session_id, version, status, trigger, model, input_tokens, output_tokens, cost_usd,
  created_at, completed_at, reason, scorecard, recommendation, facts)
select 'ses_g' || lpad(to_hex(i), 23, '0'), 1, st, 'session_end',
  case when st = 'pending' then null when i %% 3 = 0 then 'gpt-4.1' else 'gpt-4.1-mini' end,
  case when st <> 'pending' then 20000 + i %% 1000 end, case when st <> 'pending' then 1500 + i %% 100 end,
  case when st <> 'pending' then 0.01 + (i %% 10) / 1000.0 end,
  now() - i * interval '2 minutes',
  case when st <> 'pending' then now() - i * interval '2 minutes' + interval '1 minute' end,
  case when st = 'failed' then 'grader_error' end,
  case when st = 'ready' then jsonb_build_object('summary', repeat(md5(i::text), 30)) end,
  case when st = 'ready' then 'hire' end,
  case when st <> 'pending' then jsonb_build_object('facts', repeat(md5((i + 1)::text), 20)) end
from (select i, case when i %% 7000 = 0 then 'pending' when i %% 300 = 0 then 'failed' else 'ready' end as st
      from generate_series(1, %(rows)s) i) g;
insert into grading_usage (model, scorecards, input_tokens, output_tokens, cost_usd)
select model, count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(cost_usd), 0)
from scorecards where model is not null group by model;
insert into procrastinate_jobs (queue_name, task_name, status, args)
select (array['grading', 'webhooks', 'integrations', 'email', 'artifacts', 'maintenance'])[1 + i %% 6],
  'task_' || (i %% 6),
  (case when i %% 20000 = 0 then 'todo' when i %% 25000 = 0 then 'doing' when i %% 500 = 0 then 'failed'
        else 'succeeded' end)::procrastinate_job_status, '{}'::jsonb
from generate_series(1, %(rows)s) i;
insert into procrastinate_events (job_id, type, at)
select j.id, e.type::procrastinate_job_event_type,
  now() - (%(rows)s + 1 - j.id) * interval '3 seconds' + e.k * interval '1 second'
from procrastinate_jobs j
cross join lateral (values (0, 'deferred'), (1, 'started'),
  (2, case when j.status = 'failed' then 'failed' when j.status = 'succeeded' then 'succeeded' end)) e(k, type)
where e.type is not null;
set session_replication_role = origin;
"""

# Before 20270121090100: the usage summed over every scorecard at each scrape.
USAGE_BEFORE = """
select model, coalesce(sum(input_tokens), 0) as input, coalesce(sum(output_tokens), 0) as output,
       coalesce(sum(cost_usd), 0) as cost
from scorecards where model is not null group by model
"""
INDEXES = (
    "sessions_in_progress_idx",
    "scorecards_failed_completed_idx",
    "shadows_procrastinate_events_failed_at_idx",
)


class _Recorder:
    """Collects the statements a gauge runs (with their parameters), to EXPLAIN them apart."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.statements: list[tuple[str, Any]] = []

    async def execute(self, query: str, params: Any = None) -> Any:
        self.statements.append((query, params))
        return await self.conn.execute(query, params)


async def _statements(url: str) -> dict[str, list[tuple[str, Any]]]:
    out = {}
    async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
        for name, fn in (
            ("interviews in progress + usage", database_figures),
            ("queue jobs, oldest, silent", queue_metrics.queue_stats),
            ("grading lag", queue_metrics.grading_lag_seconds),
            ("jobs failed, last hour", queue_metrics.failed_jobs),
            ("gradings failed, last hour", queue_metrics.failed_gradings),
        ):
            rec = _Recorder(conn)
            await fn(rec)  # type: ignore[arg-type]  # a recorder standing in for the connection
            out[name] = rec.statements
    return out


def _nodes(plan: dict[str, Any]) -> list[str]:
    name = plan.get("Index Name") or plan.get("Relation Name")
    out = [plan["Node Type"] + (f" {name}" if name else "")]
    for child in plan.get("Plans", []):
        out.extend(_nodes(child))
    return out


def _measure(conn: psycopg.Connection[Any], query: str, params: Any, repeat: int) -> tuple[float, list[str]]:
    best = float("inf")
    scans: list[str] = []
    for _ in range(repeat):
        row = conn.execute("explain (analyze, format json) " + query, params).fetchone()
        assert row is not None
        plan = (json.loads(row[0]) if isinstance(row[0], str) else row[0])[0]
        best = min(best, plan["Execution Time"])
        scans = [n for n in _nodes(plan["Plan"]) if "Scan" in n]
    return best, scans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench metrics_gauges")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"cpu: {describe_cpu()}; load {loadavg()}")
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as tmp:
        Path(tmp).chmod(0o755)  # as root the server runs as `postgres`, which must reach its directory
        pg = EmbeddedPostgres(Path(tmp) / "pg", fast_unsafe=True)
        url = pg.start()
        try:
            asyncio.run(migrate(url))
            started = time.perf_counter()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(SEED.encode() % {b"rows": str(args.rows).encode()})  # a constant script, an int
                for table in ("sessions", "scorecards", "procrastinate_jobs", "procrastinate_events"):
                    conn.execute(f"vacuum analyze {table}")
            print(f"seeded {args.rows} rows a table in {time.perf_counter() - started:.1f} s")
            gauges = asyncio.run(_statements(url))
            with psycopg.connect(url, autocommit=True) as conn:
                totals = {"after": 0.0, "before": 0.0}
                for name, statements in gauges.items():
                    for query, params in statements:
                        if query.lstrip().startswith("with moved"):
                            continue  # the move of usage changes: nothing to move here, no baseline
                        after, scans_after = _measure(conn, query, params, args.repeat)
                        conn.execute("begin")
                        for index in INDEXES:
                            conn.execute(f"drop index {index}")
                        before_query = USAGE_BEFORE if query == USAGE else query
                        before, scans_before = _measure(conn, before_query, params, args.repeat)
                        conn.execute("rollback")
                        totals["after"] += after
                        totals["before"] += before
                        what = (
                            "usage by model"
                            if query == USAGE
                            else ("in progress" if query == IN_PROGRESS else "")
                        )
                        print(f"{name}{' (' + what + ')' if what else ''}:")
                        print(f"  before {before:8.2f} ms  {'; '.join(scans_before)}")
                        print(f"  after  {after:8.2f} ms  {'; '.join(scans_after)}")
                print(f"a scrape's queries: before {totals['before']:.1f} ms, after {totals['after']:.2f} ms")
        finally:
            pg.stop()
    return 0
