"""The grader's error hierarchy. A decided outcome (even a failed one) is a `GradeOutcome`, never an exception;
these are for when no outcome could be reached.

GraderError (code `grader_error`; `retryable` says whether the queue should try the job again)
├── GraderNotConfiguredError (`grader_not_configured`, not retryable)  no grader is set up on this deployment
└── GraderUnavailableError (`grader_unavailable`, retryable)           the model server failed or timed out
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
