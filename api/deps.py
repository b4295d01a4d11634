"""Request dependencies: the database connection and the three kinds of caller (organisation, candidate, agent)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api import guess_limits
from api.db import api_keys_repo, orgs_repo, sessions_repo
from api.db.pool import Conn, connection
from api.errors import ConflictError, GoneError, NotFoundError, UnauthorizedError
from api.question_cache import QuestionCache
from api.security import (
    API_KEY_PREFIX,
    INVITE_PREFIX,
    digest,
    one_of_secrets,
    same_digest,
    same_secret,
    well_formed,
)
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


def _invalid_api_key() -> UnauthorizedError:
    return UnauthorizedError("Invalid API key.", code="invalid_api_key")


def admitted_api_key(request: Request) -> tuple[str, bytes]:
    """The bearer and its digest, if it may be looked up: shaped as a key we issue (401 otherwise, as an unknown
    key), from an address the guess limits have not spent (429 otherwise; api/guess_limits.py). In-process only."""
    token = bearer(request)
    if not well_formed(token, API_KEY_PREFIX):
        raise _invalid_api_key()
    key = digest(token)
    guess_limits.admit(request, key)
    return token, key


@guess_limits.lookup_guard
async def _admit_api_key(request: Request) -> None:
    admitted_api_key(request)


async def require_org(
    request: Request,
    conn: DbConn,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(ORG_KEY_SCHEME)] = None,
) -> Org:
    token, key = admitted_api_key(request)
    row = await orgs_repo.org_for_key(conn, key)
    if row is None or not same_digest(token, row["key_hash"]):
        await guess_limits.failed(request, key, "api_key")  # 429 once this address or every caller is spent
        raise _invalid_api_key()
    guess_limits.opened(request, key)
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
    if not one_of_secrets(token, settings.internal_tokens):
        raise UnauthorizedError("Invalid service token.", code="invalid_service_token")


@guess_limits.lookup_guard
async def require_org_briefly(
    request: Request,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(ORG_KEY_SCHEME)] = None,
) -> Org:
    """`require_org` on a connection of its own, returned at once: for routes that then wait on something slow (the
    client's upload, the résumé parser, Chromium) and open a connection only to read or write. A request-scoped
    connection is held until the response is sent: twenty such waits would hold the whole pool."""
    admitted_api_key(request)  # before a pooled connection is taken
    async with connection(request.app.state.pool) as conn:
        return await require_org(request, conn)


async def require_org_admitted(
    request: Request,
    _admitted: Annotated[None, Depends(_admit_api_key)],  # solved before the connection: a refusal takes none
    conn: DbConn,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(ORG_KEY_SCHEME)] = None,
) -> Org:
    """`require_org` whose in-process checks (shape, guess limits) run before the pooled connection is taken."""
    return await require_org(request, conn)


OrgCaller = Annotated[Org, Depends(require_org_admitted)]
BriefOrgCaller = Annotated[Org, Depends(require_org_briefly)]
InternalCaller = Depends(require_internal)


async def session_for_invite(
    conn: Conn, invite: str, settings: ApiSettings, *, usable: bool = True, request: Request | None = None
) -> dict[str, Any]:
    """The session an invite opens. With `usable`, also refuse expired invites (410), finished sessions (409) and
    sessions whose time and grace are spent (409 `session_time_up`). With the caller's `request`, the guess limits
    apply (`admitted_invite`)."""
    key = admitted_invite(invite, request)
    row = await sessions_repo.get_session_by_invite(conn, key)
    return await _opened(invite, key, row, settings, usable=usable, request=request)


async def candidate_for_invite(
    conn: Conn, invite: str, settings: ApiSettings, *, request: Request | None = None
) -> sessions_repo.CandidateRow:
    """`session_for_invite` (usable) that also reads the session's organisation and whether its candidate has
    agreed to the notice, in the same query: what the join and the token routes decide on."""
    key = admitted_invite(invite, request)
    found = await sessions_repo.get_candidate_by_invite(conn, key)
    await _opened(invite, key, found.session if found else None, settings, usable=True, request=request)
    if found is None:  # refused by _opened already; for the type checker
        raise _invalid_invite()
    return found


def _invalid_invite() -> UnauthorizedError:
    # One answer for a malformed, unknown or mismatched invite: none of them tells a guesser anything.
    return UnauthorizedError("Invalid invite.", code="invalid_invite")


def admitted_invite(invite: str, request: Request | None) -> bytes:
    """The invite's digest, if it may be looked up: shaped as an invite we issue (401 otherwise, as an unknown
    one) and, with the caller's `request`, from an address the guess limits have not spent (429 otherwise;
    api/guess_limits.py). In-process only: a route may call it before it takes a pooled connection."""
    if not well_formed(invite, INVITE_PREFIX):
        raise _invalid_invite()
    key = digest(invite)
    if request is not None:
        guess_limits.admit(request, key)
    return key


async def _opened(
    invite: str,
    key: bytes,
    row: dict[str, Any] | None,
    settings: ApiSettings,
    *,
    usable: bool,
    request: Request | None,
) -> dict[str, Any]:
    """The row an invite's hash found, if the invite really is its invite and (with `usable`) may still open it. A
    lookup that found nothing is counted against the caller (429 once its address or every caller is spent)."""
    if row is None or not same_digest(invite, row["invite_hash"]):
        if request is not None:
            await guess_limits.failed(request, key, "invite")
        raise _invalid_invite()
    if request is not None:
        guess_limits.opened(request, key)
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


@guess_limits.lookup_guard
async def _admit_invite(request: Request) -> None:
    admitted_invite(bearer(request), request)


async def require_candidate(
    request: Request,
    _admitted: Annotated[None, Depends(_admit_invite)],  # solved before the connection: a refusal takes none
    conn: DbConn,
    settings: Settings,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(INVITE_SCHEME)] = None,
) -> dict[str, Any]:
    return await session_for_invite(conn, bearer(request), settings, request=request)


@guess_limits.lookup_guard
async def require_candidate_briefly(
    request: Request,
    settings: Settings,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(INVITE_SCHEME)] = None,
) -> dict[str, Any]:
    """`require_candidate` on a connection of its own, returned at once (as `require_org_briefly`): for candidate
    routes that then wait on something slow (LiveKit, the judge) and open a connection only to read or write."""
    invite = bearer(request)
    admitted_invite(invite, request)  # before a pooled connection is taken
    async with connection(request.app.state.pool) as conn:
        return await session_for_invite(conn, invite, settings, request=request)


CandidateSession = Annotated[dict[str, Any], Depends(require_candidate)]
BriefCandidateSession = Annotated[dict[str, Any], Depends(require_candidate_briefly)]


def own_session(candidate: dict[str, Any], session_id: str) -> dict[str, Any]:
    """A candidate may act only on the session their invite opens; any other id looks like it does not exist."""
    if not same_secret(candidate["id"], session_id):
        raise NotFoundError("Session not found.", code="session_not_found")
    return candidate
