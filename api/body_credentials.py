"""A request body longer than SHADOWS_API_MAX_PUBLIC_BODY_BYTES is read only from a caller holding a live
credential for the route it is sent to; anyone else is answered 401 before more than that much of it is read.

Every JSON body is parsed before any route runs: at the edge (`api.json_guard`, in Python, to name a repeated key),
and again by FastAPI, which reads and parses a route's body before it solves the route's dependencies, its
authentication among them. A 2 MiB body of small objects held the event loop for about 0.2 s before its 401, sent
by anyone, with no key or a made-up one. The routes anyone may call take 64 KiB at most (`BodyLimitMiddleware`'s
route caps); every other route authenticates its caller, so a larger body is for a caller it would accept.

The credential that counts, checked as the routes check it (by digest, in constant time):
- the agent's service token, or an unrevoked organisation API key, on any route;
- an unrevoked ATS integration key (Basic username), on that ATS's own routes (`/integrations/<provider>/`), its
  lookup counted by the guess limits as the ATS's routes count it (a key we issued and revoked is not counted);
- a candidate's invite, on its own session's routes only (`/v1/sessions/<its id>/`): anyone may start a practice
  session, and its invite is no credential for any other route;
- on LiveKit's webhook, a signature JWT that holds (api.livekit_signature: our secret, unexpired). Its route reads
  the whole body before it checks the body's digest (whatever its Content-Type), and parses nothing before;
  without this, anyone sending a made-up Authorization would have 2 MiB read and held per request.
The guess limits come first, as on the routes: from an address they have spent (api/guess_limits.py), a credential
this process has not seen valid is answered 429 `rate_limited` (or `credentials_busy`) with Retry-After, and so is
the lookup that spends them, whatever the body's size: never a 401, which would call a valid key invalid where the
same request with a small body is told to wait.
The route still authenticates its caller in full afterwards (expiry, kind, ownership, the webhook's body digest):
this only decides whether a large body is read at all, whatever it is labelled. A form is no exception: FastAPI
parses none before the route, but reads the bytes of any body a route declares (and then answers 415), so a body
labelled `multipart/form-data` would be read whole, 2 MiB from anyone, on every JSON route. The one route that
takes a form (the résumé upload of `POST /v1/sessions`) has its key looked up here too, once the upload is large.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from fastapi.responses import JSONResponse
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import guess_limits
from api.asgi_reply import send_json
from api.db import integration_keys_repo, orgs_repo, sessions_repo
from api.db.pool import connection
from api.deps import bearer
from api.errors import ApiError, UnauthorizedError
from api.integrations.keys import PREFIXES, basic_username
from api.json_guard import LIVEKIT_WEBHOOK
from api.livekit_signature import signed_digest
from api.security import API_KEY_PREFIX, INVITE_PREFIX, digest, one_of_secrets, same_digest, well_formed
from api.settings import ApiSettings

_NO_BODY = ("GET", "HEAD", "OPTIONS")
MISSING = b'{"error":{"code":"missing_credentials","message":"A request body this large needs credentials."}}'
INVALID = (
    b'{"error":{"code":"invalid_credentials","message":'
    b'"A request body this large needs valid credentials for this route."}}'
)


class _Refused(Exception):
    def __init__(self, body: bytes) -> None:
        self.body = body


async def _holds_credential(scope: Scope) -> bool:
    """Whether the request's Authorization names a live credential for its path (see the module docstring)."""
    request = Request(scope)
    state = request.app.state
    settings: ApiSettings = state.settings
    path: str = scope["path"]
    if path == LIVEKIT_WEBHOOK:  # LiveKit sends the JWT alone, without a scheme
        try:
            signed_digest(request.headers.get("authorization", ""), settings)
        except UnauthorizedError:
            return False
        return True
    scheme = request.headers.get("authorization", "").partition(" ")[0].lower()
    try:
        if scheme == "basic":
            return await _holds_ats_key(request, basic_username(request), path)
        token = bearer(request)
    except UnauthorizedError:
        return False
    if one_of_secrets(token, settings.internal_tokens):
        return True
    if well_formed(token, API_KEY_PREFIX):
        hashed = digest(token)
        guess_limits.admit(request, hashed)
        async with connection(state.pool) as conn:
            found = await orgs_repo.org_for_key(conn, hashed)
        return await _looked_up(
            request, hashed, "api_key", found is not None and same_digest(token, found["key_hash"])
        )
    if well_formed(token, INVITE_PREFIX):
        hashed = digest(token)
        guess_limits.admit(request, hashed)
        async with connection(state.pool) as conn:
            session = await sessions_repo.get_session_by_invite(conn, hashed)
        opened = session is not None and same_digest(token, session["invite_hash"])
        await _looked_up(request, hashed, "invite", opened)
        return opened and session is not None and path.startswith(f"/v1/sessions/{session['id']}/")
    return False  # not shaped as a credential we issue: nothing to look up


