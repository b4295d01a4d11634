"""Integrity observations from the candidate page (paste sizes, focus loss, page hidden, fast insertions, devtools).
They are context for a person and never a verdict: stored in the event log as `integrity` events, bounded per
request, rate-limited per session and capped per session."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from api.candidate_rules import require_in_progress
from api.db import events_repo
from api.deps import CandidateSession, DbConn, Settings, own_session
from api.ids import SessionId
from api.metrics import EVENTS
from api.openapi_errors import BODY, DB, error_responses
from api.ratelimits import RateLimits

router = APIRouter(prefix="/v1/sessions/{session_id}", tags=["candidates"])

IntegrityKind = Literal["paste", "focus_lost", "page_hidden", "fast_insertion", "devtools"]


class Observation(BaseModel):
    """One observation. Sizes and durations only: never the pasted text or anything that identifies the device."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        pattern=r"^[A-Za-z0-9_-]{8,64}$", description="Client-chosen id; a retry with it stores nothing"
    )
    kind: IntegrityKind
    chars: int | None = Field(default=None, ge=0, le=10_000_000, description="paste / fast_insertion: size")
    lines: int | None = Field(default=None, ge=0, le=1_000_000)
    duration_ms: int | None = Field(
        default=None,
        ge=0,
        le=86_400_000,
        description="focus_lost / page_hidden: how long; fast_insertion: typing time",
    )
    source: Literal["keyboard_shortcut", "window_size"] | None = Field(
        default=None, description="devtools: how it was noticed"
    )


class IntegrityBatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "events": [
                        {"id": "p-1a2b3c4d", "kind": "paste", "chars": 412, "lines": 14},
                        {"id": "f-5e6f7a8b", "kind": "focus_lost", "duration_ms": 8200},
                    ]
                }
            ]
        },
    )

    events: list[Observation] = Field(min_length=1, max_length=20)


@router.post("/integrity", status_code=202, responses=error_responses(*BODY, *DB, 401, 403, 404, 409, 429))
async def create_integrity_events(
    session_id: SessionId,
    body: IntegrityBatch,
    candidate: CandidateSession,
    conn: DbConn,
    settings: Settings,
    request: Request,
) -> dict[str, Any]:
    """Store page observations while the interview runs. Past the per-session cap they are counted as dropped."""
    session = own_session(candidate, session_id)
    require_in_progress(session, settings)
    ratelimits: RateLimits = request.app.state.ratelimits  # shared by every replica when Redis is configured
    await ratelimits.hit(
        "integrity",
        settings.integrity_rate_limit,
        session["id"],
        message="Too many observations; slow down.",
        cost=len(body.events),
    )
    stored = await events_repo.append_events(
        conn,
        session["id"],
        [
            events_repo.EventIn(
                idempotency_key=f"page:integrity:{o.id}",
                type="integrity",
                payload=o.model_dump(exclude_none=True, exclude={"id"}),
            )
            for o in body.events
        ],
        cap=events_repo.Cap("integrity", settings.integrity_max_events),
    )
    for s in stored or []:
        EVENTS.labels(type="integrity", duplicate=str(s.duplicate).lower()).inc()
    return {
        "stored": sum(1 for s in stored or [] if not s.duplicate),
        "dropped": len(body.events) - len(stored or []),
    }
