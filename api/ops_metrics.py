"""Gauges an operator pages on that live in Postgres, set when `/metrics` is scraped: interviews in progress and
the grading model's stored usage (tokens and cost by model), and one refresh of them and the queue's own gauges
(api/jobs/metrics.py) shared by the scrapes that arrive together.

Each query reads an index or a few rows, never a whole table (`tests/api/test_metrics_query_plans.py`): the usage
is kept as totals by model (`grading_usage`, migration 20270121090100) plus the changes a trigger on `scorecards`
appended since; a scrape first moves up to USAGE_MOVE_BATCH of those changes into the totals, in one statement (a
scrape that cannot write, on a read-only database, skips that and still serves the same figures). The hourly
pruning job moves them too (`api.jobs.pruning.fold_usage_changes`), so they do not pile up where nothing scrapes."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import structlog

from api.db.pool import Conn, Pool, connection
from api.errors import ServiceUnavailableError
from api.jobs.metrics import refresh_queue_metrics
from api.metrics import GRADING_LLM_COST, GRADING_LLM_TOKENS, INTERVIEWS_IN_PROGRESS

log = structlog.get_logger(__name__)

USAGE_MOVE_BATCH = 10_000

IN_PROGRESS = "select count(*) as n from sessions where status = 'in_progress'"

# Ordered by model: two movers (replicas' scrapes, the pruning job) moving changes of the same models lock their
# totals in the same order. Each row it returns carries how many changes it moved (none returned: none moved).
MOVE_USAGE_CHANGES = """
with moved as (
  delete from grading_usage_changes
  where id in (select id from grading_usage_changes order by id limit %(limit)s for update skip locked)
  returning model, scorecards, input_tokens, output_tokens, cost_usd
)
insert into grading_usage as u (model, scorecards, input_tokens, output_tokens, cost_usd)
select model, sum(scorecards), sum(input_tokens), sum(output_tokens), sum(cost_usd) from moved
group by model order by model
on conflict (model) do update set scorecards = u.scorecards + excluded.scorecards,
  input_tokens = u.input_tokens + excluded.input_tokens, output_tokens = u.output_tokens + excluded.output_tokens,
  cost_usd = u.cost_usd + excluded.cost_usd
returning (select count(*) from moved) as moved
"""

# One statement, one snapshot: a move committing meanwhile is seen whole or not at all. A model is served while a
# stored scorecard names it, as the sum over `scorecards` did.
USAGE = """
select model, sum(input_tokens) as input, sum(output_tokens) as output, sum(cost_usd) as cost
from (
  select model, scorecards, input_tokens, output_tokens, cost_usd from grading_usage
  union all
  select model, scorecards, input_tokens, output_tokens, cost_usd from grading_usage_changes
) usage
group by model having sum(scorecards) > 0
"""


class DatabaseGauges:
    """One per app: every gauge `/metrics` reads from Postgres (these and the queue's), refreshed by one scrape at a
    time. A scrape that arrives while a refresh runs waits for it and takes its figures (read a moment before it
    came) instead of reading again: however many scrapes arrive at once, they hold one pooled connection, not one
    each. `/metrics` needs no credentials unless SHADOWS_API_METRICS_TOKEN is set."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._refreshes = 0  # completed refreshes

    async def refresh(self, pool: Pool) -> None:
        seen = self._refreshes
        async with self._lock:
            if self._refreshes != seen:  # one ran while this scrape waited: its figures are as fresh
                return
            await refresh_queue_metrics(pool)
            await refresh_database_metrics(pool)
            self._refreshes += 1


async def move_usage_changes(conn: Conn, limit: int) -> int:
    """Move up to `limit` of the oldest usage changes no other transaction holds into the totals, in one statement;
    returns how many moved. Run by each scrape and by the hourly pruning job (`api.jobs.pruning`)."""
    cur = await conn.execute(MOVE_USAGE_CHANGES, {"limit": limit})
    row = await cur.fetchone()
    return int(row["moved"]) if row else 0


async def database_figures(conn: Conn) -> tuple[int, list[dict[str, Any]]]:
    """Interviews in progress, and the stored usage by model (`model`, `input`, `output`, `cost`)."""
    cur = await conn.execute(IN_PROGRESS)
    row = await cur.fetchone()
    try:
        await move_usage_changes(conn, USAGE_MOVE_BATCH)
    except psycopg.Error as e:
        # Housekeeping only: USAGE reads the changes not moved too. A connection that cannot write (a standby, the
        # database read-only once its disk is nearly full) or a move held past the lock timeout still serves.
        if conn.broken:
            raise
        log.warning("metrics.usage_changes_not_moved", error_type=type(e).__name__)
    cur = await conn.execute(USAGE)
    return (int(row["n"]) if row else 0), await cur.fetchall()


async def refresh_database_metrics(pool: Pool) -> None:
    """Set the gauges from the database; when it is unreachable, leave them as they were and say so."""
    try:
        async with connection(pool) as conn:
            in_progress, usage = await database_figures(conn)
    except (ServiceUnavailableError, psycopg.Error) as e:
        log.warning("metrics.database_unavailable", error_type=type(e).__name__)
        return
    INTERVIEWS_IN_PROGRESS.set(in_progress)
    GRADING_LLM_TOKENS.clear()
    GRADING_LLM_COST.clear()
    for u in usage:
        GRADING_LLM_TOKENS.labels(model=u["model"], kind="input").set(int(u["input"]))
        GRADING_LLM_TOKENS.labels(model=u["model"], kind="output").set(int(u["output"]))
        GRADING_LLM_COST.labels(model=u["model"]).set(float(u["cost"]))
