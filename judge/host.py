"""JudgeHost: the judge behind the HTTP service (judge.server): the same local pool and sandbox as in-process, its
state (starting, ready, failed), its load, and its memory of recent runs by id (judge.run_ledger)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from typing import Literal

from judge.backends.local import LocalBackend
from judge.errors import JudgeError, SandboxUnavailableError
from judge.host_metrics import HostMetrics
from judge.pool import start_by_context
from judge.remote_protocol import Load, ReportEnvelope, RunEnvelope
from judge.run_ledger import Answer, RunLedger
from judge.service import Judge
from judge.settings import JudgeSettings
from judge.tests_cache import TestsCache

log = logging.getLogger("judge.host")

State = Literal["starting", "ready", "failed"]


def fingerprint(body: bytes) -> bytes:
    """What a retried request must repeat exactly to share its run id's run."""
    return hashlib.sha256(body).digest()


class JudgeHost:
    """Starts its pool in the background (so that /healthz answers while the sandbox self-checks), then runs
    requests through `Judge.run`, each run id at most once while it is remembered."""

    def __init__(self, settings: JudgeSettings, *, backend: LocalBackend | None = None) -> None:
        # A judge service always runs its own sandbox, whatever backend its environment names for the API.
        self.settings = settings.model_copy(update={"backend": "local"})
        self.backend = backend or LocalBackend(self.settings)
        self.judge = Judge(self.settings, backend=self.backend)
        self.state: State = "starting"
        self.failure: str | None = None  # the error code that failed the start
        self.ledger = RunLedger(
            max_runs=settings.serve_idempotency_runs,
            max_bytes=settings.serve_idempotency_mb << 20,
            ttl_s=settings.serve_idempotency_s,
        )
        self.tests = TestsCache(settings.serve_tests_cache_mb << 20)
        self.metrics = HostMetrics(self.load, self.capacity, lambda: self.tests.bytes)
        self._starting: asyncio.Task[None] | None = None

    def load(self) -> Load:
        pool = self.backend.pool
        return Load(running=pool.running, queued=pool.queued, slots=pool.slots)

    def capacity(self) -> int:
        return self.backend.pool.slots + self.backend.pool.queue_size

    async def start(self) -> None:
        """Begin starting the pool; `state` becomes `ready` or `failed`."""
        if self._starting is None:
            self._starting = asyncio.create_task(self._start(), name="judge-host-start")

    async def wait_started(self) -> State:
        if self._starting is not None:
            await asyncio.shield(self._starting)
        return self.state

    async def aclose(self) -> None:
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starting
        await self.ledger.aclose()
        await self.judge.aclose()

    async def _start(self) -> None:
        began = time.monotonic()
        try:
            await self.judge.start()
        except SandboxUnavailableError:
            self.state, self.failure = "failed", SandboxUnavailableError.code
            log.error("judge.serve.failed", extra={"fields": {"reason": self.failure}})
        except JudgeError as exc:
            self.state, self.failure = "failed", exc.code
            log.error("judge.serve.failed", extra={"fields": {"reason": exc.code}})
        else:
            self.state = "ready"
            pool = self.backend.pool
            log.info(
                "judge.serve.ready",
                extra={"fields": {"slots": pool.slots, "queue_size": pool.queue_size,
                                  "seconds": round(time.monotonic() - began, 3)}},
            )  # fmt: skip

    async def run(
        self, envelope: RunEnvelope, body: bytes, *, start_by: float | None = None
    ) -> tuple[Answer, bool]:
        """The encoded answer to this run, and whether this request started it (False: it shared the run in
        flight or a remembered answer). `envelope` is `body` validated by `RunEnvelope.model_validate_json`.
        `start_by` (`time.monotonic()`): the run is refused if it has not reached a slot by then (the request that
        starts the run sets it; one sharing it waits for it). Raises JudgeBusyError, JudgeStartExpiredError, the
        judge's refusals (unsupported language, code too large) and RunIdConflictError."""
        entry, started = self.ledger.claim(
            envelope.run_id, fingerprint(body), lambda: self._execute(envelope, start_by)
        )
        if entry.answer is not None:
            return entry.answer, False
        return await asyncio.shield(entry.task), started

    async def _execute(self, envelope: RunEnvelope, start_by: float | None) -> Answer:
        # This task's own context (the ledger created it), read by the pool when it queues the job.
        start_by_context.set(start_by)
        request = envelope.request
        tests = request.selected_tests()
        fields = {
            "run_id": envelope.run_id,
            "language": request.language,
            "mode": request.mode,
            "tests": len(tests),  # counts only: never test data
            "hidden": sum(t.hidden for t in tests),
        }
        log.info("judge.run.started", extra={"fields": fields})
        began = time.perf_counter()
        # `envelope` was validated from the request's JSON body (judge.server), whose parser refuses text that is not
        # Unicode. JudgeBusyError and refusals propagate; the ledger forgets them.
        report = await self.judge.run(request, from_json=True)
        seconds = time.perf_counter() - began
        self.metrics.run_seconds.labels(language=request.language, mode=request.mode).observe(seconds)
        log.info(
            "judge.run.finished",
            extra={"fields": {**fields, "verdict": report.verdict.value, "seconds": round(seconds, 4)}},
        )
        return Answer(
            ReportEnvelope(run_id=envelope.run_id, report=report).model_dump_json().encode(), seconds
        )
