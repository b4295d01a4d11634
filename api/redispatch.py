"""Redispatching the interviewer when LiveKit reports it left a running interview while the candidate stayed (a
crashed or killed agent job): the same dispatch the room token made (agent name and metadata), through LiveKit's
AgentDispatchService.

The webhook's transaction reserves one of the session's redispatches (SHADOWS_API_AGENT_REDISPATCH_LIMIT, shared
with the candidate page's own redispatch route; api.db.redispatch_repo); after it commits, LiveKit is asked whether
the candidate is still in the room and, if so, to dispatch. No database connection is held while LiveKit answers
(up to 10 s a call): a burst of webhooks waiting on a slow LiveKit would otherwise hold the whole pool, and every
route would answer 503; confirming or giving back a reservation takes a short connection of its own. A webhook is
applied once (its id is stored with it), so a redelivered webhook never dispatches twice. When the candidate has
gone the reservation is given back; when LiveKit cannot be reached it is given back and the webhook's id forgotten,
and the 503 makes LiveKit deliver it again. When the database fails during either, the reservation lapses at its
expiry and a later redelivery of the webhook is applied afresh (api.routers.livekit_webhook): nothing is lost.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import aiohttp
import structlog
from livekit import api as lk

from api.agent_dispatch import LiveKitUnavailableError, livekit_api, redispatch_agent
from api.db import redispatch_repo
from api.db.pool import Pool, connection
from api.metrics import AGENT_REDISPATCHES
from api.settings import ApiSettings
from api.tokens import candidate_identity

log = structlog.get_logger(__name__)


def is_agent(participant: lk.ParticipantInfo) -> bool:
    return bool(participant.kind == lk.ParticipantInfo.Kind.AGENT)


AGENT_IDENTITY_PREFIX = "agent-"  # livekit-agents joins a job's room as `agent-<job id>` (JobRequest.accept)


def agent_job_id(participant: lk.ParticipantInfo) -> str | None:
    """The LiveKit job id of an agent participant, from its identity; None for any other identity."""
    identity = participant.identity
    if not identity.startswith(AGENT_IDENTITY_PREFIX) or len(identity) == len(AGENT_IDENTITY_PREFIX):
        return None
    return identity[len(AGENT_IDENTITY_PREFIX) :]


async def candidate_in_room(settings: ApiSettings, room: str, session_id: str) -> bool:
    """RoomService.ListParticipants: is this session's candidate connected right now?"""
    async with livekit_api(settings) as client:
        try:
            listed = await client.room.list_participants(lk.ListParticipantsRequest(room=room))
        except lk.TwirpError as e:
            if e.code == "not_found":  # the room is gone, and the candidate with it
                return False
            raise
    identity = candidate_identity(session_id)
    return any(p.identity == identity for p in listed.participants)


async def redispatch(
    pool: Pool, settings: ApiSettings, session: dict[str, Any], reservation: UUID, webhook_id: str
) -> str:
    """After the reserving transaction committed, holding no connection: dispatch if the candidate is still there.
    Returns the outcome; raises LiveKitUnavailableError (503) when LiveKit cannot be reached, after undoing the
    reservation."""
    try:
        present = await candidate_in_room(settings, session["room_name"], session["id"])
    except (aiohttp.ClientError, TimeoutError, lk.TwirpError) as e:
        await _undo(pool, reservation, webhook_id)
        AGENT_REDISPATCHES.labels(cause="agent_left", outcome="livekit_unavailable").inc()
        log.warning("livekit.participants_failed", error_type=type(e).__name__)
        raise LiveKitUnavailableError("LiveKit could not be reached; deliver the webhook again.") from e
    if not present:
        async with connection(pool) as conn:
            await redispatch_repo.give_back(conn, reservation)
        AGENT_REDISPATCHES.labels(cause="agent_left", outcome="candidate_gone").inc()
        return "candidate_gone"
    try:
        dispatch_id = await redispatch_agent(settings, session)
    except LiveKitUnavailableError:
        await _undo(pool, reservation, webhook_id)
        AGENT_REDISPATCHES.labels(cause="agent_left", outcome="livekit_unavailable").inc()
        raise
    async with connection(pool) as conn:
        await redispatch_repo.confirm(conn, reservation)
    AGENT_REDISPATCHES.labels(cause="agent_left", outcome="dispatched").inc()
    log.info("agent.redispatched", session_id=session["id"], dispatch_id=dispatch_id)
    return "redispatched"


async def _undo(pool: Pool, reservation: UUID, webhook_id: str) -> None:
    """Give the reservation back and forget the webhook, so that LiveKit's redelivery is applied afresh."""
    async with connection(pool) as conn, conn.transaction():
        await redispatch_repo.give_back(conn, reservation)
        await conn.execute("delete from livekit_webhook_events where id = %s", (webhook_id,))
