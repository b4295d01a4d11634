"""Ashby's assessment partner API, partner side (`/integrations/ashby/*`), as Ashby documents it.

Ashby calls with HTTP Basic (our key as the username, a blank password). Answers follow Ashby's shapes:
`{success, results}`; the same start sent again (a retry) is answered as the first was, with the same assessment; a
refused start is 409 (the candidate already has another active assessment) or 422 with a
`message` that Ashby shows the recruiter verbatim, so it is written for a recruiter. We report back with
`assessment.update` on Ashby's API (`api.integrations.callbacks`): Started when the candidate starts, then the
result, or the cancellation when the hiring team cancels the session in Shadows. assessment.cancel cancels an
interview that is waiting or under way; one the candidate has already taken is not cancelled, and the answer says so
(`success: false`, `assessment_already_ended`), so that Ashby keeps the assessment open for its result. Errors not
answered here (a wrong key's 401, the edge's refusals, limits, a 500) get their recruiter's `message` on the way out
(api.integrations.ashby_errors).
"""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator

from api import guess_limits, json_keys
from api.db import integrations_repo
from api.deps import DbConn, Settings
from api.errors import RateLimitedError
from api.integrations import assessments
from api.integrations.ashby_errors import GENERIC_MESSAGE, PREFIX
from api.integrations.ats_numbers import one_number
from api.integrations.keys import IntegrationCaller, admitted, authenticate, hold_caller
from api.integrations.partner_schemes import ASHBY_SCHEME
from api.openapi_errors import DB, RETRY_AFTER, error_responses
from api.schemas import name_line, optional_name_line, refuse_unstorable

log = structlog.get_logger(__name__)
router = APIRouter(prefix=PREFIX, tags=["integrations"])


@guess_limits.lookup_guard
async def _admit_ashby(request: Request) -> None:
    admitted("ashby", request)


@guess_limits.lookup_guard
async def require_ashby(
    request: Request,
    # The document's security scheme; reads nothing (api.integrations.partner_schemes).
    _scheme: Annotated[None, Depends(ASHBY_SCHEME)],
    # Solved before the connection: a refused guess takes none.
    _admitted: Annotated[None, Depends(_admit_ashby)],
    conn: DbConn,
) -> IntegrationCaller:
    return await authenticate(conn, "ashby", request)


Caller = Annotated[IntegrationCaller, Depends(require_ashby)]


class _AshbyModel(BaseModel):
    # Ashby may add fields. A number where text is read (a job's `req_id` of 77, an id) is read as its text: read
    # strictly, the start was a 422 the recruiter could do nothing about, for a value kept as text anyway.
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    # One text per number, of every field: 77, 77.0 and 7.7e1 are one JSON number and read "77" (ats_numbers), so
    # the same start written with another spelling of a number is the same start.
    _one_number = field_validator("*", mode="before")(one_number)

    # Every field of every Ashby model, not a list per model that a new field can miss: PostgreSQL text never
    # holds U+0000, and a NUL that reached a query was a 500 (the cancel's assessment_id).
    _every_field_storable = field_validator("*")(refuse_unstorable)


def _null_is_empty(value: Any) -> Any:
    """Ashby sends null for a value it does not have (a candidate known by one name has no last name; a job may
    have no name): the same as an empty one, not a refusal the recruiter can do nothing about."""
    return "" if value is None else value


ID_MAX = 200  # ats_assessments.external_candidate_id holds at most this many characters


def _composed_fits(value: str) -> str:
    """The candidate's id is matched and stored composed (`assessments.request_key`), and composing can lengthen
    text (U+FB2C is three code points in NFC): bounded in that form, or the insert past the column's bound is a 500."""
    if len(assessments.request_key(value)) > ID_MAX:
        raise ValueError(f"at most {ID_MAX} characters in Unicode's composed form (NFC)")
    return value


class AshbyCandidate(_AshbyModel):
    ashby_id: str = Field(min_length=1, max_length=ID_MAX)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(default="", max_length=100)
    email: EmailStr
    ashby_profile_url: str | None = Field(default=None, max_length=2_000)

    _storable = field_validator("ashby_id", "ashby_profile_url")(refuse_unstorable)
    _composed = field_validator("ashby_id")(_composed_fits)
    _first = field_validator("first_name")(name_line)
    _last_null = field_validator("last_name", mode="before")(_null_is_empty)
    _last = field_validator("last_name")(optional_name_line)


