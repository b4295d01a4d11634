"""LiveKit room tokens for candidates: one room, media and data grants, agent dispatch in the room config."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from livekit import api as lk

from api.scheduling import allowed_minutes
from api.session_window import closes_at
from api.settings import ApiSettings


def candidate_identity(session_id: str) -> str:
    return f"candidate-{session_id}"


def token_ttl(session: dict[str, Any], settings: ApiSettings, now: datetime | None = None) -> timedelta:
    """No longer than the session's duration plus the grace period; once started, only what is left of it (joins
    stop at that same moment, so the one-minute floor only matters for a join in the session's last minute)."""
    now = now or datetime.now(UTC)
    full = timedelta(minutes=allowed_minutes(session) + settings.token_grace_minutes)
    close = closes_at(session, settings)  # ends_at (with extra time) plus the grace
    if close is not None:
        remaining: timedelta = close - now
        return max(min(full, remaining), timedelta(minutes=1))
    return full


def mint_candidate_token(session: dict[str, Any], settings: ApiSettings, *, ttl: timedelta) -> str:
    return (
        lk.AccessToken(settings.livekit_api_key, settings.livekit_api_secret.get_secret_value())
        .with_identity(candidate_identity(session["id"]))
        .with_name(session.get("candidate_name") or "Candidate")
        .with_ttl(ttl)
        .with_grants(
            lk.VideoGrants(
                room_join=True,
                room=session["room_name"],
                can_publish=True,
                can_subscribe=True,
                can_publish_data=True,
            )
        )
        .with_attributes({"role": "candidate"})
        .with_room_config(
            lk.RoomConfiguration(
                empty_timeout=settings.room_empty_timeout_s,
                departure_timeout=settings.room_departure_timeout_s,
                max_participants=2,
                agents=[
                    lk.RoomAgentDispatch(
                        agent_name=settings.agent_name,
                        metadata=json.dumps({"session_id": session["id"]}),
                    )
                ],
            )
        )
        .to_jwt()
    )
