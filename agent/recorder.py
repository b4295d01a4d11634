"""EventRecorder: the agent's write path to the session event log (batching, retries, spool, ordered replay).

Delivery guarantees:
- Each event gets its idempotency key when it is recorded, so any number of retried appends store it once.
- Events reach the API in the order they were recorded, including across an outage: while the API is
  unreachable they are appended to a JSON-lines spool file (fsync'd), and the spool is replayed in full
  before anything newer is sent. A spool left by a crashed process is replayed first by the next recorder
  for the same session (same ``spool_path``).
- Only retryable errors are retried (exponential backoff with jitter). An event the API refuses outright
  (a 4xx) is isolated from its batch and written to ``<spool>.rejected`` instead of blocking the log.
- A recorder holds an exclusive ``flock`` on ``<spool>.lock`` while it lives. When another live process
  holds the session's spool, it spools to ``<session>.<pid>.jsonl`` instead; ``replay_spools`` delivers
  every unlocked spool in a directory (what crashed processes left behind).
- If the spool cannot be written (no such directory, disk full), events stay in memory, still in order and
  retried; the error is logged. Only a crash during such an outage would then lose them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import random
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from agent.context import EventIn, StoredEvent
from agent.errors import ApiError
from agent.spool import append_lines, read_lines, remove, try_lock

logger = logging.getLogger(__name__)

MAX_KEY_LEN = 200


class EventSink(Protocol):
    """What the recorder needs from the API client."""

    async def append_events(self, session_id: str, events: Sequence[EventIn]) -> list[StoredEvent]: ...


def idempotency_key(event_type: str, key: str | None = None) -> str:
    """``agent:<type>:<key>``: deterministic for a given key, random (uuid4) without; <= 200 chars."""
    if key is None:
        return f"agent:{event_type}:{uuid.uuid4().hex}"
    full = f"agent:{event_type}:{key}"
    if len(full) <= MAX_KEY_LEN:
        return full
    return f"agent:{event_type}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


@dataclass
class RecorderStats:
    recorded: int = 0
    delivered: int = 0
    duplicates: int = 0
    rejected: int = 0
    spooled: int = 0
    failed_attempts: int = 0
    batches: int = 0


@dataclass
class _Queued:
    ordinal: int
    event: EventIn
    size: int  # bytes of JSON; serialising at record time also surfaces a non-JSON payload to its caller
    enqueued_at: float = field(default_factory=time.monotonic)

    @classmethod
    def of(cls, ordinal: int, event: EventIn) -> _Queued:
        return cls(ordinal, event, len(event.model_dump_json()))


class EventRecorder:
    """Non-blocking ``record()``; a background task sends batches (<= ``batch_size`` or ``flush_interval`` s).

    ``clock`` returns seconds since the session started and stamps ``t`` when the caller gives none
    (``None``: the API fills ``t`` from ``started_at``). Use ``async with`` or call ``aclose()``.
    """

    def __init__(
        self,
        client: EventSink,
        session_id: str,
        *,
        spool_path: str | os.PathLike[str],
        clock: Callable[[], float] | None = None,
        batch_size: int = 20,
        flush_interval: float = 0.5,
        max_batch_bytes: int = 1_000_000,
        backoff_initial: float = 0.2,
        backoff_max: float = 5.0,
    ) -> None:
        self._client = client
        self.session_id = session_id
        self.spool_path = Path(spool_path)
        self._lock_fd: int | None = None
        try:
            self._lock_fd = try_lock(self.spool_path)
            if self._lock_fd is None:  # another live process owns this session's spool
                self.spool_path = self.spool_path.with_name(f"{session_id}.{os.getpid()}.jsonl")
                self._lock_fd = try_lock(self.spool_path)
        except OSError as e:
            # No usable spool directory: keep recording (in memory, with retries) rather than fail the call.
            logger.error("session %s: spool unavailable (%s); outages are held in memory only", session_id,
                         type(e).__name__)  # fmt: skip
        self.rejected_path = self.spool_path.with_name(self.spool_path.name + ".rejected")
        self._clock = clock
        self._batch_size = max(1, min(batch_size, 200))
        self._flush_interval = flush_interval
        self._max_batch_bytes = max_batch_bytes
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self.stats = RecorderStats()

        self._ordinal = 0
        self._done_upto = 0  # every event with ordinal <= this is delivered or rejected
        self._pending: deque[_Queued] = deque()  # in memory, after everything in the spool
        self._spool: list[_Queued] = []  # mirror of the undelivered spool file, in order
        self._spool_sent = 0
        self._single_left = 0  # >0 after a refused batch: send one at a time to isolate the bad event
        self._backoff = backoff_initial
        self._flush_requested = False
        self._closing = False
        self._closed = False
        self._wakeup = asyncio.Event()
        self._progress = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # A spool left by a crashed process goes first. Read once at construction: it is small
        # (only what accumulated during an outage) and this runs before the conversation starts.
        for event in _read_or_nothing(self.spool_path):
            self._spool.append(_Queued.of(self._next_ordinal(), event))
        if self._spool:
            self.stats.recorded += len(self._spool)
            logger.info("replaying %d spooled events for session %s", len(self._spool), session_id)

    # -- public API -----------------------------------------------------------------------------------

    def record(
        self, type: str, payload: dict[str, Any], *, key: str | None = None, t: float | None = None
    ) -> str:
        """Queue one event and return its idempotency key. Never blocks on the network."""
        if t is None and self._clock is not None:
            t = round(self._clock(), 3)
        event = EventIn(idempotency_key=idempotency_key(type, key), type=type, t=t, payload=payload)  # type: ignore[arg-type]  # validated by pydantic
        queued = _Queued.of(self._ordinal + 1, event)  # raises here for a payload that is not JSON
        self.stats.recorded += 1
        if self._closed:
            # Late events (e.g. emitted while the session shuts down) still must not be lost.
            if _write_or_log(self.spool_path, [event]):
                self.stats.spooled += 1
            return event.idempotency_key
        self._next_ordinal()
        self._pending.append(queued)
        self._ensure_task()
        if len(self._pending) >= self._batch_size:
            self._wakeup.set()
        return event.idempotency_key

    @property
    def backlog(self) -> int:
        """Events recorded but not yet delivered (or rejected)."""
        return self._ordinal - self._done_upto

    async def flush(self, max_wait: float | None = 10.0) -> bool:
        """Send everything recorded so far now; True when all of it was delivered within ``max_wait`` s."""
        target = self._ordinal
        if self._done_upto >= target:
            return True
        self._ensure_task()
        self._flush_requested = True
        self._wakeup.set()
        deadline = None if max_wait is None else time.monotonic() + max_wait
        while self._done_upto < target:
            if self._task is None or self._task.done():
                return False
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            self._progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress.wait(), remaining)
        return True

    async def aclose(self, max_wait: float = 10.0) -> bool:
        """Flush for at most ``max_wait`` s, then stop; whatever is undelivered stays in the spool file."""
        if self._closed:
            return self.backlog == 0
        delivered = await self.flush(max_wait)
        self._closing = True
        self._wakeup.set()
        if self._task is not None:
            if not delivered:
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._closed = True
        if self._pending:
            left = [q.event for q in self._pending]
            written: bool = await asyncio.to_thread(_write_or_log, self.spool_path, left)
            if written:
                self.stats.spooled += len(left)
                self._pending.clear()
        if not delivered:
            logger.warning(
                "session %s: %d events left in the spool for replay", self.session_id, self.backlog
            )
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock; the empty lock file stays (unlinking it races)
            self._lock_fd = None
        return delivered

    async def __aenter__(self) -> EventRecorder:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- background sender ----------------------------------------------------------------------------

    def _next_ordinal(self) -> int:
        self._ordinal += 1
        return self._ordinal

    def _ensure_task(self) -> None:
        if self._task is None and not self._closed:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"event-recorder-{self.session_id}"
            )

    async def _run(self) -> None:
        while True:
            if self._spool_sent < len(self._spool):
                if not await self._drain_spool():
                    await self._sleep_backoff()
                continue
            if not self._pending:
                if self._closing:
                    return
                self._flush_requested = False
                await self._wait(None)
                continue
            due = self._pending[0].enqueued_at + self._flush_interval - time.monotonic()
            urgent = self._flush_requested or self._closing or len(self._pending) >= self._batch_size
            if due > 0 and not urgent:
                await self._wait(due)
                continue
            batch = self._take(list(self._pending))
            outcome = await self._send(batch)
            if outcome == "retry":
                await self._spool_pending()
                await self._sleep_backoff()
                continue
            if outcome == "split":
                continue
            for _ in batch:
                self._pending.popleft()
            self._advance(batch[-1].ordinal)

    async def _drain_spool(self) -> bool:
        """Replay the spool in order; False when the API failed again (everything is spooled by then)."""
        await self._spool_pending()
        while self._spool_sent < len(self._spool):
            batch = self._take(self._spool[self._spool_sent :])
            outcome = await self._send(batch)
            if outcome == "retry":
                await self._spool_pending()
                return False
            if outcome == "split":
                continue
            self._spool_sent += len(batch)
            self._advance(batch[-1].ordinal)
            await self._spool_pending()  # events recorded meanwhile keep their place behind the spool
        try:
            await asyncio.to_thread(remove, self.spool_path)
        except OSError as e:  # replaying it again later only yields duplicates, which the API ignores
            logger.error(
                "session %s: could not remove the replayed spool (%s)", self.session_id, type(e).__name__
            )
        self._spool.clear()
        self._spool_sent = 0
        return True

    def _take(self, queue: Sequence[_Queued]) -> list[_Queued]:
        limit = 1 if self._single_left > 0 else self._batch_size
        batch: list[_Queued] = []
        size = 0
        for q in queue[:limit]:
            size += q.size
            if batch and size > self._max_batch_bytes:
                break
            batch.append(q)
        return batch

    async def _send(self, batch: list[_Queued]) -> str:
        """'ok': delivered or rejected for good; 'retry': retryable failure; 'split': resend one by one."""
        self.stats.batches += 1
        try:
            stored = await self._client.append_events(self.session_id, [q.event for q in batch])
        except ApiError as e:
            if e.retryable:
                self.stats.failed_attempts += 1
                logger.warning("session %s: event append failed (%s), will retry", self.session_id, e.code)
                return "retry"
            if len(batch) > 1:
                self._single_left = len(batch)  # find the bad one; resend the rest one by one
                return "split"
            logger.error(
                "session %s: API refused event %s (%s: %s); kept in %s",
                self.session_id, batch[0].event.type, e.code, e.status, self.rejected_path.name,
            )  # fmt: skip
            await asyncio.to_thread(_write_or_log, self.rejected_path, [batch[0].event])
            self.stats.rejected += 1
        except Exception as e:
            # Not an API answer (a bug, a malformed response): keep the events and try again later
            # rather than let the sender task die with events stuck in memory.
            self.stats.failed_attempts += 1
            logger.exception(
                "session %s: event append crashed (%s), will retry", self.session_id, type(e).__name__
            )
            return "retry"
        else:
            self.stats.delivered += len(batch)
            self.stats.duplicates += sum(1 for s in stored if s.duplicate)
        self._backoff = self._backoff_initial
        if self._single_left > 0:
            self._single_left -= len(batch)
        return "ok"

    async def _spool_pending(self) -> None:
        if not self._pending:
            return
        moved = list(self._pending)
        if not await asyncio.to_thread(_write_or_log, self.spool_path, [q.event for q in moved]):
            return  # they stay in memory, in order, and are retried from there
        self._spool.extend(moved)
        for _ in moved:
            self._pending.popleft()
        self.stats.spooled += len(moved)

    def _advance(self, ordinal: int) -> None:
        self._done_upto = max(self._done_upto, ordinal)
        self._progress.set()

    async def _wait(self, seconds: float | None) -> None:
        self._wakeup.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), seconds)

    async def _sleep_backoff(self) -> None:
        delay = self._backoff * (0.5 + random.random())  # noqa: S311 -- jitter, not crypto
        self._backoff = min(self._backoff * 2, self._backoff_max)
        await asyncio.sleep(delay)


def _write_or_log(path: Path, events: Sequence[EventIn]) -> bool:
    try:
        append_lines(path, events)
    except OSError as e:
        logger.error("could not write %d events to %s (%s)", len(events), path.name, type(e).__name__)
        return False
    return True


def _read_or_nothing(path: Path) -> list[EventIn]:
    try:
        return read_lines(path)
    except OSError as e:
        logger.error("could not read spool %s (%s)", path.name, type(e).__name__)
        return []


async def replay_spools(
    client: EventSink, spool_dir: str | os.PathLike[str], *, max_wait: float = 30.0
) -> dict[str, bool]:
    """Deliver the spools that no live recorder holds (left by crashed or stopped processes).

    Returns ``{spool file name: fully delivered}``. The session id is the file name up to its first dot.
    """
    results: dict[str, bool] = {}
    paths = await asyncio.to_thread(lambda: sorted(Path(spool_dir).glob("*.jsonl")))
    for path in paths:
        fd = try_lock(path)
        if fd is None:
            continue  # a live recorder owns it
        os.close(fd)
        recorder = EventRecorder(client, path.name.split(".")[0], spool_path=path)
        if recorder.spool_path != path:  # taken by a new recorder in the meantime: it will replay it
            await recorder.aclose(max_wait=0)
            continue
        results[path.name] = await recorder.aclose(max_wait=max_wait)
    return results
