"""Gauges an operator pages on that live in Postgres, set when `/metrics` is scraped: interviews in progress and
the grading model's stored usage (tokens and cost by model). The queue's own gauges are api/jobs/metrics.py."""

from __future__ import annotations

import psycopg
import structlog

from api.db.pool import Pool, connection
from api.errors import ServiceUnavailableError
from api.metrics import GRADING_LLM_COST, GRADING_LLM_TOKENS, INTERVIEWS_IN_PROGRESS

log = structlog.get_logger(__name__)


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
