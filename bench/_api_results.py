"""The figures a run of the API benchmark produces: an open-loop result, a sequential one, and percentiles."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bench._api_targets import Target


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


@dataclass
class Sequential:
    name: str
    n: int
    p50_ms: float
    p99_ms: float


@dataclass
class LoadResult:
    target: Target
    seconds: float
    completed: int
    sent: int
    statuses: dict[str, int]
    failed: int
    unfinished: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    service_p99_ms: float
    max_lag_ms: float
    max_connections: int
    api_cpu_ms_per_req: float
    pg_cpu_ms_per_req: float
    loader_cpu_pct: float
    other_cpu_pct: float
    server_p50_ms: float
    server_p99_ms: float
    profile: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors(self) -> int:
        return (
            self.failed + self.unfinished + sum(v for k, v in self.statuses.items() if not k.startswith("2"))
        )

    @property
    def passed(self) -> bool | None:
        """None for a baseline; the verdict at a rate other than the issue's counts only as a probe."""
        if self.target.p99_ms is None:
            return None
        return self.p99_ms <= self.target.p99_ms and self.rps >= 0.97 * self.target.rps and self.errors == 0
