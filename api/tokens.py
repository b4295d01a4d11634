"""LiveKit room tokens for candidates: one room, media and data grants, agent dispatch in the room config."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from livekit import api as lk

from api.scheduling import allowed_minutes
from api.session_window import closes_at
from api.settings import ApiSettings


def candidate_identity(session_id: str) -> str:
    return f"candidate-{session_id}"


def token_ttl(session: dict[str, Any], settings: ApiSettings, now: datetime | None = None) -> timedelta:
    """No longer than the session's duration plus the grace period; once started, only what is left of it (joins
    stop at that same moment, so the one-minute floor only matters for a join in the session's last minute).
    Before the start, no longer than the invite and the session are valid: joining the room starts the interview,
    which the invite may do only until it expires (a connected candidate stays connected past the token's expiry)."""
    now = now or datetime.now(UTC)
    full = timedelta(minutes=allowed_minutes(session) + settings.token_grace_minutes)
    close = closes_at(session, settings)  # ends_at (with extra time) plus the grace
    if close is not None:
        remaining: timedelta = close - now
        return max(min(full, remaining), timedelta(minutes=1))
    if session["status"] == "scheduled":
        usable: timedelta = min(session["invite_expires_at"], session["expires_at"]) - now
        return max(min(full, usable), timedelta(0))
    return full


def mint_candidate_token(session: dict[str, Any], settings: ApiSettings, *, ttl: timedelta) -> str:
    """A room token valid from now for `ttl` (rounded down to whole seconds, so never past what `token_ttl` allowed)."""
    claims = dict(
        _session_claims(
            settings.livekit_api_key,
            session["id"],
            session.get("candidate_name") or "Candidate",
            session["room_name"],
            settings.room_empty_timeout_s,
            settings.room_departure_timeout_s,
            settings.agent_name,
        )
    )
    now = int(time.time())
    claims["nbf"] = now
    claims["exp"] = now + int(ttl.total_seconds())
    return jwt.encode(claims, settings.livekit_api_secret.get_secret_value(), algorithm="HS256")


@lru_cache(maxsize=4096)
def _session_claims(
    api_key: str,
    session_id: str,
    name: str,
    room: str,
    empty_timeout: int,
    departure_timeout: int,
    agent_name: str,
) -> dict[str, Any]:
    """Everything in a candidate's token but its validity window, built by LiveKit's own AccessToken (its grant names,
    the room configuration's protobuf JSON) once per session rather than on every join. Treat as read-only."""
    token = (
        lk.AccessToken(api_key, "claims-only")  # signed by the caller with the real secret
        .with_identity(candidate_identity(session_id))
        .with_name(name)
        .with_grants(
            lk.VideoGrants(
                room_join=True,
                room=room,
                can_publish=True,
                # The page publishes its microphone and nothing else: no camera or screen share (any number, any
                # bitrate) for the interviewer to receive.
                can_publish_sources=["microphone"],
                can_subscribe=True,
                can_publish_data=True,
                # The page sets its own `editor.ready` attribute (docs/protocol.md); LiveKit refuses a participant's
                # attribute, name or metadata update without this grant. The agent trusts nothing else it sets.
                can_update_own_metadata=True,
            )
        )
        .with_attributes({"role": "candidate"})
        .with_room_config(
            lk.RoomConfiguration(
                empty_timeout=empty_timeout,
                departure_timeout=departure_timeout,
                max_participants=2,
                agents=[
                    lk.RoomAgentDispatch(
                        agent_name=agent_name,
                        metadata=json.dumps({"session_id": session_id}),
                    )
                ],
            )
        )
    )
    claims: dict[str, Any] = token.claims.asdict()
    claims.update(sub=token.identity, iss=api_key)
    return claims
