"""Scorecard versions in Postgres: add the next pending version, store a grading outcome once, read versions."""

from __future__ import annotations

from typing import Any, Literal

from psycopg.types.json import Jsonb

from api.db.pool import Conn

Trigger = Literal["session_end", "regrade"]

COLUMNS = """
  session_id, version, status, reason, trigger, recommendation, overall_score, scorecard, facts, needs_human_review,
  model, prompt_version, rubric_version, input_tokens, output_tokens, cost_usd, duration_ms, samples, created_at,
  completed_at
"""


async def add_version(conn: Conn, session_id: str, trigger: Trigger) -> int | None:
    """Insert the session's next version as `pending` and return its number. The caller holds the session's row
    lock in its transaction, so versions are allocated one at a time. A second `session_end` version is refused
    by a unique index: None."""
    cur = await conn.execute(
        """
        insert into scorecards (session_id, version, status, trigger)
        select %(s)s, coalesce(max(version), 0) + 1, 'pending', %(t)s from scorecards where session_id = %(s)s
        on conflict do nothing
        returning version
        """,
        {"s": session_id, "t": trigger},
    )
    row = await cur.fetchone()
    return int(row["version"]) if row else None


async def store_outcome(
    conn: Conn,
    session_id: str,
    version: int,
    *,
    status: Literal["ready", "failed"],
    reason: str | None,
    scorecard: dict[str, Any] | None,
    recommendation: str | None,
    overall_score: float | None,
    facts: dict[str, Any] | None,
    needs_human_review: bool,
    model: str | None,
    prompt_version: str | None,
    rubric_version: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
    cost_usd: float | None,
    samples: int | None,
    duration_ms: int | None,
) -> bool:
    """Finish a pending version. Only the first outcome is stored: a job that runs twice (a stalled worker that
    finishes after all) cannot overwrite it. True when this call stored it."""
    cur = await conn.execute(
        """
        update scorecards set status = %(status)s, reason = %(reason)s, scorecard = %(scorecard)s,
          recommendation = %(recommendation)s, overall_score = %(overall_score)s, facts = %(facts)s,
          needs_human_review = %(review)s, model = %(model)s, prompt_version = %(prompt_version)s,
          rubric_version = %(rubric_version)s, input_tokens = %(input_tokens)s, output_tokens = %(output_tokens)s,
          cost_usd = %(cost_usd)s, samples = %(samples)s, duration_ms = %(duration_ms)s, completed_at = now()
        where session_id = %(session_id)s and version = %(version)s and status = 'pending'
        returning version
        """,
        {
            "status": status,
            "reason": reason,
            "scorecard": Jsonb(scorecard) if scorecard is not None else None,
            "recommendation": recommendation,
            "overall_score": overall_score,
            "facts": Jsonb(facts) if facts is not None else None,
            "review": needs_human_review,
            "model": model,
            "prompt_version": prompt_version,
            "rubric_version": rubric_version,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cost_usd": cost_usd,
            "samples": samples,
            "duration_ms": duration_ms,
            "session_id": session_id,
            "version": version,
        },
    )
    return await cur.fetchone() is not None


async def get_version(conn: Conn, session_id: str, version: int) -> dict[str, Any] | None:
    cur = await conn.execute(
        f"select {COLUMNS} from scorecards where session_id = %s and version = %s",  # noqa: S608  # constant columns
        (session_id, version),
    )
    return await cur.fetchone()


async def list_versions(conn: Conn, session_id: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Newest first."""
    cur = await conn.execute(
        f"select {COLUMNS} from scorecards where session_id = %s order by version desc limit %s",  # noqa: S608  # constant columns
        (session_id, limit),
    )
    return await cur.fetchall()


async def shown_and_latest(conn: Conn, session_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(the version to show, the newest version); None before any grading. The version to show is the newest
    `ready` one, or the newest version when none is ready: a re-grade that is pending or failed never hides a
    ready scorecard (docs/grading.md, "Which version is shown")."""
    cur = await conn.execute(
        f"""
        select {COLUMNS} from scorecards where session_id = %(s)s and version in (
          (select max(version) from scorecards where session_id = %(s)s),
          (select max(version) from scorecards where session_id = %(s)s and status = 'ready')
        ) order by version desc
        """,  # noqa: S608  # constant columns
        {"s": session_id},
    )
    rows = await cur.fetchall()
    if not rows:
        return None
    return rows[-1] if rows[-1]["status"] == "ready" else rows[0], rows[0]


async def count_versions(conn: Conn, session_id: str) -> int:
    cur = await conn.execute("select count(*) as n from scorecards where session_id = %s", (session_id,))
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def pending_version(conn: Conn, session_id: str) -> int | None:
    cur = await conn.execute(
        "select min(version) as v from scorecards where session_id = %s and status = 'pending'", (session_id,)
    )
    row = await cur.fetchone()
    return int(row["v"]) if row and row["v"] is not None else None


async def orphaned_pending(conn: Conn, task_name: str, limit: int) -> list[tuple[str, int]]:
    """Up to `limit` pending versions (oldest first) that no job of `task_name` will ever finish: none for that
    session and version is queued (`todo`, including one waiting to be retried) or running (`doing`; a job on a
    dead worker is put back by `retry_stalled_jobs`). Its job failed for good without storing an outcome, or was
    cancelled, aborted or deleted from the queue. A version and its job are committed in one transaction, so a
    version is never seen here before its job is."""
    cur = await conn.execute(
        """
        select s.session_id, s.version from scorecards s
        where s.status = 'pending' and not exists (
          select 1 from procrastinate_jobs j
          where j.task_name = %(task)s and j.status in ('todo', 'doing', 'aborting')
            and j.args @> jsonb_build_object('session_id', s.session_id, 'version', s.version)
        )
        order by s.created_at
        limit %(limit)s
        """,
        {"task": task_name, "limit": limit},
    )
    return [(row["session_id"], int(row["version"])) for row in await cur.fetchall()]


async def oldest_pending_age_s(conn: Conn) -> float:
    cur = await conn.execute(
        "select coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age "
        "from scorecards where status = 'pending'"
    )
    row = await cur.fetchone()
    return max(0.0, float(row["age"])) if row else 0.0


async def cited_events(conn: Conn, session_id: str, seqs: list[int]) -> dict[int, dict[str, Any]]:
    """The events that citations point at: seq -> {type, t, start, end, role, typed, by} (start, end, role and
    typed only for transcript lines; by, who made it, only for runs and submissions)."""
    if not seqs:
        return {}
    cur = await conn.execute(
        """
        select seq, type, t,
          case when type = 'transcript' and jsonb_typeof(payload->'start') = 'number'
               then (payload->>'start')::float8 end as start,
          case when type = 'transcript' and jsonb_typeof(payload->'end') = 'number'
               then (payload->>'end')::float8 end as "end",
          case when type = 'transcript' then payload->>'role' end as role,
          case when type = 'transcript' then coalesce(payload->'typed' = 'true'::jsonb, false) end as typed,
          case when type in ('test_run', 'submission') then payload->>'by' end as by
        from session_events where session_id = %s and seq = any(%s)
        """,
        (session_id, sorted(set(seqs))),
    )
    return {int(r["seq"]): r for r in await cur.fetchall()}
