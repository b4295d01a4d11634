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
- a LiveKit that cannot be reached (or answers an error) fails the attempt with a retryable error, and the job is
  tried again on SHADOWS_WORKER_RETRY_DELAYS_S: the cancellation itself is already committed and is never undone.

An interviewer dispatched into such a room anyway finds the session finished when it starts it (409
`session_finished`) and leaves without interviewing (agent.worker), and no route mints a room token or dispatches
an agent for a session that is not scheduled or in progress (api.deps, api.db.redispatch_repo).
"""

from __future__ import annotations

import structlog
from procrastinate import JobContext

from api.jobs.queue import queue
from api.jobs.resources import resources
from api.jobs.retry import JobRetryPolicy
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

ROOMS_QUEUE = "integrations"
CLOSE_GRACE_S = 30  # the same number is in the migration's trigger (outbox_session_room)


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
async def close_livekit_room(context: JobContext, session_id: str, room: str) -> None:
    """Delete a finished session's LiveKit room (see the module docstring). Arguments: ids only."""
    await close_room(resources(context).settings, session_id, room)


async def close_room(settings: ApiSettings, session_id: str, room: str) -> None:
    try:
        deleted = await delete_room(settings, room)
    except RoomCloseFailedError as e:
        log.warning("livekit.room_close_failed", session_id=session_id, error=e.code)
        raise
    log.info("livekit.room_closed", session_id=session_id, deleted=deleted)
