"""Measures a sandboxed process from outside: CPU time of all its threads and children, and the time the host made
it wait for a CPU, read between two instants chosen by the supervisor.

- CPU: the run's cgroup v1 `cpuacct.usage` (every process and thread in the group, children included), or, without
  cgroups (unprivileged development), the sum of utime+stime over the process tree in /proc.
- Waiting: each thread's `run_delay` from /proc/<tid>/schedstat (time spent runnable but not running) and, when the
  kernel's delay accounting is on (`kernel.task_delayacct`), its block I/O delay from /proc/<tid>/stat (time spent
  waiting for the disk: above all the pages of the runtime's own files that the host had evicted from its page
  cache, under memory pressure or proactive reclaim, and reads again on the program's time). A test is charged
  `max(cpu, wall - waited)`, where `waited` is the largest waiting any of the program's busy threads accumulated
  during the test plus the supervisor's own waiting to wake for the program: for its output or input, which the
  program may have been blocked on, and to see its end. Waking only to take a sample keeps nobody waiting, and
  counting that too charged a program sleeping 0.5 s only 0.37 s on a busy host. On an idle host `waited` is ~0 and
  the charge is the wall time; on a loaded one an honest program is not blamed for the load, nor for the disk. The
  candidate cannot shrink its charge below its CPU time, which is charged in full, and waiting earns at most the
  limit again in wall time (the supervisor's hard deadline).

Reads are `pread`s on file descriptors kept open for the process's lifetime (about a microsecond each; /proc/<tid>/stat
a few), except the cgroup's task list, which must be opened afresh to be current.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

_CLK_TCK = os.sysconf("SC_CLK_TCK")
_DELAYACCT = "/proc/sys/kernel/task_delayacct"
_BLKIO_FIELD = 39  # delayacct_blkio_ticks, field 42 of /proc/<tid>/stat, counted from the state (field 3)
_IO_TICK_NS = 1_000_000_000 // _CLK_TCK  # the kernel shows that delay in clock ticks


def io_wait_accounted() -> bool:
    """Whether the kernel accounts each task's block I/O delay (`kernel.task_delayacct = 1`, or `delayacct` on the
    kernel's command line). Off, a program kept waiting for the disk is charged that time as its own."""
    try:
        with open(_DELAYACCT, "rb") as f:
            return f.read().strip() == b"1"
    except OSError:
        return False


