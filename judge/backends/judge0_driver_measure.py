"""How the Judge0 in-box driver (judge.backends.judge0_driver) measures the run from inside the box: the CPU time of
every process of the box but its own, from /proc (as the local run's cgroup counts it), and the waiting for a CPU of
every thread of those processes, credited as far as work outside the run explains it (as the local
judge.wait_tracker.WaitTracker). Python 3.8 source; it uses the driver's imports (`os`, `time`).
"""

from __future__ import annotations

MEASURE = r"""
SAMPLE_S = 0.05  # how often a test's waiting is sampled, as the local supervisor's meter does
TICK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    # (its threads' CPU time, what it reaped of its children's, clock ticks; when it started, which tells a process
    # from a later one given the same pid). (0, 0, None) for a process that has gone (its time is in its reaper's
    # now) or that the driver may not read (not the run's: every process of the run has the driver's uid and
    # /proc/PID/stat is readable to all but under hidepid); any other failure to read is raised, never read as 0: a
    # driver left without descriptors (a limit lowered from outside) charged every test its wall time alone, however
    # many CPUs its processes kept busy. Raised, it ends the driver: the test in flight is the box's status
    # (docs/judge.md).
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]), int(fields[19])
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError, IndexError):
        return 0, 0, None


def proc_cpu(pid):
    own, reaped, _start = proc_stat(pid)
    return (own + reaped) / TICK


DRIVER_PID = os.getpid()


def box_pids():
    # Every process of the box (the box's own /proc shows the box's processes alone), from the highest pid down:
    # children mostly have the higher pid, so one reaped while the list is read is read before its reaper.
    return sorted((int(p) for p in os.listdir("/proc") if p.isdigit()), reverse=True)


def run_cpu():
    # The run's CPU time so far, s: every process of the box but the driver, as the local run's cgroup counts it.
    # The harness's own time alone left out its children until it reaped them: two children computing side by side,
    # never reaped, were charged nothing, and a test was charged its wall time, half its CPU time on two cores. A
    # process's stat holds its threads' time (ended ones too) and what it reaped of its children's; a child not yet
    # reaped, running or a zombie, is read as itself. Read from the highest pid down, so that a child reaped between
    # two reads is counted twice rather than never.
    return sum(proc_cpu(pid) for pid in box_pids() if pid != DRIVER_PID)


def sched(pid):
    found = {}
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    parts = f.read().split()
                found[tid] = (int(parts[0]), int(parts[1]))
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        pass
    return found


NS_TICK = 10 ** 9 // TICK
STAT_BYTES = 160 * ((os.cpu_count() or 1) + 1) + 256  # the "cpuN" lines come first; "intr" after them is long


def cpu_busy():
    # Each CPU's time on anything but idling so far, host-wide, ns (/proc/stat is not namespaced): user + nice +
    # system + irq + softirq + steal, as the local meter (judge.kernel_counters.parse_cpu_busy_ns). None if unreadable.
    try:
        with open("/proc/stat", "rb") as f:
            data = f.read(STAT_BYTES)
    except OSError:
        return None
    found = {}
    for line in data.split(b"\n")[:-1]:
        if not line.startswith(b"cpu"):
            if found:
                break
            continue
        fields = line.split()
        if fields[0] == b"cpu" or len(fields) < 8:
            continue
        try:
            t = [int(x) for x in fields[1:9]] + [0] * 8
            found[int(fields[0][3:])] = (t[0] + t[1] + t[2] + t[5] + t[6] + t[7]) * NS_TICK
        except ValueError:
            return None
    return found or None


def proc_clock(pid):
    # The CPU time of every thread the process has had, ended ones too, ns: its process CPU clock
    # (clock_getcpuclockid's id, CPUCLOCK_SCHED), which any process may read, a zombie's too. A thread's schedstat
    # ends with the thread, and what threads that ended between two samples ran (a thread a sample, or a zombie's
    # threads' last interval) read as other work and explained the waiting of the threads they kept from their CPU.
    # None once it is reaped (its time is in its reaper's then) or where the kernel refuses.
    try:
        return time.clock_gettime_ns((~pid << 3) | 2)
    except (OSError, OverflowError):
        return None


def box_sched():
    # (CPU time, waiting for a CPU) of every thread in the box, ns, by (pid, start, tid), the run's and the driver's;
    # and each process's ticks (proc_stat) and proc_clock, by (pid, start): a pid given again to a later process (the
    # box's pids wrapped) is another process, never the earlier one's numbers and credit. Read from the highest pid
    # down, as run_cpu: a child is read before its parent can reap it between two reads. A zombie is read as itself
    # until it is reaped; a process gone since the last sample has nothing left to read of its waiting (run_delay goes
    # to no reaper), so what it earned up to that sample is what it keeps.
    found, procs = {}, {}
    try:
        pids = box_pids()
    except OSError:
        return found, procs
    for pid in pids:
        own, reaped, start = proc_stat(pid)
        for tid, stat in sched(pid).items():
            found[(pid, start, tid)] = stat
        procs[(pid, start)] = (own, reaped, proc_clock(pid))  # the clock after the threads: at least their sum
    return found, procs


def box_own(box0, box1, procs0, procs1):
    # CPU time, ns, of the box's processes between two readings: each one's CPU clock, or where it was not read at
    # both, its live threads' schedstat (a process born since: all of it); and what processes that ended between the
    # two ran unseen (unseen_cpu).
    live = {}
    for key, run in box1.items():
        live[key[:2]] = live.get(key[:2], 0) + max(0, run - box0.get(key, 0))
    own = unseen_cpu(procs0, procs1)
    for proc, got in procs1.items():
        clock0 = procs0[proc][2] if proc in procs0 else 0
        ran = got[2] - clock0 if got[2] is not None and clock0 is not None else 0
        own += max(live.pop(proc, 0), ran)
    return own + sum(live.values())


def unseen_cpu(procs0, procs1):
    # CPU time, ns, of the box's processes that ended between two readings that no thread's schedstat showed: what
    # their reapers reaped since less what the processes gone since had shown at the first reading (what was reaped
    # of a process that began and ended between the two, all of it). Unseen, that time read as other work and
    # explained the waiting of the threads it kept from their CPU. A process reaped outside the box is not found
    # here: less CPU, never more.
    reaped = sum(max(0, got[1] - procs0[key][1]) if key in procs0 else got[1] for key, got in procs1.items())
    shown = sum(got[0] + got[1] for key, got in procs0.items() if key not in procs1)
    return max(0, reaped - shown) * NS_TICK


def other_work(busy0, busy1, cpus, own):
    # The time `cpus` (None: every CPU) spent between two readings on work other than the box's `own` CPU time (all
    # of it, whichever CPUs it ran on: less work left to explain waiting, never more); 0 when busy time is unknown.
    if busy0 is None or busy1 is None:
        return 0
    chosen = busy1.keys() if cpus is None else cpus & busy1.keys()
    return max(0, sum(max(0, busy1[c] - busy0.get(c, busy1[c])) for c in chosen) - own)


def affinity(tid):
    try:
        return frozenset(os.sched_getaffinity(int(tid)))
    except (OSError, ValueError):
        return None


class Waits:
    # The waiting for a CPU of every thread of every process of the run (the box's processes but the driver) since the
    # phase began, as far as work outside the run explains it (as the local supervisor's
    # judge.wait_tracker.WaitTracker, over every thread of the run's cgroup): between two samples a thread's waiting is
    # credited at most what the CPUs it may run on spent on other work (their busy time less the box's CPU time), and
    # all of it at most the other work of every CPU over the phase. run_delay does not say what kept a thread off the
    # CPU: its own siblings (helpers pinned to one CPU) earned the limit again in wall time. The harness's threads
    # alone left out its children: a child computing on a loaded host while the harness slept in waitpid earned no
    # credit, and the test was charged its wall time. A thread that ends mid-test keeps what it earned up to the last
    # sample, and a process read as a zombie still counts, before it is reaped. The box's CPU time in an interval holds
    # what threads that ended in it ran (each process's CPU clock) and what processes that ended in it ran unseen
    # (box_own, unseen_cpu).

    def __init__(self):
        self.at = time.monotonic()
        sched_now, self.procs = box_sched()
        self.threads, self.busy = self.run_threads(sched_now), cpu_busy()
        self.box = {key: stat[0] for key, stat in sched_now.items()}
        self.first_busy, self.own = self.busy, 0
        self.credit, self.carry, self.best, self.kept = {}, {}, 0, 0

    @staticmethod
    def run_threads(sched_now):
        return {key: stat for key, stat in sched_now.items() if key[0] != DRIVER_PID}

    def sample(self, every=0.0):
        now = time.monotonic()
        if now - self.at < every:
            return self.best / 1e9
        self.at = now
        (sched_now, procs), busy = box_sched(), cpu_busy()
        threads, box = self.run_threads(sched_now), {key: stat[0] for key, stat in sched_now.items()}
        own = box_own(self.box, box, self.procs, procs)
        for key, (run, delay) in threads.items():
            run0, delay0 = self.threads.get(key, (0, 0))  # a thread born since: all of its own
            if run < run0 or delay < delay0:
                # A tid given again within its process (the box's pids wrapped): another thread, which adds nothing
                # to the earlier one's credit (a thread's own waiting is what is credited, never several threads').
                self.kept = max(self.kept, self.credit.pop(key, 0))
                self.carry.pop(key, None)
                run0, delay0 = 0, 0
            if run > run0 and delay > delay0:  # only threads that ran: an idle thread waits for nothing
                cpus = affinity(key[2])
                self.explain(key, delay - delay0, other_work(self.busy, busy, cpus, own), cpus, busy)
        self.own += own
        self.threads, self.busy, self.box, self.procs = threads, busy, box, procs
        total = other_work(self.first_busy, busy, None, self.own)
        self.best = max(0, min(total, max(self.kept, max(self.credit.values(), default=0))))
        return self.best / 1e9

    def explain(self, key, waited, other, cpus, busy):
        # /proc/stat counts in clock ticks, waiting in ns: a tick of other work may show in the interval before or
        # after the waiting it caused. What is left over on either side (at most two ticks a CPU) carries over.
        spare, owed = self.carry.get(key, (0, 0))
        have, need = other + spare, waited + owed
        explained = min(have, need)
        cap = 2 * NS_TICK * (len(cpus) if cpus else len(busy or {0: 0}))
        self.credit[key] = self.credit.get(key, 0) + explained
        self.carry[key] = (min(cap, have - explained), min(cap, need - explained))

"""
