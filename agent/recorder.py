"""EventRecorder: the agent's write path to the session event log (write-ahead spool, prompt batched sends).

The guarantee, exactly:
- ``record()`` returns only after the event is written to the session's spool file (one ``write(2)``; the kernel
  holds it). A killed worker process, SIGKILL included, therefore loses no recorded event.
- The spool is fsync'd at most ``fsync_interval`` seconds (default 0.2 s) after a write. A machine crash or power
  loss can lose the events recorded within the last fsync interval, nothing older.
- A background sender always runs: the oldest unsent event is sent at most ``flush_interval`` seconds (default
  0.25 s, never more than 1 s) after it was recorded, batched with everything recorded by then.
- Lines leave the spool only after the API acknowledged them (stored or already stored). Each event carries its
  idempotency key from the moment it is recorded, so replays and retries store it once.
- Events reach the API in recording order, across outages and restarts: a spool left by a dead process is sent
  first by the next recorder of the same session (``replay_first``), or by ``replay_spools`` (agent.spool_replay)
  from any job on the same host. The API is the source of truth: a job moved to another host continues from the
  API's log, which holds everything the old worker sent; ``aclose()`` pushes what is left before the worker exits.
- Only retryable errors are retried (exponential backoff with jitter). An event the API refuses outright (a 4xx)
  is isolated from its batch and set aside instead of blocking the log: ``<spool>.rejected`` gets its key, type,
  ``t`` and the refusal's code, never its payload (a refused event is never sent again, so its transcript or code
  would only outlive the retention period on this host). A refusal that applies to the whole session
  (``WHOLE_SESSION_REFUSALS``: the session finished, erased, not consented to) refuses the rest of the log too,
  without another request. agent.spool_replay deletes spools and ``.rejected`` files left past
  ``spool_max_age_s``.
- ``seal()`` ends the log for good (the job completes the session right after): a ``record()`` after it is refused,
  counted and logged by type, never spooled. A spooled late event was delivered by the next job's replay into a
  session already completed, and perhaps graded, on a log that ended earlier.
- Events go to the API as the job that recorded them: a recorder given its ``job_id`` names it in
  ``<spool>.job``, and a spool replayed by another job (``replay_spools``) is sent as that job's, marked replayed (a
  dead job's events renew no claim: ``ApiClient.append_events``). The API stores only
  the events of the session's one interviewer (the job that started it), so a dead job's spool reaches the record
  only while that job still holds the session; the next job of the same session replays the spool first, as its
  own, since it resumes from those events.
- A recorder holds an exclusive ``flock`` on ``<spool>.lock``. When another live process holds it, it writes to
  ``<session>.<pid>.jsonl`` instead. If no spool can be written at all (no directory, disk full), events stay in
  memory, in order, and are retried; the error is logged (only a crash during such a failure would lose them).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
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
from agent.payloads import clean
from agent.spool import (
    SpoolFile,
    append_bytes,
    append_lines,
    encode,
    read_lines,
    remove,
    try_lock,
    write_owner,
)

logger = logging.getLogger(__name__)

MAX_KEY_LEN = 200
MAX_FLUSH_INTERVAL = 1.0
REWRITE_AFTER_LINES = 500  # acknowledged lines kept in the spool before its tail is rewritten
# Refusals that every later event of the session would meet too: the record is closed (finished past its grace),
# erased under retention, gone, or the session never started on a consent. The first one ends the sending.
WHOLE_SESSION_REFUSALS = frozenset(
    {"session_finished", "record_deleted", "consent_required", "session_not_found"}
)


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
    return f"agent:{event_type}:sha256:{hashlib.sha256(key.encode('utf-8', 'replace')).hexdigest()}"


@dataclass
class RecorderStats:
    recorded: int = 0
    delivered: int = 0
    duplicates: int = 0
    rejected: int = 0  # refused by the API, or (refused_unsent) after a refusal of the whole session
    refused_unsent: int = 0  # of those, never sent: the session's log was already refused whole
    replayed: int = 0  # events found in a spool at start (left by a process that died)
    refused_sealed: int = 0  # record() calls after seal(), dropped
    failed_attempts: int = 0
    batches: int = 0
    fsyncs: int = 0
    ack_delays: deque[float] = field(default_factory=lambda: deque(maxlen=10_000))  # record -> ack, s


@dataclass
class _Queued:
    ordinal: int
    event: EventIn
    line: bytes  # the spool line; serialising at record time also surfaces a non-JSON payload to its caller
    enqueued_at: float = field(default_factory=time.monotonic)


class EventRecorder:
    """``record()`` never waits on the network; a background task sends batches (see the module docstring).

    ``clock`` returns seconds since the session started and stamps ``t`` when the caller gives none.
    Use ``async with`` or call ``aclose()``.
    """

    def __init__(
        self,
        client: EventSink,
        session_id: str,
        *,
        spool_path: str | os.PathLike[str],
        clock: Callable[[], float] | None = None,
        batch_size: int = 100,
        flush_interval: float = 0.25,
        fsync_interval: float = 0.2,
        max_batch_bytes: int = 1_000_000,
        backoff_initial: float = 0.2,
        backoff_max: float = 5.0,
        job_id: str | None = None,
    ) -> None:
        self._client = client
        self.session_id = session_id
        self.spool_path = Path(spool_path)
        self.send_as: str | None = None  # another job's id: set by replay_spools for a dead job's spool
        self._lock_fd: int | None = None
        try:
            self._lock_fd = try_lock(self.spool_path)
            if self._lock_fd is None:  # another live process owns this session's spool
                self.spool_path = self.spool_path.with_name(f"{session_id}.{os.getpid()}.jsonl")
                self._lock_fd = try_lock(self.spool_path)
        except OSError as e:
            logger.error("session %s: spool unavailable (%s); events are held in memory only", session_id,
                         type(e).__name__)  # fmt: skip
        self.rejected_path = self.spool_path.with_name(self.spool_path.name + ".rejected")
        self._clock = clock
        self._batch_size = max(1, min(batch_size, 200))
        self._flush_interval = min(max(0.0, flush_interval), MAX_FLUSH_INTERVAL)
        self._fsync_interval = fsync_interval
        self._max_batch_bytes = max_batch_bytes
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self.stats = RecorderStats()

        self._ordinal = 0
        self._done_upto = 0  # every event with ordinal <= this is delivered or rejected
        self._queue: deque[_Queued] = deque()  # everything not yet acknowledged, in order
        self._acked_in_file = 0  # acknowledged lines still in the spool file
        self._single_left = 0  # >0 after a refused batch: send one at a time to isolate the bad event
        self._backoff = backoff_initial
        self._urgent = False
        self._closing = False
        self._closed = False
        self._sealed = False
        self._session_refused: str | None = None  # the code of a refusal that applies to the whole session
        self._wakeup = asyncio.Event()
        self._progress = asyncio.Event()
        self._dirty = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._syncer: asyncio.Task[None] | None = None
        self._rewrite: asyncio.Task[None] | None = None
        # A spool left by a process that died goes first; it is the start of this recorder's log.
        for event in read_or_nothing(self.spool_path) if self._lock_fd is not None else []:
            self._ordinal += 1
            self._queue.append(_Queued(self._ordinal, event, encode([event])))
        self.stats.replayed = len(self._queue)
        self.stats.recorded = len(self._queue)
        if self._queue:
            logger.info("session %s: %d spooled events to deliver first", session_id, len(self._queue))
        self._spool: SpoolFile | None = None
        if self._lock_fd is not None:
            try:
                self._spool = SpoolFile(self.spool_path)
                if job_id:
                    write_owner(self.spool_path, job_id)  # what it holds is this job's to send from now on
            except OSError as e:
                logger.error("session %s: cannot open the spool (%s)", session_id, type(e).__name__)

    # -- public API -----------------------------------------------------------------------------------

    @property
    def replayed_events(self) -> list[EventIn]:
        """Events that a dead process left in this session's spool and that are not acknowledged yet."""
        return [q.event for q in self._queue if q.ordinal <= self.stats.replayed]

    def record(
        self, type: str, payload: dict[str, Any], *, key: str | None = None, t: float | None = None
    ) -> str:
        """Write one event to the spool and queue it; returns its idempotency key. Never waits on the network."""
        if t is None and self._clock is not None:
            t = round(self._clock(), 3)
        event = EventIn(idempotency_key=idempotency_key(type, key), type=type, t=t, payload=clean(payload))  # type: ignore[arg-type]  # validated by pydantic
        line = encode([event])  # raises here for a payload that is not JSON
        if self._sealed:
            self.stats.refused_sealed += 1
            logger.warning("session %s: %s event after the log was sealed not recorded (%d so far)",
                           self.session_id, type, self.stats.refused_sealed)  # fmt: skip
            return event.idempotency_key
        self.stats.recorded += 1
        if self._closed:
            # Late events (e.g. emitted while the session shuts down) still must not be lost.
            _write_or_log(self.spool_path, [event])
            return event.idempotency_key
        if self._spool is not None:
            try:
                self._spool.write(line)
                self._dirty.set()
            except OSError as e:
                # (`type` is this method's parameter here, hence __class__)
                logger.error("session %s: spool write failed (%s); holding events in memory", self.session_id,
                             e.__class__.__name__)  # fmt: skip
                self._spool = None
        self._ordinal += 1
        self._queue.append(_Queued(self._ordinal, event, line))
        self._ensure_tasks()
        self._wakeup.set()
        return event.idempotency_key

    def seal(self) -> None:
        """End the log for good: the session is about to be completed on what was recorded so far. Later
        ``record()`` calls are refused (see the module docstring); what is recorded stays queued and spooled."""
        self._sealed = True

    @property
    def sealed(self) -> bool:
        return self._sealed

    @property
    def backlog(self) -> int:
        """Events recorded but not yet delivered (or rejected)."""
        return self._ordinal - self._done_upto

    async def flush(self, max_wait: float | None = 10.0) -> bool:
        """Send everything recorded so far now; True when all of it was delivered within ``max_wait`` s."""
        target = self._ordinal
        if self._done_upto >= target:
            return True
        self._ensure_tasks()
        self._urgent = True
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
        """Push for at most ``max_wait`` s, then stop; whatever is undelivered stays in the (fsync'd) spool."""
        if self._closed:
            return self.backlog == 0
        delivered = await self.flush(max_wait)
        self._closing = True
        self._wakeup.set()
        for task in (self._task, self._syncer, self._rewrite):
            if task is None:
                continue
            if task is not self._task or not delivered:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._closed = True
        if self._spool is not None:
            spool, self._spool = self._spool, None
            try:
                if not self._queue:
                    spool.truncate()
                await asyncio.to_thread(spool.close)
            except OSError as e:
                logger.error("session %s: closing the spool failed (%s)", self.session_id, type(e).__name__)
            if not self._queue:
                await asyncio.to_thread(remove, self.spool_path)
        elif self._queue and self._lock_fd is not None:
            # The spool broke during the session: one last attempt to keep what is left on disk.
            await asyncio.to_thread(_write_or_log, self.spool_path, [q.event for q in self._queue])
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

    # -- background work ------------------------------------------------------------------------------

    def _ensure_tasks(self) -> None:
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        if self._task is None:
            self._task = loop.create_task(self._run(), name=f"event-recorder-{self.session_id}")
        if self._syncer is None and self._spool is not None:
            self._syncer = loop.create_task(self._sync_loop(), name=f"event-spool-fsync-{self.session_id}")

    async def _sync_loop(self) -> None:
        """fsync the spool at most ``fsync_interval`` s after a write (the crash-loss window)."""
        while True:
            await self._dirty.wait()
            await asyncio.sleep(self._fsync_interval)
            self._dirty.clear()
            spool = self._spool
            if spool is None:
                continue
            try:
                await asyncio.to_thread(spool.sync)
                self.stats.fsyncs += 1
            except OSError as e:
                logger.error("session %s: spool fsync failed (%s)", self.session_id, type(e).__name__)

    async def _run(self) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._urgent = False
                await self._wait(None)
                continue
            due = self._queue[0].enqueued_at + self._flush_interval - time.monotonic()
            if due > 0 and not (self._urgent or self._closing):
                await self._wait(due)
                continue
            batch = self._take()
            outcome = await self._send(batch)
            if outcome == "retry":
                await self._sleep_backoff()
                continue
            if outcome == "split":
                continue
            now = time.monotonic()
            for q in batch:
                self._queue.popleft()
                self.stats.ack_delays.append(now - q.enqueued_at)
            self._done_upto = max(self._done_upto, batch[-1].ordinal)
            self._progress.set()
            self._trim(len(batch))

    def _take(self) -> list[_Queued]:
        limit = 1 if self._single_left > 0 else self._batch_size
        batch: list[_Queued] = []
        size = 0
        for i, q in enumerate(self._queue):
            if i >= limit:
                break
            size += len(q.line)
            if batch and size > self._max_batch_bytes:
                break
            batch.append(q)
        return batch

    def _trim(self, acked: int) -> None:
        """Drop acknowledged lines from the spool: empty it when nothing is pending, else rewrite its tail now
        and then (the rewrite is prepared in a thread; appends keep going to the old file meanwhile)."""
        spool = self._spool
        if spool is None:
            return
        self._acked_in_file += acked
        if not self._queue:
            try:
                spool.truncate()
                self._acked_in_file = 0
            except OSError as e:
                logger.error("session %s: spool truncate failed (%s)", self.session_id, type(e).__name__)
            return
        if self._acked_in_file >= REWRITE_AFTER_LINES and (self._rewrite is None or self._rewrite.done()):
            self._rewrite = asyncio.get_running_loop().create_task(self._rewrite_tail(spool))

    async def _rewrite_tail(self, spool: SpoolFile) -> None:
        upto = self._ordinal
        data = b"".join(q.line for q in self._queue)
        try:
            tmp = await asyncio.to_thread(spool.prepare_rewrite, data)
            if self._spool is not spool:
                return
            # Back on the loop: what was recorded meanwhile follows (lines acknowledged meanwhile stay in the
            # copy; a replay would only yield duplicates, which the API ignores).
            spool.commit_rewrite(tmp, b"".join(q.line for q in self._queue if q.ordinal > upto))
            self._acked_in_file = 0
        except OSError as e:
            logger.error("session %s: spool rewrite failed (%s)", self.session_id, type(e).__name__)

    async def _send(self, batch: list[_Queued]) -> str:
        """'ok': delivered or rejected for good; 'retry': retryable failure; 'split': resend one by one."""
        if self._session_refused is not None:
            await self._refuse(batch, self._session_refused, sent=False)
            return "ok"
        self.stats.batches += 1
        events = [q.event for q in batch]
        try:
            if self.send_as is not None:
                client: Any = self._client  # a JobEventSink: replay_spools sets send_as only with one
                stored = await client.append_events(self.session_id, events, job_id=self.send_as)
            else:
                stored = await self._client.append_events(self.session_id, events)
        except ApiError as e:
            if e.retryable:
                self.stats.failed_attempts += 1
                logger.warning("session %s: event append failed (%s), will retry", self.session_id, e.code)
                return "retry"
            if e.code in WHOLE_SESSION_REFUSALS:
                self._session_refused = e.code
                self._single_left = 0
                logger.error(
                    "session %s: API refused the session's events (%s: %s); %d pending are not sent, keys in %s",
                    self.session_id, e.code, e.status, len(self._queue), self.rejected_path.name,
                )  # fmt: skip
                await self._refuse(batch, e.code, sent=True)
                return "ok"
            if len(batch) > 1:
                self._single_left = len(batch)  # find the bad one; resend the rest one by one
                return "split"
            logger.error(
                "session %s: API refused event %s (%s: %s); its key kept in %s",
                self.session_id, batch[0].event.type, e.code, e.status, self.rejected_path.name,
            )  # fmt: skip
            await self._refuse(batch, e.code, sent=True)
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

    async def _refuse(self, batch: list[_Queued], code: str, *, sent: bool) -> None:
        """Set refused events aside for good: their keys (never their payloads) go to ``<spool>.rejected``."""
        self.stats.rejected += len(batch)
        if not sent:
            self.stats.refused_unsent += len(batch)
        data = refusal_lines([q.event for q in batch], code, time.time())
        await asyncio.to_thread(_append_or_log, self.rejected_path, data, len(batch))

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


def refusal_lines(events: Sequence[EventIn], code: str, refused_at: float) -> bytes:
    """``<spool>.rejected`` lines: what identifies each refused event, and why; no payload (candidate data)."""
    return "".join(
        json.dumps({"idempotency_key": e.idempotency_key, "type": e.type, "t": e.t, "code": code,
                    "refused_at": round(refused_at, 3)}) + "\n"
        for e in events
    ).encode("utf-8")  # fmt: skip


def _append_or_log(path: Path, data: bytes, count: int) -> None:
    try:
        append_bytes(path, data)
    except OSError as e:
        logger.error("could not write %d refused keys to %s (%s)", count, path.name, type(e).__name__)


def read_or_nothing(path: Path) -> list[EventIn]:
    try:
        return read_lines(path)
    except OSError as e:
        logger.error("could not read spool %s (%s)", path.name, type(e).__name__)
        return []
