"""The grading pipeline's entry point: one session's `BundleInput` in, one `GradeOutcome` out.

The queue's `grade_session` job (api/jobs/grading.py) calls `grade` and stores what it returns. The contract:
- return a `GradeOutcome`: `ready` only with a scorecard whose every citation was verified, otherwise `failed`
  with a machine-readable reason;
- raise a `GraderError` when no outcome could be reached: a `retryable` one is tried again by the queue (with
  backoff, a bounded number of times), any other one fails the version with the error's `code` as its reason.
"""

from __future__ import annotations

from grader.errors import GraderNotConfiguredError
from grader.schemas import BundleInput, GradeOutcome


async def grade(bundle_input: BundleInput) -> GradeOutcome:
    """Grade one finished session. No grader is built into this deployment yet, so every version fails with
    `grader_not_configured` rather than pretending to a result."""
    raise GraderNotConfiguredError("No grader is configured on this deployment.")
