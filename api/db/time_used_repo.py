"""The time a candidate used, read from the database the way the grader's facts count it (`grader/time_used.py`):
for a report whose scorecard has no facts (not graded yet, or its grading failed), so that it states the same time
the facts will, never `ended_at - started_at` of a session closed late (the stall sweep an hour after the end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.db.bundle_repo import bundle_session
from api.db.pool import Conn
from grader.schemas import BundleEvent
from grader.time_used import Record, record_time_used


@dataclass(frozen=True)
class _RunAt:
    id: str
    created_at: datetime


async def time_used_s(conn: Conn, session: dict[str, Any], left_out: dict[str, Any]) -> float | None:
    """Seconds of the interview the candidate used (None: not both started and ended). `left_out`: what the record
    left out (`report_repo.left_out`: from when it may be incomplete). Reads only the payload fields the count reads
    (a turn's role, a phase's target, a run's author and id), never text or code."""
    if session["started_at"] is None or session["ended_at"] is None:
        return None
    cur = await conn.execute(
        """
        select seq, type, t, created_at,
          jsonb_strip_nulls(jsonb_build_object(
            'role', payload->'role', 'to', payload->'to', 'by', payload->'by',
            'submission_id', payload->'submission_id'
          )) as payload
        from session_events where session_id = %s order by seq
        """,
        (session["id"],),
    )
    events = [
        BundleEvent(seq=e["seq"], type=e["type"], t=e["t"], payload=e["payload"], stored_at=e["created_at"])
        for e in await cur.fetchall()
    ]
    cur = await conn.execute(
        "select id, created_at from submissions where session_id = %s order by created_at, id",
        (session["id"],),
    )
    runs = [_RunAt(str(r["id"]), r["created_at"]) for r in await cur.fetchall()]
    record = Record(
        session=bundle_session(session, left_out),
        events=events,
        runs=runs,
    )
    return record_time_used(record).seconds
