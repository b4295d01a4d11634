"""What this process refuses without asking the rate-limit store: keys it has seen the store refuse, each until its
Retry-After (on the monotonic clock).

A moving window frees a place only as its oldest entry ages out, so once the store (api.ratelimits: Redis when
`SHADOWS_API_REDIS_URL` is set) has refused a key, asking it again before that Retry-After can only be refused
again. Remembering the refusal here saves that round trip, and whatever a refused request would have cost after it.
Used by the credential guess limits (api/guess_limits.py: spent addresses and sites, those that failed a lookup
lately, and the global budget and its overflow) and by the report read budget for links that open nothing
(api/report_limits.py).

Memory is bounded: at most `max_keys` keys. Past it, keys whose time has passed are dropped, then the oldest spent,
down to seven eighths of the bound, so one sweep pays for the next eighth of new keys (a flood of addresses each
spent once costs each spend a constant share, not a walk over every key). Dropping a key early is safe: the store
still holds its count, and the key's next request asks it again and is refused again (one more round trip).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class SpentUntil:
    """Keys and the monotonic time until which each is spent, at most `max_keys` of them (oldest spent first out)."""

    def __init__(self, max_keys: int, clock: Callable[[], float] = time.monotonic) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self.max_keys = max_keys
        self._low = max(1, max_keys - max_keys // 8)  # what a sweep past the bound leaves at most
        self._clock = clock
        self._until: dict[str, float] = {}  # in the order spent (a key spent again moves to the end)

    def __len__(self) -> int:
        return len(self._until)

    def __bool__(self) -> bool:
        return bool(self._until)

    def spend(self, key: str, retry_after: int | None) -> None:
        """The store refused `key` with `retry_after` seconds to wait (none or 0: one second): refuse it until then."""
        self._until.pop(key, None)
        self._until[key] = self._clock() + (retry_after or 1)
        if len(self._until) > self.max_keys:
            self._sweep()

    def retry_after(self, key: str) -> int | None:
        """Whole seconds `key` is still spent for (at least 1), or None when it is not spent (any time it had that
        has passed is forgotten)."""
        until = self._until.get(key)
        if until is None:
            return None
        now = self._clock()
        if now < until:
            return max(1, math.ceil(until - now))
        del self._until[key]
        return None

    def _sweep(self) -> None:
        now = self._clock()
        for stale in [k for k, until in self._until.items() if until <= now]:
            del self._until[stale]
        excess = len(self._until) - self._low
        if excess > 0:
            for oldest in list(self._until)[:excess]:
                del self._until[oldest]
