"""Custom input: run the candidate's function on their own arguments and show what it returns and prints. Goes
through the candidate run flow (`api.run_flow.run_for_candidate` with `custom=`: same lease, rate limit and judge
admission as a Run); the cases come from api/custom_input.py; stored and logged like a Run, marked `custom`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.candidate_rules import require_in_progress
from api.custom_input import MAX_CASES
from api.db import sessions_repo
from api.deps import BriefCandidateSession, InviteToken, Settings, own_session
from api.errors import UnprocessableError
from api.ids import SessionId
from api.openapi_errors import BODY, DB, INVITE, error_responses
from api.routers.runs import MAX_CODE_CHARS, ClientRunId
from api.run_flow import RunServices, run_for_candidate
from api.schemas import Language, refuse_unstorable

router = APIRouter(prefix="/v1/sessions/{session_id}", tags=["runs"])


class CustomRunBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "language": "python",
                    "code": "def two_sum(nums, target):\n    return [0, 1]\n",
                    "inputs": [[[3, 3], 6]],
                }
            ]
        },
    )

    language: Language
    code: str = Field(max_length=MAX_CODE_CHARS)
    inputs: list[list[Any]] = Field(
        min_length=1, max_length=MAX_CASES, description="Each item is the argument list of one call, in order"
    )

    _storable = field_validator("code", "inputs")(refuse_unstorable)


@router.post("/custom-runs", responses=error_responses(*BODY, *DB, *INVITE, 429))
async def create_custom_run(
    session_id: SessionId,
    body: CustomRunBody,
    candidate: BriefCandidateSession,  # brief: no connection is held while the judge works
    invite: InviteToken,
    settings: Settings,
    request: Request,
    client_run_id: ClientRunId = None,
) -> dict[str, Any]:
    """Run the function on the candidate's own arguments. Each test's `actual` is what it returned and its verdict
    is `accepted` when it returned at all (there is no expected value); errors and limits are reported as usual."""
    session = own_session(candidate, session_id)
    require_in_progress(session, settings)
    if body.language not in sessions_repo.session_languages(session):
        raise UnprocessableError("This interview does not use that language.", code="unsupported_language")
    services: RunServices = request.app.state.runs
    return await run_for_candidate(
        services,
        invite=invite,
        session_id=session_id,
        language=body.language,
        code=body.code,
        mode="run",
        custom=body.inputs,
        caller=request,
        client_run_id=client_run_id,
    )
