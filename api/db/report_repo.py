"""What a report reads besides the scorecard: the timeline's events (with each run's code), the last editor
snapshot, and the question's title."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.db.pool import Conn

# The event types a report shows; tool calls, turn metrics, model usage and agent notes are the agent's own.
TIMELINE_TYPES = (
    "transcript",
    "phase_change",
    "editor_snapshot",
    "test_run",
    "submission",
    "hint",
    "time_warning",
    "integrity",
)


async def timeline_events(
    conn: Conn,
    session_id: str,
    types: tuple[str, ...] = TIMELINE_TYPES,
    *,
    with_code: bool = True,
    run_code_budget: int | None = None,
) -> list[dict[str, Any]]:
    """The session's events of `types` in time order (then seq). With `with_code`, each run or submission carries
    the code it judged (`run_code`, from `submissions`); without, `run_code` is null (a page that lists runs).
    With `run_code_budget`, the newest runs carry theirs until their code adds up to more than that many bytes;
    the older ones carry none, only its size (`run_code_bytes`)."""
    cur = await conn.execute(
        """
        select seq, type, t, payload, run_language,
          case when keep then run_code end as run_code,
          case when not keep then run_code_bytes end as run_code_bytes
        from (
          select e.seq, e.type, e.t, e.payload, sub.language as run_language,
            case when %(code)s then sub.code end as run_code,
            octet_length(sub.code) as run_code_bytes,
            %(budget)s::bigint is null
              or coalesce(sum(octet_length(sub.code)) over newest_first, 0) <= %(budget)s as keep
          from session_events e
          left join submissions sub
            on e.type in ('test_run', 'submission') and sub.session_id = e.session_id
            and sub.id::text = e.payload->>'submission_id'
          where e.session_id = %(s)s and e.type = any(%(types)s)
          window newest_first as (order by e.t desc nulls last, e.seq desc rows unbounded preceding)
        ) events
        order by t nulls first, seq
        """,
        {"s": session_id, "types": list(types), "code": with_code, "budget": run_code_budget},
    )
    return await cur.fetchall()


async def last_snapshot(conn: Conn, session_id: str) -> dict[str, Any] | None:
    """The newest editor snapshot (seq, t, payload), or None."""
    cur = await conn.execute(
        """
        select seq, t, payload from session_events where session_id = %s and type = 'editor_snapshot'
        order by seq desc limit 1
        """,
        (session_id,),
    )
    return await cur.fetchone()


async def question_header(conn: Conn, question_id: UUID | None) -> dict[str, Any] | None:
    if question_id is None:
        return None
    cur = await conn.execute("select slug, title, difficulty from questions where id = %s", (question_id,))
    return await cur.fetchone()
