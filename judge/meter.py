"""Measures a sandboxed process from outside: CPU time of all its threads and children, and the time the host made
it wait for a CPU, read between two instants chosen by the supervisor (what of that waiting is credited to a test,
and what it is charged: judge.wait_tracker).

- CPU: the run's cgroup v1 `cpuacct.usage` (every process and thread in the group, children included), or, without
  cgroups (unprivileged development), the sum of utime+stime over the process tree in /proc.
- Waiting: each thread's `run_delay` from /proc/<tid>/schedstat (time spent runnable but not running), and the run's
  stall on the disk: the "some" total of its cgroup v2 group's `io.pressure` (judge.cgroups), the time during which
  at least one of its tasks waited for a read (above all of the pages of the runtime's own files that the host had
  evicted from its page cache, under memory pressure or proactive reclaim, and reads again on the program's time).

  Not each thread's block I/O delay (field 42 of /proc/<tid>/stat, with `kernel.task_delayacct`): on this kind of
  host (Linux 6.18) it is not a measure. One 50 ms interval added 33,316 s to a thread's (the time since boot), others
  0.5 to 7 s while its group's pressure rose by 0 to 2 ms; a sleeping program was credited waiting it never did.

- Other work: each CPU's busy time, host-wide, from /proc/stat, and the run's own CPU time on each (its cgroup's
  `cpuacct.usage_all` and `usage_percpu`), with each thread's affinity: what explains a thread's waiting.
- The judge's reading: a thread of the run inside write(2) or writev(2) on one of the judge's full pipes
  (`Meter.blocked_writer`: /proc/<tid>/syscall, the descriptor it names resolved through /proc/<tid>/fd).

Reads are `pread`s on file descriptors kept open for the process's lifetime (about a microsecond each), except the
cgroup's task list, which must be opened afresh to be current.
"""

from __future__ import annotations

import contextlib
import os
import platform
from pathlib import Path

from judge.kernel_counters import (
    parse_cpu_busy_ns,
    parse_io_stall_us,
    parse_schedstat,
    parse_usage_all,
    parse_usage_percpu,
    proc_cpu_ns,
    process_tree,
)
from judge.usage import Sample, Usage
from judge.wait_tracker import WaitTracker

# write(2) and writev(2), the calls a harness or a program writes a pipe with, by the host's system call numbers
# (unknown architecture: none, and no thread is ever seen blocked on the judge).
_WRITE_CALLS_BY_MACHINE = {"x86_64": frozenset({1, 20}), "aarch64": frozenset({64, 66})}
_WRITE_CALLS: frozenset[int] = _WRITE_CALLS_BY_MACHINE.get(platform.machine(), frozenset())
# /proc/stat's "cpuN" lines come first; its "intr" line after them can run to kilobytes and is never read.
_STAT_BYTES = 160 * ((os.cpu_count() or 1) + 1) + 256


