"""Running code: the candidate's Run (visible tests) and Submit (all tests), and the agent's internal equivalents.

These routes take no request-scoped database connection: api.run_flow uses short ones around the judge."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.db.interviewers_repo import require_holder
from api.db.pool import connection
from api.deps import InternalCaller, InviteToken
from api.ids import SessionId
from api.judging import Mode
from api.openapi_errors import BODY, DB, error_responses
from api.routers.internal import AgentJob
from api.run_flow import RunServices, run_for_agent, run_for_candidate
from api.schemas import Language, refuse_unstorable

router = APIRouter(tags=["runs"])

MAX_CODE_CHARS = 200_000  # bytes are capped again by the judge's max_code_bytes
CANDIDATE_ERRORS = error_responses(*BODY, *DB, 401, 404, 409, 410, 429)
AGENT_ERRORS = error_responses(*BODY, *DB, 401, 404, 409, 429)
CLIENT_RUN_ID_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"  # as submissions_client_run_id_check

# The id the candidate's page gave the run as it sent it (web/src/pendingrun.ts), stored with it: a page whose answer
# was lost reads exactly that run's report (`GET .../results?client_run_id=`), never another tab's. A header, not a
# body field: the bodies forbid unknown fields, so a page sending it to a replica from before it (a rolling deploy)
# would have had every Run refused; a header such a replica ignores, and the page then matches by time, as before.
ClientRunId = Annotated[
    str | None,
    Header(
        alias="X-Shadows-Client-Run-Id",
        pattern=CLIENT_RUN_ID_PATTERN,
        description="An id the page chose for this run (16 to 64 of A-Z a-z 0-9 _ -), stored with it so the page "
        "can read this run's report again if its answer is lost (`GET .../results?client_run_id=`).",
    ),
]


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


def _services(request: Request) -> RunServices:
    services: RunServices = request.app.state.runs
    return services


@router.post("/v1/sessions/{session_id}/runs", responses=CANDIDATE_ERRORS)
async def create_run(
    invite: InviteToken,
    session_id: SessionId,
    body: RunBody,
    request: Request,
    client_run_id: ClientRunId = None,
) -> dict[str, Any]:
    """Run the visible tests on the candidate's code. Hidden tests never execute in a run. Open only while the
    session is in progress and its time is not up; one run per session at a time."""
    return await run_for_candidate(
        _services(request),
        invite=invite,
        session_id=session_id,
        language=body.language,
        code=body.code,
        mode="run",
        caller=request,
        client_run_id=client_run_id,
    )


@router.post("/v1/sessions/{session_id}/submissions", status_code=201, responses=CANDIDATE_ERRORS)
async def create_submission(
    invite: InviteToken,
    session_id: SessionId,
    body: RunBody,
    request: Request,
    client_run_id: ClientRunId = None,
) -> dict[str, Any]:
    """Submit against every test. Hidden tests report only their verdict; their inputs and outputs never leave."""
    return await run_for_candidate(
        _services(request),
        invite=invite,
        session_id=session_id,
        language=body.language,
        code=body.code,
        mode="submit",
        caller=request,
        client_run_id=client_run_id,
    )


@router.post("/v1/internal/sessions/{session_id}/runs", dependencies=[InternalCaller], responses=AGENT_ERRORS)
async def create_internal_run(
    session_id: SessionId, body: InternalRunBody, request: Request, agent_job: AgentJob = None
) -> dict[str, Any]:
    """The agent's `run_tests` (mode `run`) or a submission on the candidate's behalf (mode `submit`). Only the
    session's interviewer (`X-Shadows-Agent-Job`) runs code for it: a job replaced by another (its lease ran out while
    it could not reach the API) is 409 `interviewer_present`, as its events are. Asked before the judge runs (no
    run for a job that does not hold the session) and again when the run is stored, in the store's transaction: a
    takeover while the judge ran refuses the run (409, nothing stored)."""
    async with connection(request.app.state.pool) as conn, conn.transaction():
        await require_holder(conn, session_id, agent_job)
    return await run_for_agent(
        _services(request),
        session_id=session_id,
        language=body.language,
        code=body.code,
        mode=body.mode,
        event_t=body.t,
        agent_job=agent_job,
    )
