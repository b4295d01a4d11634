"""Measures a sandboxed process from outside: CPU time of all its threads and children, and the time the host made
it wait for a CPU, read between two instants chosen by the supervisor.

- CPU: the run's cgroup v1 `cpuacct.usage` (every process and thread in the group, children included), or, without
  cgroups (unprivileged development), the sum of utime+stime over the process tree in /proc.
- Waiting: each thread's `run_delay` from /proc/<tid>/schedstat (time spent runnable but not running), and the run's
  stall on the disk: the "some" total of its cgroup v2 group's `io.pressure` (judge.cgroups), the time during which
  at least one of its tasks waited for a read (above all of the pages of the runtime's own files that the host had
  evicted from its page cache, under memory pressure or proactive reclaim, and reads again on the program's time).
  A test is charged `max(cpu, wall - waited)`, where `waited` is the largest waiting for a CPU any of the program's
  busy threads accumulated during the test, plus the run's disk stall during it, plus the supervisor's own waiting
  to wake for the program: for its output or input, which the program may have been blocked on, and to see its end.
  Waking only to take a sample keeps nobody waiting, and counting that too charged a program sleeping 0.5 s only
  0.37 s on a busy host. On an idle host `waited` is ~0 and the charge is the wall time; on a loaded one an honest
  program is not blamed for the load, nor for the disk. The candidate cannot shrink its charge below its CPU time,
  which is charged in full, and waiting earns at most the limit again in wall time (the supervisor's hard deadline).

  Not each thread's block I/O delay (field 42 of /proc/<tid>/stat, with `kernel.task_delayacct`): on this kind of
  host (Linux 6.18) it is not a measure. One 50 ms interval added 33,316 s to a thread's (the time since boot), others
  0.5 to 7 s while its group's pressure rose by 0 to 2 ms; a sleeping program was credited waiting it never did.

Reads are `pread`s on file descriptors kept open for the process's lifetime (about a microsecond each), except the
cgroup's task list, which must be opened afresh to be current.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

_CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    """The process's counters at one instant."""

    at: float  # monotonic seconds
    cpu_ns: int
    threads: dict[int, tuple[int, int]] | None = None  # tid -> (exec ns, run_delay ns), when sampled
    own_delay_ns: int = 0
    io_stall_ns: int | None = None  # the run's stall on the disk so far (None: no pressure group)


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


