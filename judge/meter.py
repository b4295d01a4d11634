"""Measures a sandboxed process from outside: CPU time of all its threads and children, and the time the host made
it wait for a CPU, read between two instants chosen by the supervisor.

- CPU: the run's cgroup v1 `cpuacct.usage` (every process and thread in the group, children included), or, without
  cgroups (unprivileged development), the sum of utime+stime over the process tree in /proc.
- Waiting: each thread's `run_delay` from /proc/<tid>/schedstat (time spent runnable but not running), and the run's
  stall on the disk: the "some" total of its cgroup v2 group's `io.pressure` (judge.cgroups), the time during which
  at least one of its tasks waited for a read (above all of the pages of the runtime's own files that the host had
  evicted from its page cache, under memory pressure or proactive reclaim, and reads again on the program's time).
  A test is charged `max(cpu, wall - waited)`, where `waited` is the largest waiting for a CPU any of the program's
  busy threads accumulated during the test or, if more, the supervisor's own waiting where the program could not
  have gone on without it (before its input begins, to see its end), plus the run's disk stall during it. Waking
  only to take a sample keeps nobody waiting, and counting that too charged a program sleeping 0.5 s only 0.37 s on
  a busy host; nor does waking for anything the program wrote or read and then went on (or slept) past: output, its
  record or a piece of it, more of its input. On an idle host `waited` is ~0 and the charge is the wall time; on a
  loaded one an honest program is not blamed for the load (but for the supervisor's waking for its record), nor for
  the disk. The candidate cannot shrink its charge below its CPU time, which is charged in full, and waiting earns
  at most the limit again in wall time (the supervisor's hard deadline).

  Waiting for a CPU earns credit only as far as work OUTSIDE the run explains it. A thread's waiting between two
  samples (every 50 ms) is credited at most the time the CPUs it may run on (its affinity, read at each sample)
  spent on other work between the same two samples: their busy time from /proc/stat (user + nice + system + irq +
  softirq + steal; guest time is already in user and nice, and steal is the hypervisor running another machine)
  less the run's own CPU time on them (its cgroup's `cpuacct.usage_all` and `usage_percpu`; without them, all of
  the run's CPU time). All the waiting credited, the program's and the supervisor's, is at most the other work of
  every CPU over the whole test. `run_delay` does not say what kept a thread off the CPU: a program starting eight
  children pinned to one CPU waited 0.45 s a test behind its own children on an idle host, was charged 0.98 s of
  its 1.45 s of wall time against a 1 s limit, and passed. On an idle host other work is ~0 and self-inflicted
  contention earns nothing; under load from outside the credit is what it was, less what the program's own threads
  took of its CPUs' time.

  A thread asleep writing to one of the judge's own pipes (its results channel, stdout, stderr) while that pipe is
  full waits for the judge to read, neither running nor waiting for a CPU: the judge's reading, and its slowness to
  get to it on a loaded host, is not the program's time (`WaitTracker.held`, judge.pipe_reads). A full pipe
  alone says nothing (its writer may have gone on, or slept): the thread is seen in the kernel inside write(2) or
  writev(2) on that very pipe (/proc/<tid>/syscall, the descriptor it names resolved through /proc/<tid>/fd).

  Not each thread's block I/O delay (field 42 of /proc/<tid>/stat, with `kernel.task_delayacct`): on this kind of
  host (Linux 6.18) it is not a measure. One 50 ms interval added 33,316 s to a thread's (the time since boot), others
  0.5 to 7 s while its group's pressure rose by 0 to 2 ms; a sleeping program was credited waiting it never did.

Reads are `pread`s on file descriptors kept open for the process's lifetime (about a microsecond each), except the
cgroup's task list, which must be opened afresh to be current.
"""

from __future__ import annotations

import contextlib
import os
import platform
from dataclasses import dataclass
from pathlib import Path

_CLK_TCK = os.sysconf("SC_CLK_TCK")
_TICK_NS = 1_000_000_000 // _CLK_TCK
# write(2) and writev(2), the calls a harness or a program writes a pipe with, by the host's system call numbers
# (unknown architecture: none, and no thread is ever seen blocked on the judge).
_WRITE_CALLS_BY_MACHINE = {"x86_64": frozenset({1, 20}), "aarch64": frozenset({64, 66})}
_WRITE_CALLS: frozenset[int] = _WRITE_CALLS_BY_MACHINE.get(platform.machine(), frozenset())
# /proc/stat's "cpuN" lines come first; its "intr" line after them can run to kilobytes and is never read.
_STAT_BYTES = 160 * ((os.cpu_count() or 1) + 1) + 256


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
        return sum(_proc_cpu_ns(pid) for pid in _tree(self.root_pid))

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
            return _parse_schedstat(os.pread(fd, 128, 0))
        except OSError:  # the thread is gone
            os.close(self._fds.pop(tid))
            return None


