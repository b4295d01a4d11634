"""Request dependencies: the database connection and the three kinds of caller (organisation, candidate, agent)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.db import api_keys_repo, orgs_repo, sessions_repo
from api.db.pool import Conn, connection
from api.errors import ConflictError, GoneError, NotFoundError, UnauthorizedError
from api.question_cache import QuestionCache
from api.security import digest, same_digest, same_secret
from api.session_window import require_not_over
from api.settings import ApiSettings


async def app_settings(request: Request) -> ApiSettings:
    """The settings the app was created with (async: no thread-pool hop per request)."""
    settings: ApiSettings = request.app.state.settings
    return settings


Settings = Annotated[ApiSettings, Depends(app_settings)]


async def app_questions(request: Request) -> QuestionCache:
    cache: QuestionCache = request.app.state.questions
    return cache


Questions = Annotated[QuestionCache, Depends(app_questions)]


async def get_conn(request: Request) -> AsyncIterator[Conn]:
    """A pooled connection held while the route runs: for routes that only talk to the database. A route that
    waits on anything slow (the judge) opens short connections itself instead (api.run_flow)."""
    async with connection(request.app.state.pool) as conn:
        yield conn


# Scope "function": the connection goes back to the pool when the route returns, before its response is sent. With
# FastAPI's default ("request") it was held until the client had read the whole response, so a client that stopped
# reading a large one (drafts, a timeline, an export) held a connection for as long as it liked.
DbConn = Annotated[Conn, Depends(get_conn, scope="function")]


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("Missing bearer credentials.", code="missing_credentials")
    token = token.strip()
    if len(token) > 512:
        raise UnauthorizedError("Invalid credentials.", code="invalid_credentials")
    return token


# Declared only so the OpenAPI document carries security schemes ("Authorize" in /docs); `bearer()` reads the
# header itself, so auto_error stays off and the API's own error codes are unchanged.
ORG_KEY_SCHEME = HTTPBearer(
    scheme_name="OrgKey",
    bearerFormat="shk_…",
    description="Your organisation's API key (`shadows orgs create` or `POST /v1/api-keys` shows it once).",
    auto_error=False,
)
INVITE_SCHEME = HTTPBearer(
    scheme_name="Invite",
    bearerFormat="inv_…",
    description="A candidate's invite token, from the session's join link (`#invite=…`).",
    auto_error=False,
)
SERVICE_SCHEME = HTTPBearer(
    scheme_name="ServiceToken", description="The agent's service token.", auto_error=False
)


async def invite_token(request: Request) -> str:
    """The candidate's invite from the Authorization header (checked against the database by the route)."""
    return bearer(request)


InviteToken = Annotated[str, Depends(invite_token)]


@dataclass(frozen=True)
class Org:
    id: UUID
    name: str
    key_id: UUID  # the API key presented: what a view token minted for this caller is bound to


LAST_USED_GRAIN = timedelta(minutes=1)  # as api_keys_repo.touch, which re-checks it in SQL


async def require_org(
    request: Request,
    conn: DbConn,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(ORG_KEY_SCHEME)] = None,
) -> Org:
    token = bearer(request)
    row = await orgs_repo.org_for_key(conn, digest(token))
    if row is None or not same_digest(token, row["key_hash"]):
        raise UnauthorizedError("Invalid API key.", code="invalid_api_key")
    used = row["last_used_at"]
    if used is None or datetime.now(UTC) - used >= LAST_USED_GRAIN:
        await api_keys_repo.touch(conn, row["key_id"])  # at most once a minute per key, not on every request
    return Org(id=row["organization_id"], name=row["name"], key_id=row["key_id"])


async def require_internal(
    request: Request,
    settings: Settings,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(SERVICE_SCHEME)] = None,
) -> None:
    token = bearer(request)
    if not same_secret(token, settings.internal_token.get_secret_value()):
        raise UnauthorizedError("Invalid service token.", code="invalid_service_token")


