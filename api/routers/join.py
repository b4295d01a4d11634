"""Candidate routes: exchange an invite for LiveKit connection details (ours, and LiveKit's standard format)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.deps import DbConn, Questions, Settings, bearer, session_for_invite
from api.errors import ForbiddenError
from api.openapi_errors import BODY, DB, error_responses
from api.scheduling import ends_at
from api.schemas import JoinRequest, JoinResponse, TokenRequest, TokenResponse
from api.tokens import candidate_identity, mint_candidate_token, token_ttl

router = APIRouter(prefix="/v1", tags=["candidates"])


def _session_view(row: dict[str, Any]) -> dict[str, Any]:
    end = ends_at(row)
    return {
        "id": row["id"],
        "status": row["status"],
        "language": row["language"],
        "duration_minutes": row["duration_minutes"],
        "started_at": row["started_at"].isoformat() if row["started_at"] else None,
        "ends_at": end.isoformat() if end else None,
        "practice": row["practice"],
    }


@router.post("/join", response_model=JoinResponse, responses=error_responses(*BODY, *DB, 401, 409, 410))
async def join_session(
    body: JoinRequest, conn: DbConn, settings: Settings, questions: Questions
) -> JoinResponse:
    """Everything the candidate's page needs: LiveKit connection details and what to render."""
    row = await session_for_invite(conn, body.invite, settings)
    question = await questions.public_question(conn, row["question_id"], row["question_updated_at"])
    token = mint_candidate_token(row, settings, ttl=token_ttl(row, settings))
    return JoinResponse(
        server_url=settings.livekit_url,
        participant_token=token,
        room_name=row["room_name"],
        participant_name=row["candidate_name"],
        participant_identity=candidate_identity(row["id"]),
        session=_session_view(row),
        question={
            k: question[k]
            for k in (
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
        },
    )


@router.post(
    "/livekit/token",
    status_code=201,
    response_model=TokenResponse,
    responses=error_responses(*BODY, *DB, 401, 403, 409, 410),
)
async def create_livekit_token(
    body: TokenRequest, request: Request, conn: DbConn, settings: Settings
) -> TokenResponse:
    """LiveKit's standard token endpoint (for LiveKit's own frontends and the Agents Playground), authorised by a
    candidate invite as the bearer token. Room, identity and agent dispatch always come from the invite."""
    row = await session_for_invite(conn, bearer(request), settings)
    if body.room_name and body.room_name != row["room_name"]:
        raise ForbiddenError("This invite does not open that room.", code="room_mismatch")
    return TokenResponse(
        server_url=settings.livekit_url,
        participant_token=mint_candidate_token(row, settings, ttl=token_ttl(row, settings)),
    )
