"""The candidate's workspace on the server: autosaved drafts per language (a new tab or device resumes them) and
the latest Run, custom input and submission reports (they survive a reload). Authorised by the session's invite."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.candidate_rules import require_editable, require_in_progress, session_org
from api.db import drafts_repo, runs_repo, sessions_repo
from api.deps import CandidateSession, DbConn, Settings, own_session
from api.errors import ConflictError, UnprocessableError
from api.ids import SessionId
from api.judging import for_candidate
from api.openapi_errors import BODY, DB, INVITE, error_responses
from api.ratelimits import RateLimits
from api.report_limits import capped_units
from api.routers.runs import CLIENT_RUN_ID_PATTERN, MAX_CODE_CHARS
from api.schemas import Language, refuse_unstorable
from api.settings import ApiSettings

router = APIRouter(prefix="/v1/sessions/{session_id}", tags=["candidates"])


class DraftBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"code": "def two_sum(nums, target):\n    ...\n"}]}
    )

    code: str = Field(max_length=MAX_CODE_CHARS)
    base_revision: int | None = Field(
        default=None,
        ge=0,
        le=2**31 - 1,
        description="The draft revision this code was edited from (0: there was no draft). When given, the save is "
        "refused with 409 `draft_conflict` if another tab or device saved since; omitted, the latest save wins.",
    )

    _storable = field_validator("code")(refuse_unstorable)


# A read of the drafts counts one, and one more per this many bytes of them as stored (UTF-8; JSON's escapes are not
# counted): up to 200,000 characters per language in every language of the session, a read was up to 3.2 MB of
# UTF-8 (15 ms of the API's CPU for 2.4 MB, several times that with gzip), as often as an invite asked.
DRAFT_READ_UNIT_BYTES = 256 * 1024


async def _count_read(
    request: Request, settings: ApiSettings, budget: str, session_id: str, size: int, message: str
) -> None:
    """Count a read of `size` bytes (as stored) in the session's `budget`, with SHADOWS_API_DRAFT_RATE_LIMIT's
    numbers: one, and one more per DRAFT_READ_UNIT_BYTES (capped: `capped_units`); past it 429 `rate_limited` with
    Retry-After, before anything is read."""
    spec = settings.draft_rate_limit
    ratelimits: RateLimits = request.app.state.ratelimits  # shared by every replica when Redis is configured
    await ratelimits.hit(
        budget, spec, session_id, message=message, cost=capped_units(spec, 1 + size // DRAFT_READ_UNIT_BYTES)
    )


@router.get("/drafts", responses=error_responses(*DB, *INVITE, 429))
async def list_drafts(
    session_id: SessionId, candidate: CandidateSession, conn: DbConn, settings: Settings, request: Request
) -> dict[str, Any]:
    """The latest saved code per language, and whether the final answer is already submitted. Reads are limited per
    session as saves are (SHADOWS_API_DRAFT_RATE_LIMIT, in a budget of their own), each counting one and one more
    per 256 KiB of the drafts it returns: 429 `rate_limited` with Retry-After, before the drafts are read."""
    session = own_session(candidate, session_id)
    await _count_read(
        request,
        settings,
        "draft_reads",
        session["id"],
        await drafts_repo.drafts_bytes(conn, session["id"]),
        "Too many reads of the saved code; wait a moment.",
    )
    drafts = await drafts_repo.list_drafts(conn, session["id"])
    return {
        "drafts": {
            d["language"]: {
                "code": d["code"],
                "revision": d["revision"],
                "updated_at": d["updated_at"].isoformat(),
            }
            for d in drafts
        },
        "submitted": await sessions_repo.has_submission(conn, session["id"]),
    }


@router.put("/drafts/{language}", responses=error_responses(*BODY, *DB, *INVITE, 429))
async def save_draft(
    session_id: SessionId,
    language: Language,
    body: DraftBody,
    candidate: CandidateSession,
    conn: DbConn,
    settings: Settings,
    request: Request,
) -> dict[str, Any]:
    """Save the editor's code for one language (the page calls this a moment after typing stops). Only while the
    interview runs, and not after the final answer unless the organisation allows resubmission. With
    `base_revision`, only if no other tab or device saved this language since (409 `draft_conflict`). Limited per
    session (SHADOWS_API_DRAFT_RATE_LIMIT): 429 `rate_limited` with Retry-After."""
    session = own_session(candidate, session_id)
    require_in_progress(session, settings)
    if language not in sessions_repo.session_languages(session):
        raise UnprocessableError("This interview does not use that language.", code="unsupported_language")
    await require_editable(conn, session, await session_org(conn, session))
    ratelimits: RateLimits = request.app.state.ratelimits  # shared by every replica when Redis is configured
    await ratelimits.hit(
        "drafts", settings.draft_rate_limit, session["id"], message="Too many saves; wait a moment."
    )
    row = await drafts_repo.save_draft(conn, session["id"], language, body.code, body.base_revision)
    if row is None:
        raise ConflictError(
            "This code was changed in another tab or window since this one loaded it.", code="draft_conflict"
        )
    return {
        "language": row["language"],
        "revision": row["revision"],
        "updated_at": row["updated_at"].isoformat(),
    }


@router.get(
    "/results",
    responses={
        200: {
            "description": "The newest plain Run (`run`), submission (`submit`) and custom input (`custom`) reports, "
            "each null when there is none, each with `submission_id`, `created_at`, `by` (who ran it: "
            "`candidate`, `agent` for the interviewer, `grader` for the grading job's final Submit; null when not "
            "known) and `client_run_id` (the id the page gave the run; null when none); with `?client_run_id=`, "
            "also `client_run`, that run's report (null while it is not stored)"
        },
        **error_responses(*DB, *INVITE, 429),
    },
)
async def read_latest_results(
    session_id: SessionId,
    candidate: CandidateSession,
    conn: DbConn,
    settings: Settings,
    request: Request,
    by: Annotated[
        Literal["candidate"] | None,
        Query(
            description="`candidate`: only the candidate's own runs (and those whose `by` is not known), so that a "
            "page following its own lost run finds it behind the interviewer's newer one."
        ),
    ] = None,
    client_run_id: Annotated[
        str | None,
        Query(
            pattern=CLIENT_RUN_ID_PATTERN,
            description="The id the page gave a run (`X-Shadows-Client-Run-Id`): its report is returned as "
            "`client_run` (null while it is not stored), so a page whose answer was lost finds its own run, never "
            "another tab's.",
        ),
    ] = None,
) -> dict[str, Any]:
    """The newest reports, each with its `submission_id`, `created_at` and `by` (who ran it: `candidate`, `agent` (the
    interviewer), `grader`; null for a run stored before that was recorded), or null for each: `run`, the newest Run
    that is not custom input; `submit`, the newest submission (hidden tests redacted, named only by their place:
    `api.judging.for_candidate`); and `custom`, the newest custom input (a Run marked `custom`). Before `custom` was
    added, `run` was the newest Run of either, so a Run made before the newest custom input was not returned.
    Reads are limited per session as the drafts' are
    (SHADOWS_API_DRAFT_RATE_LIMIT's numbers, in a budget of their own), each counting one and one more per 256 KiB of
    the reports it returns: 429 `rate_limited` with Retry-After, before the reports are read. A report shows what the
    program returned in each visible test (up to 256 KiB a value): three of them are up to 3.9 MB a read (four with
    `client_run_id`: each report carries the id its page gave it, and `client_run` is the one given that id)."""
    session = own_session(candidate, session_id)
    await _count_read(
        request,
        settings,
        "result_reads",
        session["id"],
        await runs_repo.latest_results_bytes(
            conn, session["id"], own=by is not None, client_run_id=client_run_id
        ),
        "Too many reads of the latest results; wait a moment.",
    )
    latest = await runs_repo.latest_results(
        conn, session["id"], own=by is not None, client_run_id=client_run_id
    )
    return {kind: for_candidate(report) if report else None for kind, report in latest.items()}
