"""Self-serve practice sessions (the mock-interview offering): no organisation, rate-limited per client address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from api.deps import DbConn, Settings
from api.errors import NotFoundError, RateLimitedError
from api.scheduling import schedule_session
from api.schemas import PracticeCreate, SessionCreated

router = APIRouter(prefix="/v1", tags=["practice"])


def _limiter(request: Request) -> MovingWindowRateLimiter:
    """One limiter per app instance (not per module: a second app in the same process starts with a fresh count).
    Behind several API replicas, switch the storage to Redis (limits supports it) for a global limit."""
    state = request.app.state
    limiter = getattr(state, "practice_limiter", None)
    if limiter is None:
        limiter = state.practice_limiter = MovingWindowRateLimiter(MemoryStorage())
    return limiter


@router.post("/practice", status_code=201, response_model=SessionCreated)
async def create_practice_session(
    body: PracticeCreate, request: Request, conn: DbConn, settings: Settings
) -> SessionCreated:
    """Start a practice interview for yourself. Off unless SHADOWS_API_PRACTICE_ENABLED is set."""
    if not settings.practice_enabled:
        raise NotFoundError("Not found.", code="not_found")
    client = request.client.host if request.client else "unknown"
    if not await _limiter(request).hit(parse(settings.practice_rate_limit), "practice", client):
        raise RateLimitedError("Too many practice sessions from this address; try again later.")
    scheduled = await schedule_session(
        conn,
        settings,
        organization_id=None,
        candidate_name=body.name,
        candidate_email=None,
        candidate_external_id=None,
        question_id=None,
        difficulty=body.difficulty,
        topic=None,
        language=body.language,
        duration_minutes=body.duration_minutes,
        job_description=None,
        resume_text=None,
        metadata={},
        practice=True,
    )
    return scheduled.response()
