"""Fair admission of runs into this process's judge: a bounded number run at once, and waiting runs are admitted
round-robin across tenants (organisations; practice sessions share one tenant), so that one organisation's burst
cannot delay another's run by more than one turn.

The judge's own queue is first-in first-out; runs reach it only through here, at most `capacity` at a time, so its
queue never fills and its order never matters. Waiting is bounded three ways: in total, per tenant and in time.
Past any bound a run is a retryable 503 `judge_busy`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from api.errors import ServiceUnavailableError
from api.metrics import JUDGE_QUEUE_DEPTH, JUDGE_SATURATION, RUNS_RUNNING, RUNS_WAITING

PRACTICE_TENANT = "practice"


class JudgeBusy(ServiceUnavailableError):
    code = "judge_busy"


class RunAdmission:
    def __init__(self, *, capacity: int, max_waiting: int, max_per_tenant: int, wait_s: float) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.max_waiting = max_waiting
        self.max_per_tenant = max_per_tenant
        self.wait_s = wait_s
        self.running = 0
        self._queues: dict[str, deque[asyncio.Future[None]]] = {}
        self._turns: deque[str] = deque()  # tenants with waiters, in the order they get their next turn

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self._queues.values())

    @asynccontextmanager
    async def slot(self, tenant: str) -> AsyncIterator[None]:
        """Hold one judge slot for the block; waits for a turn when every slot is taken."""
        await self._acquire(tenant)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, tenant: str) -> None:
        if self.running < self.capacity and not self._turns:
            self._take()
            return
        queue = self._queues.get(tenant)
        if self.waiting >= self.max_waiting or (queue is not None and len(queue) >= self.max_per_tenant):
            raise JudgeBusy("The judge is busy; try again in a moment.", retry_after=2)
        if queue is None:
            queue = self._queues[tenant] = deque()
            self._turns.append(tenant)
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append(granted)
        self._publish()
        try:
            async with asyncio.timeout(self.wait_s):
                await granted
        except BaseException as e:
            if granted.done() and not granted.cancelled():
                self._release()  # the turn arrived as we gave up: pass it on
            else:
                self._forget(tenant, granted)
            if isinstance(e, TimeoutError):
                raise JudgeBusy("The judge is busy; try again in a moment.", retry_after=2) from e
            raise

    def _take(self) -> None:
        self.running += 1
        self._publish()

    def _release(self) -> None:
        self.running -= 1
        while self.running < self.capacity and self._turns:
            tenant = self._turns.popleft()
            queue = self._queues[tenant]
            granted = queue.popleft()
            if queue:
                self._turns.append(tenant)
            else:
                del self._queues[tenant]
            if not granted.done():
                granted.set_result(None)
                self.running += 1
        self._publish()

    def _forget(self, tenant: str, granted: asyncio.Future[None]) -> None:
        queue = self._queues.get(tenant)
        if queue is None:
            return
        try:
            queue.remove(granted)
        except ValueError:
            return
        if not queue:
            del self._queues[tenant]
            self._turns.remove(tenant)
        self._publish()

    def _publish(self) -> None:
        RUNS_RUNNING.set(self.running)
        RUNS_WAITING.set(self.waiting)
        JUDGE_QUEUE_DEPTH.set(self.waiting)  # the judge's real queue: its own never fills (see above)
        JUDGE_SATURATION.set(min(1.0, (self.running + self.waiting) / (self.capacity + self.max_waiting)))
