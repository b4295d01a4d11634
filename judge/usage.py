"""A run's counters at one instant (`Sample`, taken by judge.meter) and what it used between two (`Usage`), with the
time that use is charged against a limit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """The process's counters at one instant."""

    at: float  # monotonic seconds
    cpu_ns: int
    threads: dict[int, tuple[int, int]] | None = None  # tid -> (exec ns, run_delay ns), when sampled
    own_delay_ns: int = 0
    io_stall_ns: int | None = None  # the run's stall on the disk so far (None: no pressure group)
    # cpu -> time it spent on anything but idling, host-wide (/proc/stat)
    busy_ns: dict[int, int] | None = None
    # cpu -> the run's own CPU time on it (None: only `cpu_ns`, all CPUs)
    run_ns: dict[int, int] | None = None
    masks: dict[int, frozenset[int]] | None = None  # tid -> the CPUs it may run on, when threads are sampled


@dataclass(frozen=True)
class Usage:
    """What a process used between two samples."""

    wall_s: float
    cpu_s: float
    waited_s: float

    @property
    def charged_s(self) -> float:
        """The time charged against a limit: CPU time, or wall time less waiting for a CPU, whichever is more."""
        return max(0.0, self.cpu_s, self.wall_s - self.waited_s)
