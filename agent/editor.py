"""The candidate's editor as the agent sees it: `editor.snapshot` stream intake, `editor.get` refresh, diffs.

Snapshots are coalesced: each is the whole file (up to ``MAX_HELD_BYTES``), and processing one (cleaning, the hash,
the diff against the one held, the listeners) costs the event loop up to tens of milliseconds at that size, on
the loop that takes this interview's turns and, in one worker process, other interviews'. A page can send them back
to back. Only the newest matters, so a stream read while one is held back replaces it, unprocessed, and at most
one is processed per interval: ``MIN_PROCESS_INTERVAL_S``, or longer after a costly one so that processing takes
at most ``MAX_LOOP_SHARE`` of the time. (Preparing a large one in a worker thread was measured too: the thread
holds the GIL for the same work and the turns were no faster; bench/agent_snapshots.py.) A tool
asking for the code (``latest``: the tests run the newest code) and the end of the interview (the final code)
process the one held back at once (``settle``); a model turn's code view does not (that would put the processing on
every turn's path): it may be one interval behind, and only while snapshots come faster than one an interval. Our
page sends one ~500 ms after typing stops (every ~2 s while typing goes on): processed as it arrives.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from livekit import rtc

from agent.channel import ClientChannel
from agent.clock import Clock
from agent.code_view import changed_lines, ranges, render_view
from agent.language import code_language
from agent.payloads import MAX_CODE_BYTES, cap_code
from agent.senders import close_reader
from agent.stream_reads import StreamReads

logger = logging.getLogger("shadows.agent.editor")

MAX_HELD_BYTES = 5 * MAX_CODE_BYTES  # what the agent keeps in memory; what is stored is capped with a marker
MAX_READ_BYTES = (
    10 * MAX_HELD_BYTES
)  # past this much of one stream it is closed unread (its size: at least this)
REORDER_WINDOW_S = 3.0
MIN_PROCESS_INTERVAL_S = 0.25  # streamed snapshots processed at most this often (see the module docstring)
# After a snapshot that took c seconds to process, the next waits at least c / MAX_LOOP_SHARE.
MAX_LOOP_SHARE = 0.1


@dataclass(frozen=True)
class EditorSnapshot:
    """One version of the candidate's code. Times are clock seconds."""

    code: str
    language: str
    version: int
    cursor: str | None
    received_at: float
    changed_at: float
    sha256: str
    original_bytes: int = 0  # > len(code in bytes) when the client sent more than the agent holds
    changed: tuple[int, ...] = ()  # lines of this version that differ from the previous one


@dataclass(frozen=True)
class CodeView:
    """What one model turn is shown of the code; ``mark_seen(view)`` once that turn has committed."""

    text: str
    sha256: str
    code: str


@dataclass(frozen=True)
class _Streamed:
    """A snapshot read from its stream and not yet processed."""

    code: str
    attributes: dict[str, str]
    streamed_bytes: int


SnapshotListener = Callable[[EditorSnapshot, bool], None]
"""Called with each accepted snapshot and whether its content differs from the previous one."""


