"""The judge service's memory of recent runs by run id, which makes a run idempotent: every request naming an id
shares the one run in flight, a finished run is answered from memory, and a run is never started twice while its
id is remembered.

A run that ended without a report (the judge was busy, the request was refused) is forgotten at once, so that a
retry may run it. Finished runs are remembered for `ttl_s`, at most `max_runs` of them and `max_bytes` of their
encoded answers, oldest dropped first; runs in flight are bounded by the judge's own queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    """A finished run: its encoded response body and how long the judge took to run it."""

    body: bytes
    seconds: float


class RunIdConflictError(Exception):
    """The run id is remembered for a different request."""


@dataclass(eq=False)
class LedgerEntry:
    run_id: str
    fingerprint: bytes
    task: asyncio.Task[Answer]
    answer: Answer | None = None
    finished_at: float = 0.0


class RunLedger:
    def __init__(
        self, *, max_runs: int, max_bytes: int, ttl_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_runs, self.max_bytes, self.ttl_s, self._clock = max_runs, max_bytes, ttl_s, clock
        self._entries: dict[str, LedgerEntry] = {}
        self._finished: OrderedDict[str, LedgerEntry] = OrderedDict()  # oldest first
        self._bytes = 0

    @property
    def in_flight(self) -> int:
        return len(self._entries) - len(self._finished)

    @property
    def remembered(self) -> int:
        return len(self._finished)

    def claim(
        self, run_id: str, fingerprint: bytes, start: Callable[[], Coroutine[Any, Any, Answer]]
    ) -> tuple[LedgerEntry, bool]:
        """The entry for `run_id` and whether this call started it (`start()` runs only for an id not remembered).
        Raises RunIdConflictError when the id is remembered with another fingerprint."""
        self._expire()
        entry = self._entries.get(run_id)
        if entry is not None:
            if entry.fingerprint != fingerprint:
                raise RunIdConflictError(run_id)
            return entry, False
        task = asyncio.create_task(start(), name=f"judge-run-{run_id}")
        entry = LedgerEntry(run_id=run_id, fingerprint=fingerprint, task=task)
        self._entries[run_id] = entry
        task.add_done_callback(lambda t: self._settle(entry, t))
        return entry, True

    async def aclose(self) -> None:
        """Cancel the runs in flight (the service is stopping) and forget everything."""
        tasks = [e.task for e in self._entries.values() if not e.task.done()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._entries.clear()
        self._finished.clear()
        self._bytes = 0

    def _settle(self, entry: LedgerEntry, task: asyncio.Task[Answer]) -> None:
        if self._entries.get(entry.run_id) is not entry:
            return
        if task.cancelled() or task.exception() is not None:  # retrieves the exception: no "never retrieved"
            del self._entries[entry.run_id]  # no report: a retry may run it
            return
        entry.answer = task.result()
        entry.finished_at = self._clock()
        self._finished[entry.run_id] = entry
        self._bytes += len(entry.answer.body)
        self._expire()

    def _expire(self) -> None:
        oldest_kept = self._clock() - self.ttl_s
        while self._finished:
            run_id, entry = next(iter(self._finished.items()))
            over = len(self._finished) > self.max_runs or self._bytes > self.max_bytes
            if not over and entry.finished_at >= oldest_kept:
                return
            del self._finished[run_id]
            del self._entries[run_id]
            self._bytes -= len(entry.answer.body) if entry.answer is not None else 0
