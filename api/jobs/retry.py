"""Our tasks' retry strategy: retryable errors back off with jitter a bounded number of times; a job released by a
stopping worker (cancelled after the shutdown grace) goes back to the queue at once. Times are the database's
clock (`api.jobs.db_clock`), which decides when the job is due, not the worker host's."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import psycopg
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.exceptions import JobAborted
from procrastinate.jobs import Job

from api.jobs.db_clock import DATABASE_CLOCK, DatabaseClock
from api.jobs.settings import get_worker_settings


def configured_delays() -> tuple[float, ...]:
    """SHADOWS_WORKER_RETRY_DELAYS_S, read when a decision is made."""
    return get_worker_settings().retry_delays


def is_retryable(exc: BaseException) -> bool:
    """Worth another attempt: a lost database connection, or one of our errors that says so (`retryable`)."""
    return isinstance(exc, psycopg.OperationalError) or getattr(exc, "retryable", False) is True


def is_release(exc: BaseException) -> bool:
    """The worker cancelled the job while stopping: nothing went wrong with the job itself."""
    return isinstance(exc, asyncio.CancelledError | JobAborted)


@dataclass(frozen=True)
class JobRetryPolicy(BaseRetryStrategy):
    """`delays_s[n]` is the wait before attempt n + 2; a callable is read at each decision (settings that tests
    shorten). After `len(delays_s) + 1` attempts the job fails for good."""

    delays_s: Sequence[float] | Callable[[], Sequence[float]] = configured_delays
    jitter: float = field(default=0.2)
    clock: DatabaseClock = field(default=DATABASE_CLOCK, compare=False)

    def delays(self) -> Sequence[float]:
        return self.delays_s() if callable(self.delays_s) else self.delays_s

    @property
    def max_attempts(self) -> int:
        return len(self.delays()) + 1

    def will_retry(self, exc: BaseException, attempts: int) -> bool:
        """Whether a job that has already been tried `attempts` times before this one is tried again after `exc`."""
        return is_release(exc) or (is_retryable(exc) and attempts < len(self.delays()))

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if is_release(exception):
            return RetryDecision(retry_at=self.clock.now())
        if not self.will_retry(exception, job.attempts):
            return None
        delay = self.delays()[job.attempts] * (1 + random.uniform(-self.jitter, self.jitter))  # noqa: S311  # jitter, not a secret
        return RetryDecision(retry_at=self.clock.now() + timedelta(seconds=max(0.0, delay)))
