"""Async client of the internal API (agent -> api): the agent's only way to read and write session data."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

import httpx
from pydantic import ValidationError

from agent.context import EventIn, SessionContext, StoredEvent
from agent.errors import ApiError, ApiUnavailableError, SessionFinishedError, SessionNotFoundError

logger = logging.getLogger(__name__)

# 408 and 429 say "not now"; every 5xx is our side failing. Both are worth another try.
_RETRYABLE_STATUSES = frozenset({408, 429})
# The calling job's LiveKit job id on every call: the API lets only the job that started a session (its one
# interviewer) write its record (docs/internal-api.md).
JOB_HEADER = "X-Shadows-Agent-Job"
# With another job's id: the events are that dead job's spool, replayed; they renew no lease (it is not alive).
REPLAY_HEADER = "X-Shadows-Agent-Replay"
INTERVIEWER_PRESENT = "interviewer_present"  # another job holds the session: leave without a word
# The candidate has not agreed to the notice in force: the session does not start, and the job leaves without a word
# (a stale room token used outside our page dispatched it; LiveKit's webhook closes the room).
CONSENT_REQUIRED = "consent_required"
# The API's start refusing a session that can never run (its invite or the session expired, its record erased under
# retention; api.db.sessions_repo.mark_started): as SessionNotFound/Finished, the candidate is told the session is
# unavailable, never that starting failed (which the page offers to retry).
SESSION_CANNOT_START = frozenset({"invite_expired", "session_expired", "record_deleted"})
KEEPALIVE_EXPIRY_S = 2.0  # idle connections: below the API's own keep-alive (see ApiClient.__init__)
# How long a Submit is waited for: the longest the API may take to answer one, with room to store it (at the
# defaults 682 s: the wait for a judge slot, 30 s, and the judge's bound for the bank's longest Submit,
# number-of-islands in Java; the session's run lease lasts as long, api/run_flow.py). The API holds a Submit's end to
# a grid of its duration up to that bound (api/submit_padding.py): waited for only as long as a Run, a Submit judged
# in 56-60 s was answered at 64 s, and stored, after the agent had given up on it (tests/api/test_submit_timing.py).
SUBMIT_TIMEOUT_S = 720.0


class ApiClient:
    """Talks to ``/v1/internal`` with the internal bearer token.

    ``job_id`` (the LiveKit job's id) goes with every call as ``X-Shadows-Agent-Job``: the session's start claims
    it for this job, and only the claiming job's events and completion are stored (409 ``interviewer_present``
    for any other). Every failure comes out as an :class:`~agent.errors.ApiError`; transport errors and 5xx are
    :class:`~agent.errors.ApiUnavailableError` (retryable). Idempotent calls (context, start, complete)
    are retried ``retries`` times with a short backoff; the others are left to the caller.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        run_timeout: float = 60.0,
        submit_timeout: float = SUBMIT_TIMEOUT_S,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        job_id: str | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}", "User-Agent": "shadows-agent"}
        if job_id:
            headers[JOB_HEADER] = job_id
        self.job_id = job_id or None
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/v1/internal",
            headers=headers,
            timeout=timeout,
            transport=transport,
            # Idle connections expire well before the API closes them (SHADOWS_API_KEEP_ALIVE_S, 5 s): at httpx's
            # default, also 5 s, a call sent as the API's idle timer fired failed on a connection being closed.
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY_S),
        )
        self._run_timeout = run_timeout
        self._submit_timeout = max(run_timeout, submit_timeout)
        self._retries = retries

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- sessions -------------------------------------------------------------------------------------

    async def get_context(self, session_id: str) -> SessionContext:
        body = await self._request("GET", f"/sessions/{session_id}/context", idempotent=True)
        return _context(body)

    async def start_session(self, session_id: str) -> SessionContext:
        body = await self._request("POST", f"/sessions/{session_id}/start", idempotent=True)
        return _context(body)

    async def heartbeat(self, session_id: str) -> None:
        """Renew this job's claim on the session: 409 ``interviewer_present`` when it is not the session's
        interviewer. It posts the job's ``interviewer`` note (``job_id``), stored the first time and an exact repeat
        afterwards (acknowledged, nothing stored), since every post of the interviewer renews its lease."""
        if self.job_id is None:
            return
        note = EventIn(
            idempotency_key=f"agent:note:interviewer:{self.job_id}",
            type="note",
            payload={"kind": "interviewer", "job_id": self.job_id},
        )
        await self.append_events(session_id, [note])

    async def create_practice(
        self, difficulty: str | None = None, language: str = "python"
    ) -> SessionContext:
        body = await self._request("POST", "/practice", json={"difficulty": difficulty, "language": language})
        return _context(body)

    async def complete(
        self, session_id: str, final_code: str | None, language: str | None, reason: str = "completed"
    ) -> dict[str, Any]:
        return await self._request_dict(
            "POST",
            f"/sessions/{session_id}/complete",
            json={"final_code": final_code, "language": language, "reason": reason},
            idempotent=True,
        )

    # -- events and runs ------------------------------------------------------------------------------

    async def append_events(
        self, session_id: str, events: Sequence[EventIn], *, job_id: str | None = None
    ) -> list[StoredEvent]:
        """Append in order; safe to repeat because each event carries its idempotency key. ``job_id`` sends them
        as another job's (a dead job's spool, replayed: agent.spool_replay.replay_spools) instead of this one's, marked
        replayed: stored while that job still holds the session, they do not keep its claim alive."""
        body = await self._request(
            "POST",
            f"/sessions/{session_id}/events",
            json={"events": [e.model_dump(mode="json") for e in events]},
            headers={JOB_HEADER: job_id, REPLAY_HEADER: "1"} if job_id else None,
        )
        try:
            return [StoredEvent.model_validate(e) for e in body["events"]]
        except (KeyError, TypeError, ValidationError) as e:
            raise ApiUnavailableError("bad_response", "unexpected events response") from e

    async def run_tests(
        self, session_id: str, language: str, code: str, mode: str = "run", t: float | None = None
    ) -> dict[str, Any]:
        """Run the judge on ``code`` (visible tests in ``run`` mode); returns the judge's RunReport. ``t`` is
        the session time of the request, which the API stamps on the resulting ``test_run`` event. A Run is waited
        for ``run_timeout``; a Submit as long as the API may take with one (``submit_timeout``), since the API holds
        its answer to a grid of its duration."""
        body: dict[str, Any] = {"language": language, "code": code, "mode": mode}
        if t is not None:
            body["t"] = t
        timeout = self._run_timeout if mode == "run" else self._submit_timeout
        return await self._request_dict(
            "POST", f"/sessions/{session_id}/runs", json=body, request_timeout=timeout
        )

    # -- transport ------------------------------------------------------------------------------------

    async def _request_dict(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        body = await self._request(method, path, **kwargs)
        if not isinstance(body, dict):
            raise ApiUnavailableError("bad_response", "expected a JSON object")
        return body

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        idempotent: bool = False,
        request_timeout: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        attempts = 1 + (self._retries if idempotent else 0)
        for attempt in range(attempts):
            try:
                return await self._request_once(
                    method, path, json=json, request_timeout=request_timeout, headers=headers
                )
            except ApiError as e:
                if not e.retryable or attempt == attempts - 1:
                    raise
                delay = 0.2 * 2**attempt * (0.5 + random.random())  # noqa: S311 -- jitter, not crypto
                logger.warning("api %s %s failed (%s), retrying in %.2fs", method, path, e.code, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _request_once(
        self,
        method: str,
        path: str,
        *,
        json: Any,
        request_timeout: float | None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        kwargs: dict[str, Any] = {}
        if headers:
            kwargs["headers"] = headers
        if json is not None:
            kwargs["json"] = json
        if request_timeout is not None:
            kwargs["timeout"] = request_timeout
        try:
            resp = await self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as e:
            raise ApiUnavailableError("api_timeout", type(e).__name__) from e
        except httpx.TransportError as e:
            raise ApiUnavailableError("api_unreachable", type(e).__name__) from e
        if resp.is_success:
            try:
                return resp.json()
            except ValueError as e:
                raise ApiUnavailableError(
                    "bad_response", "response is not JSON", status=resp.status_code
                ) from e
        raise _error_from_response(resp)


def _context(body: Any) -> SessionContext:
    try:
        return SessionContext.model_validate(body)
    except ValidationError as e:
        # An API/agent version mismatch is our failure, never the candidate's; callers see an ApiError.
        raise ApiError("bad_response", "unexpected session context", status=200, retryable=False) from e


def _error_from_response(resp: httpx.Response) -> ApiError:
    code, message = f"http_{resp.status_code}", ""
    try:
        err = resp.json().get("error") or {}
        code = str(err.get("code") or code)
        message = str(err.get("message") or "")
    except (ValueError, AttributeError):
        pass
    status = resp.status_code
    if status == 404 and code == "session_not_found":
        return SessionNotFoundError(message or "session not found")
    if status == 409 and code == "session_finished":
        return SessionFinishedError(message or "session is finished")
    if status >= 500 or status in _RETRYABLE_STATUSES:
        return ApiUnavailableError(code, message, status=status)
    return ApiError(code, message, status=status, retryable=False)
