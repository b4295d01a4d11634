"""Bounds on the session exports this process holds: how many at once (in all, and per organisation), and for how
long an export its client does not read may keep its spool.

An export is spooled before it is sent (api/routers/history.py), so its client holds no database connection, but
an export that is never read holds a temporary file the size of the export until it ends. A slot is taken before
the export is queried and given back when its response ends: sent, its client gone, an error, or past a bound. One
send that waits longer than `stall_s` (its client stopped reading) or a whole response longer than `hold_s` ends
it. A full table is a 429 `exports_busy` with Retry-After. The slots are per process: N replicas hold up to N times
as many.

Artifact downloads (api/routers/session_data.py) have a table of their own, alike but for its 429
(`artifacts_busy`): each holds its object, read whole from storage, in memory until its client has read it.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import structlog
from fastapi.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from api.errors import RateLimitedError

log = structlog.get_logger(__name__)
RETRY_AFTER_S = 5


class ExportsBusy(RateLimitedError):
    code = "exports_busy"


class ArtifactsBusy(RateLimitedError):
    code = "artifacts_busy"


@dataclass
class ExportSlots:
    capacity: int
    per_org: int
    hold_s: float
    stall_s: float
    busy: type[RateLimitedError] = ExportsBusy  # what a full table raises
    what: str = "exports"  # plural, for its message
    # slot id -> (organisation, monotonic deadline). A slot past its deadline is free even if nothing gave it back
    # (a response that was never called); a response never outlives its deadline (ExportResponse).
    _held: dict[int, tuple[UUID, float]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=itertools.count)

    def take(self, org_id: UUID) -> Slot:
        now = time.monotonic()
        for sid in [s for s, (_, deadline) in self._held.items() if deadline <= now]:
            del self._held[sid]
        if len(self._held) >= self.capacity:
            raise self.busy(
                f"Too many {self.what} in progress; try again shortly.", retry_after=RETRY_AFTER_S
            )
        if sum(1 for org, _ in self._held.values() if org == org_id) >= self.per_org:
            raise self.busy(
                f"Too many {self.what} in progress for this organisation; finish reading one first.",
                retry_after=RETRY_AFTER_S,
            )
        sid = next(self._ids)
        self._held[sid] = (org_id, now + self.hold_s)
        return Slot(self, sid)

    @property
    def held(self) -> int:
        return len(self._held)

    def _give_back(self, sid: int) -> None:
        self._held.pop(sid, None)


@dataclass
class Slot:
    table: ExportSlots
    sid: int

    def release(self) -> None:
        """Idempotent."""
        self.table._give_back(self.sid)


class ExportResponse(StreamingResponse):
    """A streamed export that gives its slot back however it ends, and ends when its client stops reading for
    `stall_s` or once it has taken `hold_s`: the spool (and its temporary file) is closed then, not when the
    connection finally goes."""

    def __init__(self, content: Any, *, slot: Slot, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.slot = slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        table = self.slot.table
        stalled = False

        async def bounded_send(message: Message) -> None:
            nonlocal stalled
            try:
                async with asyncio.timeout(table.stall_s):
                    await send(message)
            except TimeoutError:
                stalled = True
                raise

        hold = asyncio.timeout(table.hold_s)
        try:
            async with hold:
                await super().__call__(scope, receive, bounded_send)
        except TimeoutError:
            if not (stalled or hold.expired()):
                raise
            # The client stopped reading (or took too long): the response cannot be completed. Returning without it
            # makes the server close the connection.
            log.warning(
                "export.abandoned",
                what=table.what,
                stalled=stalled,
                stall_s=table.stall_s,
                hold_s=table.hold_s,
            )
        finally:
            self.slot.release()
            aclose = getattr(self.body_iterator, "aclose", None)
            if aclose is not None:
                await aclose()  # runs the export's `finally`: the spool and its file are closed now
