"""Ending a session's call: deleting its LiveKit room (RoomService.DeleteRoom over Twirp) once the session stops
running, which disconnects everyone in it, the interviewer included.

A room token cannot be taken back, and LiveKit creates a room again when a token's holder joins it (the candidate's
token also carries the agent's dispatch in its RoomConfiguration). So the room is closed whenever a session stops
running, and again whenever LiveKit says the room of a finished session is in use:

- the `close_livekit_room` job is deferred in the transaction that changes the session's status (a trigger,
  `outbox_close_livekit_room`, so every path that cancels, completes or abandons a session defers it): at once for
  a cancellation, after CLOSE_GRACE_S (the interviewer's goodbye) for a completion or abandonment;
- the LiveKit webhook defers it again when a finished session's room starts or someone joins it
  (api.routers.livekit_webhook);
- the LiveKit webhook defers it when it refuses a join (a room token without the current consent, an expired or
  erased session), with `reason="refused"`: a join is refused only while the session is scheduled, and the
  candidate may consent and start in that same room seconds later. That job re-checks the session under its row
  lock and deletes the room only while the session has still not started; once it has, the room is the interview's
  (its own end queues its close). The lock is held through the deletion, so a start (POST /start, before the page
  joins) that comes meanwhile waits for it and joins a fresh room. The close records when it removed the room
  (`sessions.refused_room_closed_at`, in that locked transaction), and LiveKit's `participant_joined` for someone
  who joined before then (`joined_before_refused_close`: applied after the close, having waited on the row lock or
  been delivered late) starts nothing: they were disconnected with the room, and their client's rejoin is to a room
  LiveKit creates afresh, whose join starts the session;
- a LiveKit that cannot be reached (or answers an error) fails the attempt with a retryable error, and the job is
  tried again on SHADOWS_WORKER_RETRY_DELAYS_S: the cancellation itself is already committed and is never undone.

An interviewer dispatched into such a room anyway finds the session finished when it starts it (409
`session_finished`) and leaves without interviewing (agent.worker), and no route mints a room token or dispatches
an agent for a session that is not scheduled or in progress (api.deps, api.db.redispatch_repo).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import structlog
from procrastinate import JobContext

from api.db.pool import Conn, Pool, connection
from api.jobs.queue import queue
from api.jobs.resources import resources
from api.jobs.retry import JobRetryPolicy
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

ROOMS_QUEUE = "integrations"
CLOSE_GRACE_S = 30  # the same number is in the migration's trigger (outbox_session_room)
# Why a close was queued (outbox_close_livekit_room's p_reason): a finished session's (the default, and every job
# queued before reasons were recorded), or a refused join's.
FINISHED = "finished"
REFUSED = "refused"
# The longest a refused join's close holds its session's row through LiveKit's DeleteRoom (close_room).
REFUSED_CLOSE_S = 3.0


class RoomCloseFailedError(Exception):
    """LiveKit did not confirm the room's deletion; worth another attempt."""

    retryable = True

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


async def delete_room(settings: ApiSettings, room: str) -> bool:
    """Delete `room`; True when it was deleted, False when LiveKit had no such room (closed already). Raises
    RoomCloseFailedError when LiveKit cannot be reached or refuses."""
    # LiveKit's SDK (protobuf, aiohttp: about 0.2 s of CPU) when a room is closed, not in every `shadows worker`
    # that imports this task module at start (most never close one: the job waits CLOSE_GRACE_S).
    import aiohttp
    from livekit import api as lk

    from api.agent_dispatch import livekit_api

    try:
        async with livekit_api(settings) as client:
            await client.room.delete_room(lk.DeleteRoomRequest(room=room))
    except lk.TwirpError as e:
        if e.code == "not_found":
            return False
        raise RoomCloseFailedError(f"twirp_{e.code}") from e
    except (aiohttp.ClientError, TimeoutError) as e:
        raise RoomCloseFailedError(type(e).__name__) from e
    return True


@queue.task(name="close_livekit_room", queue=ROOMS_QUEUE, pass_context=True, retry=JobRetryPolicy())
async def close_livekit_room(context: JobContext, session_id: str, room: str, reason: str = FINISHED) -> None:
    """Delete a finished session's LiveKit room, or a refused join's while its session has not started (see the
    module docstring). Arguments: ids only."""
    res = resources(context)
    await close_room(res.settings, res.pool, session_id, room, reason)


async def close_room(
    settings: ApiSettings, pool: Pool, session_id: str, room: str, reason: str = FINISHED
) -> None:
    if reason != REFUSED:
        await _close(settings, session_id, room, reason)
        return
    async with connection(pool) as conn, conn.transaction():
        cur = await conn.execute("select status from sessions where id = %s for no key update", (session_id,))
        row = await cur.fetchone()
        if row is not None and row["status"] != "scheduled":
            # Started since the join was refused (a refusal happens only while it is scheduled): the room is the
            # interview's now; a session that has since finished queued its own close as it did.
            log.info("livekit.room_close_skipped", session_id=session_id, reason=reason, status=row["status"])
            return
        # The row stays locked through the call, so a start waits for it: at most REFUSED_CLOSE_S, well within the
        # API's lock wait (a LiveKit as slow as its client's own 10 s held the candidate's consent and start until
        # they failed 503); a close cut short fails as LiveKit's failures do, and its retry re-checks the session.
        try:
            async with asyncio.timeout(REFUSED_CLOSE_S):
                await _close(settings, session_id, room, reason)
        except TimeoutError as e:
            log.warning("livekit.room_close_failed", session_id=session_id, reason=reason, error="timeout")
            raise RoomCloseFailedError("timeout") from e
        # LiveKit has no such room now (deleted, or gone already): whoever joined it before is not in it. Taken after
        # the answer, on the database's clock, so that every join LiveKit had before the deletion is earlier.
        await conn.execute(
            "update sessions set refused_room_closed_at = clock_timestamp() where id = %s", (session_id,)
        )


async def joined_before_refused_close(conn: Conn, session_id: str, joined_by: datetime | None) -> bool:
    """Whether a participant who joined the session's room by `joined_by` (exclusive: the end of the millisecond or
    second LiveKit's clock gave; None: not known) surely did so before a refused join's close removed that room,
    while the session has not started: their join is to a room that is gone, and starts nothing. A join that may be
    after the close (in the same millisecond or second) is taken as the rejoin it may be. Locks the session's row (a
    close under way is waited for)."""
    if joined_by is None:
        return False
    cur = await conn.execute(
        """
        select status = 'scheduled' and refused_room_closed_at >= %s as gone
        from sessions where id = %s for no key update
        """,
        (joined_by, session_id),
    )
    row = await cur.fetchone()
    return bool(row and row["gone"])


async def _close(settings: ApiSettings, session_id: str, room: str, reason: str) -> None:
    try:
        deleted = await delete_room(settings, room)
    except RoomCloseFailedError as e:
        log.warning("livekit.room_close_failed", session_id=session_id, reason=reason, error=e.code)
        raise
    log.info("livekit.room_closed", session_id=session_id, reason=reason, deleted=deleted)