class Meter:
    """Samples one sandboxed process. `cpuacct_dir` is its run cgroup (None: walk /proc from `root_pid`);
    `pressure_dir` its cgroup v2 group (None: its disk stall is not known, and counts as its own time)."""

    def __init__(self, root_pid: int, cpuacct_dir: Path | None, pressure_dir: Path | None = None) -> None:
        self.root_pid = root_pid
        self._fds: dict[int, int] = {}
        self._cpu_fd = -1
        self._io_fd = -1
        if pressure_dir is not None:
            with contextlib.suppress(OSError):
                self._io_fd = os.open(pressure_dir / "io.pressure", os.O_RDONLY | os.O_CLOEXEC)
        self._tasks = str(cpuacct_dir / "tasks") if cpuacct_dir is not None else None
        if cpuacct_dir is not None:
            with contextlib.suppress(OSError):
                self._cpu_fd = os.open(cpuacct_dir / "cpuacct.usage", os.O_RDONLY | os.O_CLOEXEC)
        self._own_fd = -1
        with contextlib.suppress(OSError):
            self._own_fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY | os.O_CLOEXEC)

    def close(self) -> None:
        for fd in (self._cpu_fd, self._own_fd, self._io_fd, *self._fds.values()):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._fds.clear()
        self._cpu_fd = self._own_fd = self._io_fd = -1

    def cpu_ns(self) -> int:
        """CPU time used so far by every thread and process of the run."""
        if self._cpu_fd >= 0:
            with contextlib.suppress(OSError, ValueError):
                return int(os.pread(self._cpu_fd, 32, 0))
        return sum(_proc_cpu_ns(pid) for pid in _tree(self.root_pid))

    def sample(self, now: float, *, threads: bool = True) -> Sample:
        """The counters now; the program's threads' only when asked (one read per thread)."""
        found: dict[int, tuple[int, int]] | None = None
        if threads:
            found = {}
            tids = self._tids()
            self._forget_gone(tids)
            for tid in tids:
                stat = self._schedstat(tid)
                if stat is not None:
                    found[tid] = stat
        return Sample(
            at=now,
            cpu_ns=self.cpu_ns(),
            threads=found,
            own_delay_ns=self.own_delay_ns(),
            io_stall_ns=self.io_stall_ns(),
        )

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
        if self._own_fd < 0:
            return 0
        own = _parse_schedstat(os.pread(self._own_fd, 128, 0))
        return own[1] if own else 0

    def usage(self, start: Sample, end: Sample, *, seen: WaitTracker | None = None) -> Usage:
        """Use between `start` and `end`. The program's waiting is the most any of its threads waited for a CPU, as
        seen at `end` and at the samples `seen` took meanwhile (threads that ended before `end` count too), plus its
        stall on the disk (`WaitTracker.io_stalled_ns`), plus the supervisor's own waiting that may have kept the
        program waiting (`WaitTracker.own_waited_ns`)."""
        tracker = seen or WaitTracker(start)
        tracker.observe(end)
        waited = tracker.worst_ns + tracker.io_stalled_ns(end) + tracker.own_waited_ns(end)
        return Usage(
            wall_s=max(0.0, end.at - start.at),
            cpu_s=max(0, end.cpu_ns - start.cpu_ns) / 1e9,
            waited_s=waited / 1e9,
        )

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
        for pid in _tree(self.root_pid):
            with contextlib.suppress(OSError, ValueError):
                tids += [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        return tids

    def _forget_gone(self, tids: list[int]) -> None:
        """Close the descriptors of threads no longer listed. A descriptor was closed only when a read of a
        listed thread failed, and a gone thread is never listed again: a program starting short-lived threads
        without end (60 alive at a time) left the judge worker holding a descriptor for every thread any sample
        had seen, about 1,000 a second, until it ran out of them (its own opens then failed: cgroup and /proc reads
        that end and reap a run). Now it holds at most one per thread alive, and the run's pids limit bounds those."""
        for tid in self._fds.keys() - set(tids):
            with contextlib.suppress(OSError):
                os.close(self._fds.pop(tid))

    def _schedstat(self, tid: int) -> tuple[int, int] | None:
        fd = self._fds.get(tid)
        if fd is None:
            try:
                fd = os.open(f"/proc/{tid}/schedstat", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return None
            self._fds[tid] = fd
        try:
            return _parse_schedstat(os.pread(fd, 128, 0))
        except OSError:  # the thread is gone
            os.close(self._fds.pop(tid))
            return None


class WaitTracker:
    """The largest growth of waiting for a CPU (run_delay) of any thread that ran since `start`, over every sample
    shown to it; the run's stall on the disk since `start`; and the supervisor's own waiting for a CPU while it worked
    for the program (the program may have been waiting on it)."""

    def __init__(self, start: Sample) -> None:
        self.start = start
        self.worst_ns = 0
        self.own_from_ns = start.own_delay_ns
        self.own_counted_ns = 0
        self._working = True  # from the start sample the supervisor sends the test's input

    def resting(self, own_delay_ns: int) -> None:
        """The supervisor is about to sleep until the program does something or a sample is due. Its waiting since
        it last woke counts if it woke for the program (it then read its output or wrote its input)."""
        self._mark(own_delay_ns)

    def woke(self, own_delay_ns: int, *, for_program: bool) -> None:
        """The supervisor woke: for something the program did (output to read, room for its input, its end), which
        the program may have been blocked on, so its waiting to wake counts; or only to take a sample, which kept
        nobody waiting, so it does not."""
        self._working = for_program
        self._mark(own_delay_ns)

    def _mark(self, own_delay_ns: int) -> None:
        if self._working:
            self.own_counted_ns += max(0, own_delay_ns - self.own_from_ns)
        self.own_from_ns = own_delay_ns

    def own_waited_ns(self, end: Sample) -> int:
        """The supervisor's waiting that may have stretched the program's wall time: while it worked for the program
        and woke for it, and since it last woke, up to `end`."""
        return self.own_counted_ns + max(0, end.own_delay_ns - self.own_from_ns)

    def observe(self, sample: Sample) -> None:
        if self.start.threads is None or sample.threads is None:
            return
        for tid, (exec_ns, delay_ns) in sample.threads.items():
            exec0, delay0 = self.start.threads.get(tid, (0, 0))  # a thread born since: all of its own
            if exec_ns > exec0:  # only threads that ran during the interval: an idle thread waits for nothing
                self.worst_ns = max(self.worst_ns, delay_ns - delay0)

    def io_stalled_ns(self, end: Sample) -> int:
        """How long the run was stalled on the disk between `start` and `end` (0 when it is not known). The kernel's
        "some" stall of a group is the time at least one of its tasks waited for the disk, weighted across CPUs by
        how busy the group was on each: it never exceeds the wall time, and for a program with threads running
        beside the one that waits it reads less than that wait, which charges the program more, never less."""
        if self.start.io_stall_ns is None or end.io_stall_ns is None:
            return 0
        wall_ns = max(0, int((end.at - self.start.at) * 1e9))
        return min(wall_ns, max(0, end.io_stall_ns - self.start.io_stall_ns))


def _parse_schedstat(data: bytes) -> tuple[int, int] | None:
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


def _tree(root: int) -> list[int]:
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


def _proc_cpu_ns(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // _CLK_TCK  # utime + stime