@dataclass(frozen=True)
class Sample:
    """The process's counters at one instant."""

    at: float  # monotonic seconds
    cpu_ns: int
    # tid -> (exec ns, run_delay ns, block I/O delay ns: 0 unless accounted), when sampled
    threads: dict[int, tuple[int, int, int]] | None = None
    own_delay_ns: int = 0


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
    """Samples one sandboxed process. `cpuacct_dir` is its run cgroup (None: walk /proc from `root_pid`)."""

    def __init__(self, root_pid: int, cpuacct_dir: Path | None) -> None:
        self.root_pid = root_pid
        self._fds: dict[int, int] = {}
        self._stat_fds: dict[int, int] = {}  # tid -> /proc/<tid>/stat, when block I/O delay is accounted
        self._io = io_wait_accounted()
        self._cpu_fd = -1
        self._tasks = str(cpuacct_dir / "tasks") if cpuacct_dir is not None else None
        if cpuacct_dir is not None:
            with contextlib.suppress(OSError):
                self._cpu_fd = os.open(cpuacct_dir / "cpuacct.usage", os.O_RDONLY | os.O_CLOEXEC)
        self._own_fd = -1
        with contextlib.suppress(OSError):
            self._own_fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY | os.O_CLOEXEC)

    def close(self) -> None:
        for fd in (self._cpu_fd, self._own_fd, *self._fds.values(), *self._stat_fds.values()):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._fds.clear()
        self._stat_fds.clear()
        self._cpu_fd = self._own_fd = -1

    def cpu_ns(self) -> int:
        """CPU time used so far by every thread and process of the run."""
        if self._cpu_fd >= 0:
            with contextlib.suppress(OSError, ValueError):
                return int(os.pread(self._cpu_fd, 32, 0))
        return sum(_proc_cpu_ns(pid) for pid in _tree(self.root_pid))

    def sample(self, now: float, *, threads: bool = True) -> Sample:
        """The counters now; the program's threads' only when asked (one read per thread)."""
        found: dict[int, tuple[int, int, int]] | None = None
        if threads:
            found = {}
            tids = self._tids()
            self._forget_gone(tids)
            for tid in tids:
                stat = self._schedstat(tid)
                if stat is not None:
                    found[tid] = (stat[0], stat[1], self._io_delay_ns(tid) if self._io else 0)
        return Sample(at=now, cpu_ns=self.cpu_ns(), threads=found, own_delay_ns=self.own_delay_ns())

    def own_delay_ns(self) -> int:
        """How long the calling (supervising) thread has waited for a CPU so far."""
        if self._own_fd < 0:
            return 0
        own = _parse_schedstat(os.pread(self._own_fd, 128, 0))
        return own[1] if own else 0

    def usage(self, start: Sample, end: Sample, *, seen: WaitTracker | None = None) -> Usage:
        """Use between `start` and `end`. The program's waiting is the most any of its threads waited, as seen at
        `end` and at the samples `seen` took meanwhile (threads that ended before `end` count too), plus the
        supervisor's own waiting that may have kept the program waiting (`WaitTracker.own_waited_ns`)."""
        tracker = seen or WaitTracker(start)
        tracker.observe(end)
        waited = tracker.worst_ns + tracker.own_waited_ns(end)
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
        that end and reap a run). Now it holds at most one per thread alive (two with delay accounting: its stat
        too), and the run's pids limit bounds those."""
        listed = set(tids)
        for fds in (self._fds, self._stat_fds):
            for tid in fds.keys() - listed:
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
            return _parse_schedstat(os.pread(fd, 128, 0))
        except OSError:  # the thread is gone
            os.close(self._fds.pop(tid))
            return None

    def _io_delay_ns(self, tid: int) -> int:
        """How long thread `tid` has waited for block I/O so far (0 when it cannot be read)."""
        fd = self._stat_fds.get(tid)
        if fd is None:
            try:
                fd = os.open(f"/proc/{tid}/stat", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return 0
            self._stat_fds[tid] = fd
        try:
            data = os.pread(fd, 1024, 0)
        except OSError:  # the thread is gone
            os.close(self._stat_fds.pop(tid))
            return 0
        return _parse_blkio_ns(data)


class WaitTracker:
    """The largest growth of waiting (run_delay, and block I/O delay when accounted) of any thread that ran since
    `start`, over every sample shown to it; and the supervisor's own waiting for a CPU while it worked for the program
    (the program may have been waiting on it)."""

    def __init__(self, start: Sample) -> None:
        self.start = start
        self.worst_ns = 0
        # Per thread: its block I/O delay as last read, and when; and how much of its growth since `start` counts.
        self._io_read = {tid: (start.at, t[2]) for tid, t in (start.threads or {}).items()}
        self._io_waited: dict[int, int] = {}
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
        for tid, (exec_ns, delay_ns, io_ns) in sample.threads.items():
            exec0, delay0, _ = self.start.threads.get(tid, (0, 0, 0))  # a thread born since: all of its own
            io_waited = self._io(tid, sample.at, io_ns)
            if exec_ns > exec0:  # only threads that ran during the interval: an idle thread waits for nothing
                self.worst_ns = max(self.worst_ns, delay_ns - delay0 + io_waited)

    def _io(self, tid: int, at: float, io_ns: int) -> int:
        """Thread `tid`'s disk waiting since `start`, as far as it is possible: never more than the wall time since
        `start` (and a clock tick, the kernel's rounding). The kernel adds a wait to the delay when it ends, so one
        growth may hold a wait longer than the time between two readings; but this kernel (6.18) was also seen to add
        its whole uptime to a fresh thread's delay (a sandboxed node thread read 28,380 s, its start time since
        boot), and a growth larger than the test so far is no waiting of the test's: it is not counted at all."""
        bound = int((at - self.start.at) * 1e9) + _IO_TICK_NS
        grew = io_ns - self._io_read.get(tid, (self.start.at, 0))[1]
        if 0 < grew <= bound:
            self._io_waited[tid] = min(bound, self._io_waited.get(tid, 0) + grew)
        self._io_read[tid] = (at, io_ns)
        return self._io_waited.get(tid, 0)


def _parse_schedstat(data: bytes) -> tuple[int, int] | None:
    parts = data.split()
    if len(parts) < 2:
        return None
    return int(parts[0]), int(parts[1])


def _parse_blkio_ns(data: bytes) -> int:
    """The block I/O delay in a /proc/<tid>/stat line, in ns (the kernel counts in ns and shows clock ticks). The
    thread's name, in parentheses, may hold spaces and parentheses of its own: fields are counted after the last."""
    fields = data[data.rfind(b")") + 2 :].split()
    try:
        return int(fields[_BLKIO_FIELD]) * 1_000_000_000 // _CLK_TCK
    except (IndexError, ValueError):
        return 0


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
