"""The client streams of one topic being read at once, bounded: past the bound the oldest read is dropped.

A client opens a text stream with one small header packet and may never finish it. Each open reader holds a task,
its buffered chunks, and a subscription whose filter livekit runs against every FFI event of the process (audio
frames included): thousands of streams left open, cheap to send, stayed for the job's whole life and multiplied
the work done for every event. Our client finishes a stream within moments of opening it (a snapshot or a typed
message), and the newest one is the one that matters (a snapshot is the whole file), so reading at most
``MAX_OPEN_STREAMS`` per topic and dropping the oldest costs an honest client nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Protocol

logger = logging.getLogger("shadows.agent.stream_reads")

MAX_OPEN_STREAMS = 4  # per topic and job


class _Reader(Protocol):
    def close(self) -> None: ...


class StreamReads:
    """The reads in flight of one topic's streams: ``start`` runs one, dropping the oldest past ``limit``."""

    def __init__(self, topic: str, limit: int = MAX_OPEN_STREAMS) -> None:
        self.topic = topic
        self.limit = limit
        self._reads: dict[asyncio.Task[None], Any] = {}  # in start order
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._reads)

    def start(self, reader: Any, read: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run ``read`` (which reads ``reader``) as a task; the oldest reads past the limit are dropped first."""
        while len(self._reads) >= self.limit:
            oldest = next(iter(self._reads))
            self._drop(oldest, count=True)
        task = asyncio.create_task(read, name=self.topic)
        self._reads[task] = reader
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._reads.pop(task, None)

    def _drop(self, task: asyncio.Task[None], *, count: bool) -> None:
        """Cancel the read before closing its reader: a closed reader ends its iteration as if the stream had ended,
        and the read would take what it got so far for the whole message."""
        reader = self._reads.pop(task, None)
        task.cancel()
        close = getattr(reader, "close", None)
        if callable(close):
            close()
        if not count:
            return
        self.dropped += 1
        logger.warning("%s: more than %d streams open at once; the oldest dropped (%d so far)", self.topic,
                       self.limit, self.dropped)  # fmt: skip

    async def aclose(self) -> None:
        tasks = list(self._reads)
        for task in tasks:
            self._drop(task, count=False)
        await asyncio.gather(*tasks, return_exceptions=True)
