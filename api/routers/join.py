"""Candidate routes: exchange an invite for what the page shows (LiveKit connection details, who is hiring, the
notice to agree to, and the question once the interview has started), and LiveKit's standard token endpoint."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.candidate_rules import consented, may_join_room, policies, session_notice
from api.db import sessions_repo
from api.db.pool import Conn, connection
from api.deps import Settings, admitted_invite, bearer, candidate_for_invite
from api.errors import ConflictError, ForbiddenError
from api.openapi_errors import BODY, DB, error_responses
from api.question_cache import QuestionCache
from api.scheduling import ends_at
from api.schemas import HintGiven, HintsGiven, JoinRequest, JoinResponse, TokenRequest, TokenResponse
from api.settings import ApiSettings
from api.tokens import candidate_identity, mint_candidate_token, token_ttl

router = APIRouter(prefix="/v1", tags=["candidates"])

QUESTION_FIELDS = (
    "id",
    "title",
    "difficulty",
    "topics",
    "statement_md",
    "signature",
    "starter_code",
    "visible_tests",
    "hidden_test_count",
)


def session_view(row: dict[str, Any]) -> dict[str, Any]:
    end = ends_at(row)
    return {
        "id": row["id"],
        "status": row["status"],
        "language": row["language"],
        "languages": sessions_repo.session_languages(row),
        "interview_language": row["interview_language"],
        "duration_minutes": row["duration_minutes"],
        "extra_time_minutes": row["extra_time_minutes"],
        "text_only": row["text_only"],
        "role": row["role"],
        "start_mode": row["start_mode"],
        "started_at": row["started_at"].isoformat() if row["started_at"] else None,
        "ends_at": end.isoformat() if end else None,
        "practice": row["practice"],
    }


# Hint events read back for the page: a question has at most 10 hints (judge/bank.py), each recorded once under its
# key (agent:hint:<index>); the count still covers every hint event, as the report's does.
MAX_HINTS_READ = 50


def _whole(value: object) -> int | None:
    """A whole number from 1 to MAX_HINTS_READ, as an agent's hint event names an index or a total, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= MAX_HINTS_READ:
        return None  # the range first: int() of an infinity would raise
    return int(value) if value == int(value) else None


async def hints_given(conn: Conn, session_id: str) -> HintsGiven:
    """The hints given so far, from the event log's `hint` events (what the report counts), in one bounded query:
    their count, the question's total as the newest said it, and each hint given once, in order, with whether it was
    `unsettled`. Never the hint's text: the candidate heard it, and the record keeps it."""
    cur = await conn.execute(
        """
        select count(*) over () as n, created_at, payload->'index' as index, payload->'total' as total,
          payload->'unsettled' as unsettled
        from session_events where session_id = %s and type = 'hint' order by seq limit %s
        """,
        (session_id, MAX_HINTS_READ),
    )
    rows = await cur.fetchall()
    total: int | None = None
    given: dict[int, HintGiven] = {}
    for r in rows:
        index, of = _whole(r["index"]), _whole(r["total"])
        if index is None or of is None or index > of:
            continue  # not a hint the page could show as "Hint N of M given."
        total = of
        if index not in given:
            given[index] = HintGiven(index=index, unsettled=r["unsettled"] is True, at=r["created_at"])
    return HintsGiven(count=rows[0]["n"] if rows else 0, total=total, given=list(given.values()))


async def candidate_view(
    conn: Conn, found: sessions_repo.CandidateRow, settings: ApiSettings, questions: QuestionCache
) -> JoinResponse:
    """The page's whole picture of its session. The statement, starter code and tests are withheld until the
    interview has started, so nobody can solve it before the clock runs. While it runs, the view carries the hints
    given so far (`hints`), so a page reloaded or opened in a second tab shows them as the one that was told."""
    row, org = found.session, found.org
    rules = policies(row, org)
    languages = sessions_repo.session_languages(row)
    question, hints = None, None
    if row["status"] == "in_progress":
        hints = await hints_given(conn, row["id"])
        full = await questions.public_question(conn, row["question_id"], row["question_updated_at"])
        question = {k: full[k] for k in QUESTION_FIELDS}
        question["starter_code"] = {k: v for k, v in full["starter_code"].items() if k in languages}
    notice = session_notice(found)
    agreed = consented(found, notice)
    return JoinResponse(
        server_url=settings.livekit_url,
        participant_token=mint_candidate_token(row, settings, ttl=token_ttl(row, settings))
        if may_join_room(row, agreed)
        else "",
        room_name=row["room_name"],
        participant_name=row["candidate_name"],
        participant_identity=candidate_identity(row["id"]),
        session=session_view(row),
        organization={
            "name": org["name"] if org else None,
            "slug": org["slug"] if org else None,
            "logo_url": org["logo_url"] if org else None,
            "allow_text_only": rules.allow_text_only,
            "allow_resubmission": rules.allow_resubmission,
            "retention_days": org["retention_days"] if org else None,
        },
        notice=notice.view(),
        consented=agreed,
        agent_join_timeout_s=settings.agent_join_timeout_s,
        question=question,
        hints=hints,
    )


@router.post("/join", response_model=JoinResponse, responses=error_responses(*BODY, *DB, 401, 409, 410, 429))
async def join_session(body: JoinRequest, request: Request) -> JoinResponse:
    """Everything the candidate's page needs: LiveKit connection details, who is hiring, the notice, and (once the
    interview has started) the question."""
    # The page's most frequent call: the settings, the question cache and a pooled connection are taken here rather
    # than through dependencies (three dependency solves and a generator's exit stack per join). The connection goes
    # back to the pool when the view is built, before the response is sent, as with `DbConn`.
    state = request.app.state
    settings: ApiSettings = state.settings
    # In-process: a misshapen invite, or one from a spent address, takes no connection.
    admitted_invite(body.invite, request)
    async with connection(state.pool) as conn:
        return await candidate_view(
            conn,
            await candidate_for_invite(conn, body.invite, settings, request=request),
            settings,
            state.questions,
        )


@router.post(
    "/livekit/token",
    status_code=201,
    response_model=TokenResponse,
    openapi_extra={"security": [{"Invite": []}]},
    responses=error_responses(*BODY, *DB, 401, 403, 409, 410, 429),  # its invite is looked up in the handler
)
async def create_livekit_token(body: TokenRequest, request: Request, settings: Settings) -> TokenResponse:
    """LiveKit's standard token endpoint (for LiveKit's own frontends and the Agents Playground), authorised by a
    candidate invite as the bearer token. Room, identity and agent dispatch always come from the invite."""
    invite = bearer(request)
    # In-process, as the join: a misshapen invite, or one from a spent address, takes no pooled connection.
    admitted_invite(invite, request)
    async with connection(request.app.state.pool) as conn:
        found = await candidate_for_invite(conn, invite, settings, request=request)
    row = found.session
    if body.room_name and body.room_name != row["room_name"]:
        raise ForbiddenError("This invite does not open that room.", code="room_mismatch")
    if row["status"] not in ("scheduled", "in_progress"):
        raise ConflictError("This interview has already finished.", code="session_finished")
    if not may_join_room(row, consented(found)):
        raise ConflictError(
            "The candidate has not agreed to the interview notice yet; open the invite page first.",
            code="consent_required",
        )
    return TokenResponse(
        server_url=settings.livekit_url,
        participant_token=mint_candidate_token(row, settings, ttl=token_ttl(row, settings)),
    )
