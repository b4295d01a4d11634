"""LiveKit's webhooks: verified against our API secret, applied once each, moving sessions through their lifecycle.

The route takes no request-scoped connection: it applies a webhook in one short transaction, and a redispatch then
asks LiveKit (up to two 10 s calls) holding none (api.redispatch)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import structlog
from fastapi import APIRouter, Request
from google.protobuf.json_format import Parse
from livekit import api as lk
from psycopg.errors import UniqueViolation

from api import json_guard
from api.candidate_rules import may_start
from api.db import endings_repo, interviewers_repo, redispatch_repo, sessions_repo
from api.db.pool import Conn, Pool, connection
from api.deps import Settings
from api.errors import (
    ConflictError,
    GoneError,
    ServiceUnavailableError,
    UnauthorizedError,
    UnprocessableError,
)
from api.jobs.grading import request_grading
from api.jobs.pruning import LIVEKIT_WEBHOOK_MAX_AGE
from api.livekit_signature import verify_body
from api.metrics import WEBHOOKS
from api.openapi_errors import BODY, DB, error_responses
from api.redispatch import agent_job_id, is_agent, redispatch
from api.rooms import joined_before_refused_close
from api.tokens import candidate_identity

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/v1/livekit", tags=["livekit"])


FINISHED = ("cancelled", "completed", "abandoned")


class WebhookInFlightError(ServiceUnavailableError):
    code = "webhook_in_flight"


def _verify(body: bytes, auth: str, settings: Settings) -> lk.WebhookEvent:
    """The webhook, once its signature holds (api.livekit_signature): the JWT and the body's SHA-256 it signs,
    before any JSON is parsed. An anonymous body costs a hash, not a parse: read first (at the edge, then again
    here), a 2 MiB body cost about 140 ms of CPU before its refusal; and one past SHADOWS_API_MAX_PUBLIC_BODY_BYTES
    is not read at all without a JWT that holds (api.body_credentials). Then what the edge checks of other bodies (a
    repeated key, lone surrogates), then the SDK's parser."""
    verify_body(body, auth, settings)
    if refused := json_guard.refusal(
        body, nul=False
    ):  # participants' own metadata may hold a NUL: see json_guard
        raise refused
    try:
        return Parse(body.decode("utf-8"), lk.WebhookEvent(), ignore_unknown_fields=True)
    except Exception as e:  # not UTF-8, not JSON, not a WebhookEvent: signed, but nothing LiveKit sends
        raise UnprocessableError("The webhook is not a LiveKit event.", code="validation_error") from e


@router.post("/webhook", responses=error_responses(*BODY, *DB, 401))
async def receive_livekit_webhook(request: Request, settings: Settings) -> dict[str, str]:
    """Candidate joined -> in_progress, only on their consent to the notice in force (as POST /start: otherwise
    `consent_required`, the session left scheduled and its room closed) and not into a room a refused join's close
    has since deleted (`room_closed_on_refusal`, left scheduled: api.rooms); a started session's room finished without a
    normal end -> abandoned (completed, `end_reason` `ended_agent_lost`, when the interviewer had recorded the
    interview's end and only its completion was lost, answered `completed`; one never started stays scheduled);
    the interviewer left a running interview while the candidate stayed -> dispatched again (at most
    SHADOWS_API_AGENT_REDISPATCH_LIMIT times per session), unless it had recorded the interview's end (it left to
    complete it: `interview_ended`).
    Replays of a webhook id are no-ops; a webhook created more than a day ago is answered `stale` and not applied
    (the ids of applied webhooks are kept 7 days)."""
    auth = request.headers.get("authorization", "")
    if not auth:
        raise UnauthorizedError("Missing webhook signature.", code="missing_signature")
    body = await request.body()
    event = _verify(body, auth, settings)
    room_name = event.room.name if event.HasField("room") else None
    if event.created_at and event.created_at < time.time() - LIVEKIT_WEBHOOK_MAX_AGE.total_seconds():
        # Older than any LiveKit retry: a replay. Refused before the dedup table, whose old ids are pruned.
        WEBHOOKS.labels(event=event.event, outcome="stale").inc()
        return {"status": "stale"}
    event_id = event.id or f"{event.event}:{room_name}:{event.created_at}"
    pool = request.app.state.pool
    applied = await _store_and_apply(pool, event, event_id, room_name, settings)
    if (
        applied is None
    ):  # a lapsed reservation's webhook was forgotten just now: this delivery applies it afresh
        applied = await _store_and_apply(pool, event, event_id, room_name, settings)
    if applied is None or applied[0] == "duplicate":
        WEBHOOKS.labels(event=event.event, outcome="duplicate").inc()
        return {"status": "duplicate"}
    outcome, session_id, reservation = applied
    if reservation is not None:  # LiveKit is called after the reservation committed, on no connection
        assert session_id is not None  # a reservation is made for a session
        outcome = await redispatch(
            pool, settings, {"id": session_id, "room_name": room_name}, reservation, event_id
        )
    WEBHOOKS.labels(event=event.event, outcome=outcome).inc()
    log.info("livekit.webhook", webhook_event=event.event, outcome=outcome)
    return {"status": outcome}


