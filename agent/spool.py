"""The spool: a session's write-ahead log of events (JSON lines), its flock, and reading what a crash left.

Every event is written here before ``EventRecorder.record()`` returns; lines leave only after the API has
acknowledged them. Writes go straight to the kernel (``os.write`` on an ``O_APPEND`` descriptor), so a killed
process (SIGKILL included) loses nothing already written; ``sync()`` fsyncs, which is what protects against a
machine crash or power loss.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from agent.context import EventIn

logger = logging.getLogger(__name__)


def try_lock(spool: Path) -> int | None:
    """An fd holding an exclusive flock on ``<spool>.lock``, or None when another process holds it."""
    spool.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(spool.with_name(spool.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # a regular-file write may still be short (e.g. interrupted); finish it
        view = view[os.write(fd, view) :]


def _fsync_dir(path: Path) -> None:
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def encode(events: Sequence[EventIn]) -> bytes:
    return "".join(e.model_dump_json() + "\n" for e in events).encode("utf-8")


def append_lines(path: Path, events: Sequence[EventIn]) -> None:
    """Append JSON lines and fsync (one-off writes: late events)."""
    append_bytes(path, encode(events))


def append_bytes(path: Path, data: bytes) -> None:
    """Append ``data`` (whole lines) and fsync: late events, the keys of refused events."""
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # make the new directory entry durable too
        _fsync_dir(path)


def read_lines(path: Path) -> list[EventIn]:
    """The spooled events in order, each key once; a torn last line (crash mid-append) is skipped."""
    if not path.exists():
        return []
    events: list[EventIn] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_bytes().decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            event = EventIn.model_validate(json.loads(line))
        except ValueError:
            logger.warning("spool %s: skipping unreadable line %d", path.name, n)
            continue
        if event.idempotency_key not in seen:
            seen.add(event.idempotency_key)
            events.append(event)
    return events


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    with contextlib.suppress(FileNotFoundError):
        owner_path(path).unlink()


def owner_path(spool: Path) -> Path:
    """``<spool>.job``: the LiveKit job whose events the spool holds (the API stores only its interviewer's)."""
    return spool.with_name(spool.name + ".job")


def write_owner(spool: Path, job_id: str) -> None:
    """Name the job writing ``spool`` (replaced whole: a reader sees the old name or the new one)."""
    path = owner_path(spool)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(job_id, encoding="utf-8")
    os.replace(tmp, path)


def read_owner(spool: Path) -> str | None:
    """The job named by ``write_owner``, or None (a spool from before owners were written, or none readable)."""
    try:
        owner = owner_path(spool).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return owner or None


class SpoolFile:
    """The open write-ahead log of one recorder. Writes happen on the caller's thread (the event loop): they are
    a single ``write(2)`` into the page cache. ``sync()`` is the slow part and is meant for a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
        self._fd: int | None = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if created:
            _fsync_dir(path)

    @property
    def closed(self) -> bool:
        return self._fd is None

    def write(self, data: bytes) -> None:
        if self._fd is None:
            raise OSError("spool is closed")
        _write_all(self._fd, data)

    def sync(self) -> None:
        fd = self._fd
        if fd is not None:
            os.fsync(fd)

    def truncate(self) -> None:
        """Everything in it was acknowledged: empty it in place (cheap, no rename)."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)

    def prepare_rewrite(self, data: bytes) -> Path:
        """Write ``data`` (the unacknowledged tail) to a temporary file and fsync it. Runs in a thread."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        return tmp

    def commit_rewrite(self, tmp: Path, tail: bytes) -> None:
        """Append what was recorded meanwhile to ``tmp``, then swap it in. Called on the writer's thread, so no
        append can slip between the two steps."""
        fd = os.open(tmp, os.O_WRONLY | os.O_APPEND)
        try:
            _write_all(fd, tail)
        except OSError:
            os.close(fd)
            raise
        os.replace(tmp, self.path)
        old, self._fd = self._fd, fd
        if old is not None:
            os.close(old)

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
