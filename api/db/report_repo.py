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
    conn: Conn, session_id: str, types: tuple[str, ...] = TIMELINE_TYPES, *, with_code: bool = True
) -> list[dict[str, Any]]:
    """The session's events of `types` in time order (then seq). With `with_code`, each run or submission carries
    the code it judged (`run_code`, from `submissions`); without, `run_code` is null (a page that lists runs).
    `run_code_omitted` says a run's code was not kept (past the session's run code budget), with its size in
    `run_code_bytes`, either way. A note's payload is its `kind` alone: the timeline reads notes only for when and
    what they are (gaps in the record, `api/timeline_gaps.py`), and there is one a candidate turn."""
    cur = await conn.execute(
        """
        select e.seq, e.type, e.t,
          case when e.type = 'note' then jsonb_build_object('kind', e.payload->'kind') else e.payload end as payload,
          case when %(code)s and not sub.code_omitted then sub.code end as run_code, sub.language as run_language,
          sub.code_omitted as run_code_omitted, sub.code_bytes as run_code_bytes
        from session_events e
        left join submissions sub
          on e.type in ('test_run', 'submission') and sub.session_id = e.session_id
          and sub.id::text = e.payload->>'submission_id'
        where e.session_id = %(s)s and e.type = any(%(types)s)
        order by e.t nulls first, e.seq
        """,
        {"s": session_id, "types": list(types), "code": with_code},
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


async def accommodation_requests(conn: Conn, session_id: str) -> list[dict[str, Any]]:
    """The candidate's requests for an accommodation or an interview with a person, in order: `seq`, `t`, when it
    was made (`requested_at`), its `kind` and `message` as stored (at most five a session: api/routers/interviews.py;
    ten read, whatever the cap was when they were stored)."""
    cur = await conn.execute(
        """
        select seq, t, created_at as requested_at, payload->>'kind' as kind, payload->>'message' as message
        from session_events where session_id = %s and type = 'accommodation_request'
        order by seq limit 10
        """,
        (session_id,),
    )
    return await cur.fetchall()


async def left_out(conn: Conn, session_id: str) -> dict[str, float | None]:
    """Seconds from the interview's start to when its record first left something out (`record_full_at`,
    `observations_capped_at`; api/db/events_repo.py `note_left_out`), each None while it has not. On the record's
    own clock: an event stored before the start is at 0 s (`append_events`), and so is what was left out before it,
    also while the session never started (not measured from its creation, hours before any event)."""
    cur = await conn.execute(
        """
        select extract(epoch from record_full_at - coalesce(started_at, record_full_at))::float8 as record_full_s,
          extract(epoch from observations_capped_at - coalesce(started_at, observations_capped_at))::float8
            as observations_capped_s
        from sessions where id = %s
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return {"record_full_s": None, "observations_capped_s": None}
    return {k: None if v is None else max(0.0, float(v)) for k, v in row.items()}


async def question_header(conn: Conn, question_id: UUID | None) -> dict[str, Any] | None:
    if question_id is None:
        return None
    cur = await conn.execute("select slug, title, difficulty from questions where id = %s", (question_id,))
    return await cur.fetchone()