async def _store_and_apply(
    pool: Pool, event: lk.WebhookEvent, event_id: str, room_name: str | None, settings: Settings
) -> tuple[str, str | None, UUID | None] | None:
    """Store the webhook's id and apply it in one transaction: (outcome, session id, redispatch reservation).
    A webhook already stored is a duplicate, unless its redispatch reservation is still unresolved: live (the first
    delivery may still be waiting on LiveKit) is a 503 so that LiveKit delivers it again later; lapsed (the
    database failed while that delivery gave it back or confirmed it) is forgotten, and None says apply it again."""
    try:
        async with connection(pool) as conn, conn.transaction():
            await conn.execute(
                "insert into livekit_webhook_events (id, event, room_name) values (%s, %s, %s)",
                (event_id, event.event, room_name),
            )
            return await _apply(conn, event, event_id, room_name, settings)
    except UniqueViolation:
        pass
    async with connection(pool) as conn, conn.transaction():
        state = await redispatch_repo.webhook_reservation_state(conn, event_id)
        if state == "pending":
            raise WebhookInFlightError("This webhook is still being applied; deliver it again later.")
        if state == "lapsed" and await redispatch_repo.forget_lapsed_webhook(conn, event_id):
            return None
    return "duplicate", None, None


async def _apply(
    conn: Conn, event: lk.WebhookEvent, event_id: str, room_name: str | None, settings: Settings
) -> tuple[str, str | None, UUID | None]:
    """The webhook's outcome, the id of the session it applies to (None when it names no known room), and the
    redispatch it reserved."""
    if not room_name:
        return "ignored", None, None
    session = await sessions_repo.get_session_by_room(conn, room_name)
    if session is None:
        return "unknown_room", None, None
    if event.event == "participant_left" and is_agent(event.participant):
        # The session's interviewer left: its claim ends now, so the job dispatched next may start at once. A job
        # that left while another holds the session (one refused at its start, one that lost its claim) leaves
        # the interviewer in the room: nothing to redispatch. Claim row first, then the session's (reserve).
        # An interviewer that recorded the interview's end left to complete it (livekit disconnects a job before
        # its completion call): it keeps the session, and nothing is redispatched. A job dispatched on that leave
        # was refused at its start (the holder's lease is live), then found the session completed and left: a
        # redispatch used up at every normal ending, and none is needed after the end.
        left = agent_job_id(event.participant)
        ended = await interviewers_repo.ending_recorded(conn, session["id"])
        if left is not None and not ended:
            await interviewers_repo.release(conn, session["id"], left)
        claimed = await interviewers_repo.current(conn, session["id"])
        if claimed is not None and claimed.live and claimed.job_id != left:
            return "interviewer_present", session["id"], None
        # The holder's leave after the end (or, with no claim, an agent's from before claims).
        if ended and (claimed is None or claimed.job_id == left):
            return "interview_ended", session["id"], None
    if (
        event.event == "participant_left"
        and is_agent(event.participant)
        and session["status"] == "in_progress"
    ):
        reservation = await redispatch_repo.reserve(
            conn, session["id"], settings.agent_redispatch_limit, webhook_id=event_id, running_only=True
        )
        if reservation is None:
            return "redispatch_limit", session["id"], None
        return "redispatch_reserved", session["id"], reservation
    return await _apply_to(conn, event, session), session["id"], None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _joined_by(event: lk.WebhookEvent) -> datetime | None:
    """The latest the participant may have joined, on LiveKit's clock: the end of the millisecond LiveKit gives
    (`joined_at_ms`), else of the second (`joined_at`, else the webhook's own `created_at`, sent after the join).
    Each is truncated to its unit, so a join in the same unit as the refused close may be after it; only one whose
    unit ended by the close is surely from before it (`joined_before_refused_close`). None when none is given, or out
    of the range of a time."""
    p = event.participant
    try:
        if p.joined_at_ms:
            return _EPOCH + timedelta(milliseconds=p.joined_at_ms + 1)
        seconds = p.joined_at or event.created_at
        return _EPOCH + timedelta(seconds=seconds + 1) if seconds else None
    except OverflowError:
        return None


