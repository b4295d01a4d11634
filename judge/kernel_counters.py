"""Reads the kernel's counters of CPU time and waiting from the text of /proc and cgroup files: each CPU's busy time,
a cgroup's CPU time per CPU, a thread's schedstat, a pressure file's stall, a process tree's CPU time."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")
TICK_NS = 1_000_000_000 // CLK_TCK


def parse_cpu_busy_ns(data: bytes) -> dict[int, int]:
    """Each CPU's busy time from /proc/stat's "cpuN" lines: user + nice + system + irq + softirq + steal, in clock
    ticks (guest time is already in user and nice; idle and iowait are not busy)."""
    found: dict[int, int] = {}
    for line in data.split(b"\n")[:-1]:  # the last piece is a line cut short by the read's size, or empty
        if not line.startswith(b"cpu"):
            if found:
                break
            continue
        name, *fields = line.split()
        if name == b"cpu" or len(fields) < 7:
            continue
        ticks = [int(f) for f in fields[:8]]
        ticks += [0] * (8 - len(ticks))
        user, nice, system, _idle, _iowait, irq, softirq, steal = ticks
        found[int(name[3:])] = (user + nice + system + irq + softirq + steal) * TICK_NS
    if not found:
        raise ValueError("no cpuN line in /proc/stat")
    return found


def parse_usage_all(data: bytes) -> dict[int, int]:
    """cgroup v1 `cpuacct.usage_all` ("cpu user system" then one line per CPU, ns): user + system per CPU."""
    found = {}
    for line in data.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 3:
            found[int(parts[0])] = int(parts[1]) + int(parts[2])
    return found


def parse_usage_percpu(data: bytes) -> dict[int, int]:
    """cgroup v1 `cpuacct.usage_percpu` (ns per possible CPU, in order)."""
    return {cpu: int(ns) for cpu, ns in enumerate(data.split())}


def parse_schedstat(data: bytes) -> tuple[int, int] | None:
    """A /proc/<tid>/schedstat: (time on a CPU, time waiting for one), ns; None when it is cut short."""
    parts = data.split()
    if len(parts) < 2:
        return None
    return int(parts[0]), int(parts[1])


def parse_io_stall_us(data: bytes) -> int:
    """The "some" total of a pressure file (`some avg10=... total=US` then a `full` line): microseconds during which
    at least one of the group's tasks was stalled."""
    for line in data.splitlines():
        if line.startswith(b"some "):
            return int(line.rpartition(b"total=")[2])
    raise ValueError("no 'some' line in a pressure file")


def process_tree(root: int) -> list[int]:
    """`root` and its descendants (processes), from /proc/<pid>/task/*/children."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError, ValueError):
                    todo += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


def proc_cpu_ns(pid: int) -> int:
    """A process's own CPU time (utime + stime of /proc/<pid>/stat), ns; 0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // CLK_TCK  # utime + stime
