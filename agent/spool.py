"""The spool file: append-only JSON lines of events, fsync'd, with a per-file flock marking its live owner."""

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


def append_lines(path: Path, events: Sequence[EventIn]) -> None:
    """Append JSON lines and fsync; duplicates are harmless (same idempotency keys)."""
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(e.model_dump_json() + "\n" for e in events).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        view = memoryview(data)
        while view:  # a regular-file write may still be short (e.g. interrupted); finish it
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # make the new directory entry durable too
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def read_lines(path: Path) -> list[EventIn]:
    """The spooled events in order, each key once; a torn last line (crash mid-append) is skipped."""
    if not path.exists():
        return []
    events: list[EventIn] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
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
