"""CPU time and scheduling priority (nice, autogroup) of process trees and of the machine, through /proc."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def tree_cpu_seconds(root_pid: int) -> float:
    """User+system CPU of a process and all its live descendants (plus the children they have reaped)."""
    total = 0
    for pid in descendants(root_pid):
        if (f := _stat_fields(pid)) is not None:
            total += sum(int(x) for x in f[11:15])
    return total / CLK_TCK


def descendants(root_pid: int) -> list[int]:
    """A process and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (f := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(f[1]), []).append(int(entry.name))
    out, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def renice_tree(root_pid: int, nice: int) -> None:
    """Set the nice value of every thread of a process tree (children forked later inherit it)."""
    for pid in descendants(root_pid):
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with suppress(ProcessLookupError):  # the thread or process has just exited
                os.setpriority(os.PRIO_PROCESS, int(task.name), nice)


def autogroup_nice(pid: int) -> int | None:
    """The nice value of a process's scheduler autogroup (None when autogroups are off). With autogroups on,
    the kernel shares CPU between sessions first, so a process's own nice value only ranks it within its
    session: only the autogroup's nice can give the benchmark priority over other sessions' work."""
    try:
        return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])
    except (OSError, ValueError):
        return None


def set_autogroup_nice(pid: int, nice: int) -> None:
    with suppress(FileNotFoundError, ProcessLookupError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


def machine_busy_seconds() -> float:
    """CPU time spent by the whole machine (all cores, every state but idle and iowait), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLK_TCK
