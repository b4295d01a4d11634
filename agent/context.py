"""Pydantic models of the internal API's bodies as the agent reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The types the agent may append (api/routers/internal.py): runs are recorded by the API itself.
EventType = Literal[
    "transcript",
    "editor_snapshot",
    "tool_call",
    "hint",
    "phase_change",
    "turn_metrics",
    "model_usage",
    "time_warning",
    "note",
]


class _ApiModel(BaseModel):
    # The API may add fields; the agent must keep working with an older client.
    model_config = ConfigDict(extra="ignore")


class SessionInfo(_ApiModel):
    id: str
    status: str
    language: str = "python"
    duration_minutes: int = 45
    started_at: datetime | None = None
    ends_at: datetime | None = None
    room_name: str | None = None
    practice: bool = False
    interview_language: str = "en"  # the spoken language of the interview (agent.language)


class CandidateInfo(_ApiModel):
    name: str | None = None


class QuestionInfo(_ApiModel):
    """What the interviewer may know about the question: never hidden tests or reference solutions."""

    id: str
    slug: str
    title: str
    difficulty: str
    topics: list[str] = Field(default_factory=list)
    statement_md: str = ""
    signature: dict[str, Any] = Field(default_factory=dict)
    hints: list[str] = Field(default_factory=list)
    rubric: list[dict[str, Any]] = Field(default_factory=list)
    visible_tests: list[dict[str, Any]] = Field(default_factory=list)
    starter_code: dict[str, str] = Field(default_factory=dict)


class SessionEvent(_ApiModel):
    """An event already stored in the session's log, as returned in the context."""

    seq: int
    type: str
    t: float | None = None
    idempotency_key: str
    payload: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None


class SessionContext(_ApiModel):
    """Everything the agent needs to run (or resume) one interview."""

    session: SessionInfo
    candidate: CandidateInfo = Field(default_factory=CandidateInfo)
    question: QuestionInfo
    job_description: str | None = None
    resume_text: str | None = None
    events: list[SessionEvent] = Field(default_factory=list)

    @property
    def session_id(self) -> str:
        return self.session.id

    @property
    def finished(self) -> bool:
        return self.session.status in {"completed", "abandoned", "cancelled"}


class EventIn(_ApiModel):
    """One event to append; the idempotency key makes a retried append store it once."""

    idempotency_key: str = Field(min_length=1, max_length=200)
    type: EventType
    t: float | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


class StoredEvent(_ApiModel):
    """The API's acknowledgement of one appended event."""

    idempotency_key: str
    seq: int
    duplicate: bool = False
