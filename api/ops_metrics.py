"""Gauges an operator pages on that live in Postgres, set when `/metrics` is scraped: interviews in progress and
the grading model's stored usage (tokens and cost by model), and one refresh of them and the queue's own gauges
(api/jobs/metrics.py) shared by the scrapes that arrive together."""

from __future__ import annotations

import asyncio

import psycopg
import structlog

from api.db.pool import Pool, connection
from api.errors import ServiceUnavailableError
from api.jobs.metrics import refresh_queue_metrics
from api.metrics import GRADING_LLM_COST, GRADING_LLM_TOKENS, INTERVIEWS_IN_PROGRESS

log = structlog.get_logger(__name__)


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


async def refresh_database_metrics(pool: Pool) -> None:
    """Set the gauges from the database; when it is unreachable, leave them as they were and say so."""
    try:
        async with connection(pool) as conn:
            cur = await conn.execute("select count(*) as n from sessions where status = 'in_progress'")
            row = await cur.fetchone()
            cur = await conn.execute(
                """
                select model, coalesce(sum(input_tokens), 0) as input, coalesce(sum(output_tokens), 0) as output,
                       coalesce(sum(cost_usd), 0) as cost
                from scorecards where model is not null group by model
                """
            )
            usage = await cur.fetchall()
    except (ServiceUnavailableError, psycopg.Error) as e:
        log.warning("metrics.database_unavailable", error_type=type(e).__name__)
        return
    INTERVIEWS_IN_PROGRESS.set(int(row["n"]) if row else 0)
    GRADING_LLM_TOKENS.clear()
    GRADING_LLM_COST.clear()
    for u in usage:
        GRADING_LLM_TOKENS.labels(model=u["model"], kind="input").set(int(u["input"]))
        GRADING_LLM_TOKENS.labels(model=u["model"], kind="output").set(int(u["output"]))
        GRADING_LLM_COST.labels(model=u["model"]).set(float(u["cost"]))
