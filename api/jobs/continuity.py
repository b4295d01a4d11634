"""How long this worker process has reached the database without a gap, as its own heartbeats saw it.

Another worker's silence proves it dead only if it could have beaten meanwhile: a database away for longer than
SHADOWS_WORKER_STALLED_AFTER_S silences every worker at once, the live ones with the dead. So a worker judges others
stalled (`api.jobs.maintenance.requeue_stalled_jobs`) only once it has itself been beating for STALLED_AFTER_S
without a gap: by then every live worker that reached the database again when it did has had the same
STALLED_AFTER_S to beat. A gap is a failed beat of any lane, or two successful beats of the process (any lanes)
further apart than twice the heartbeat: a beat held up until the database answered again (a pool waiting for a
connection, a silent network path) fails nothing but misses its period. Times are the database's `now()` at each
beat, never this host's clock, so that they compare with the heartbeats of other hosts.

A worker that died during the outage is still judged: STALLED_AFTER_S after the first worker that reached the
database again. Every live worker beats over a connection of its own, made again at the beat after one fails
(`BeatLine` in `api.jobs.heartbeat`), so it reaches the database within a heartbeat of its return, not at its pool's
back-off. One whose event loop stalls, or whose network path to the database stays cut, for longer than
STALLED_AFTER_S can still be taken for dead.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Streak:
    """An unbroken run of beats: the first one's time and the latest one's (the database's clock)."""

    since: datetime
    last: datetime


class Continuity:
    """Fed by every lane's heartbeat (`api.jobs.heartbeat`); read by the stalled-job pass. One per process."""

    def __init__(self, heartbeat_s: float) -> None:
        self.gap_s = 2 * heartbeat_s  # a whole period missed
        self._streak: Streak | None = None
        # Bumped by every failed beat: a success of a beat begun before a failure (lanes beat concurrently) says
        # nothing of the time after it and starts no streak.
        self._epoch = 0
        self._changed = asyncio.Event()

    def begin(self) -> int:
        """Call as a beat begins; hand the result to `reached`."""
        return self._epoch

    def reached(self, begun: int, at: datetime) -> None:
        """A beat begun at `begun` (`begin`) was written at the database's time `at`."""
        if begun != self._epoch:
            return
        streak = self._streak
        if streak is None or (at - streak.last).total_seconds() > self.gap_s:
            self._streak = Streak(since=at, last=at)
        elif at > streak.last:
            self._streak = Streak(since=streak.since, last=at)
        self._changed.set()

    def missed(self) -> None:
        """A beat failed: the database may have been away for any lane of this process."""
        self._epoch += 1
        self._streak = None

    @property
    def streak(self) -> Streak | None:
        return self._streak

    def steady_for(self, seconds: float) -> bool:
        """Whether the current streak spans `seconds` up to its latest beat (the pass checks it against `now()`)."""
        streak = self._streak
        return streak is not None and (streak.last - streak.since).total_seconds() >= seconds

    async def wait_steady(self, seconds: float) -> Streak:
        """Until the current streak spans `seconds` (checked at each beat)."""
        while True:
            streak = self._streak
            if streak is not None and self.steady_for(seconds):
                return streak
            self._changed.clear()
            await self._changed.wait()