def _sha(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


CURSOR = re.compile(r"\d{1,7}(?::\d{1,7})?")
LANGUAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9+#._-]{0,19}")  # one we do not run ("cobol") is still a name


def _language(value: str | None) -> str | None:
    """The API's spelling of a language the client names (`code_language`), another language's one-word name
    (the API refuses to run it, and the interviewer says so), or None for anything else: the attribute is the
    client's to set, and it reaches the model, the event log and the grader outside the code's fence."""
    if not value:
        return None
    return code_language(value[:40]) or (value if LANGUAGE_NAME.fullmatch(value) else None)


def _cursor(value: str | None) -> str | None:
    """`line` or `line:column`, or None: anything else the client puts in the attribute is dropped."""
    return value if value and CURSOR.fullmatch(value) else None


MAX_VERSION = 2**53 - 1  # the largest integer a browser counts exactly


def _version(value: object) -> int | None:
    """A snapshot version the client gives (an attribute's digits, or an `editor.get` reply's number), or None.
    The client chooses it: a number of thousands of digits went into every model turn and the event log, and an
    `editor.get` reply of `Infinity` raised out of the tool that asked for the code."""
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit() or not value.isascii() or len(value) > 16:
            return None
        value = int(value)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_VERSION else None


def _cursor_line(cursor: str | None) -> int | None:
    try:
        return int((cursor or "").split(":")[0])
    except ValueError:
        return None


class EditorBridge:
    """Keeps the latest snapshot of the candidate's editor and refreshes it on demand.

    Snapshots arrive on the `editor.snapshot` text stream (full code; attributes `version`, `language`,
    `cursor`). A lower version than the one held arriving within `REORDER_WINDOW_S` is a stream that
    completed out of order and is ignored; later, it means the client reloaded and restarted numbering.
    """

    def __init__(
        self,
        channel: ClientChannel,
        clock: Clock,
        *,
        language: str,
        stale_s: float = 5.0,
        rpc_timeout_s: float = 5.0,
        push_wait_s: float = 2.0,
    ) -> None:
        self._channel = channel
        self._clock = clock
        self._default_language = language
        self._stale_s = stale_s
        self._rpc_timeout_s = rpc_timeout_s
        self._push_wait_s = push_wait_s
        self._snapshot: EditorSnapshot | None = None
        self._seen_code: str | None = None  # what the LLM last saw, for diffs
        self._listeners: list[SnapshotListener] = []
        self._reads = StreamReads("editor.snapshot")  # streams read at once, bounded (agent.stream_reads)
        self._arrived = asyncio.Event()
        self._held: _Streamed | None = None  # read, not yet processed (coalesced: only the newest is kept)
        self._next_at = 0.0  # clock time before which no streamed snapshot is processed
        self._processing: asyncio.Task[None] | None = None
        self.superseded = 0  # streamed snapshots replaced by a newer one before being processed
        self.frozen = False  # the interview has ended: the code it ended with is final (``freeze``)
        self.after_end = 0  # snapshots sent after that, refused

    @property
    def snapshot(self) -> EditorSnapshot | None:
        return self._snapshot

    @property
    def connected(self) -> bool:
        return self._channel.editor_connected or self._snapshot is not None

    def add_listener(self, listener: SnapshotListener) -> None:
        self._listeners.append(listener)

    def freeze(self) -> None:
        """The interview has ended (``agent.ending.enter_end``): what is held is taken, and from now on no snapshot
        is, from the stream, an `editor.get` reply or anywhere else. The page goes on sending while the goodbye plays
        (up to 15 s) and until the job leaves: that code was recorded after the END phase and became the final code
        the session was completed with, code written after the interview ended graded as written in it."""
        self.settle()
        self.frozen = True

    def _refuse_after_end(self) -> None:
        self.after_end += 1
        if self.after_end == 1:
            logger.info("editor snapshots after the end of the interview are not taken")

    # --- intake -----------------------------------------------------------------------------------
    def ingest(
        self, code: str, attributes: dict[str, str], *, streamed_bytes: int = 0
    ) -> EditorSnapshot | None:
        """Accept one full-code snapshot (``streamed_bytes``: its size as sent, when more than ``code`` was sent).
        Returns it, or None when it is older than the one held or the interview has ended (``freeze``)."""
        if self.frozen:
            self._refuse_after_end()
            return None
        current = self._snapshot
        version = _version(attributes.get("version"))
        if version is None:
            version = (current.version + 1) if current else 1
        now = self._clock.now()
        if current is not None and version < current.version and now - current.received_at < REORDER_WINDOW_S:
            return None  # an older stream that finished late; a much later lower version is a reloaded client
        capped = cap_code(code, MAX_HELD_BYTES)
        if capped.truncated:
            logger.warning(
                "editor snapshot of %d bytes held as its first %d", capped.original_bytes, MAX_HELD_BYTES
            )
        code = capped.code
        sha = _sha(code)
        changed = current is None or current.sha256 != sha
        lines = (
            tuple(changed_lines(current.code if current else None, code))
            if changed
            else (current.changed if current else ())
        )
        snap = EditorSnapshot(
            code=code,
            language=_language(attributes.get("language"))
            or (current.language if current else self._default_language),
            version=version,
            cursor=_cursor(attributes.get("cursor")),
            received_at=now,
            changed_at=now if changed or current is None else current.changed_at,
            sha256=sha,
            original_bytes=max(capped.original_bytes, streamed_bytes),
            changed=lines,
        )
        self._snapshot = snap
        self._arrived.set()
        self._arrived = asyncio.Event()
        for listener in self._listeners:
            listener(snap, changed)
        return snap

    # --- coalescing (see the module docstring) ---------------------------------------------------------
    def _offer(self, streamed: _Streamed) -> None:
        """A snapshot read from its stream: held back, replacing any held one, until it may be processed."""
        if self.frozen:  # read to its end after the interview ended
            self._refuse_after_end()
            return
        held = self._held
        if held is not None:
            self.superseded += 1
            new, old = _version(streamed.attributes.get("version")), _version(held.attributes.get("version"))
            if new is not None and old is not None and new < old:
                return  # an older stream that finished late: the one held stays
        self._held = streamed
        wake = self._arrived
        self._arrived = asyncio.Event()
        wake.set()  # `_apply_rpc` waits for a pushed version: it settles what is held
        if self._processing is None or self._processing.done():
            self._processing = asyncio.create_task(self._process(), name="editor.snapshot.process")

    def settle(self) -> None:
        """Process the held-back snapshot now (a tool is about to use the code, the interview is ending)."""
        held, self._held = self._held, None
        if held is not None:
            self.ingest(held.code, held.attributes, streamed_bytes=held.streamed_bytes)

    async def _process(self) -> None:
        while self._held is not None:
            wait = self._next_at - self._clock.now()
            if wait > 0:
                await self._clock.sleep(wait)
                continue
            started = time.perf_counter()
            self.settle()
            cost = time.perf_counter() - started
            self._next_at = self._clock.now() + max(MIN_PROCESS_INTERVAL_S, cost / MAX_LOOP_SHARE)

    def on_text_stream(self, reader: rtc.TextStreamReader, participant_identity: str) -> None:
        """`room.register_text_stream_handler("editor.snapshot", bridge.on_text_stream)`. At most a few streams
        are read at once: past that the oldest is dropped (agent.stream_reads); each one is the whole file. After the
        end (``freeze``) a stream is closed unread."""
        if self.frozen:
            close_reader(reader)
            self._refuse_after_end()
            return
        self._reads.start(reader, self._read(reader))

    async def _read(self, reader: rtc.TextStreamReader) -> None:
        """Read one snapshot stream, holding at most ``MAX_HELD_BYTES`` of it (``read_all`` would hold whatever a
        client sends, a gigabyte included); the rest is counted, never kept, up to ``MAX_READ_BYTES``: past that the
        stream is closed (a client may stream without end) and what is held is taken, at least that large."""
        parts: list[str] = []
        held = total = 0
        try:
            async for chunk in reader:
                size = len(chunk.encode("utf-8", "replace"))
                total += size
                if held <= MAX_HELD_BYTES:
                    parts.append(chunk)
                    held += size
                if total >= MAX_READ_BYTES:
                    close_reader(reader)  # the rest is never read
                    break
        except Exception as e:  # a broken stream must not kill the job; the next snapshot replaces it
            logger.warning("editor.snapshot stream failed: %s", type(e).__name__)
            return
        self._offer(_Streamed("".join(parts), dict(reader.info.attributes or {}), total))

    # --- refresh ----------------------------------------------------------------------------------
    async def latest(self) -> EditorSnapshot | None:
        """The newest snapshot, refreshed through `editor.get` when the one held is stale."""
        self.settle()
        snap = self._snapshot
        fresh = snap is not None and self._clock.now() - snap.received_at <= self._stale_s
        if fresh or self.frozen or not self._channel.editor_connected:
            return snap
        try:
            data = await self._channel.request_editor(self._rpc_timeout_s)
        except Exception as e:  # any failure of the client round trip means "use what we have"
            logger.info("editor.get failed: %s", type(e).__name__)
            data = None
        if data is None:
            return self._snapshot
        return await self._apply_rpc(data)

    async def _apply_rpc(self, data: dict[str, Any]) -> EditorSnapshot | None:
        version = _version(data.get("version", 0))
        if version is None:
            return self._snapshot
        attrs = {"version": str(version)}
        if isinstance(data.get("language"), str):
            attrs["language"] = data["language"]
        if isinstance(data.get("cursor"), str):
            attrs["cursor"] = data["cursor"]
        code = data.get("code")
        if isinstance(code, str):
            self.ingest(code, attrs)
            return self._snapshot
        # Too large for an RPC reply: the client pushes that version on the stream; wait for it briefly.
        deadline = asyncio.get_running_loop().time() + self._push_wait_s
        while True:
            self.settle()
            if self._snapshot is not None and self._snapshot.version >= version:
                break
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout=left)
            except TimeoutError:
                break
        return self._snapshot

    # --- what the LLM has seen --------------------------------------------------------------------
    def set_seen(self, code: str) -> None:
        """What the LLM already knows the editor holds (the starter code at the start, the code on resume)."""
        self._seen_code = code

    def mark_seen(self, view: CodeView | None = None) -> None:
        """A model turn that was shown ``view`` (default: the current code) has committed."""
        if view is not None:
            self._seen_code = view.code
        elif self._snapshot is not None:
            self._seen_code = self._snapshot.code

    @property
    def seen_code(self) -> str | None:
        return self._seen_code

    def view(self, max_chars: int) -> CodeView | None:
        """The bounded, numbered view of the current code; None before the first snapshot. Marks nothing seen:
        preemptive, interrupted or discarded generations must not use up a change. A snapshot held back is not
        processed here, on the turn's path: it is at most one interval newer (see the module docstring)."""
        snap = self._snapshot
        if snap is None:
            return None
        since_seen = changed_lines(self._seen_code, snap.code) if snap.code != self._seen_code else []
        cursor = _cursor_line(snap.cursor)
        body = render_view(snap.code, changed=since_seen or list(snap.changed), cursor_line=cursor,
                           max_chars=max_chars)  # fmt: skip
        if not snap.code.strip():
            body = "(the editor is empty)"
        note = (
            f"Changed since your last reply: lines {ranges(since_seen)}."
            if since_seen
            else ("Unchanged since your last reply.")
        )
        return CodeView(text=f"{note}\n{body}", sha256=snap.sha256, code=snap.code)

    async def aclose(self) -> None:
        await self._reads.aclose()
        if self._processing is not None:
            self._processing.cancel()
            await asyncio.gather(self._processing, return_exceptions=True)
            self._processing = None
        self.settle()  # what was read is the code as it stands: listeners (the recorder) still get it