# What Ashby sends that we neither keep nor use (the application's `status`, the job's `ashby_job_url` and
# `hiringTeam`) is not read at all, so that no form of it refuses a start: bounded or typed here, a long job link or
# a status sent in another shape was a 422 for a start Ashby's contract allows.
class AshbyApplication(_AshbyModel):
    ashby_id: str = Field(min_length=1, max_length=200)

    _storable = field_validator("ashby_id")(refuse_unstorable)


class AshbyJob(_AshbyModel):
    ashby_id: str = Field(min_length=1, max_length=200)
    name: str = Field(default="", max_length=500)
    req_id: str | None = Field(default=None, max_length=200)

    _storable = field_validator("ashby_id", "name", "req_id")(refuse_unstorable)
    _name_null = field_validator("name", mode="before")(_null_is_empty)


class StartAssessment(_AshbyModel):
    assessment_type_id: str = Field(min_length=1, max_length=200)
    candidate: AshbyCandidate
    application: AshbyApplication
    job: AshbyJob

    _storable = field_validator("assessment_type_id")(refuse_unstorable)


class CancelAssessment(_AshbyModel):
    assessment_id: str = Field(min_length=1, max_length=200)


# What the recruiter reads in Ashby when a start is refused, by the first field at fault.
FIELD_MESSAGES = {
    "candidate.email": "The candidate has no valid e-mail address in Ashby. Add one, then send the assessment again.",
    "candidate.first_name": "The candidate has no first name in Ashby. Add it, then send the assessment again.",
    "assessment_type_id": "Choose an assessment to send.",
}


