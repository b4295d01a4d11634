"""The error responses each route declares in the OpenAPI document, with the one error body schema they share."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `session_not_found`.")
    message: str = Field(description="Human-readable explanation; never a stack trace.")


class FieldError(BaseModel):
    field: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail
    fields: list[FieldError] | None = Field(
        default=None, description="Validation errors only: every offending field (at most 20)."
    )


RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}
}

DESCRIPTIONS = {
    400: "Malformed request: a second Content-Type or Authorization header, a query parameter named twice, a "
    "compressed body (a Content-Encoding), an invalid cursor, a body that cannot be parsed.",
    401: "Missing or invalid credentials.",
    403: "The credentials do not allow this.",
    404: "Not found (an id that cannot exist is a 404 too).",
    409: "The session's state does not allow this now (not started, finished, cancelled, time up), or the request "
    "conflicts with what is stored (an event's idempotency key reused for a different event; an `Idempotency-Key` "
    "whose session was erased, or whose stored answer can no longer be read).",
    410: "The invite or the session has expired.",
    413: "The request body (or the code, or the résumé) is over its size cap.",
    415: "The body is labelled as something other than JSON (or multipart/form-data where documented).",
    422: "Validation failed; `fields` names every offending field.",
    429: "Too many requests, or a run of this session is already in flight.",
    503: "A dependency is unavailable or busy (database, judge, rate limiter); retryable.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """FastAPI `responses=` for these statuses, each with ErrorResponse and, for 429/503, Retry-After."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in sorted(set(statuses)):
        entry: dict[str, Any] = {"model": ErrorResponse, "description": DESCRIPTIONS[status]}
        if status in (429, 503):
            entry["headers"] = RETRY_AFTER
        out[status] = entry
    return out


# Statuses any route can return before its handler runs: a body route's cap, Content-Type and JSON checks, and the
# database every authenticated route reaches.
BODY = (400, 413, 415, 422)
DB = (503,)
# A candidate's invite: unknown (401), another session's (404), the session over or not started (409), expired (410).
INVITE = (401, 404, 409, 410)
