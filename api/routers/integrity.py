"""Integrity observations from the candidate page (paste sizes, focus loss, page hidden, fast insertions, devtools).
They are context for a person and never a verdict: stored in the event log as `integrity` events, bounded per
request, rate-limited per session and capped per session.

Each observation of a batch is checked on its own: one the API cannot take (a field it does not know, a page older
or newer than it) is refused with its reasons and the others are stored. Before, one such item had the whole batch
refused (422) and every good observation in it lost. A batch none of whose items can be taken is still 422."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError

from api.candidate_rules import require_in_progress
from api.db import events_repo
from api.deps import CandidateSession, DbConn, Settings, own_session
from api.ids import SessionId
from api.metrics import EVENTS
from api.openapi_errors import BODY, DB, FieldError, error_responses
from api.ratelimits import RateLimits

router = APIRouter(prefix="/v1/sessions/{session_id}", tags=["candidates"])

IntegrityKind = Literal["paste", "focus_lost", "page_hidden", "fast_insertion", "devtools"]
ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
# What a refusal says of one item: its first few offending fields, each name cut (an unknown key is the client's
# text, up to the body cap), so a refused batch's answer stays small.
MAX_REASONS = 5
MAX_FIELD_CHARS = 64


class Observation(BaseModel):
    """One observation. Sizes and durations only: never the pasted text or anything that identifies the device."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN, description="Client-chosen id; a retry with it stores nothing")
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


@dataclass(frozen=True)
class Refusal:
    """An item of the batch that is not an observation the API takes: its id when that is a valid one, and why."""

    id: str | None
    errors: tuple[dict[str, Any], ...]  # pydantic's errors, loc relative to the item


def _observation_or_refusal(value: Any) -> Observation | Refusal:
    try:
        return Observation.model_validate(value)
    except ValidationError as exc:
        raw_id = value.get("id") if isinstance(value, dict) else None
        ok_id = raw_id if isinstance(raw_id, str) and re.fullmatch(ID_PATTERN, raw_id) else None
        errors = tuple(
            {"loc": tuple(e["loc"]), "msg": e["msg"], "type": e["type"]}  # never `input`: the item's own text
            for e in exc.errors(include_url=False)[:MAX_REASONS]
        )
        return Refusal(id=ok_id, errors=errors)


# Each item is validated alone; the document still shows it as an Observation.
ObservationItem = Annotated[
    Observation | Refusal, PlainValidator(_observation_or_refusal, json_schema_input_type=Observation)
]


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

    events: list[ObservationItem] = Field(
        min_length=1,
        max_length=20,
        description="At most 20. An item that is not a valid observation is refused alone (see `refused`).",
    )


class RefusedObservation(BaseModel):
    index: int = Field(description="Its place in `events`, from 0.")
    id: str | None = Field(description="Its `id`, or null when that is missing or not a valid id.")
    fields: list[FieldError] = Field(
        description=f'Why, field by field relative to the item (at most {MAX_REASONS}); `""` for the item itself.'
    )


class IntegrityResult(BaseModel):
    stored: int = Field(description="Observations stored now (a retried `id` is not stored again).")
    dropped: int = Field(description="Valid observations past the per-session cap: counted, not stored.")
    refused: list[RefusedObservation] = Field(
        description="Items that are not observations the API takes: never stored, and never will be as they are."
    )


def _field(loc: tuple[Any, ...]) -> str:
    name = ".".join(str(p) for p in loc)
    return name if len(name) <= MAX_FIELD_CHARS else name[: MAX_FIELD_CHARS - 1] + "…"


def _refused(events: list[Observation | Refusal]) -> list[RefusedObservation]:
    return [
        RefusedObservation(
            index=i, id=e.id, fields=[FieldError(field=_field(r["loc"]), message=r["msg"]) for r in e.errors]
        )
        for i, e in enumerate(events)
        if isinstance(e, Refusal)
    ]


@router.post(
    "/integrity",
    status_code=202,
    response_model=IntegrityResult,
    responses=error_responses(*BODY, *DB, 401, 403, 404, 409, 429),
)
async def create_integrity_events(
    session_id: SessionId,
    body: IntegrityBatch,
    candidate: CandidateSession,
    conn: DbConn,
    settings: Settings,
    request: Request,
) -> IntegrityResult:
    """Store page observations while the interview runs. Past the per-session cap they are counted as dropped.
    Items that are not valid observations are refused one by one (`refused`: their place, id and reasons) and the
    rest are stored; a batch with no valid item is 422, as a body that is not a batch is."""
    observations = [e for e in body.events if isinstance(e, Observation)]
    if not observations:
        raise RequestValidationError(
            [
                {**r, "loc": ("body", "events", i, *r["loc"])}
                for i, e in enumerate(body.events)
                if isinstance(e, Refusal)
                for r in e.errors
            ]
        )
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
            for o in observations
        ],
        cap=events_repo.Cap("integrity", settings.integrity_max_events),
    )
    for s in stored or []:
        EVENTS.labels(type="integrity", duplicate=str(s.duplicate).lower()).inc()
    dropped = len(observations) - len(stored or [])
    if stored is not None and dropped:  # the report says that later observations were not recorded
        await events_repo.note_left_out(conn, session["id"], "observations_capped_at")
    return IntegrityResult(
        stored=sum(1 for s in stored or [] if not s.duplicate),
        dropped=dropped,
        refused=_refused(body.events),
    )
