"""The agent's completion that comes after its session was ended without it (`endings_repo.mark_completed`).

LiveKit's `room_finished` (the session `abandoned`, `end_reason` `room_finished`) or, once the interviewer had
recorded the END, `room_finished` or the stall sweep (`completed`, `ended_agent_lost`) may end a session before the
agent's completion call arrives. That ending is written with what follows from it, in its transaction: the end
event (`session.completed` / `session.abandoned`) queued for the organisation's webhook endpoints, one grading
(a pending scorecard version and its `grade_session` job). A completion within the grace may replace the ending
(its code and reason: the agent was not lost after all) only while none of that has gone out:

- no scorecard version of the session is graded, and no `grade_session` job of it has started (taken by a worker
  or attempted before): the grading then reads the replaced record when it runs;
- no end event of the session has been sent or is being sent (a delivery attempted, or its job taken).

The session's row is locked by the caller; the waiting jobs of the session's grading and of its endpoints are
locked here (`for share`) until the caller's transaction ends, and a worker skips a locked job, so nothing can
start between this check and the replacement's commit. What is queued is then made to say what the record says:
a queued `session.completed` takes the new `end_reason`, a queued `session.abandoned` is withdrawn (the status
change emits `session.completed`). Otherwise the completion is refused whole: `EndingAlreadyReportedError`
(409 `ending_already_reported`), and nothing of it is stored. A receiver, an ATS or a scorecard never holds an
ending that the session's record no longer says.

The ending's one call to an ATS (Ashby's "being graded" status, `api.jobs.grading.request_grading`) carries
neither the code nor the reason, so it does not count as gone out.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.db.pool import Conn
from api.errors import ConflictError

END_EVENTS = ("session.completed", "session.abandoned")


class EndingAlreadyReportedError(ConflictError):
    code = "ending_already_reported"


@dataclass(frozen=True)
class GoneOut:
    """What of an unattended ending has left: a scorecard graded or being graded, an end event sent or sending."""

    graded: bool
    sent: bool

    def __bool__(self) -> bool:
        return self.graded or self.sent


async def gone_out(conn: Conn, session_id: str) -> GoneOut:
    """What of the session's ending has gone out, read under the session's row lock (the caller's), after locking
    the session's waiting grading and webhook jobs so that none starts before the caller's transaction ends."""
    await conn.execute(
        """
        select j.id from procrastinate_jobs j
        where j.status in ('todo', 'doing')
          and (j.lock = 'grade:' || %(id)s
               or j.lock in (select distinct 'webhook:' || d.endpoint_id || ':' || %(id)s
                             from webhook_deliveries d where d.session_id = %(id)s))
        order by j.id
        for share of j
        """,
        {"id": session_id},
    )
    cur = await conn.execute(
        """
        select
          exists (select from scorecards where session_id = %(id)s and status <> 'pending')
          or exists (
            select from procrastinate_jobs j
            where j.status in ('todo', 'doing') and j.lock = 'grade:' || %(id)s
              and j.task_name = 'grade_session' and (j.status = 'doing' or j.attempts > 0)
          ) as graded,
          exists (
            select from webhook_deliveries d
            where d.session_id = %(id)s and d.event_type = any(%(events)s)
              and (d.status <> 'pending' or d.attempts > 0 or exists (
                select from procrastinate_jobs j
                where j.status in ('todo', 'doing') and j.lock = 'webhook:' || d.endpoint_id || ':' || %(id)s
                  and j.task_name = 'deliver_webhook' and j.args ->> 'delivery_id' = d.id::text
                  and (j.status = 'doing' or j.attempts > 0)
              ))
          ) as sent
        """,
        {"id": session_id, "events": list(END_EVENTS)},
    )
    row = await cur.fetchone()
    assert row is not None
    return GoneOut(graded=bool(row["graded"]), sent=bool(row["sent"]))


async def restate_queued_ending(conn: Conn, session_id: str, *, was: str, reason: str) -> None:
    """After the replacement (nothing of the ending gone out): the queued end events say what the record says.
    `was` is the status the unattended ending had set."""
    if was == "completed":
        await conn.execute(
            """
            update webhook_deliveries set payload = jsonb_set(payload, '{data,end_reason}', to_jsonb(%s::text))
            where session_id = %s and event_type = 'session.completed' and status = 'pending' and attempts = 0
            """,
            (reason, session_id),
        )
    else:  # its job finds no delivery and skips it (api.webhooks.delivery)
        await conn.execute(
            """
            delete from webhook_deliveries
            where session_id = %s and event_type = 'session.abandoned' and status = 'pending' and attempts = 0
            """,
            (session_id,),
        )