def _refusal(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


async def _read(request: Request, model: type[_AshbyModel]) -> _AshbyModel | JSONResponse:
    try:
        return model.model_validate(json_keys.loads(await request.body()))
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        return _refusal(422, FIELD_MESSAGES.get(field, GENERIC_MESSAGE.format(field=field)))
    except json_keys.DuplicateKeyError as e:  # before ValueError, which it is
        return _refusal(422, GENERIC_MESSAGE.format(field=f"{e.field}: a key sent twice"))
    # UnicodeDecodeError is a ValueError; RecursionError is JSON nested past the recursion limit.
    except (ValueError, RecursionError):
        return _refusal(422, GENERIC_MESSAGE.format(field="not JSON"))


@router.post("/assessment.list", responses=error_responses(*DB, 401))
async def list_assessments(caller: Caller, conn: DbConn) -> dict[str, Any]:
    """The assessments this organisation can send (the same tests as for Greenhouse)."""
    tests = await assessments.offered_tests(conn)
    return {
        "success": True,
        "results": [
            {"assessment_type_id": t.id, "name": t.name, "description": t.description} for t in tests
        ],
    }


@router.post(
    "/assessment.start",
    response_model=None,
    responses={
        **error_responses(*DB, 401, 413),
        409: {
            "description": "The candidate already has another active assessment (the same start sent again is "
            "answered 200 with its assessment_id)."
        },
        429: {
            "description": "The organisation's session limit, or the limits on guessed keys; `Retry-After` says "
            "when to try again.",
            "headers": RETRY_AFTER,
        },
        422: {"description": "Refused; `message` is shown to the recruiter in Ashby."},
    },
)
async def start_assessment(
    request: Request, caller: Caller, conn: DbConn, settings: Settings
) -> dict[str, Any] | JSONResponse:
    """Schedule an interview for the candidate and e-mail them the link (when e-mail is configured). The same
    start sent again (Ashby retrying after a timeout) answers as the first did, with the same `assessment_id`, and
    schedules nothing new; any other start is refused with 409 while the candidate has an unexpired or running
    assessment from this organisation."""
    body = await _read(request, StartAssessment)
    if isinstance(body, JSONResponse):
        return body
    assert isinstance(body, StartAssessment)
    metadata = {
        "ats": "ashby",
        "ashby_candidate_id": body.candidate.ashby_id,
        "ashby_application_id": body.application.ashby_id,
        "ashby_job_id": body.job.ashby_id,
        "ashby_job_name": body.job.name,
        "ashby_req_id": body.job.req_id,
        "ashby_profile_url": body.candidate.ashby_profile_url,
    }
    name = " ".join(p for p in (body.candidate.first_name, body.candidate.last_name) if p)
    # Everything the assessment is made of; not the application's `status`, which Ashby may move between retries.
    start = {
        "assessment_type_id": body.assessment_type_id,
        "candidate_name": name,
        "candidate_email": str(body.candidate.email),
        "metadata": metadata,
    }
    fingerprint = assessments.request_fingerprint(start)
    # The candidate's id is what a start is matched on, kept in the fingerprint's Unicode form: the id composed once
    # and decomposed once is one candidate. An assessment stored before kept the id as it came: looked up in that
    # form and the decomposed one too (at most three indexed look-ups, under one lock).
    candidate_id = assessments.request_key(body.candidate.ashby_id)
    async with conn.transaction():
        await integrations_repo.lock_ashby_candidate(conn, caller.organization_id, candidate_id)
        active = None
        for form in assessments.request_key_forms(body.candidate.ashby_id):
            active = await integrations_repo.active_ashby_assessment(conn, caller.organization_id, form)
            if active is not None:
                break
        if active is not None and assessments.same_request(active["request_sha256"], start):
            # Ashby sending the same start again (it timed out on our answer): the answer it missed, nothing new.
            log.info("ashby.start_repeated", session_id=active["session_id"])
            return {"success": True, "results": {"assessment_id": active["session_id"]}}
        if active is not None:
            log.info("ashby.start_refused_active", session_id=active["session_id"])
            return _refusal(
                409,
                "This candidate already has a Shadows interview waiting or under way, sent with another "
                "assessment, application, job or e-mail address. Cancel it in Ashby before sending another one.",
            )
        try:
            session_id = await assessments.create_assessment(
                conn,
                settings,
                request.app.state.ratelimits,
                caller.organization_id,
                assessments.AssessmentRequest(
                    provider="ashby",
                    partner_test_id=body.assessment_type_id,
                    candidate_name=name,
                    candidate_email=str(body.candidate.email),
                    candidate_external_id=f"ashby:{candidate_id}",
                    metadata=metadata,
                    external_candidate_id=candidate_id,
                    external_application_id=body.application.ashby_id,
                    request_sha256=fingerprint,
                ),
                caller_key_id=caller.key_id,
            )
        except assessments.UnknownTestError:
            return _refusal(
                422,
                "This assessment is no longer offered by Shadows. Choose another one in the interview plan.",
            )
        except RateLimitedError as e:  # the organisation's session limit (api.org_limits): nothing was stored
            return JSONResponse(
                {
                    "message": "Your organisation has scheduled too many Shadows interviews in a short time. "
                    "Try again later.",
                    "code": e.code,
                },
                status_code=429,
                headers={"Retry-After": str(e.retry_after or 1)},
            )
    log.info("ashby.start", session_id=session_id)
    return {"success": True, "results": {"assessment_id": session_id}}


ALREADY_ENDED_MESSAGE = (
    "The candidate has already taken this Shadows interview, so it can no longer be cancelled. Shadows sends its "
    "outcome to Ashby."
)


@router.post("/assessment.cancel", response_model=None, responses=error_responses(*DB, 401, 413, 422))
async def cancel_assessment(request: Request, caller: Caller, conn: DbConn) -> dict[str, Any] | JSONResponse:
    """Cancel the interview if it is waiting or under way: `success: true`, also for one already cancelled (by Ashby
    or in Shadows; nothing new is recorded). An interview the candidate has already taken (completed or abandoned)
    is not cancelled: `success: false` with `assessment_already_ended`, Ashby's way of saying the request did not
    take, so that Ashby does not close the assessment and then refuse the result that follows."""
    body = await _read(request, CancelAssessment)
    if isinstance(body, JSONResponse):
        return body
    assert isinstance(body, CancelAssessment)
    async with conn.transaction():
        status = await integrations_repo.cancel_by_ats(conn, caller.organization_id, body.assessment_id)
        # Last, as for a start: a cancel whose key was rotated or revoked while it waited on the assessment's lock
        # cancels nothing and is answered 401, as its next request would be (Ashby sends it again with the new key).
        await hold_caller(conn, caller.key_id)
    if status is None:
        return {
            "success": False,
            "errorInfo": {"code": "assessment_not_found", "message": "No Shadows assessment has that id."},
        }
    log.info("ashby.cancel", session_id=body.assessment_id, status=status)
    if status != "cancelled":
        return {
            "success": False,
            "errorInfo": {"code": "assessment_already_ended", "message": ALREADY_ENDED_MESSAGE},
        }
    return {"success": True, "results": {"assessment_id": body.assessment_id}}
