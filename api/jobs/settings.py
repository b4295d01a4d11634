"""Configuration of `shadows worker` (`SHADOWS_WORKER_*`); the database and everything else come from ApiSettings."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from judge.credential_mask import CredentialFreeRepr


class WorkerSettings(CredentialFreeRepr, BaseSettings):  # printed with URL credentials masked
    model_config = SettingsConfigDict(
        env_prefix="SHADOWS_WORKER_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    # Jobs run at once from every queue but the delivery queues (grading first of all).
    concurrency: int = Field(default=4, ge=1, le=64)
    # Jobs run at once from the delivery queues (DELIVERY_QUEUES: webhooks, calls back to an ATS), in slots of their
    # own: however slow the customers' receivers, they never take a slot grading could use. Each request waits on
    # the network, not the CPU, and holds no database connection meanwhile. Must exceed
    # SHADOWS_API_OUTBOUND_MAX_CONCURRENCY_PER_ORGANIZATION, so that one organisation never holds every slot.
    delivery_concurrency: int = Field(default=8, ge=2, le=64)
    # On SIGTERM, running jobs get this long to finish; then they are cancelled and go back to the queue.
    shutdown_grace_s: float = Field(default=30.0, ge=0, le=3600)
    # Written until the worker's last job has ended, through the grace too (`api.jobs.heartbeat`).
    heartbeat_s: float = Field(default=10.0, gt=0, le=300)
    # A worker silent for this long is dead: its running jobs are queued again, by a worker that has itself been
    # beating this long without a gap (`api.jobs.continuity`). A stopping worker is not silent, so this need not exceed
    # the grace.
    stalled_after_s: float = Field(default=30.0, gt=0, le=3600)
    # How often one of the workers looks for such jobs (1-59 seconds, or whole minutes).
    stalled_check_s: int = Field(default=60, ge=1, le=3600)
    # LISTEN/NOTIFY wakes the worker at once; this is the fallback poll.
    poll_s: float = Field(default=5.0, gt=0, le=300)
    # Finished jobs (succeeded, failed, cancelled, aborted) are deleted after this many hours.
    keep_finished_jobs_hours: int = Field(default=168, ge=1)
    # Waits before the 2nd, 3rd, ... attempt of a job that failed with a retryable error (comma-separated seconds,
    # jittered by 20%); after the last one the job fails for good. Tasks with their own schedule (webhooks) differ.
    retry_delays_s: str = "5,30,120,600"
    # Comma-separated modules imported at start-up besides our task modules (plugins; the tests' fakes).
    extra_imports: str = ""
    # Comma-separated queues this worker takes jobs from (grading, webhooks, integrations, email, artifacts,
    # maintenance); empty: all of them. Run `artifacts` (Chromium prints each report to PDF: about 0.3 s of CPU) on
    # workers of its own so that a burst of reports never delays grading. An unknown name stops the worker.
    queues: str = ""
    # Prometheus metrics of this worker (webhook deliveries, jobs) on host:port; off when the port is unset. Keep
    # the port internal: it has no authentication.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"

    @model_validator(mode="after")
    def _coherent(self) -> WorkerSettings:
        # A judging worker takes only a beat missing for twice the heartbeat for a gap (`api.jobs.continuity`): a live
        # worker may be silent through an outage it did not see for that, and for its own period more.
        if self.stalled_after_s < 3 * self.heartbeat_s:
            raise ValueError(
                "SHADOWS_WORKER_STALLED_AFTER_S must be at least three times SHADOWS_WORKER_HEARTBEAT_S"
            )
        try:
            delays = self.retry_delays
        except ValueError as e:
            raise ValueError("SHADOWS_WORKER_RETRY_DELAYS_S is a comma-separated list of seconds") from e
        # `not 0 <= d <= max`: float() reads "nan", which fails every comparison, so `d < 0 or d > max` let it by.
        if any(not 0 <= d <= 86_400 for d in delays) or len(delays) > 20:
            raise ValueError("SHADOWS_WORKER_RETRY_DELAYS_S: at most 20 delays, each 0 to 86400 seconds")
        if self.stalled_check_s >= 60 and self.stalled_check_s % 60:
            raise ValueError("SHADOWS_WORKER_STALLED_CHECK_S is 1-59 seconds or a whole number of minutes")
        return self

    @property
    def stalled_check_cron(self) -> str:
        """procrastinate's cron (croniter; a sixth field is seconds)."""
        if self.stalled_check_s < 60:
            return f"* * * * * */{self.stalled_check_s}"
        return f"*/{self.stalled_check_s // 60} * * * *"

    @property
    def retry_delays(self) -> tuple[float, ...]:
        return tuple(float(x) for x in self.retry_delays_s.split(",") if x.strip())

    @property
    def pool_size(self) -> int:
        """Connections the worker may need: one per running job of each lane, plus each lane's listener,
        procrastinate's heartbeat, abort poll and periodic deferrer (`api.jobs.heartbeat`'s beats have their own)."""
        return self.concurrency + self.delivery_concurrency + 10

    @property
    def queue_names(self) -> list[str] | None:
        """The queues to take jobs from; None: every queue."""
        names = [q.strip() for q in self.queues.split(",") if q.strip()]
        return names or None

    @property
    def extra_import_paths(self) -> list[str]:
        return [m.strip() for m in self.extra_imports.split(",") if m.strip()]


@lru_cache
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()