class WaitTracker:
    """The waiting for a CPU of the threads that ran since `start`, over every sample shown to it, as far as other
    work explains it; the run's stall on the disk since `start`; and the supervisor's own waiting for a CPU while it
    worked for the program (the program may have been waiting on it)."""

    def __init__(self, start: Sample, *, feeding: bool = True) -> None:
        self.start = start
        self.worst_ns = 0  # the largest growth of any such thread's run_delay, explained or not
        self._last = start  # the latest sample with threads
        self._credit: dict[int, int] = {}  # tid -> its waiting that other work explains, interval by interval
        # tid -> (other work, waiting) not matched yet (_explain)
        self._carry: dict[int, tuple[int, int]] = {}
        self.own_from_ns = start.own_delay_ns
        self.own_counted_ns = 0
        # From the start sample the supervisor sends the test's input, which the program has none of until `fed`.
        # A phase with no input to send (the hello, the load) has the program running from its start.
        self._working = feeding
        self._runs: int | None = None  # how many times the supervisor had been given a CPU as it last rested
        # tid -> how long it was seen blocked on the judge's reading of a full pipe (`held`), in ns; and the end of
        # its last such interval (none is counted twice)
        self._held: dict[int, int] = {}
        self._held_until: dict[int, float] = {}

    def resting(self, own_delay_ns: int, runs: int | None = None) -> None:
        """The supervisor is about to sleep until the program does something or a sample is due. Its waiting since
        it last woke counts if the program was waiting for it meanwhile (`woke`, `fed`). `runs`: how
        many times it has been given a CPU so far (`Meter.own_sched`)."""
        self._mark(own_delay_ns)
        self._runs = runs

    def woke(self, own_delay_ns: int, *, for_program: bool, runs: int | None = None) -> int:
        """The supervisor woke; returns its waiting to wake (0 when it was also preempted: below). That waiting counts
        only when the program could not have gone on without it (`for_program`): to see it end. A wake-up for anything
        the program wrote or read (output, its record or a piece of it, room for more input) says that it did something,
        never that it then waited: it may have gone on running, or slept. Nor does waking only to take a sample. Even a
        wake-up that reads the end of the test's record may have begun with an earlier piece of it, written before a
        sleep shorter than the supervisor's waiting (the program's own record: it can learn the nonce): a program
        writing its record's head, sleeping 3 ms and writing the rest was charged 0.4 ms when that waiting counted.

        Given `runs` as at `resting` and now: the waiting counts only if the supervisor was given a CPU once in
        between, as it woke. Twice or more, it was also preempted, before it slept (the program going on
        meanwhile) or after it woke, and how much of its waiting was which is not known: none counts (charged more,
        never less). Preempted between resting and sleeping beside a busier process, it had 3-13 ms taken off a
        program's 20 ms sleep."""
        wake_ns = max(0, own_delay_ns - self.own_from_ns)
        if runs is not None and self._runs is not None and runs - self._runs > 1:
            wake_ns = 0
        self._working = False
        self._mark(own_delay_ns)
        if for_program:
            self.own_counted_ns += wake_ns
            self._working = True
        return wake_ns

    def fed(self, own_delay_ns: int) -> None:
        """The test's input has begun (`own_delay_ns` as read just before the write that began it): the supervisor's
        waiting until then counts, the program having nothing to work on, and no more of it unless the program waits
        for it again. Waiting to write the rest of a large input does not count: a program that has some of it may
        be running, or sleeping (a thread slept 100 ms from the input's first bytes and was charged 14-87 ms)."""
        self._mark(own_delay_ns)
        self._working = False

    def _mark(self, own_delay_ns: int) -> None:
        if self._working:
            self.own_counted_ns += max(0, own_delay_ns - self.own_from_ns)
        self.own_from_ns = own_delay_ns

    def own_waited_ns(self, end: Sample) -> int:
        """The supervisor's waiting that stretched the program's wall time up to `end`: before the program's input
        began, to wake when the program could not go on without it, and from then on until it rested again or
        `end`."""
        since = max(0, end.own_delay_ns - self.own_from_ns) if self._working else 0
        return self.own_counted_ns + since

    def observe(self, sample: Sample) -> None:
        """Take in a later sample. A thread's waiting between two samples is credited at most the other work of the
        CPUs it may run on between the same two samples: other work while it slept or spun alone explains none."""
        prev = self._last
        if self.start.threads is None or prev.threads is None or sample.threads is None:
            return
        masks = prev.masks or {}
        for tid, (exec_ns, delay_ns) in sample.threads.items():
            exec0, delay0 = self.start.threads.get(tid, (0, 0))  # a thread born since: all of its own
            if exec_ns > exec0:  # only threads that ran during the interval: an idle thread waits for nothing
                self.worst_ns = max(self.worst_ns, delay_ns - delay0)
            before = prev.threads.get(tid, (exec0, delay0))
            if exec_ns > before[0] and delay_ns > before[1]:
                cpus = (sample.masks or {}).get(tid)
                if cpus is not None and tid in masks:
                    cpus |= masks[tid]
                self._explain(tid, delay_ns - before[1], other_work_ns(prev, sample, cpus), cpus)
        self._last = sample

    def _explain(self, tid: int, waited_ns: int, other_ns: int, cpus: frozenset[int] | None) -> None:
        """Credit `tid` what of its waiting in one interval the other work in it explains. /proc/stat counts in clock
        ticks (10 ms), waiting is counted in ns: a tick of other work may show in the interval before or after the
        waiting it caused. What is left over on either side (at most two ticks a CPU) is carried to the next."""
        spare, owed = self._carry.get(tid, (0, 0))
        have, need = other_ns + spare, waited_ns + owed
        explained = min(have, need)
        cap = 2 * _TICK_NS * (len(cpus) if cpus else len(self._last.busy_ns or {0: 0}))
        self._credit[tid] = self._credit.get(tid, 0) + explained
        self._carry[tid] = (min(cap, have - explained), min(cap, need - explained))

    def cpu_waited_ns(self, end: Sample) -> int:
        """The waiting for a CPU credited between `start` and `end` (after `observe(end)`): the most any thread's
        other work explains, or the supervisor's own (`own_waited_ns`), whichever is more, at most the other work of
        every CPU over the whole interval. Nothing when the CPUs' busy time is not known.

        Not the two added: a thread of the program can be kept off its CPU while the supervisor waits too (a
        thread left running before the input began, or the harness going back for its next input after its record
        while the supervisor woke for it, when that counted), and both were counted: a program sleeping 100 ms after
        writing its output in pieces was charged 99.1 ms (2.8 ms of its thread's waiting and 9.8 ms of the
        supervisor's, in 111.7 ms). Each is waiting that took place, so the larger is."""
        threads = max(self._credit.values(), default=0)
        return max(0, min(other_work_ns(self.start, end, None), max(threads, self.own_waited_ns(end))))

    def held(self, tid: int, since: float, until: float) -> None:
        """Thread `tid` waited for the judge to read a full pipe from `since` to `until` (monotonic seconds): the
        supervisor found it blocked writing to that pipe as it began a read, and had not slept since its previous
        read of the pipe (`since`), which left the pipe holding more (judge.pipe_reads.PipeReads.read). The
        interval is the judge's: reading, decoding what it read, its other work, its own waiting for a CPU. A
        thread's time blocked and its waiting for a CPU never overlap, so they add up (`waited_ns`)."""
        since = max(since, self.start.at, self._held_until.get(tid, since))
        if until > since:
            self._held[tid] = self._held.get(tid, 0) + int((until - since) * 1e9)
            self._held_until[tid] = until

    def waited_ns(self, end: Sample) -> int:
        """`cpu_waited_ns`, or, if more, the most any one thread waited for a CPU and for the judge to read a full
        pipe (`held`) in all, at most the wall time."""
        waited = self.cpu_waited_ns(end)
        if self._held:
            other = other_work_ns(self.start, end, None)
            held = max(min(other, self._credit.get(tid, 0)) + ns for tid, ns in self._held.items())
            waited = max(waited, min(held, max(0, int((end.at - self.start.at) * 1e9))))
        return waited

    def io_stalled_ns(self, end: Sample) -> int:
        """How long the run was stalled on the disk between `start` and `end` (0 when it is not known). The kernel's
        "some" stall of a group is the time at least one of its tasks waited for the disk, weighted across CPUs by
        how busy the group was on each: it never exceeds the wall time, and for a program with threads running
        beside the one that waits it reads less than that wait, which charges the program more, never less."""
        if self.start.io_stall_ns is None or end.io_stall_ns is None:
            return 0
        wall_ns = max(0, int((end.at - self.start.at) * 1e9))
        return min(wall_ns, max(0, end.io_stall_ns - self.start.io_stall_ns))


def other_work_ns(start: Sample, end: Sample, cpus: frozenset[int] | None) -> int:
    """The time `cpus` (None: every CPU) spent between two samples on work other than the run's: their busy time
    less the run's CPU time on them (all of the run's CPU time where it is not known per CPU: less work left to
    explain waiting, never more). 0 when their busy time is not known."""
    busy0, busy1 = start.busy_ns, end.busy_ns
    if busy0 is None or busy1 is None:
        return 0
    chosen = busy1.keys() if cpus is None else cpus & busy1.keys()
    busy = sum(max(0, busy1[c] - busy0.get(c, busy1[c])) for c in chosen)
    if start.run_ns is not None and end.run_ns is not None:
        own = sum(max(0, end.run_ns.get(c, 0) - start.run_ns.get(c, 0)) for c in chosen)
    else:
        own = max(0, end.cpu_ns - start.cpu_ns)
    return max(0, busy - own)


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
        found[int(name[3:])] = (user + nice + system + irq + softirq + steal) * _TICK_NS
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
