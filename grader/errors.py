"""The grader's error hierarchy. A decided outcome (even a failed one) is a `GradeOutcome`, never an exception;
these are for when no outcome could be reached. Errors of the model server are translated into these at the client
boundary (grader/client.py).

GraderError (code `grader_error`; `retryable` says whether the queue should try the job again)
├── GraderNotConfiguredError (`grader_not_configured`, not retryable)  no model key or server is configured
├── GraderUnavailableError (`grader_unavailable`, retryable)           the model server failed, timed out or
│                                                                      rate-limited us
└── GraderRejectedError (not retryable)                                the model server refused the request:
    codes `grader_auth_failed` (401/403), `grader_model_not_found` (404), `grader_request_rejected` (other 4xx)
"""

from __future__ import annotations


class GraderError(Exception):
    code: str = "grader_error"
    retryable: bool = False

    def __init__(self, message: str = "Grading failed.", *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class GraderNotConfiguredError(GraderError):
    code = "grader_not_configured"


class GraderUnavailableError(GraderError):
    code = "grader_unavailable"
    retryable = True


class GraderRejectedError(GraderError):
    code = "grader_request_rejected"
