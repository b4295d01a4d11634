"""Internal routes for the agent (service token): session context, event log appends, start and completion."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import structlog
from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.candidate_rules import may_start
from api.db import endings_repo, events_repo, interviewers_repo, sessions_repo
from api.db.interviewers_repo import Hold, InterviewerPresentError, require_holder
from api.db.late_completion import EndingAlreadyReportedError
from api.deps import DbConn, InternalCaller, Questions, Settings
from api.errors import ConflictError, NotFoundError
from api.ids import SessionId
from api.jobs.grading import request_grading
from api.metrics import EVENTS
from api.openapi_errors import BODY, DB, error_responses
from api.question_cache import QuestionCache
from api.scheduling import ends_at, schedule_session
from api.schemas import MAX_CODE_BYTES, Difficulty, EndReason, InterviewLanguage, Language, refuse_unstorable
from api.stored_json import stored_bytes

log = structlog.get_logger(__name__)
router = APIRouter(
    prefix="/v1/internal",
    tags=["internal"],
    dependencies=[InternalCaller],
    responses=error_responses(*DB, 401),
)

# What the agent writes. Runs and submissions (`test_run`, `submission`) are the API's own record of what the judge
# ran (api/db/runs_repo.py), and `integrity`, `consent`, `accommodation_request` the candidate routes': the service
# token may not forge them (a made-up run showed on the report and, naming a real run, changed how it was graded).
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
MAX_PAYLOAD_BYTES = 256 * 1024

# The LiveKit job id of the agent job calling (`ctx.job.id`, e.g. `AJ_...`): the one interviewer of a session is the
# job that started it (api/db/interviewers_repo.py). Absent only from agents that predate it.
AgentJob = Annotated[
    str | None,
    Header(
        alias="X-Shadows-Agent-Job",
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The calling agent job's LiveKit job id.",
    ),
]

# Set on the events of a dead job's spool that another process replays (agent.spool_replay.replay_spools), sent as that
# job's: stored while it still holds the session, but no sign that it lives, so its lease is not renewed by them.
AgentReplay = Annotated[
    bool,
    Header(
        alias="X-Shadows-Agent-Replay",
        description="The events are a dead job's spool, replayed by another process: they renew no lease.",
    ),
]


class EventBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    idempotency_key: str = Field(min_length=1, max_length=200)
    type: EventType
    t: float | None = Field(default=None, ge=0, le=24 * 3600)
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("payload")
    @classmethod
    def _bounded(cls, v: dict[str, Any]) -> dict[str, Any]:
        refuse_unstorable(v)  # first: it bounds the nesting that json.dumps would recurse through
        # UTF-8 bytes of compact JSON, the measure the agent uses too (agent/payloads.py): escaping non-ASCII
        # as \uXXXX here made a Chinese or emoji-heavy snapshot six times larger than the agent thought. Numbers
        # count as PostgreSQL stores them (`1e+18` is 19 digits there); the agent's are short either way.
        if stored_bytes(v, compact=True) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"must serialise to at most {MAX_PAYLOAD_BYTES} bytes of JSON")
        return v

    @model_validator(mode="after")
    def _mark_is_the_apis(self) -> EventBody:
        # `code_omitted` says the API left a snapshot's code out (past the session's budget); a posted one would
        # make a snapshot whose code was never sent look like one the budget cut.
        marks = ("code_omitted", "code_bytes", "code_sha256")
        if self.type == "editor_snapshot" and any(m in self.payload for m in marks):
            raise ValueError(
                "an editor_snapshot payload may not carry code_omitted, code_bytes or code_sha256 (the API's marks)"
            )
        return self

    _storable_key = field_validator("idempotency_key")(refuse_unstorable)

    @field_validator("idempotency_key")
    @classmethod
    def _agents_namespace(cls, v: str) -> str:
        if v.startswith(events_repo.API_KEY_PREFIXES):
            raise ValueError(
                "must not start with page: or api: (the keys of the events the API writes itself)"
            )
        return v


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[EventBody] = Field(min_length=1, max_length=200)


class CompleteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    final_code: str | None = None
    language: Language | None = None
    reason: EndReason = "completed"

    _storable = field_validator("final_code")(refuse_unstorable)

    @field_validator("final_code")
    @classmethod
    def _code_cap(cls, v: str | None) -> str | None:
        if v is not None and len(v.encode("utf-8", "surrogatepass")) > MAX_CODE_BYTES:
            raise ValueError(
                f"must be at most {MAX_CODE_BYTES} bytes of UTF-8 (the agent stores a marked prefix)"
            )
        return v


class PracticeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    difficulty: Difficulty | None = None
    language: Language = "python"
    interview_language: InterviewLanguage = "en"


async def build_context(conn: DbConn, questions: QuestionCache, session: dict[str, Any]) -> dict[str, Any]:
    question = await questions.public_question(conn, session["question_id"], session["question_updated_at"])
    question.pop("compare", None)
    events = await events_repo.list_events(conn, session["id"])
    end = ends_at(session)
    return {
        "session": {
            "id": session["id"],
            "status": session["status"],
            "language": session["language"],
            "duration_minutes": session["duration_minutes"],
            "started_at": session["started_at"].isoformat() if session["started_at"] else None,
            "ends_at": end.isoformat() if end else None,
            "room_name": session["room_name"],
            "practice": session["practice"],
            "interview_language": session["interview_language"],
        },
        "candidate": {"name": session["candidate_name"]},
        "question": question,
        "job_description": session["job_description"],
        "resume_text": session["resume_text"],
        "events": [{**e, "created_at": e["created_at"].isoformat()} for e in events],
    }


async def _session(conn: DbConn, session_id: str) -> dict[str, Any]:
    row = await sessions_repo.get_session(conn, session_id)
    if row is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    return row


@router.get("/sessions/{session_id}/context", responses=error_responses(404))
async def read_session_context(session_id: SessionId, conn: DbConn, questions: Questions) -> dict[str, Any]:
    """Question (hints, rubric, visible tests; never hidden tests), candidate, JD, résumé, and events so far."""
    return await build_context(conn, questions, await _session(conn, session_id))


@router.post("/sessions/{session_id}/start", responses=error_responses(404, 409, 410, 422))
async def start_session(
    session_id: SessionId, conn: DbConn, questions: Questions, agent_job: AgentJob = None
) -> dict[str, Any]:
    """Start the session (idempotent) and make the calling job its one interviewer: 409 `interviewer_present`
    while another job holds it (its lease is live), and that job must leave without speaking or recording. A
    repeat by the holder is idempotent. Without `X-Shadows-Agent-Job` (an agent from before claims) the session
    starts only while no job holds it, and nothing is claimed. A session not yet started starts only on its
    candidate's consent to the notice in force, word for word (`api.candidate_rules.may_start`, the rule of the
    candidate's start and of LiveKit's `participant_joined`): otherwise 409 `consent_required`, nothing started and
    nothing claimed, and the job leaves without a word. A room token outlives the text it was minted under, and a
    client other than our page joining with it dispatches the agent. One already under way stays startable."""
    found = await sessions_repo.get_candidate_session(conn, session_id)
    if found is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    if not may_start(found):
        raise ConflictError(
            "The candidate has not agreed to the interview notice in force.", code="consent_required"
        )
    # One transaction, in the lock order of the other writers (the claim row, then the session's: `/complete`
    # releases the claim with the completion): the claim is taken (or found held) and the status read under both
    # locks, and a refusal undoes the claim. Apart, a completion (or `room_finished`) committing between the two
    # let a waiting job claim a finished session: a second interviewer in the room after the end.
    async with conn.transaction():
        if agent_job is not None:
            held = await interviewers_repo.claim(conn, session_id, agent_job)
        else:  # locks the claim row as well: never claimed, or its holder's lease ended
            held = await interviewers_repo.hold(conn, session_id, None) is not Hold.OTHER
        status = await sessions_repo.mark_started(conn, session_id)  # the session row stays locked
        if status is None:
            raise NotFoundError("Session not found.", code="session_not_found")
        if status != "in_progress":
            raise ConflictError("This session has already finished.", code="session_finished")
    if not held:
        raise InterviewerPresentError("Another interviewer is running this session; leave the room silently.")
    return await build_context(conn, questions, await _session(conn, session_id))


@router.post("/sessions/{session_id}/events", responses=error_responses(*BODY, 404, 409))
async def append_events(
    session_id: SessionId,
    batch: EventBatch,
    conn: DbConn,
    settings: Settings,
    agent_job: AgentJob = None,
    replayed: AgentReplay = False,
) -> dict[str, Any]:
    """Append events in order, all or none. An exact repeat of a stored event (same idempotency key, type, payload
    and `t`) returns its stored seq and stores nothing; a repeated key with a different event is a 409
    `idempotency_key_reused` naming the key, and nothing of the batch is stored. Snapshots past the session's
    code budget (`snapshot_code_budget_bytes`) are stored without their code, marked `code_omitted`. A session
    that stopped running more than `complete_after_abandon_s` ago (the grace its completion has too) takes no new
    event: 409 `session_finished`, nothing stored; exact repeats are still acknowledged. A batch whose new events
    would take the session's log past `event_budget_bytes` of payload (a snapshot's code not counted) or
    `event_max_count` events is 409 `session_record_full`, nothing of it stored; exact repeats are still
    acknowledged. Only the session's interviewer (`X-Shadows-Agent-Job`, the job that started it) may append:
    another job's batch is 409 `interviewer_present` and nothing of it is stored (a batch without the header only
    while no job holds the session); the holder's post renews its lease (40 s), also one refused for what it holds
    (the record full or closed), but not a dead job's spool that another process replays as that job's
    (`X-Shadows-Agent-Replay`). The agent's heartbeat is such a post: its `interviewer` note, stored once and
    repeated exactly (acknowledged as a duplicate)."""
    try:  # the claim stays locked until the append commits: no takeover in between
        async with conn.transaction():
            await require_holder(conn, session_id, agent_job, renew_lease=not replayed)
            stored = await events_repo.append_events(
                conn,
                session_id,
                [events_repo.EventIn(e.idempotency_key, e.type, e.payload, e.t) for e in batch.events],
                refuse_changed=True,
                snapshot_code_budget=settings.snapshot_code_budget_bytes,
                closed_after_s=settings.complete_after_abandon_s,
                budget=events_repo.Budget(settings.event_budget_bytes, settings.event_max_count),
            )
    except ConflictError as refused:
        # Refused for what it holds (the record full or closed, a key reused), not for who sent it: the holder is
        # alive, and its renewal went with the refused batch. Renewed on its own: on a full record (where a new
        # job's heartbeat note is refused at every beat) the lease would run out under a live interviewer.
        if agent_job is not None and not replayed and not isinstance(refused, InterviewerPresentError):
            await interviewers_repo.renew(conn, session_id, agent_job)
        if isinstance(refused, events_repo.RecordFullError):  # the report says its record may stop here
            # Dated by what it would have added: a retried batch carries events already stored (acknowledged as
            # repeats) beside the new ones, and the record is whole up to those.
            refused_events = [
                events_repo.EventIn(e.idempotency_key, e.type, e.payload, e.t) for e in batch.events
            ]
            at_s = await events_repo.first_new_t(conn, session_id, refused_events)
            await events_repo.note_left_out(conn, session_id, "record_full_at", at_s)
        raise
    if stored is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    for e, s in zip(batch.events, stored, strict=True):
        EVENTS.labels(type=e.type, duplicate=str(s.duplicate).lower()).inc()
    return {
        "events": [
            {"idempotency_key": s.idempotency_key, "seq": s.seq, "duplicate": s.duplicate} for s in stored
        ]
    }


@router.post("/sessions/{session_id}/complete", responses=error_responses(*BODY, 404, 409))
async def complete_session(
    session_id: SessionId, body: CompleteBody, conn: DbConn, settings: Settings, agent_job: AgentJob = None
) -> dict[str, str]:
    """Completed with the final code (idempotent). Also accepted shortly after a room_finished webhook or the stall
    sweep ended the session without it (`complete_after_abandon_s` from that end): the webhook can overtake this
    call, and the code is kept, but only while nothing of that ending has gone out (its scorecard graded or being
    graded, its end event sent): otherwise 409 `ending_already_reported`, nothing stored (api.db.late_completion).
    Only the session's interviewer may complete it (409 `interviewer_present` otherwise, nothing stored); its
    claim is released with the completion."""
    try:
        async with conn.transaction():  # the grading job commits with the completion, or neither does
            await require_holder(conn, session_id, agent_job)  # the claim row first, then the session's
            status = await endings_repo.mark_completed(
                conn,
                session_id,
                final_code=body.final_code,
                language=body.language,
                reason=body.reason,
                after_abandon_s=settings.complete_after_abandon_s,
            )
            if status == "completed":
                await request_grading(conn, session_id, trigger="session_end")
            if status is not None and agent_job is not None:
                await interviewers_repo.release(conn, session_id, agent_job)
    except EndingAlreadyReportedError:
        log.warning("session.late_completion_refused", session_id=session_id, reason=body.reason)
        raise
    if status is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    return {"id": session_id, "status": status}


@router.post("/practice", responses=error_responses(*BODY))
async def create_agent_practice(
    body: PracticeBody, conn: DbConn, settings: Settings, questions: Questions, agent_job: AgentJob = None
) -> dict[str, Any]:
    """An org-less practice session for an agent job that arrived without session metadata (playground, console)."""
    scheduled = await schedule_session(
        conn,
        settings,
        organization_id=None,
        candidate_name="Practice candidate",
        candidate_email=None,
        candidate_external_id=None,
        question_id=None,
        difficulty=body.difficulty,
        topic=None,
        language=body.language,
        duration_minutes=45,
        job_description=None,
        resume_text=None,
        metadata={"source": "agent"},
        practice=True,
        interview_language=body.interview_language,
    )
    await sessions_repo.mark_started(conn, scheduled.session["id"])
    if agent_job is not None:  # a new session: the calling job is its interviewer
        await interviewers_repo.claim(conn, scheduled.session["id"], agent_job)
    return await build_context(conn, questions, await _session(conn, scheduled.session["id"]))