class SnapshotRecorder:
    """Records distinct snapshots as `editor_snapshot` events, at most one per `min_interval_s`.

    A snapshot arriving too soon is held back and recorded when the interval has passed (a trailing write),
    so the last code before a pause is always in the log; `flush()` writes it at once.

    Each write is a new event under a new idempotency key (the recorder keeps the key with the event for its
    retries and replays). A key made of what the client sends (its version and the code's hash) named two
    different moments alike: a reloaded page numbers from 1 again, and code it came back to under a version it had
    used before (the starter code, an undone edit) was taken for the earlier snapshot and lost (the API refuses a
    key repeated with another `t`). ``last_sha`` is the code the log already holds (a resumed job's), so the
    client's first snapshot of that same code is not recorded twice.
    """

    def __init__(
        self,
        record: Callable[[str, dict[str, Any], str | None], object],
        clock: Clock,
        *,
        min_interval_s: float = 5.0,
        last_sha: str | None = None,
    ) -> None:
        self._record = record
        self._clock = clock
        self._min_interval_s = min_interval_s
        self._last_sha: str | None = last_sha
        self._last_at: float | None = None
        self._pending: EditorSnapshot | None = None
        self._trailing: asyncio.Task[None] | None = None

    def __call__(self, snap: EditorSnapshot, changed: bool) -> None:
        if snap.sha256 == self._last_sha:
            self._pending = None
            return
        now = self._clock.now()
        if self._last_at is not None and now - self._last_at < self._min_interval_s:
            self._pending = snap
            if (self._trailing is None or self._trailing.done()) and _loop_running():
                wait = self._min_interval_s - (now - self._last_at)
                self._trailing = asyncio.create_task(self._flush_after(wait), name="editor.trailing_snapshot")
            return
        self._write(snap, now)

    async def _flush_after(self, seconds: float) -> None:
        await self._clock.sleep(seconds)
        self.flush()

    async def aclose(self) -> None:
        """Record what is held back and stop the trailing timer."""
        self.flush()
        if self._trailing is not None:
            self._trailing.cancel()
            await asyncio.gather(self._trailing, return_exceptions=True)
            self._trailing = None

    def flush(self) -> None:
        """Record the held-back newest snapshot now (before a test run, a phase change, the end)."""
        if self._pending is not None and self._pending.sha256 != self._last_sha:
            self._write(self._pending, self._clock.now())
        self._pending = None

    def _write(self, snap: EditorSnapshot, now: float) -> None:
        self._pending = None
        self._last_sha = snap.sha256
        self._last_at = now
        capped = cap_code(snap.code)
        payload: dict[str, Any] = {
            "version": snap.version,
            "language": snap.language,
            "code": capped.code,
            "sha256": snap.sha256,
            "cursor": snap.cursor,
        }
        if capped.truncated or snap.original_bytes > capped.original_bytes:
            # Never cut silently: the stored copy says it is a prefix, of how much, and what the whole hashed to.
            payload.update(truncated=True, original_bytes=max(snap.original_bytes, capped.original_bytes))
        self._record("editor_snapshot", payload, None)  # a new key per write (see the class docstring)
