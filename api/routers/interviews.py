"""The candidate's own steps through an interview: agree to the notice, ask for an accommodation, start (by voice,
or without voice where allowed), call the interviewer again, and end it. Authorised by the session's invite."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.agent_dispatch import LiveKitUnavailableError, interviewer_in_room, redispatch_agent
from api.candidate_rules import consented, policies, require_in_progress, session_org
from api.db import endings_repo, events_repo, interviewers_repo, redispatch_repo, sessions_repo
from api.db.pool import Conn, connection
from api.deps import (
    BriefCandidateSession,
    CandidateSession,
    DbConn,
    Questions,
    Settings,
    own_session,
    require_usable,
)
from api.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    ServiceUnavailableError,
    UnprocessableError,
)
from api.ids import SessionId
from api.jobs.grading import request_grading
from api.notice_versions import newer_than_known, versions
from api.notices import render_notice, retention_days
from api.openapi_errors import BODY, DB, INVITE, error_responses
from api.ratelimits import RateLimits
from api.routers.join import candidate_view
from api.schemas import JoinResponse, Language, refuse_unstorable
from api.timestamps import utc_z

router = APIRouter(prefix="/v1/sessions/{session_id}", tags=["candidates"])

MAX_ACCOMMODATION_REQUESTS = 5
# How long a page waits before sending a consent again that a replica of an older release could not check.
NOTICE_UPDATING_RETRY_S = 5


class ConsentBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"notice_version": "v1", "notice_sha256": "9f2c…", "agreed": True}]},
    )

    notice_version: str = Field(min_length=1, max_length=20)
    notice_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the notice HTML that was shown"
    )
    agreed: Literal[True]


class AccommodationBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"kind": "human_interview", "message": "I would prefer a person."}]},
    )

    kind: Literal["accommodation", "human_interview"]
    message: str | None = Field(default=None, max_length=2000)
    request_id: str | None = Field(
        default=None,
        min_length=16,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]{16,64}$",
        description="Chosen by the page for this request and sent again with its retries: a repeat stores nothing "
        "new and answers the request stored (`duplicate`)",
    )

    _storable = field_validator("message")(refuse_unstorable)


class StartBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"mode": "voice"}]})

    mode: Literal["voice", "text"] = Field(
        description="`voice`: the candidate started the call. `text`: without voice, where the organisation allows "
        "it (`allow_text_only`) or the session is text-only."
    )


class EndBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(
        default=None,
        max_length=200_000,
        description="The editor's code at the end; not kept after a final answer that locked the code",
    )
    language: Language | None = None

    _storable = field_validator("code")(refuse_unstorable)


def _key(kind: str) -> str:
    return f"page:{kind}:{secrets.token_hex(8)}"


@router.post("/consent", status_code=201, responses=error_responses(*BODY, *DB, *INVITE))
async def create_consent(
    session_id: SessionId, body: ConsentBody, candidate: CandidateSession, conn: DbConn
) -> dict[str, Any]:
    """Record that the candidate agreed to the notice: its version, the exact text shown and its hash, and when. The
    organisation is notified (`session.consent_given`). Agreeing again to the same text stores nothing new. Only
    the current notice can be agreed to: a version it replaced is 409 `notice_changed`, as a changed text is. A
    version newer than this server's release (a rolling deploy) is 503 `notice_updating`: retry after
    `Retry-After`."""
    session = own_session(candidate, session_id)
    if newer_than_known(body.notice_version):
        # A page a newer release's replica served, answered by one of the release it replaces (a rolling deploy):
        # this process cannot render that text to check it. Retried shortly, it lands on a newer replica; an
        # `unknown_notice` said the page's own notice did not exist and left the candidate nothing to do.
        raise ServiceUnavailableError(
            "The interview service is being updated; try again in a few seconds.",
            code="notice_updating",
            retry_after=NOTICE_UPDATING_RETRY_S,
        )
    if body.notice_version not in versions():
        raise UnprocessableError("Unknown notice version.", code="unknown_notice")
    org = await session_org(conn, session)
    # Rendered in the current version whatever the request names: an older one (version 1 says nothing of legal
    # holds) matched its own text and opened the room, a consent to a notice the page no longer shows.
    notice = render_notice(session, org, sessions_repo.session_languages(session))
    if body.notice_version != notice.version or notice.sha256 != body.notice_sha256:
        raise ConflictError("The notice has changed; read it again.", code="notice_changed")
    at = utc_z(datetime.now(UTC))
    days = retention_days(org)  # what the notice just checked says: "keeps this record for {days} days"
    async with conn.transaction():  # the period agreed to is kept with the consent, or neither is
        stored = await events_repo.append_events(
            conn,
            session["id"],
            [
                events_repo.EventIn(
                    idempotency_key=f"page:consent:{notice.version}:{notice.sha256[:16]}",
                    type="consent",
                    payload={
                        "notice_version": notice.version,
                        "notice_sha256": notice.sha256,
                        # The text itself: it is rendered from values that change later (the organisation's
                        # name and policies, the session's extra time), so the hash alone proved nothing once
                        # they did. Kept by the retention job with the consent (docs/reports.md).
                        "notice_html": notice.html,
                        "retention_days": days,
                        "agreed_at": at,
                    },
                )
            ],
        )
        if stored is None:  # erased since the invite opened it
            raise NotFoundError("Session not found.", code="session_not_found")
        await sessions_repo.agree_retention(conn, session["id"], days)
    return {"notice_version": notice.version, "seq": stored[0].seq, "duplicate": stored[0].duplicate}


@router.post(
    "/accommodation-requests", status_code=201, responses=error_responses(*BODY, *DB, *INVITE, 409, 429)
)
async def create_accommodation_request(
    session_id: SessionId, body: AccommodationBody, candidate: CandidateSession, conn: DbConn
) -> dict[str, Any]:
    """Ask for an accommodation or an interview with a person. Stored in the event log; the organisation is
    notified (`session.accommodation_requested`). At most five per session. A retry with the same `request_id`
    (its answer was lost) stores nothing new, is not counted again, and answers the request stored; the same
    `request_id` with another kind or message is 409 `idempotency_key_reused`."""
    session = own_session(candidate, session_id)
    # Without a request id, each post is a request of its own: a retry of one whose answer was lost stored it twice
    # (two notifications to the organisation, two of the five).
    key = f"page:accommodation:{body.request_id}" if body.request_id else _key("accommodation")
    stored = await events_repo.append_events(
        conn,
        session["id"],
        [
            events_repo.EventIn(
                idempotency_key=key,
                type="accommodation_request",
                payload={"kind": body.kind, "message": body.message, "status": session["status"]},
            )
        ],
        cap=events_repo.Cap("accommodation_request", MAX_ACCOMMODATION_REQUESTS),
    )
    if stored is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    if not stored:
        raise RateLimitedError("Your requests were received; the hiring team will contact you.")
    if stored[0].duplicate:
        await _same_request(conn, session["id"], key, body)
    return {"kind": body.kind, "seq": stored[0].seq, "duplicate": stored[0].duplicate}


async def _same_request(conn: Conn, session_id: str, key: str, body: AccommodationBody) -> None:
    """A repeated `request_id` answers as stored only when it repeats the request stored under it (its kind and
    message; not the session's status, which may have moved on between a lost answer and its retry). Another
    request under a used id is refused, 409 `idempotency_key_reused`: answered as a duplicate, it was dropped while
    its sender was told it was stored (a person asked for, and the organisation never told)."""
    event = await events_repo.stored_event(conn, session_id, key)
    if event is None:  # erased since (the session's data deleted): nothing to hold the repeat to
        return
    payload = event["payload"]
    if (
        event["type"] != "accommodation_request"
        or payload.get("kind") != body.kind
        or payload.get("message") != body.message
    ):
        raise events_repo.IdempotencyKeyReusedError(
            "This request id was already used for another request: send this one with a new request id."
        )


@router.post("/start", response_model=JoinResponse, responses=error_responses(*BODY, *DB, *INVITE, 403))
async def start_interview(
    session_id: SessionId,
    body: StartBody,
    candidate: CandidateSession,
    conn: DbConn,
    settings: Settings,
    questions: Questions,
) -> JoinResponse:
    """Start the interview: the clock runs from now, and the question becomes visible. Needs the candidate's
    consent to the notice in force, word for word: none is 409 `consent_required`; one to a version since replaced,
    or to a text since changed (the organisation's name or retention period, the session's extra time), is 409
    `notice_changed` (show the current notice, agree to it, then start). Starting an interview that is already
    running returns it unchanged."""
    session = own_session(candidate, session_id)
    found = await _candidate_session(conn, session["id"])
    if session["status"] == "scheduled":
        if not consented(found):
            if found.consented_version is None:
                raise ConflictError("Agree to the notice before starting.", code="consent_required")
            # Agreed, but not to this text: a version since replaced, or this version's text before a value it is
            # rendered from changed (the organisation's name or retention period, the session's extra time).
            raise ConflictError(
                "The notice has changed since you agreed to it; read it again.", code="notice_changed"
            )
        if body.mode == "text" and not policies(session, found.org).allow_text_only:
            raise ForbiddenError(
                "This interview needs voice; ask for an accommodation if you cannot use it.",
                code="text_only_not_allowed",
            )
        await sessions_repo.mark_started(conn, session["id"], body.mode)
        found = await _candidate_session(conn, session["id"])
        # A cancel (or an end) that committed after the invite check leaves nothing started: say so, as the invite
        # check would now, rather than answer 200 with the view of a cancelled interview.
        require_usable(found.session, settings)
    return await candidate_view(conn, found, settings, questions)


async def _candidate_session(conn: Conn, session_id: str) -> sessions_repo.CandidateRow:
    """The session with its organisation and consent; 404 if it was erased since the invite opened it."""
    found = await sessions_repo.get_candidate_session(conn, session_id)
    if found is None:
        raise NotFoundError("Session not found.", code="session_not_found")
    return found


@router.post("/agent-dispatch", status_code=202, responses=error_responses(*DB, *INVITE, 429))
async def create_agent_dispatch(
    session_id: SessionId, candidate: BriefCandidateSession, request: Request, settings: Settings
) -> dict[str, Any]:
    """Call the interviewer into the room again when it has not joined (the page does this once, after waiting).
    Limited per session (SHADOWS_API_AGENT_REDISPATCH_LIMIT). A 503 `livekit_unavailable` uses none of it; calls
    of any outcome are limited per session too (SHADOWS_API_AGENT_DISPATCH_RATE_LIMIT, 429 `rate_limited`). A
    session that has finished meanwhile (cancelled, say) is a 409 `session_finished`: nothing is dispatched. An
    interviewer already in the call is a 409 `interviewer_present`, which uses none of it either: LiveKit lets any
    number of agents into a room, and a second interviewer heard and answered the candidate beside the first, each
    writing its own transcript (every candidate line twice), hints and ending into the one record."""
    session = own_session(candidate, session_id)
    require_in_progress(session, settings)
    # Counted before LiveKit is asked anything: a call that finds the interviewer present, or LiveKit failing, gives
    # its allowance back, and a page looping on it cost a call to LiveKit's API (shared by every session) each time.
    ratelimits: RateLimits = request.app.state.ratelimits
    await ratelimits.hit(
        "agent_dispatch",
        settings.agent_dispatch_rate_limit,
        session["id"],
        message="The interviewer was called too often for this interview; try again later.",
    )
    pool = request.app.state.pool
    # Short connections: none is held while LiveKit answers (up to 10 s). A reservation the database fails to
    # confirm or give back lapses on its own (api.db.redispatch_repo).
    finished = False
    async with connection(pool) as conn, conn.transaction():
        reservation = await redispatch_repo.reserve(conn, session["id"], settings.agent_redispatch_limit)
        if reservation is None:
            cur = await conn.execute("select status from sessions where id = %s", (session["id"],))
            now = await cur.fetchone()
            finished = now is None or now["status"] not in ("scheduled", "in_progress")
    if reservation is None and finished:  # cancelled (or ended) since the invite was checked: never dispatch
        raise ConflictError("This interview has already finished.", code="session_finished")
    if reservation is None:
        raise RateLimitedError(
            "The interviewer was already called again for this interview.", code="redispatch_limit"
        )
    try:
        present = await interviewer_in_room(settings, session["room_name"])
        dispatch_id = None if present else await redispatch_agent(settings, session)
    except LiveKitUnavailableError:
        async with connection(pool) as conn:  # the 503 says retry: the retry may dispatch
            await redispatch_repo.give_back(conn, reservation)
        raise
    if dispatch_id is None:
        # Nothing was dispatched: the allowance is for an interviewer that is missing.
        async with connection(pool) as conn:
            await redispatch_repo.give_back(conn, reservation)
        raise ConflictError("The interviewer is already in the call.", code="interviewer_present")
    async with connection(pool) as conn:
        await redispatch_repo.confirm(conn, reservation)
    return {"dispatch_id": dispatch_id}


@router.post("/end", responses=error_responses(*BODY, *DB, *INVITE))
async def end_interview(
    session_id: SessionId, body: EndBody, candidate: CandidateSession, conn: DbConn
) -> dict[str, str]:
    """The candidate ends the interview (after confirming). The code in the editor is kept as the final code, unless
    a final answer locked the code (the organisation does not allow resubmission): that answer stays the final code,
    and the code sent here is not kept; the interview ends all the same.

    Once the interviewer has ended the interview (it recorded the END: time up, its `end_interview`, the End button
    it was asked for), the code was final at that moment and nothing here is stored: its completion keeps the code
    at the END (or, its agent lost, LiveKit's `room_finished` or the stall sweep do). The answer is then 200 with the
    session's status as it is (`in_progress` until that completion), so the page shows the end all the same."""
    session = own_session(candidate, session_id)
    if session["status"] == "scheduled":
        raise ConflictError("The interview has not started yet.", code="session_not_started")
    if body.language is not None and body.language not in sessions_repo.session_languages(session):
        raise UnprocessableError("This interview does not use that language.", code="unsupported_language")
    async with conn.transaction():  # the grading job commits with the completion, or neither does
        # The row lock every event append and every ending takes (mark_completed's, end_unattended's): an END that
        # committed before it is seen here; one still waiting on the row is appended after this ending (the
        # candidate ended first: their code stands, as before).
        cur = await conn.execute(
            "select status from sessions where id = %s for no key update", (session["id"],)
        )
        row = await cur.fetchone()
        if row is not None and await interviewers_repo.ending_recorded(conn, session["id"]):
            return {"id": session["id"], "status": str(row["status"])}
        status = await endings_repo.mark_completed(
            conn, session["id"], final_code=body.code, language=body.language, reason="candidate_ended"
        )
        if status == "completed":
            await request_grading(conn, session["id"], trigger="session_end")
    return {"id": session["id"], "status": status or "completed"}
