"""ManualClock: a controllable `agent.clock.Clock`; sleepers wake only when the test advances time."""

from __future__ import annotations

import asyncio


class ManualClock:
    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._now + seconds, fut))
        try:
            await fut
        finally:
            self._sleepers = [(t, f) for t, f in self._sleepers if f is not fut]

    async def advance(self, seconds: float, *, step: float = 1.0, settle: float = 0.0) -> None:
        """Move time forward in `step`s, letting woken tasks run after each step."""
        target = self._now + seconds
        while self._now < target:
            self._now = min(target, self._now + step)
            for wake_at, fut in list(self._sleepers):
                if wake_at <= self._now and not fut.done():
                    fut.set_result(None)
            for _ in range(5):
                await asyncio.sleep(0)
            if settle:
                await asyncio.sleep(settle)
