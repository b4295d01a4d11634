"""The candidate's editor as the agent sees it: `editor.snapshot` stream intake, `editor.get` refresh, diffs."""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from livekit import rtc

from agent.channel import ClientChannel
from agent.clock import Clock

logger = logging.getLogger("shadows.agent.editor")

MAX_CODE_CHARS = 64_000
REORDER_WINDOW_S = 3.0


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


def bounded_diff(old: str, new: str, max_chars: int) -> str:
    """A unified diff (1 line of context) of `old` -> `new`, cut at a line boundary to at most `max_chars`."""
    lines = list(
        difflib.unified_diff(old.splitlines(), new.splitlines(), "before", "after", n=1, lineterm="")
    )[2:]  # drop the ---/+++ header
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        if used + len(line) + 1 > max_chars:
            out.append(f"... ({len(lines) - i} more diff lines)")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


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
        self._tasks: set[asyncio.Task[None]] = set()
        self._arrived = asyncio.Event()

    @property
    def snapshot(self) -> EditorSnapshot | None:
        return self._snapshot

    @property
    def connected(self) -> bool:
        return self._channel.editor_connected or self._snapshot is not None

    def add_listener(self, listener: SnapshotListener) -> None:
        self._listeners.append(listener)

    # --- intake -----------------------------------------------------------------------------------
    def ingest(self, code: str, attributes: dict[str, str]) -> EditorSnapshot | None:
        """Accept one full-code snapshot. Returns it, or None when it is older than the one held."""
        current = self._snapshot
        try:
            version = int(attributes.get("version", ""))
        except ValueError:
            version = (current.version + 1) if current else 1
        now = self._clock.now()
        if current is not None and version < current.version and now - current.received_at < REORDER_WINDOW_S:
            return None  # an older stream that finished late; a much later lower version is a reloaded client
        if len(code) > MAX_CODE_CHARS:
            code = code[:MAX_CODE_CHARS]
        sha = _sha(code)
        changed = current is None or current.sha256 != sha
        snap = EditorSnapshot(
            code=code,
            language=attributes.get("language") or (current.language if current else self._default_language),
            version=version,
            cursor=attributes.get("cursor") or None,
            received_at=now,
            changed_at=now if changed or current is None else current.changed_at,
            sha256=sha,
        )
        self._snapshot = snap
        self._arrived.set()
        self._arrived = asyncio.Event()
        for listener in self._listeners:
            listener(snap, changed)
        return snap

    def on_text_stream(self, reader: rtc.TextStreamReader, participant_identity: str) -> None:
        """`room.register_text_stream_handler("editor.snapshot", bridge.on_text_stream)`."""
        task = asyncio.create_task(self._read(reader), name="editor.snapshot")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read(self, reader: rtc.TextStreamReader) -> None:
        try:
            text = await reader.read_all()
        except Exception as e:  # a broken stream must not kill the job; the next snapshot replaces it
            logger.warning("editor.snapshot stream failed: %s", type(e).__name__)
            return
        self.ingest(text, dict(reader.info.attributes or {}))

    # --- refresh ----------------------------------------------------------------------------------
    async def latest(self) -> EditorSnapshot | None:
        """The newest snapshot, refreshed through `editor.get` when the one held is stale."""
        snap = self._snapshot
        fresh = snap is not None and self._clock.now() - snap.received_at <= self._stale_s
        if fresh or not self._channel.editor_connected:
            return snap
        data = await self._channel.request_editor(self._rpc_timeout_s)
        if data is None:
            return self._snapshot
        return await self._apply_rpc(data)

    async def _apply_rpc(self, data: dict[str, Any]) -> EditorSnapshot | None:
        try:
            version = int(data.get("version", 0))
        except (TypeError, ValueError):
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
        while self._snapshot is None or self._snapshot.version < version:
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
        """What the LLM already knows the editor holds (the starter code at the start)."""
        self._seen_code = code

    def mark_seen(self) -> None:
        """The LLM has just been given the full current code."""
        if self._snapshot is not None:
            self._seen_code = self._snapshot.code

    def diff_since_seen(self, max_chars: int) -> str | None:
        """A bounded diff of the code since the LLM last saw it, then marks it seen; None if unchanged."""
        snap = self._snapshot
        if snap is None or snap.code == self._seen_code:
            return None
        diff = bounded_diff(self._seen_code or "", snap.code, max_chars)
        self._seen_code = snap.code
        return diff or None

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()


class SnapshotRecorder:
    """Records distinct snapshots as `editor_snapshot` events, at most one per `min_interval_s`.

    A snapshot arriving too soon is held back and recorded when the interval has passed (a trailing write),
    so the last code before a pause is always in the log; `flush()` writes it at once.
    """

    def __init__(
        self,
        record: Callable[[str, dict[str, Any], str], object],
        clock: Clock,
        *,
        min_interval_s: float = 5.0,
    ) -> None:
        self._record = record
        self._clock = clock
        self._min_interval_s = min_interval_s
        self._last_sha: str | None = None
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
        payload = {
            "version": snap.version,
            "language": snap.language,
            "code": snap.code,
            "sha256": snap.sha256,
            "cursor": snap.cursor,
        }
        self._record("editor_snapshot", payload, f"agent:editor:{snap.version}:{snap.sha256[:16]}")
