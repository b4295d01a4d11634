"""The time a candidate used, read from the database the way the grader's facts count it (`grader/time_used.py`):
for a report whose scorecard has no facts (not graded yet, or its grading failed), so that it states the same time
the facts will, never `ended_at - started_at` of a session closed late (the stall sweep an hour after the end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from api.db.bundle_repo import bundle_session
from api.db.pool import Conn
from grader.schemas import BundleEvent
from grader.time_used import CANDIDATE_EVENTS, GRADER, Record, record_time_used

# The events `record_time_used` can use, in `seq` order: the first `end` phase change (`_interviewer_end`), the
# latest event that is not the grader's (`_last_recorded`), the candidate's latest line, snapshot, run or
# submission (`_last_candidate_activity`), and the grader's own (which name the runs that are not counted). Every
# time is read from `created_at` (never null), so the latest of each kind gives each maximum; the rest of the log
# could change none of them. Selected over one scan of the session's rows, on the payload fields alone.
_PICKED_EVENTS = """
with e as materialized (
  select seq, type, t, created_at,
    jsonb_strip_nulls(jsonb_build_object(
      'role', payload->'role', 'to', payload->'to', 'by', payload->'by', 'submission_id', payload->'submission_id'
    )) as payload
  from session_events where session_id = %(session_id)s
), picked as (
  (select * from e where type = 'phase_change' and payload->'to' = '"end"'::jsonb order by seq limit 1)
  union all
  (select * from e where payload->'by' is distinct from %(grader)s order by created_at desc limit 1)
  union all
  (select * from e
   where (type = 'transcript' and payload->'role' = '"user"'::jsonb)
      or (type = any(%(candidate)s) and payload->'by' is distinct from %(grader)s)
   order by created_at desc limit 1)
  union all
  (select * from e where payload->'by' = %(grader)s)
)
select distinct on (seq) * from picked order by seq
"""


@dataclass(frozen=True)
class _RunAt:
    id: str
    created_at: datetime


async def time_used_s(conn: Conn, session: dict[str, Any], left_out: dict[str, Any]) -> float | None:
    """Seconds of the interview the candidate used (None: not both started and ended). `left_out`: what the record
    left out (`report_repo.left_out`: from when it may be incomplete). Reads only the payload fields the count reads
    (a turn's role, a phase's target, a run's author and id), never text or code, and hands over only the rows the
    count can use (`_PICKED_EVENTS`): a record of thousands of events is a few rows, counted by the grader's own
    `record_time_used`."""
    if session["started_at"] is None or session["ended_at"] is None:
        return None
    cur = await conn.execute(
        _PICKED_EVENTS,
        {"session_id": session["id"], "grader": Jsonb(GRADER), "candidate": sorted(CANDIDATE_EVENTS)},
    )
    events = [
        BundleEvent(seq=e["seq"], type=e["type"], t=e["t"], payload=e["payload"], stored_at=e["created_at"])
        for e in await cur.fetchall()
    ]
    # Only the latest run or submission that is not the grader's own counts (`_last_candidate_activity`,
    # `_last_recorded`): the grader's are named by their events, all of which are among those read.
    graders = sorted({str(e.payload.get("submission_id")) for e in events if e.payload.get("by") == GRADER})
    cur = await conn.execute(
        """
        select id, created_at from submissions where session_id = %s and not (id::text = any(%s))
        order by created_at desc, id desc limit 1
        """,
        (session["id"], graders),
    )
    runs = [_RunAt(str(r["id"]), r["created_at"]) for r in await cur.fetchall()]
    record = Record(
        session=bundle_session(session, left_out),
        events=events,
        runs=runs,
    )
    return record_time_used(record).seconds
