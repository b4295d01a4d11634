"""When a failed webhook delivery or ATS call is tried again: SHADOWS_API_WEBHOOK_RETRY_DELAYS_S, jittered.

A delivery job that must try again later raises `RetryLater`; `DeliveryRetryPolicy` turns that into procrastinate's
retry of the same job (same id). Keeping the job id matters: jobs sharing a lock run in id order, so the retried
delivery keeps its place ahead of the session's later events on that endpoint.

Whatever else a delivery job raises (`settles_on_a_crash`) ends its row `failed` (`internal_error`), counted and
logged: the queue failed the job, and the row stayed `pending` for ever, never tried again, never failed, with
"send again" refused as still pending.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import structlog
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.jobs import Job

from api.db import attempts_repo
from api.db.attempts_repo import Outbox
from api.db.pool import Pool, connection
from api.jobs.retry import is_release, is_retryable
from api.outbound_settings import WEBHOOK_JITTER
from api.settings import ApiSettings

INFRA_RETRY_MAX_S = (
    300.0  # the longest wait before a job that failed on the database (not the receiver) runs again
)
BUSY_FIRST_S = (
    0.25  # a call that found no free slot looks again after this, doubling with each run of its job
)

log = structlog.get_logger(__name__)


class RetryLater(Exception):  # a control-flow signal to the queue, not an error
    """Run this job again after `delay_s` (the receiver failed, or the endpoint's request slots are all taken).
    `row`: the outbox row this wait is about (its attempt recorded with it as its `next_attempt_at`, or its
    receiver's pause), which the worker reads again once the retry is written (`RowRetryDecision`). A wait for a
    free slot carries none: the row's time says nothing of it."""

    def __init__(self, delay_s: float, reason: str, *, row: tuple[Outbox, UUID] | None = None) -> None:
        super().__init__(reason)
        self.delay_s = max(0.0, delay_s)
        self.reason = reason
        self.row = row


class RowRetryDecision(RetryDecision):
    """A retry whose wait is an outbox row's `next_attempt_at` or its receiver's pause. Something may bring the one
    forward and lift the other while the job is still running (a new ATS key, a webhook endpoint's new URL), after
    the job read them and before procrastinate wrote the retry; what does so moves only jobs already waiting
    (`todo`), so the worker moves this one once the retry is written (`attempts_repo.bring_job_forward`,
    `api.jobs.worker.LaneWorker`). Before, the job kept the wait the old key or receiver earned (up to a day) while
    its row said it was due at once."""

    def __init__(self, *, retry_at: datetime, table: Outbox, row_id: UUID) -> None:
        super().__init__(retry_at=retry_at)
        self.table: Outbox = table
        self.row_id = row_id


def next_delay(
    settings: ApiSettings, attempts_in_round: int, retry_after_s: float | None = None
) -> float | None:
    """The wait after the `attempts_in_round`-th failed attempt (1 = the first), or None when the schedule is used
    up. A receiver's Retry-After is honoured when longer, up to the schedule's longest delay."""
    delays = settings.webhook_retry_delays
    if attempts_in_round < 1 or attempts_in_round > len(delays):
        return None
    delay = delays[attempts_in_round - 1] * random.uniform(1 - WEBHOOK_JITTER, 1 + WEBHOOK_JITTER)  # noqa: S311  # jitter, not a secret
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, max(delays)))
    return delay


def busy_delay(settings: ApiSettings, job_attempts: int) -> float:
    """When a call that found its receiver's or its organisation's request slots all taken looks again: 0.25 s,
    doubling with each earlier run of its job (procrastinate's `attempts`), at most twice
    SHADOWS_API_WEBHOOK_TIMEOUT_S (a held slot frees within one timeout), jittered down to half. A busy fast
    receiver's calls go on within a moment; a slow one's waiting calls look about once per timeout, never in a
    busy loop, and keep their jobs (and places) until a slot frees: none is dropped."""
    longest = 2 * settings.webhook_timeout_s
    return min(longest, BUSY_FIRST_S * 2.0 ** min(job_attempts, 20)) * random.uniform(0.5, 1.0)  # noqa: S311  # jitter, not a secret


@dataclass(frozen=True)
class DeliveryRetryPolicy(BaseRetryStrategy):
    """RetryLater at its time; a job released by a stopping worker at once; a lost database connection with a
    short capped backoff, however many times the job has run; anything else fails the job (and its row:
    `settles_on_a_crash`).

    A failure on the database is never given up on: the row is `pending` and only its job can settle it. Counted
    against a budget of runs, it was given up on once the job had run often enough, and every RetryLater (each
    receiver failure, each wait for a free slot) is a run: a delivery that had waited on a slow receiver lost its
    job to one dropped connection, and its row stayed pending for ever, never sent, refused by replay and
    send-again as still pending."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        now = datetime.now(UTC)
        if isinstance(exception, RetryLater):
            retry_at = now + timedelta(seconds=exception.delay_s)
            if exception.row is not None:
                table, row_id = exception.row
                return RowRetryDecision(retry_at=retry_at, table=table, row_id=row_id)
            return RetryDecision(retry_at=retry_at)
        if is_release(exception):
            return RetryDecision(retry_at=now)
        if is_retryable(exception):
            delay = min(2.0 ** min(job.attempts, 16), INFRA_RETRY_MAX_S)
            return RetryDecision(retry_at=now + timedelta(seconds=delay))
        return None


@asynccontextmanager
async def settles_on_a_crash(
    pool: Pool, table: attempts_repo.Outbox, row_id: UUID, on_failed: Callable[[], None]
) -> AsyncIterator[None]:
    """Around one delivery attempt: an error `DeliveryRetryPolicy` does not retry (a bug, an answer or a stored
    value nobody foresaw) fails the row (`internal_error`) and calls `on_failed` (the `exhausted` count) before it
    fails the job. `RetryLater`, a worker stopping and a lost database connection go on to the policy as before."""
    try:
        yield
    except Exception as e:
        if isinstance(e, RetryLater) or is_release(e) or is_retryable(e):
            raise
        log.exception("delivery.crashed", table=table, row_id=str(row_id), error=type(e).__name__)
        async with connection(pool) as conn:
            failed = await attempts_repo.fail_pending(conn, table, row_id, "internal_error")
        if failed:  # else the attempt was recorded before the crash
            on_failed()
        raise