class Meter:
    """Samples one sandboxed process. `cpuacct_dir` is its run cgroup (None: walk /proc from `root_pid`);
    `pressure_dir` its cgroup v2 group (None: its disk stall is not known, and counts as its own time)."""

    def __init__(self, root_pid: int, cpuacct_dir: Path | None, pressure_dir: Path | None = None) -> None:
        self.root_pid = root_pid
        self._fds: dict[int, int] = {}
        # tid -> its /proc/<tid>/syscall, once a full pipe made it worth reading
        self._call_fds: dict[int, int] = {}
        self._cpu_fd = -1
        self._io_fd = -1
        if pressure_dir is not None:
            with contextlib.suppress(OSError):
                self._io_fd = os.open(pressure_dir / "io.pressure", os.O_RDONLY | os.O_CLOEXEC)
        self._tasks = str(cpuacct_dir / "tasks") if cpuacct_dir is not None else None
        if cpuacct_dir is not None:
            with contextlib.suppress(OSError):
                self._cpu_fd = os.open(cpuacct_dir / "cpuacct.usage", os.O_RDONLY | os.O_CLOEXEC)
        self._all_fd = self._percpu_fd = -1
        if cpuacct_dir is not None:
            with contextlib.suppress(OSError):
                self._all_fd = os.open(cpuacct_dir / "cpuacct.usage_all", os.O_RDONLY | os.O_CLOEXEC)
            with contextlib.suppress(OSError):
                self._percpu_fd = os.open(cpuacct_dir / "cpuacct.usage_percpu", os.O_RDONLY | os.O_CLOEXEC)
        self._own_fd = self._stat_fd = -1
        with contextlib.suppress(OSError):
            self._own_fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY | os.O_CLOEXEC)
        with contextlib.suppress(OSError):
            self._stat_fd = os.open("/proc/stat", os.O_RDONLY | os.O_CLOEXEC)

    def close(self) -> None:
        fds = (self._cpu_fd, self._own_fd, self._io_fd, self._stat_fd, self._all_fd, self._percpu_fd)
        for fd in (*fds, *self._fds.values(), *self._call_fds.values()):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._fds.clear()
        self._call_fds.clear()
        self._cpu_fd = self._own_fd = self._io_fd = self._stat_fd = self._all_fd = self._percpu_fd = -1

    def cpu_ns(self) -> int:
        """CPU time used so far by every thread and process of the run."""
        if self._cpu_fd >= 0:
            with contextlib.suppress(OSError, ValueError):
                return int(os.pread(self._cpu_fd, 32, 0))
        return sum(proc_cpu_ns(pid) for pid in process_tree(self.root_pid))

    def sample(self, now: float, *, threads: bool = True) -> Sample:
        """The counters now; the program's threads' only when asked (one read per thread)."""
        # First, as of `now`: the supervisor's own waiting read after the threads' (many reads, where it may be
        # preempted) ran past the sample's instant, and waiting after it was taken off the time before it.
        own_delay_ns = self.own_delay_ns()
        found: dict[int, tuple[int, int]] | None = None
        masks: dict[int, frozenset[int]] | None = None
        if threads:
            found, masks = {}, {}
            tids = self._tids()
            self._forget_gone(tids)
            for tid in tids:
                stat = self._schedstat(tid)
                if stat is not None:
                    found[tid] = stat
                    with contextlib.suppress(OSError):
                        masks[tid] = frozenset(os.sched_getaffinity(tid))
        return Sample(
            at=now,
            cpu_ns=self.cpu_ns(),
            threads=found,
            own_delay_ns=own_delay_ns,
            io_stall_ns=self.io_stall_ns(),
            busy_ns=self.busy_ns(),
            run_ns=self.run_ns(),
            masks=masks,
        )

    def busy_ns(self) -> dict[int, int] | None:
        """Each CPU's time on anything but idling so far, host-wide (None: /proc/stat cannot be read)."""
        if self._stat_fd < 0:
            return None
        try:
            return parse_cpu_busy_ns(os.pread(self._stat_fd, _STAT_BYTES, 0))
        except (OSError, ValueError):
            return None

    def run_ns(self) -> dict[int, int] | None:
        """The run's CPU time on each CPU so far, on the later of the kernel's two clocks for it (as
        judge.cgroups.RunCgroup.cpu_seconds; /proc/stat's busy time is the ticked one); None without a cpuacct group."""
        if self._all_fd < 0 and self._percpu_fd < 0:
            return None
        try:
            ticked = parse_usage_all(os.pread(self._all_fd, 1 << 16, 0)) if self._all_fd >= 0 else {}
            exact = parse_usage_percpu(os.pread(self._percpu_fd, 1 << 16, 0)) if self._percpu_fd >= 0 else {}
        except (OSError, ValueError):
            return None
        return {cpu: max(ticked.get(cpu, 0), exact.get(cpu, 0)) for cpu in ticked.keys() | exact.keys()}

    def io_stall_ns(self) -> int | None:
        """How long the run has been stalled on the disk so far (its group's `io.pressure` "some" total); None
        without a pressure group."""
        if self._io_fd < 0:
            return None
        try:
            return parse_io_stall_us(os.pread(self._io_fd, 256, 0)) * 1000
        except (OSError, ValueError):
            return None

    def own_delay_ns(self) -> int:
        """How long the calling (supervising) thread has waited for a CPU so far."""
        return self.own_sched()[0]

    def own_sched(self) -> tuple[int, int]:
        """How long the calling (supervising) thread has waited for a CPU so far, and how many times it was given
        one (each time it was switched in: after a wake-up, and after being preempted)."""
        if self._own_fd < 0:
            return 0, 0
        parts = os.pread(self._own_fd, 128, 0).split()
        if len(parts) < 3:
            return 0, 0
        return int(parts[1]), int(parts[2])

    def blocked_writer(self, pipe: str, prefer: int | None = None) -> int | None:
        """A thread of the run in write(2) or writev(2) on the pipe `pipe` (its /proc link text, `pipe:[<inode>]`),
        asleep there or woken and not yet run; None when there is none (or it cannot be told). `prefer`, the thread
        found last time, is looked at first: a large write is one call, seen again at every read of it."""
        if not _WRITE_CALLS:
            return None
        tids = self._tids()
        if prefer in tids:
            tids.remove(prefer)
            tids.insert(0, prefer)
        self._forget_gone(tids)
        for tid in tids:
            fd = self._call_fds.get(tid)
            if fd is None:
                try:
                    fd = os.open(f"/proc/{tid}/syscall", os.O_RDONLY | os.O_CLOEXEC)
                except OSError:
                    continue
                self._call_fds[tid] = fd
            try:
                # "running", "-1 sp pc" (blocked outside a call), or "nr arg0 ... sp pc" (in call nr)
                parts = os.pread(fd, 256, 0).split()
                if len(parts) < 3 or int(parts[0]) not in _WRITE_CALLS:
                    continue
                if os.readlink(f"/proc/{tid}/fd/{int(parts[1], 16)}") == pipe:
                    return tid
            except (OSError, ValueError):
                continue
        return None

    def usage(self, start: Sample, end: Sample, *, seen: WaitTracker | None = None) -> Usage:
        """Use between `start` and `end`. The program's waiting is the most any of its threads waited for a CPU, as
        seen at `end` and at the samples `seen` took meanwhile (threads that ended before `end` count too), plus its
        stall on the disk (`WaitTracker.io_stalled_ns`), plus the supervisor's own waiting that may have kept the
        program waiting (`WaitTracker.own_waited_ns`); a thread's time blocked on the judge's reading of a full pipe
        counts as its waiting (`WaitTracker.held`)."""
        tracker = seen or WaitTracker(start)
        tracker.observe(end)
        waited = tracker.waited_ns(end) + tracker.io_stalled_ns(end)
        return Usage(
            wall_s=max(0.0, end.at - start.at),
            cpu_s=max(0, end.cpu_ns - start.cpu_ns) / 1e9,
            waited_s=waited / 1e9,
        )

    def tasks(self) -> list[int]:
        """Every thread of the run now (each process's too)."""
        return self._tids()

    def _tids(self) -> list[int]:
        if self._tasks is not None:
            # Opened afresh each time: cgroup v1 caches a task list per open file for as long as it keeps being
            # read (it is dropped a second after the last read), so a kept descriptor would show stale threads.
            with contextlib.suppress(OSError, ValueError):
                fd = os.open(self._tasks, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    # The pids cgroup caps a run at a few hundred tasks: their ids fit in one read.
                    return [int(t) for t in os.read(fd, 1 << 16).split()]
                finally:
                    os.close(fd)
        tids: list[int] = []
        for pid in process_tree(self.root_pid):
            with contextlib.suppress(OSError, ValueError):
                tids += [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        return tids

    def _forget_gone(self, tids: list[int]) -> None:
        """Close the descriptors of threads no longer listed. A descriptor was closed only when a read of a
        listed thread failed, and a gone thread is never listed again: a program starting short-lived threads
        without end (60 alive at a time) left the judge worker holding a descriptor for every thread any sample
        had seen, about 1,000 a second, until it ran out of them (its own opens then failed: cgroup and /proc reads
        that end and reap a run). Now it holds at most one per thread alive, and the run's pids limit bounds those."""
        alive = set(tids)
        for fds in (self._fds, self._call_fds):
            for tid in fds.keys() - alive:
                with contextlib.suppress(OSError):
                    os.close(fds.pop(tid))

    def _schedstat(self, tid: int) -> tuple[int, int] | None:
        fd = self._fds.get(tid)
        if fd is None:
            try:
                fd = os.open(f"/proc/{tid}/schedstat", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return None
            self._fds[tid] = fd
        try:
            return parse_schedstat(os.pread(fd, 128, 0))
        except OSError:  # the thread is gone
            os.close(self._fds.pop(tid))
            return None
