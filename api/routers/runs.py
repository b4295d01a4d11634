"""Running code: the candidate's Run (visible tests) and Submit (all tests), and the agent's internal equivalents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.db import sessions_repo
from api.deps import CandidateSession, DbConn, InternalCaller, own_session
from api.errors import ConflictError, NotFoundError
from api.judging import Mode, run_code
from api.schemas import Language, refuse_unstorable

router = APIRouter(tags=["runs"])

MAX_CODE_CHARS = 200_000  # bytes are capped again by the judge's max_code_bytes


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language
    code: str = Field(max_length=MAX_CODE_CHARS)

    _storable = field_validator("code")(refuse_unstorable)


class InternalRunBody(RunBody):
    mode: Mode = "run"
    # The session time (s) of the agent's request: the resulting event sorts with the moment that caused it,
    # not with the wall clock of the API when the judge finished.
    t: float | None = Field(default=None, ge=0, le=24 * 3600)


@router.post("/v1/sessions/{session_id}/runs")
async def create_run(
    session_id: str, body: RunBody, candidate: CandidateSession, conn: DbConn, request: Request
) -> dict[str, Any]:
    """Run the visible tests on the candidate's code. Hidden tests never execute in a run."""
    session = own_session(candidate, session_id)
    return await run_code(
        conn,
        request.app.state.judge,
        session,
        language=body.language,
        code=body.code,
        mode="run",
        by="candidate",
    )


@router.post("/v1/sessions/{session_id}/submissions", status_code=201)
async def create_submission(
    session_id: str, body: RunBody, candidate: CandidateSession, conn: DbConn, request: Request
) -> dict[str, Any]:
    """Submit against every test. Hidden tests report only their verdict; their inputs and outputs never leave."""
    session = own_session(candidate, session_id)
    return await run_code(
        conn,
        request.app.state.judge,
        session,
        language=body.language,
        code=body.code,
        mode="submit",
        by="candidate",
    )


@router.post("/v1/internal/sessions/{session_id}/runs", dependencies=[InternalCaller])
async def create_internal_run(
    session_id: str, body: InternalRunBody, conn: DbConn, request: Request
) -> dict[str, Any]:
    """The agent's `run_tests` (mode `run`) or a submission on the candidate's behalf (mode `submit`)."""
    session = await sessions_repo.get_session(conn, session_id)
    if session is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    if session["status"] == "cancelled":
        raise ConflictError("This session was cancelled.", code="session_cancelled")
    return await run_code(
        conn,
        request.app.state.judge,
        session,
        language=body.language,
        code=body.code,
        mode=body.mode,
        by="agent",
        event_t=body.t,
    )
