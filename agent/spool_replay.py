"""Spools left by dead processes: delivered, read for a session's events, and deleted once too old.

Spools no live recorder holds (left by crashed or stopped processes) are delivered each as the job that wrote it
(``replay_spools``); ``spooled_events`` reads every event this host's spools hold for a session. agent.recorder
writes them, and its module docstring gives the guarantee. ``prune_spools`` (run by ``replay_spools``, so at each
job's start, and by ``SpoolPruner`` in the worker's own process every ``spool_prune_interval_s``, so on an idle host
too) deletes what has sat unheld past ``spool_max_age_s``: candidate data never stays on this host past the
retention period the candidate was promised (1 day at the least; the setting is capped at half of that)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from agent.context import EventIn, StoredEvent
from agent.recorder import EventRecorder, EventSink, read_or_nothing
from agent.spool import read_owner, remove, try_lock

logger = logging.getLogger(__name__)

DEFAULT_MAX_AGE_S = 6 * 3600.0  # AgentSettings.spool_max_age_s's default
# The most files one periodic pass deletes (`SpoolPruner`); the rest go at the next pass.
PRUNE_MAX_FILES = 1000


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


def prune_spools(
    spool_dir: str | os.PathLike[str],
    max_age_s: float = DEFAULT_MAX_AGE_S,
    *,
    now: float | None = None,
    max_files: int | None = None,
) -> list[str]:
    """Delete, by modification time, ``<spool>.rejected`` files and spools no live recorder holds (with their
    ``.job`` and a left ``.tmp``) older than ``max_age_s``, at most ``max_files`` of them (None: all); returns the
    names deleted. A spool that old was not
    delivered by any job's replay meanwhile, and its session's record has long closed (the API refuses a finished
    session's events after 300 s), so its events could not be stored: keeping them only keeps candidate data."""
    cutoff = (time.time() if now is None else now) - max_age_s
    deleted: list[str] = []
    try:
        entries = sorted(Path(spool_dir).iterdir())
    except FileNotFoundError:
        return deleted
    except OSError as e:
        logger.error("cannot list the spool directory to prune it (%s)", type(e).__name__)
        return deleted
    for path in entries:
        if max_files is not None and len(deleted) >= max_files:
            logger.warning(
                "deleted the most spool files one pass may (%d); the rest go at the next", max_files
            )
            break
        name = path.name
        if not name.endswith((".jsonl", ".jsonl.rejected", ".jsonl.tmp")):
            continue
        try:
            if path.stat().st_mtime >= cutoff:
                continue
            if name.endswith(".jsonl.rejected"):  # keys only, nobody reads it back: no lock needed
                path.unlink(missing_ok=True)
            elif not _remove_if_unheld(path, cutoff):
                continue
        except FileNotFoundError:
            continue
        except OSError as e:
            logger.error("cannot prune spool file %s (%s)", name, type(e).__name__)
            continue
        deleted.append(name)
    if deleted:
        logger.warning("deleted %d spool files older than %.0f s", len(deleted), max_age_s)
    return deleted


def _remove_if_unheld(path: Path, cutoff: float) -> bool:
    """Delete a spool (with its .job) or a spool's rewrite ``.tmp`` under the spool's lock, and only if it is still
    older than ``cutoff`` there: the unlocked look may be stale. Between it and the lock a recorder (a job resuming
    the session, a replay) can take the spool, append what the API did not take, and release it; that spool holds
    unsent events of a session that may still be running. A live recorder holds the lock: skipped."""
    spool = path.with_name(path.name.removesuffix(".tmp"))
    fd = try_lock(spool)
    if fd is None:
        return False  # a live recorder holds it: it is sending it (or rewriting it, for a .tmp) now
    try:
        if path.stat().st_mtime >= cutoff:
            return False
        if path == spool:
            remove(path)  # the spool and its .job (a recorder opening it meanwhile writes its own)
        else:
            path.unlink(missing_ok=True)
    finally:
        os.close(fd)
    return True


class SpoolPruner:
    """``prune_spools`` every ``interval_s`` in the worker's own process (``start`` once its event loop runs), off
    the loop and at most ``max_files`` a pass: a host that runs no job (so none starts to prune) keeps no spool past
    its age. The same per-spool lock as every prune: a live recorder's spool is never touched."""

    def __init__(
        self,
        spool_dir: str | os.PathLike[str],
        max_age_s: float,
        interval_s: float,
        *,
        max_files: int = PRUNE_MAX_FILES,
    ) -> None:
        self.spool_dir = spool_dir
        self.max_age_s = max_age_s
        self.interval_s = interval_s
        self.max_files = max_files
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Prune every ``interval_s`` from now on (again after ``aclose``); a second call while running does nothing."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="spool_pruner")

    async def prune_once(self) -> list[str]:
        """One pass: the names deleted."""
        return await asyncio.to_thread(prune_spools, self.spool_dir, self.max_age_s, max_files=self.max_files)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            deleted = await self.prune_once()
            logger.debug("periodic spool prune: %d files deleted", len(deleted))

    async def aclose(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            [outcome] = await asyncio.gather(task, return_exceptions=True)
            if isinstance(outcome, Exception):  # it had stopped on its own: logged, not raised into the close
                logger.error("the periodic spool prune had stopped (%s)", type(outcome).__name__)


async def replay_spools(
    client: JobEventSink,
    spool_dir: str | os.PathLike[str],
    *,
    max_wait: float = 30.0,
    max_age_s: float = DEFAULT_MAX_AGE_S,
) -> dict[str, bool]:
    """Deliver the spools that no live recorder holds (left by crashed or stopped processes), each as the job that
    wrote it (``<spool>.job``; the API refuses it once another job holds the session, and the refused events'
    keys are kept in ``<spool>.rejected``). First deletes what is older than ``max_age_s`` (``prune_spools``).

    Returns ``{spool file name: fully delivered}``. The session id is the file name up to its first dot.
    """
    await asyncio.to_thread(prune_spools, spool_dir, max_age_s)
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
