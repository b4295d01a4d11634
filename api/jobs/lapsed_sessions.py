"""Sessions that lapsed without anyone saying so: a periodic job (every 5 minutes, on the maintenance queue) that
ends them, so that whoever waits for a session's end (a webhook receiver, an ATS) is told.

- **An invite that ran out unused.** `sessions.expired_at` records, once per session, that a scheduled session's
  invite expired before the candidate started. Its trigger (`sessions_outbox_expired`) emits the
  `session.expired` webhook event and queues the calls to the ATS that asked for the session (Ashby's
  cancellation, Greenhouse's PATCH that makes it read `test_status` = `expired`), in the same transaction. The
  session keeps its `scheduled` status; its join link is refused past `invite_expires_at` (`api.deps`). Swept
  `INVITE_GRACE` after the expiry, not at once: a candidate who joined in the invite's last seconds is marked in
  progress by LiveKit's webhook a moment later, and is then never reported expired.
- **An interview nothing ended.** The agent's completion call and LiveKit's `room_finished` are what end a running
  session; when both are lost (the agent died, the API was down through LiveKit's retries), it stayed in progress
  for ever, ungraded. Past its end (start, duration and extra time) and `STALLED_GRACE`, it is abandoned
  (`end_reason` `stalled`) and its grading requested, in one transaction, as `room_finished` does: the status
  trigger emits `session.abandoned`, and `scorecard.ready` or `scorecard.failed` follows. An interview whose
  interviewer had recorded its end (only the completion call was lost) is completed instead, `end_reason`
  `ended_agent_lost`, `ended_at` the END's time (not this sweep's, an hour later), and `session.completed` is
  emitted (`endings_repo.end_unattended`). The agent's completion is then long past its grace: nothing of it
  replaces this ending (`api.db.late_completion`).
- **A grading no job will finish.** A pending scorecard version whose grading job ended without storing an
  outcome (the database lost on its last attempt; the job cancelled or deleted) is failed as
  `grading_interrupted` (`api.jobs.grading.fail_orphaned_versions`), so that a re-grade is accepted again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import structlog
from procrastinate import JobContext

from api.db import endings_repo
from api.db.pool import Conn, Pool, connection
from api.jobs.grading import fail_orphaned_versions, request_grading
from api.jobs.queue import queue
from api.jobs.resources import resources

log = structlog.get_logger(__name__)

LAPSED_SESSIONS_CRON = "*/5 * * * *"
INVITE_GRACE = timedelta(minutes=2)
# Past the interview's end: the agent's goodbye, LiveKit's departure and empty-room timeouts (minutes) and its
# webhook's retries all fit well inside it.
STALLED_GRACE = timedelta(hours=1)
BATCH = 500
MAX_PER_RUN = 20_000  # a backlog is worked through over several runs


async def expire_unused_invites(conn: Conn, limit: int = BATCH) -> int:
    """Record up to `limit` expired invites (skipping rows another transaction holds); returns how many."""
    async with conn.transaction():
        cur = await conn.execute(
            """
            update sessions set expired_at = now()
            where id in (
              select id from sessions
              where status = 'scheduled' and expired_at is null and invite_expires_at <= now() - %s
              order by invite_expires_at
              limit %s
              for update skip locked
            )
              and status = 'scheduled' and expired_at is null
            returning id
            """,
            (INVITE_GRACE, limit),
        )
        rows = await cur.fetchall()
    return len(rows)


async def abandon_stalled_sessions(conn: Conn, limit: int = BATCH) -> int:
    """End up to `limit` sessions still in progress `STALLED_GRACE` past their end (abandoned, or completed when
    their END was recorded: `endings_repo.end_unattended`), and request their grading; returns how many."""
    async with conn.transaction():
        cur = await conn.execute(
            """
            select id from sessions
            where status = 'in_progress' and started_at is not null
              and started_at + make_interval(mins => duration_minutes + coalesce(extra_time_minutes, 0)) + %s
                  <= now()
            order by started_at
            limit %s
            for update skip locked
            """,
            (STALLED_GRACE, limit),
        )
        ended = 0
        for row in await cur.fetchall():
            status = await endings_repo.end_unattended(conn, row["id"], "stalled")
            if status is not None:
                await request_grading(conn, row["id"], trigger="session_end")
                what = "session.stalled_abandoned" if status == "abandoned" else "session.stalled_completed"
                log.warning(what, session_id=row["id"])
                ended += 1
    return ended


async def _sweep(pool: Pool, step: Callable[[Conn], Awaitable[int]]) -> int:
    swept = 0
    while swept < MAX_PER_RUN:
        async with connection(pool) as conn:
            n = await step(conn)
        swept += n
        if n < BATCH:
            break
    return swept


@queue.task(
    name="sweep_lapsed_sessions",
    queue="maintenance",
    pass_context=True,
    queueing_lock="sweep_lapsed_sessions",
)
async def sweep_lapsed_sessions(context: JobContext, timestamp: int) -> None:
    """Record the invites that expired unused, abandon the interviews nothing ended and fail the gradings no job
    will finish, since the last run (each one's events, ATS calls and grading follow)."""
    res = resources(context)
    expired = await _sweep(res.pool, expire_unused_invites)
    stalled = await _sweep(res.pool, abandon_stalled_sessions)
    orphaned = await fail_orphaned_versions(res)
    if expired or stalled or orphaned:
        log.info(
            "sessions.lapsed",
            invites_expired=expired,
            interviews_abandoned=stalled,
            gradings_interrupted=orphaned,
        )
