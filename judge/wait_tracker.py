"""Credits a test the waiting that was not the program's own, over the meter's samples (judge.meter): the host's
keeping it from a CPU or the disk, and the judge's keeping it waiting; a test is charged what is left.

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
"""

from __future__ import annotations

from judge.kernel_counters import TICK_NS
from judge.usage import Sample


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
        cap = 2 * TICK_NS * (len(cpus) if cpus else len(self._last.busy_ns or {0: 0}))
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
