"""The worker's load as LiveKit sees it: running interviews against this host's measured capacity (or its CPU,
when that is higher), so that LiveKit stops sending jobs to a full worker.

LiveKit asks `load_fnc` every 0.5 s and before answering each job offer, and marks the worker full while the load
(plus jobs accepted but not started) is at or above `load_threshold`. Our load is
`max(interviews / capacity, cpu / cpu_ceiling)`, capped at 1, with threshold 1.0: a worker takes exactly
`capacity` interviews, and fewer when something else is eating its CPU. `capacity` is
`SHADOWS_AGENT_MAX_SESSIONS`, or `SHADOWS_AGENT_SESSIONS_PER_CORE` x the cores this process may use (cgroup
quota included), from `python -m bench agent_voice` (docs/agent-bench.md).

LiveKit Cloud's hosted agents ignore a custom load function and threshold (livekit-agents reverts to its CPU
default there); the sizing rule then lives in the deployment's CPU request (docs/deployment.md).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from agent.settings import AgentSettings

LOAD_THRESHOLD = 1.0  # full at `capacity` interviews; the load function does the sizing
CPU_WINDOW = 5  # CPU samples of 0.5 s averaged, as livekit-agents' own load calculation does


class HasActiveJobs(Protocol):
    @property
    def active_jobs(self) -> Sequence[object]: ...


def host_cpus() -> float:
    """Cores this process may use: the cgroup quota in a container, else the affinity mask."""
    from livekit.agents.utils.hw import get_cpu_monitor

    return float(get_cpu_monitor().cpu_count())


def capacity(settings: AgentSettings, cpus: float) -> int:
    """Interviews one worker takes: the explicit maximum, else sessions per core x cores (at least 1)."""
    if settings.max_sessions is not None:
        return settings.max_sessions
    return max(1, math.floor(settings.sessions_per_core * cpus + 1e-9))


class CpuAverage:
    """CPU use (0..1) averaged over the last 2.5 s, sampled by one daemon thread started on first use (the load
    function runs in an executor thread and must not block for a sample)."""

    def __init__(self, sample: Callable[[float], float] | None = None) -> None:
        self._sample = sample
        self._values: deque[float] = deque(maxlen=CPU_WINDOW)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        sample = self._sample
        if sample is None:
            from livekit.agents.utils.hw import get_cpu_monitor

            sample = get_cpu_monitor().cpu_percent
        while True:
            value = sample(0.5)
            with self._lock:
                self._values.append(value)

    def __call__(self) -> float:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="shadows-cpu-load", daemon=True)
                self._thread.start()
            return sum(self._values) / len(self._values) if self._values else 0.0


class InterviewLoad:
    """`AgentServer(load_fnc=InterviewLoad(...), load_threshold=LOAD_THRESHOLD)`."""

    def __init__(
        self, settings: AgentSettings, *, cpus: float | None = None, cpu: Callable[[], float] | None = None
    ):
        self.capacity = capacity(settings, host_cpus() if cpus is None else cpus)
        self.cpu_ceiling = settings.cpu_load_ceiling
        self._cpu = cpu if cpu is not None else CpuAverage()
        self.on_sample: Callable[[float], None] | None = None  # agent.metrics publishes each value

    def __call__(self, server: HasActiveJobs) -> float:
        load = len(server.active_jobs) / self.capacity
        if self.cpu_ceiling < 1.0:
            load = max(load, self._cpu() / self.cpu_ceiling)
        load = min(1.0, load)
        if self.on_sample is not None:
            self.on_sample(load)
        return load
