"""Self-serve practice sessions (the mock-interview offering): no organisation, rate-limited per client address.

The address is the TCP peer's, or X-Forwarded-For's when the peer is a trusted proxy (`forwarded_allow_ips`,
applied before anything else, api/forwarded.py): a client cannot choose its bucket by sending the header itself. An IPv6
client's bucket is its /64, every address of which it holds, and its end site's /48 has a larger limit of its own
(a site holds up to 65,536 /64s). All callers together meet one more limit, `practice_global_rate_limit`
(429 `practice_busy`): it bounds what the offering can cost on the house's model and speech bills, whatever the
number of networks a caller holds. A request is counted in all of them or in none (`RateLimits.hit_all`).

Those limits bound how many practice sessions are created, and a session costs when it is used: its invite expires
`practice_invite_ttl_minutes` (60) after it was issued, not `invite_ttl_hours` (72) as an organisation's does. With
three days to start it, one address could hold 360 invites (5 an hour) and a few networks the offering's 36,000,
then start them together: hundreds of interviews at once on the house's bills, taking the interviewer workers that
organisations' candidates were waiting for.

A practice session's question is drawn only among those the bank marks `practice: true` (questions_repo.pick_question),
and an organisation's draw never among those: anyone can read a practice question and, resubmitting, probe its hidden
tests, so it must not be a real screen's. No question marked: 503 `practice_unavailable`, never the whole bank; none
at the difficulty asked: 422 `no_matching_question`."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request

from api.db.pool import DatabaseUnavailableError, connection
from api.deps import Settings
from api.errors import NotFoundError
from api.openapi_errors import BODY, DB, error_responses
from api.ratelimits import Count, RateLimits, client_bucket, client_site
from api.scheduling import schedule_session
from api.schemas import PracticeCreate, SessionCreated

router = APIRouter(prefix="/v1", tags=["practice"])


@router.post(
    "/practice",
    status_code=201,
    response_model=SessionCreated,
    responses=error_responses(*BODY, *DB, 404, 429),
)
async def create_practice_session(
    body: PracticeCreate, request: Request, settings: Settings
) -> SessionCreated:
    """Start a practice interview for yourself. Off (404) unless SHADOWS_API_PRACTICE_ENABLED is set. Start the
    interview within SHADOWS_API_PRACTICE_INVITE_TTL_MINUTES (60): until it has started, its invite is 410
    `invite_expired` after that. The question is one the bank offers for practice, never one organisations screen
    with: 503 `practice_unavailable` if the bank marks none, 422 `no_matching_question` if none at that difficulty."""
    if not settings.practice_enabled:
        raise NotFoundError("Not found.", code="not_found")
    address = request.client.host if request.client else "unknown"
    ratelimits: RateLimits = request.app.state.ratelimits
    counts = [
        Count(
            "practice",
            settings.practice_rate_limit,
            client_bucket(address),
            "Too many practice sessions from this address; try again later.",
        )
    ]
    if site := client_site(address):
        counts.append(
            Count(
                "practice_site",
                settings.practice_site_rate_limit,
                site,
                "Too many practice sessions from this network; try again later.",
            )
        )
    counts.append(
        Count(
            "practice_all",
            settings.practice_global_rate_limit,
            "all",
            "Practice interviews are at capacity; try again later.",
            code="practice_busy",
        )
    )
    # Counted in all three or in none: a request the offering's limit refused (or the site's) spends nothing of
    # its address's own allowance.
    await ratelimits.hit_all(counts)
    # A pooled connection only now: taken before the switch and the limits (a `DbConn`), an anonymous burst of
    # refused requests held the whole pool and its queue, and every other caller got 503 `database_unavailable`.
    # One the pool cannot give (a 503 that says retry) takes back what this request counted: otherwise the retries
    # of an outage spent the address's allowance and the offering's, refused for an hour once the database was back.
    connected = False
    try:
        async with connection(request.app.state.pool) as conn:
            connected = True
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
                invite_ttl=timedelta(minutes=settings.practice_invite_ttl_minutes),
            )
    except DatabaseUnavailableError:
        if not connected:
            await ratelimits.give_back_all(counts)
        raise
    return scheduled.response()
