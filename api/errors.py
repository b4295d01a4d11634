"""The API's error hierarchy; every domain error renders as `{"error": {"code", "message"}}`.

ApiError (500 internal)
├── BadRequestError (400)          e.g. invalid_cursor, duplicate_content_type
├── UnauthorizedError (401)
├── ForbiddenError (403)
├── NotFoundError (404)
├── ConflictError (409)          e.g. session_finished, session_cancelled, session_not_started, session_time_up,
│                                     session_not_finished, grading_pending, idempotency_key_reused
├── GoneError (410)              e.g. invite_expired
├── PayloadTooLargeError (413)
├── UnsupportedMediaTypeError (415) unsupported_media_type: a body not labelled as the route reads it
├── UnprocessableError (422)     e.g. unsupported_language, no_matching_question, invalid_resume
├── RateLimitedError (429, Retry-After)        e.g. rate_limited, run_in_progress
├── ServiceUnavailableError (503, retryable)   e.g. judge_busy, database_unavailable, rate_limiter_unavailable
└── EmbeddedPostgresError (500; api.db.embedded)
"""

from __future__ import annotations


class ApiError(Exception):
    """`retry_after` (seconds) becomes a Retry-After header; retryable errors without one say 1 second."""

    status: int = 500
    code: str = "internal_error"
    retryable: bool = False
    fields: list[dict[str, str]] | None = None  # rendered as the body's `fields`, like a validation error's

    def __init__(
        self, message: str = "Internal error.", *, code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.retry_after = retry_after if retry_after is not None else (1 if self.retryable else None)


class BadRequestError(ApiError):
    status = 400
    code = "bad_request"


class UnauthorizedError(ApiError):
    status = 401
    code = "unauthorized"


class ForbiddenError(ApiError):
    status = 403
    code = "forbidden"


class NotFoundError(ApiError):
    status = 404
    code = "not_found"


class ConflictError(ApiError):
    status = 409
    code = "conflict"


class GoneError(ApiError):
    status = 410
    code = "gone"


class PayloadTooLargeError(ApiError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaTypeError(ApiError):
    status = 415
    code = "unsupported_media_type"


class UnprocessableError(ApiError):
    status = 422
    code = "unprocessable"


class RateLimitedError(ApiError):
    status = 429
    code = "rate_limited"


class ServiceUnavailableError(ApiError):
    status = 503
    code = "service_unavailable"
    retryable = True
