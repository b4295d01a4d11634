"""The remote backend's view of its judge hosts: what each last reported of its load (in every answer and in a light
/readyz poll), whether it is ready and reachable, and which one a new run should try first."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from judge.remote_protocol import Load


@dataclass(eq=False)
class Host:
    url: str
    load: Load | None = None  # as last reported (None: never heard from)
    ready: bool = True  # its /readyz said ready (assumed until it says otherwise)
    down: bool = False  # the last connection to it failed
    sent: int = 0  # runs this process sent it since its last report (not yet in any report)
    by_digest: bool = (
        True  # it takes runs naming their tests by digest (False: it answered that route with 404)
    )
    tiebreak: float = field(default_factory=random.random)

    def reported(self, load: Load | None) -> None:
        if load is not None:
            self.load = load
            self.sent = 0

    @property
    def score(self) -> float:
        """Runs per slot, as last reported, plus ours since: the lower, the sooner a new run starts there."""
        if self.load is None:
            return float(self.sent)
        return (self.load.running + self.load.queued + self.sent) / self.load.slots

    def sort_key(self) -> tuple[bool, bool, float, float]:
        # Hosts that failed or are not ready come last, not never: they may be back before the next poll.
        return (self.down, not self.ready, self.score, self.tiebreak)


class HostTable:
    def __init__(self, urls: Iterable[str]) -> None:
        self.hosts = [Host(url) for url in urls]

    def __len__(self) -> int:
        return len(self.hosts)

    def __iter__(self) -> Iterator[Host]:
        return iter(self.hosts)

    def best(self, exclude: set[Host]) -> Host | None:
        """The host a run should try next, or None when every host is excluded."""
        candidates = [h for h in self.hosts if h not in exclude]
        if not candidates:
            return None
        for host in candidates:
            host.tiebreak = random.random()  # noqa: S311 - equal loads: spread runs (and API processes) across hosts
        return min(candidates, key=Host.sort_key)
