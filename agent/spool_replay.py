"""Spools left by dead processes: delivered, and read for a session's events.

Spools no live recorder holds (left by crashed or stopped processes) are delivered each as the job that wrote it
(``replay_spools``); ``spooled_events`` reads every event this host's spools hold for a session. agent.recorder
writes them, and its module docstring gives the guarantee."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from agent.context import EventIn, StoredEvent
from agent.recorder import EventRecorder, EventSink, read_or_nothing
from agent.spool import read_owner, remove, try_lock


class JobEventSink(EventSink, Protocol):
    """A sink that can send events as another job's (``ApiClient``): what replaying a dead job's spool needs."""

    async def append_events(
        self, session_id: str, events: Sequence[EventIn], *, job_id: str | None = None
    ) -> list[StoredEvent]: ...


def spooled_events(spool_dir: str | os.PathLike[str], session_id: str) -> list[EventIn]:
    """Every event this host's spools hold for ``session_id`` (its own spool and per-process ones), in order."""
    events: list[EventIn] = []
    seen: set[str] = set()
    directory = Path(spool_dir)
    paths = [directory / f"{session_id}.jsonl", *sorted(directory.glob(f"{session_id}.*.jsonl"))]
    for path in paths:
        for event in read_or_nothing(path):
            if event.idempotency_key not in seen:
                seen.add(event.idempotency_key)
                events.append(event)
    return events


async def replay_spools(
    client: JobEventSink, spool_dir: str | os.PathLike[str], *, max_wait: float = 30.0
) -> dict[str, bool]:
    """Deliver the spools that no live recorder holds (left by crashed or stopped processes), each as the job that
    wrote it (``<spool>.job``; the API refuses it once another job holds the session, and the refused events are
    kept in ``<spool>.rejected``).

    Returns ``{spool file name: fully delivered}``. The session id is the file name up to its first dot.
    """
    results: dict[str, bool] = {}
    paths = await asyncio.to_thread(lambda: sorted(Path(spool_dir).glob("*.jsonl")))
    for path in paths:
        try:
            fd = try_lock(path)
        except OSError:
            continue
        if fd is None:
            continue  # a live recorder owns it
        os.close(fd)
        if not path.exists() or path.stat().st_size == 0:
            remove(path)
            continue
        recorder = EventRecorder(client, path.name.split(".")[0], spool_path=path)
        if recorder.spool_path != path:  # taken by a new recorder in the meantime: it will replay it
            await recorder.aclose(max_wait=0)
            continue
        recorder.send_as = await asyncio.to_thread(read_owner, path)
        results[path.name] = await recorder.aclose(max_wait=max_wait)
    return results