async def _holds_ats_key(request: Request, key: str, path: str) -> bool:
    """Whether `key` is a live ATS key of the ATS whose routes `path` is under; a lookup counted as the ATS's routes
    count it (api.integrations.keys.authenticate)."""
    provider = next((p for p, prefix in PREFIXES.items() if key.startswith(prefix)), None)
    if (
        provider is None
        or not well_formed(key, PREFIXES[provider])
        or not path.startswith(f"/integrations/{provider}/")
    ):
        return False
    hashed = digest(key)
    guess_limits.admit(request, hashed)
    async with connection(request.app.state.pool) as conn:
        row = await integration_keys_repo.key_by_hash(conn, provider, hashed)
        opened = row is not None and same_digest(key, row["key_hash"])
        if not opened and await integration_keys_repo.was_revoked(conn, provider, hashed):
            return False  # a key we issued, revoked: stale, not a guess (as the ATS's routes count it)
    return await _looked_up(request, hashed, "integration_key", opened)


async def _looked_up(request: Request, key: bytes, credential: guess_limits.Credential, opened: bool) -> bool:
    """A lookup's outcome, counted as the routes count it (api/guess_limits.py): a guess spends the caller's budget."""
    if opened:
        guess_limits.opened(request, key)
    else:
        await guess_limits.failed(request, key, credential)
    return opened


async def _refuse_unless_credentialed(scope: Scope) -> None:
    if not await _holds_credential(scope):
        has_header = any(name == b"authorization" for name, _ in scope["headers"])
        raise _Refused(INVALID if has_header else MISSING)


class CredentialedBodyMiddleware:
    """Reads no more than `anonymous_bytes` of a body (declared by Content-Length, or counted as it streams) before
    the caller's credential is checked; 401 when it holds none for the route. Sits inside `BodyLimitMiddleware`
    (which refuses over-cap and malformed framing first) and outside `JsonTextMiddleware` (which reads the body)."""

    def __init__(self, app: ASGIApp, anonymous_bytes: int) -> None:
        self.app = app
        self.anonymous_bytes = anonymous_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        checked = declared is not None and declared.isdigit() and int(declared) <= self.anonymous_bytes
        seen = 0
        started = False
        refused: Answer | None = None

        async def counted_receive() -> Message:
            nonlocal seen, checked, refused
            message = await receive()
            if message["type"] == "http.request" and not checked:
                seen += len(message.get("body", b""))
                if seen > self.anonymous_bytes:
                    try:
                        await _refuse_unless_credentialed(scope)
                    except _Refused as e:
                        refused = _unauthorized(e)
                        raise
                    except ApiError as e:  # the guess limits spent, or the database: its own answer too
                        refused = _error(scope, receive, e)
                        raise
                    checked = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start" and not started and refused is not None:
                # Whatever read the body caught the refusal and answered with an error of its own (FastAPI reading a
                # form's: 400 "There was an error parsing the body"): the check's answer instead.
                started = True
                await refused(send)
                return
            if started and refused is not None:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            if declared is not None and not checked:
                # Declared larger than the anonymous cap: checked before any of it is read.
                await _refuse_unless_credentialed(scope)
                checked = True
            await self.app(scope, counted_receive, tracking_send)
        except _Refused as e:
            if not started:
                await _unauthorized(e)(send)
        except ApiError as e:  # the database, unreachable for the check, or the guess limits spent
            if started:
                raise
            await _error(scope, receive, e)(send)


Answer = Callable[[Send], Awaitable[None]]


def _unauthorized(refusal: _Refused) -> Answer:
    return functools.partial(send_json, status=401, body=refusal.body)


def _error(scope: Scope, receive: Receive, e: ApiError) -> Answer:
    """The API's own answer to `e` (429 and 503 with Retry-After), as its error handler renders it."""
    headers = {"Retry-After": str(e.retry_after)} if e.retry_after is not None else None
    body = {"error": {"code": e.code, "message": e.message}}
    return functools.partial(JSONResponse(body, status_code=e.status, headers=headers), scope, receive)
