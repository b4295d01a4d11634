"""Asking LiveKit to send the interviewer to a room again (AgentDispatchService.CreateDispatch over Twirp), for a
candidate whose page saw no agent join in time. The room token's own dispatch is the first attempt; this is the
retry."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import structlog
from livekit import api as lk

from api.errors import ServiceUnavailableError
from api.settings import ApiSettings

log = structlog.get_logger(__name__)


class LiveKitUnavailableError(ServiceUnavailableError):
    code = "livekit_unavailable"


def http_url(livekit_url: str) -> str:
    """LiveKit's API speaks HTTP on the same host and port as its WebSocket URL."""
    if livekit_url.startswith("ws://"):
        return "http://" + livekit_url.removeprefix("ws://")
    if livekit_url.startswith("wss://"):
        return "https://" + livekit_url.removeprefix("wss://")
    return livekit_url


def livekit_api(settings: ApiSettings) -> lk.LiveKitAPI:
    """LiveKit's server API (Twirp over HTTP), one call's client: 10 s in all, no failover to another region."""
    return lk.LiveKitAPI(
        http_url(settings.livekit_url),
        settings.livekit_api_key,
        settings.livekit_api_secret.get_secret_value(),
        timeout=aiohttp.ClientTimeout(total=10),
        failover=False,
    )


async def interviewer_in_room(settings: ApiSettings, room: str) -> bool:
    """RoomService.ListParticipants: is an agent (an interviewer) connected to `room` right now? A room LiveKit does
    not have holds none. LiveKit counts no agent against a room's `max_participants` (agents are "dependent"
    participants), so nothing in the room itself keeps a second interviewer out."""
    try:
        async with livekit_api(settings) as client:
            listed = await client.room.list_participants(lk.ListParticipantsRequest(room=room))
    except lk.TwirpError as e:
        if e.code == "not_found":
            return False
        log.warning("livekit.list_participants_failed", error_type=type(e).__name__)
        raise LiveKitUnavailableError("The interviewer could not be called; try again shortly.") from e
    except (aiohttp.ClientError, TimeoutError) as e:
        log.warning("livekit.list_participants_failed", error_type=type(e).__name__)
        raise LiveKitUnavailableError("The interviewer could not be called; try again shortly.") from e
    return any(p.kind == lk.ParticipantInfo.Kind.AGENT for p in listed.participants)


async def redispatch_agent(settings: ApiSettings, session: dict[str, Any]) -> str:
    """Create one explicit dispatch of the interviewer into the session's room; returns the dispatch id."""
    try:
        async with livekit_api(settings) as client:
            dispatch = await client.agent_dispatch.create_dispatch(
                lk.CreateAgentDispatchRequest(
                    agent_name=settings.agent_name,
                    room=session["room_name"],
                    metadata=json.dumps({"session_id": session["id"]}),
                )
            )
    except (aiohttp.ClientError, TimeoutError, lk.TwirpError) as e:
        log.warning("livekit.redispatch_failed", error_type=type(e).__name__)
        raise LiveKitUnavailableError("The interviewer could not be called; try again shortly.") from e
    return str(dispatch.id)
