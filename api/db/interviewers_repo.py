"""One interviewer per interview: the agent job that holds a session (`session_interviewers`).

LiveKit admits any number of agent participants to a room, so two agent jobs can run one session: a dispatch
racing the first job's arrival, a redispatch after a webhook. Each would resume from the log, answer the candidate
and write its own transcript, hints and ending into the one record. The job that starts the session holds it
(`claim`, from `POST /v1/internal/sessions/{id}/start` with the LiveKit job id); only the holder's events and
completion are stored (`hold`). The holder's lease (`LEASE_S`) is renewed by its heartbeats and event posts, so a
crashed job stops blocking a redispatched one within the lease. It ends at once (`release`) when LiveKit reports
the holder leaving the room, or when the holder completes the session; a released claim is never renewed again,
but the holder keeps the record until another job claims it (its last events are flushed after it left the room:
livekit disconnects a job before its shutdown callbacks run).

Lock order: the claim row before the session row (`claim` or `hold` then the start's status check, `hold` then
the event append, a run's store or the completion; `release` then a redispatch reservation; the claim row, then
the session's, in an erasure: api.erasure), so that no two of these transactions wait on each other in opposite
orders. The start's claim and status check commit together: a completion committing between them let a waiting
job claim the finished session (a second interviewer in the room after the end).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from psycopg.errors import ForeignKeyViolation

from api.db.pool import Conn
from api.errors import ConflictError

LEASE_S = 40  # a crashed job whose leave LiveKit never reported blocks a redispatched one at most this long
RENEW_WHEN_LEFT_S = 30  # an event post renews the lease only once less than this is left (a write per ~10 s)


class Hold(StrEnum):
    HOLDER = "holder"  # the caller holds the session (renewed unless released)
    OTHER = "other"  # another job holds it: the caller may not write
    UNCLAIMED = "unclaimed"  # never claimed; to a caller without a job id, also a lease that ended


class InterviewerPresentError(ConflictError):
    """Another agent job holds this session: the caller must leave without speaking or writing."""

    code = "interviewer_present"


@dataclass(frozen=True)
class Claim:
    job_id: str
    live: bool  # the lease has not run out and was not released


async def claim(conn: Conn, session_id: str, job_id: str) -> bool:
    """Take or keep the session for `job_id`: True when it holds it now. A repeat by the holder renews the lease
    (a retried start is idempotent); another job takes it only once the holder's lease ran out or was released.
    In the caller's transaction (the start's), the claim row stays locked until it commits; a session erased
    meanwhile is False, and leaves that transaction usable (a savepoint)."""
    try:
        async with conn.transaction():
            cur = await conn.execute(
                """
                insert into session_interviewers as c (session_id, job_id, lease_until)
                values (%s, %s, now() + make_interval(secs => %s))
                on conflict (session_id) do update
                  set job_id = excluded.job_id, lease_until = excluded.lease_until, released_at = null,
                      claimed_at = case when c.job_id = excluded.job_id then c.claimed_at else now() end
                  where (c.job_id = excluded.job_id and c.released_at is null) or c.lease_until <= now()
                returning job_id
                """,
                (session_id, job_id, LEASE_S),
            )
            return await cur.fetchone() is not None
    except ForeignKeyViolation:  # the session was erased meanwhile
        return False


async def hold(conn: Conn, session_id: str, job_id: str | None, *, renew_lease: bool = True) -> Hold:
    """Whether `job_id` may write the session's record, renewing its lease when it may (and it is not released),
    unless `renew_lease` is False (a dead job's spool, replayed by another process: no sign that it lives).
    In a transaction, the claim row stays locked until it ends, so no other job can claim the session between
    this check and the caller's writes. Without a job id (an agent from before claims) the session may be written
    only while no job holds it: never claimed, or its holder's lease ended (released or run out), as its start
    decides (`current`); an agent the start let interview must be able to record and complete that interview."""
    cur = await conn.execute(
        """
        select job_id, released_at is null as kept, (released_at is null and lease_until > now()) as live
        from session_interviewers where session_id = %s for update
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    if row is None or (job_id is None and not row["live"]):
        return Hold.UNCLAIMED
    if job_id is None or row["job_id"] != job_id:
        return Hold.OTHER
    if row["kept"] and renew_lease:
        await renew(conn, session_id, job_id)
    return Hold.HOLDER


async def require_holder(
    conn: Conn, session_id: str, job_id: str | None, *, renew_lease: bool = True
) -> None:
    """Refuse a job that does not hold the session (`hold`): InterviewerPresentError. In the transaction of the
    caller's writes, the claim stays locked until they commit: no other job can claim the session in between."""
    if await hold(conn, session_id, job_id, renew_lease=renew_lease) is Hold.OTHER:
        raise InterviewerPresentError(
            "Another interviewer holds this session; this job may not write its record."
        )


async def renew(conn: Conn, session_id: str, job_id: str) -> None:
    """Renew `job_id`'s lease, when it holds the session, is not released, and less than `RENEW_WHEN_LEFT_S` is
    left. On its own (autocommit) it renews whatever the caller's writes come to: a post of the holder that the
    record refuses (full, closed) still says the holder is alive (`hold` renews in the writes' transaction, undone
    with them)."""
    await conn.execute(
        """
        update session_interviewers set lease_until = now() + make_interval(secs => %s)
        where session_id = %s and job_id = %s and released_at is null
          and lease_until < now() + make_interval(secs => %s)
        """,
        (LEASE_S, session_id, job_id, RENEW_WHEN_LEFT_S),
    )


async def current(conn: Conn, session_id: str) -> Claim | None:
    cur = await conn.execute(
        """
        select job_id, (released_at is null and lease_until > now()) as live
        from session_interviewers where session_id = %s
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    return Claim(row["job_id"], bool(row["live"])) if row is not None else None


async def ending_recorded(conn: Conn, session_id: str) -> bool:
    """Whether the session's interviewer recorded the interview's end (its `phase_change` to `end`). Its leave of the
    room is then the one before its completion (livekit disconnects a job before its shutdown callbacks flush the
    log and complete), not a crash: released then, the session went to the job dispatched on that leave, which
    resumed the ended interview while the holder's last events and completion were refused."""
    cur = await conn.execute(
        """
        select exists (
          select from session_events
          where session_id = %s and type = 'phase_change' and payload ->> 'to' = 'end'
        ) as ended
        """,
        (session_id,),
    )
    row = await cur.fetchone()
    return bool(row is not None and row["ended"])


async def release(conn: Conn, session_id: str, job_id: str | None = None) -> bool:
    """End the lease now (of `job_id` only, when given): the next job may claim the session. True when the claim
    was released by this call."""
    cur = await conn.execute(
        """
        update session_interviewers set released_at = now(), lease_until = least(lease_until, now())
        where session_id = %s and (%s::text is null or job_id = %s) and released_at is null
        returning lease_until
        """,
        (session_id, job_id, job_id),
    )
    return await cur.fetchone() is not None