async def _apply_to(conn: Conn, event: lk.WebhookEvent, session: dict[str, Any]) -> str:
    if event.event in ("room_started", "participant_joined") and session["status"] in FINISHED:
        # A finished session's room in use again (a room token cannot be taken back, and joining creates the room
        # and dispatches the agent again): close it (api.rooms).
        await conn.execute("select outbox_close_livekit_room(%s, %s, 0)", (session["id"], event.room.name))
        return "room_closed"
    # Only this session's own candidate starts it; another session's candidate (or the agent) joining does not.
    candidate = candidate_identity(session["id"])
    if event.event == "participant_joined" and event.participant.identity == candidate:
        found = await sessions_repo.get_candidate_session(conn, session["id"])
        if found is None or not may_start(found):
            # A room token outlives the notice text it was minted under: joined with one after that text changed,
            # the session stays scheduled (POST /start's rule: `api.candidate_rules.may_start`), and the room, with
            # the interviewer its token dispatched, is closed as for a finished session's (api.rooms). The page asks
            # for the current consent before it starts, and joins after that: the close is queued as a refusal's,
            # which keeps the room if the session has started by the time it runs (api.rooms.close_room).
            await conn.execute(
                "select outbox_close_livekit_room(%s, %s, 0, 'refused')", (session["id"], event.room.name)
            )
            return "consent_required"
        if await joined_before_refused_close(conn, session["id"], _joined_by(event)):
            # They joined the room a refused join's close has since deleted (this webhook waited for that close, or
            # came late): they are in no room, and the session stays scheduled. Their rejoin is to a room LiveKit
            # creates afresh, whose join starts it (api.rooms); nothing to close.
            return "room_closed_on_refusal"
        try:
            status = await sessions_repo.mark_started(conn, session["id"])
        except (ConflictError, GoneError) as e:
            # Expired, or erased under retention: it never starts (sessions_repo.mark_started); its room is closed
            # as a refused join's (api.rooms.close_room), with the interviewer its token dispatched.
            await conn.execute(
                "select outbox_close_livekit_room(%s, %s, 0, 'refused')", (session["id"], event.room.name)
            )
            return e.code
        return "started" if status == "in_progress" else "unchanged"
    if event.event == "room_finished":
        # Abandoned, unless the interviewer had recorded the interview's end and only its completion was lost:
        # completed then, `ended_agent_lost` (endings_repo.end_unattended).
        ended = await endings_repo.end_unattended(conn, session["id"], "room_finished")
        if ended is None:
            return "unchanged"
        # In the webhook's transaction: the grading job commits with the status change.
        await request_grading(conn, session["id"], trigger="session_end")
        return ended
    return "ignored"
