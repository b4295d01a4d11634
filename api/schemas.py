"""Request and response bodies of the public API (the internal agent API's live in api/routers/internal.py)."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

Language = Literal["python", "javascript", "java", "cpp"]
InterviewLanguage = Literal["en", "es"]  # spoken languages the interviewer supports end to end
# How an interview ended (sessions.end_reason), as the agent reports it.
EndReason = Literal[
    "completed", "candidate_request", "time_up", "no_show", "candidate_left", "agent_shutdown"
]
MAX_CODE_BYTES = 200_000  # UTF-8 bytes of code stored with a session (agent.payloads.MAX_CODE_BYTES agrees)
Difficulty = Literal["Easy", "Medium", "Hard"]
Status = Literal["scheduled", "in_progress", "completed", "abandoned", "cancelled"]

MAX_TEXT = 50_000
MAX_METADATA_BYTES = 16_384


def unstorable(value: Any) -> str | None:
    """Why PostgreSQL could not store `value` (text and jsonb refuse U+0000; jsonb refuses NaN and Infinity), or
    None. Checked at the edge so such input is a 422 naming the field, not a 500 from the database."""
    if isinstance(value, str):
        return "must not contain the NUL character (U+0000)" if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else "must not contain NaN or Infinity"
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    return next((p for p in map(unstorable, items) if p), None)


def refuse_unstorable(value: Any) -> Any:
    problem = unstorable(value)
    if problem:
        raise ValueError(problem)
    return value


class CandidateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    external_id: str | None = Field(default=None, min_length=1, max_length=200)

    _storable = field_validator("name", "external_id")(refuse_unstorable)


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate: CandidateIn
    question_id: UUID | None = None
    difficulty: Difficulty | None = None
    topic: str | None = Field(default=None, max_length=50)
    language: Language = "python"
    interview_language: InterviewLanguage = Field(
        default="en", description="The spoken language of the interview: en (English) or es (Spanish)."
    )
    duration_minutes: int = Field(default=45, ge=5, le=180)
    job_description: str | None = Field(default=None, max_length=MAX_TEXT)
    resume_text: str | None = Field(default=None, max_length=MAX_TEXT)
    metadata: dict[str, Any] = Field(default_factory=dict)

    _storable = field_validator("topic", "job_description", "resume_text", "metadata")(refuse_unstorable)

    @field_validator("metadata")
    @classmethod
    def _small_metadata(cls, v: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(v)) > MAX_METADATA_BYTES:
            raise ValueError(f"must serialise to at most {MAX_METADATA_BYTES} bytes of JSON")
        return v

    @model_validator(mode="after")
    def _one_way_to_choose(self) -> SessionCreate:
        if self.question_id is not None and (self.difficulty or self.topic):
            raise ValueError("give either question_id or a difficulty/topic filter, not both")
        return self


class SessionCreated(BaseModel):
    id: str
    status: Status
    join_url: str
    invite: str = Field(description="The raw invite token. Shown once; only its hash is stored.")
    invite_expires_at: datetime
    expires_at: datetime
    question_id: UUID
    language: Language
    duration_minutes: int


class ScorecardSummary(BaseModel):
    """The latest scorecard version's status, and the figures of the latest ready one (a failed or pending re-grade
    keeps the last ready figures)."""

    version: int
    status: Literal["pending", "ready", "failed"]
    ready_version: int | None
    recommendation: Literal["strong_no_hire", "no_hire", "hire", "strong_hire"] | None
    overall_score: float | None
    needs_human_review: bool | None


class SessionSummary(BaseModel):
    id: str
    status: Status
    question_id: UUID | None
    language: Language
    duration_minutes: int
    candidate: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    expires_at: datetime
    end_reason: str | None
    metadata: dict[str, Any]
    scorecard: ScorecardSummary | None = None


class SessionPage(BaseModel):
    data: list[SessionSummary]
    next_cursor: str | None


class SessionDetail(SessionSummary):
    room_name: str
    question: dict[str, Any] | None
    events: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    final_code: str | None
    job_description: str | None
    has_resume: bool


class JoinRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invite: str = Field(min_length=1, max_length=512)


class JoinResponse(BaseModel):
    server_url: str
    participant_token: str
    room_name: str
    participant_name: str
    participant_identity: str
    session: dict[str, Any]
    question: dict[str, Any]


class TokenRequest(BaseModel):
    """LiveKit's standard token-endpoint request (snake_case). Room and identity come from the invite; a request
    naming a different room is refused."""

    model_config = ConfigDict(extra="ignore")

    room_name: str | None = Field(default=None, max_length=200)
    participant_name: str | None = Field(default=None, max_length=200)
    participant_identity: str | None = Field(default=None, max_length=200)
    participant_metadata: str | None = Field(default=None, max_length=4096)
    participant_attributes: dict[str, str] | None = None
    room_config: dict[str, Any] | None = None


class TokenResponse(BaseModel):
    server_url: str
    participant_token: str


class PracticeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="Practice candidate", min_length=1, max_length=200)

    _storable = field_validator("name")(refuse_unstorable)
    difficulty: Difficulty | None = None
    language: Language = "python"
    duration_minutes: int = Field(default=45, ge=5, le=90)