async def require_org_briefly(
    request: Request,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(ORG_KEY_SCHEME)] = None,
) -> Org:
    """`require_org` on a connection of its own, returned at once: for routes that then wait on something slow (the
    client's upload, the résumé parser, Chromium) and open a connection only to read or write. A request-scoped
    connection is held until the response is sent: twenty such waits would hold the whole pool."""
    async with connection(request.app.state.pool) as conn:
        return await require_org(request, conn)


OrgCaller = Annotated[Org, Depends(require_org)]
BriefOrgCaller = Annotated[Org, Depends(require_org_briefly)]
InternalCaller = Depends(require_internal)


async def session_for_invite(
    conn: Conn, invite: str, settings: ApiSettings, *, usable: bool = True
) -> dict[str, Any]:
    """The session an invite opens. With `usable`, also refuse expired invites (410), finished sessions (409) and
    sessions whose time and grace are spent (409 `session_time_up`)."""
    _refuse_malformed(invite)
    row = await sessions_repo.get_session_by_invite(conn, digest(invite))
    return _opened(invite, row, settings, usable=usable)


async def candidate_for_invite(conn: Conn, invite: str, settings: ApiSettings) -> sessions_repo.CandidateRow:
    """`session_for_invite` (usable) that also reads the session's organisation and whether its candidate has
    agreed to the notice, in the same query: what the join and the token routes decide on."""
    _refuse_malformed(invite)
    found = await sessions_repo.get_candidate_by_invite(conn, digest(invite))
    if found is None:
        raise _invalid_invite()
    _opened(invite, found.session, settings, usable=True)
    return found


def _invalid_invite() -> UnauthorizedError:
    # One answer for a malformed, unknown or mismatched invite: none of them tells a guesser anything.
    return UnauthorizedError("Invalid invite.", code="invalid_invite")


def _refuse_malformed(invite: str) -> None:
    if not invite or len(invite) > 512:
        raise _invalid_invite()


def _opened(
    invite: str, row: dict[str, Any] | None, settings: ApiSettings, *, usable: bool
) -> dict[str, Any]:
    """The row an invite's hash found, if the invite really is its invite and (with `usable`) may still open it."""
    if row is None or not same_digest(invite, row["invite_hash"]):
        raise _invalid_invite()
    if usable:
        require_usable(row, settings)
    return row


def require_usable(row: dict[str, Any], settings: ApiSettings) -> None:
    """Refuse a session its candidate may no longer use: cancelled or finished (409), an expired invite or session
    (410), its time and grace spent (409 `session_time_up`). The invite check applies it, and a route that changed
    the session since (a start a cancel overtook) applies it again to the row it read back."""
    now = datetime.now(UTC)
    if row["status"] == "cancelled":
        raise ConflictError("This interview was cancelled.", code="session_cancelled")
    if row["status"] in ("completed", "abandoned"):
        raise ConflictError("This interview has already finished.", code="session_finished")
    if row["status"] == "scheduled" and row["invite_expires_at"] <= now:
        raise GoneError("This invite has expired.", code="invite_expired")
    if row["expires_at"] <= now:
        raise GoneError("This interview has expired.", code="session_expired")
    require_not_over(row, settings, now)


async def require_candidate(
    request: Request,
    conn: DbConn,
    settings: Settings,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(INVITE_SCHEME)] = None,
) -> dict[str, Any]:
    return await session_for_invite(conn, bearer(request), settings)


async def require_candidate_briefly(
    request: Request,
    settings: Settings,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(INVITE_SCHEME)] = None,
) -> dict[str, Any]:
    """`require_candidate` on a connection of its own, returned at once (as `require_org_briefly`): for candidate
    routes that then wait on something slow (LiveKit, the judge) and open a connection only to read or write."""
    async with connection(request.app.state.pool) as conn:
        return await session_for_invite(conn, bearer(request), settings)


CandidateSession = Annotated[dict[str, Any], Depends(require_candidate)]
BriefCandidateSession = Annotated[dict[str, Any], Depends(require_candidate_briefly)]


def own_session(candidate: dict[str, Any], session_id: str) -> dict[str, Any]:
    """A candidate may act only on the session their invite opens; any other id looks like it does not exist."""
    if not same_secret(candidate["id"], session_id):
        raise NotFoundError("Session not found.", code="session_not_found")
    return candidate
