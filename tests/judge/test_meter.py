"""The meter charges a program what it ran, not what the host made it wait: a program sharing its CPU with
another is charged its CPU time, not the doubled wall time; a program that sleeps is charged its wall time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from judge.cgroups import CgroupParents, RunCgroup, detect_parents, sweep_stale
from judge.kernel_counters import parse_cpu_busy_ns, parse_io_stall_us, parse_usage_all, parse_usage_percpu
from judge.meter import Meter
from judge.usage import Sample
from judge.wait_tracker import WaitTracker

# Spins for `seconds` of its own CPU time, on CPU 0 only.
SPIN = """
import os, sys, time
os.sched_setaffinity(0, {0})
print("ready", flush=True)
while time.process_time() < float(sys.argv[1]):
    pass
"""


def _spinner(seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", SPIN, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


def _measure(
    proc: subprocess.Popen[str], then: Callable[[], object] | None = None
) -> tuple[float, float, float, float]:
    """Meter `proc` from now until it exits; `then` runs once the first sample is taken."""
    meter = Meter(proc.pid, cpuacct_dir=None)  # the /proc walk (no cgroup): what an unprivileged judge uses
    start = meter.sample(time.monotonic())
    if then is not None:
        then()
    seen = WaitTracker(start)
    while proc.poll() is None:
        seen.resting(meter.own_delay_ns())  # as the supervisor does before it waits for the program
        time.sleep(0.02)
        seen.woke(meter.own_delay_ns(), for_program=False)  # this loop wakes only to sample
        seen.observe(meter.sample(time.monotonic()))
    usage = meter.usage(start, meter.sample(time.monotonic()), seen=seen)
    meter.close()
    return usage.wall_s, usage.cpu_s, usage.waited_s, usage.charged_s


def _ran_s(pid: int) -> float:
    """How long `pid` has run on a CPU so far (/proc/<pid>/schedstat's first field, in nanoseconds)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def test_a_program_sharing_its_cpu_is_charged_its_cpu_time_not_the_wall_time():
    competitor = _spinner(5.0)  # holds CPU 0 for the whole measurement
    try:
        program = _spinner(0.4)
        before = _ran_s(competitor.pid)
        wall, _cpu, waited, charged = _measure(program)
        competitor_ran = _ran_s(competitor.pid) - before
    finally:
        competitor.kill()
        competitor.wait()
    assert competitor_ran >= 0.25, "the program did not share its CPU: the test proved nothing"
    # What the competitor ran on the shared CPU meanwhile is the program's waiting: the charge leaves (nearly) all of
    # it out. Bounded by that work, not by a fixed figure: a loaded host also keeps the program from its CPU, and the
    # meter counts waiting nothing explains as the program's own (charged more, never less).
    assert waited >= 0.75 * competitor_ran
    assert charged <= wall - 0.75 * competitor_ran


# Sleeps 0.5 s once it reads a line: all of its sleep falls inside the measurement, however late it starts.
SLEEP = "import sys, time; print('ready', flush=True); sys.stdin.readline(); time.sleep(0.5)"


def test_a_sleeping_program_is_charged_its_wall_time():
    # Its sleep is never counted as waiting: what it is charged holds the whole 0.5 s. (How long a loaded host then
    # keeps it from a CPU, to wake and exit, is real waiting, counted and not charged; on this suite's busy box
    # that was once 0.26 s, so the waiting itself is not bounded here.)
    program = subprocess.Popen([sys.executable, "-c", SLEEP], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)  # fmt: skip
    stdin, stdout = program.stdin, program.stdout
    assert stdin is not None and stdout is not None and stdout.readline() == "ready\n"

    def go() -> None:
        stdin.write("go\n")
        stdin.flush()

    wall, cpu, waited, charged = _measure(program, then=go)
    assert cpu < 0.2
    assert charged >= 0.48 and wall - waited >= 0.48


def _parents_having(hierarchy: str) -> CgroupParents:
    """This host's run group parents, when they include `hierarchy` (a `CgroupParents` field); else the test skips."""
    parents = detect_parents()
    if getattr(parents, hierarchy) is None:
        pytest.skip(f"no {hierarchy} cgroup hierarchy on this host")
    return parents


@pytest.mark.skipif(os.geteuid() != 0, reason="run cgroups need root")
def test_threads_that_join_the_run_cgroup_after_the_meter_opened_are_seen():
    # cgroup v1 caches a task list per open file while it keeps being read: a meter holding the file open would
    # never see the program's threads, which appear after the run starts.
    parents = _parents_having("cpuacct")
    group = RunCgroup(parents, memory_bytes=256 << 20, pids_max=16)
    meter = Meter(os.getpid(), group.cpuacct_dir)
    procs = []
    try:
        for _ in range(3):
            meter.sample(time.monotonic())  # read again and again, as the supervisor does
            procs.append(subprocess.Popen(["/bin/sleep", "5"], preexec_fn=group.join_self))
            seen = meter.sample(time.monotonic()).threads or {}
            assert {p.pid for p in procs} <= set(seen)
    finally:
        for p in procs:
            p.kill()
            p.wait()
        meter.close()
        group.remove()


# Starts short-lived threads without end, about 60 alive at a time: every sample of the meter sees new ones.
CHURN = """
import threading, time
print("ready", flush=True)
end = time.monotonic() + float(__import__("sys").argv[1])
while time.monotonic() < end:
    if threading.active_count() < 60:
        threading.Thread(target=time.sleep, args=(0.005,)).start()
    else:
        time.sleep(0.0005)
"""


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_the_meter_holds_no_descriptor_for_a_thread_that_is_gone():
    # The judge's worker read each thread through a descriptor it kept, and closed it only when a read failed; a
    # gone thread is never listed, so never read again. A program starting threads without end made the worker hold
    # about 1,000 descriptors a second (all 1,024 of a default limit in one test), outside every sandbox limit.
    program = subprocess.Popen([sys.executable, "-c", CHURN, "60"], stdout=subprocess.PIPE, text=True)
    assert program.stdout is not None and program.stdout.readline() == "ready\n"
    meter = Meter(program.pid, cpuacct_dir=None)
    before, seen, most = _open_fds(), set(), 0
    try:
        deadline = time.monotonic() + 50  # it ends at 200 threads seen: up to 50 s on a loaded box
        while len(seen) <= 200 and time.monotonic() < deadline:
            seen |= set(meter.sample(time.monotonic()).threads or {})
            most = max(most, _open_fds() - before)
            time.sleep(0.02)
    finally:
        program.kill()
        program.wait()
        meter.close()
    assert len(seen) > 200, "the program did not start enough threads: the test proved nothing"
    # At most one per thread alive: 60 here, 100 for a run at its pids limit. Kept for every thread seen, they would
    # be over 200.
    assert most <= 100


def _sample(at: float, threads: dict[int, tuple[int, int]] | None, io_stall_ns: int | None = None) -> Sample:
    """A sample on a host whose one CPU is busy with other work all the time (whatever waited, it explains)."""
    busy = {0: int(at * 1e9)}
    return Sample(at=at, cpu_ns=0, threads=threads, io_stall_ns=io_stall_ns, busy_ns=busy)


def test_waiting_counts_for_threads_that_ran_since_the_start_and_all_of_a_new_threads():
    tracker = WaitTracker(_sample(0.0, {7: (1_000, 400_000_000)}))  # 0.4 s waited before this test: not ours
    tracker.observe(_sample(0.05, {7: (9_000, 430_000_000), 8: (5_000, 2_000_000)}))  # 8 is born since
    assert tracker.worst_ns == 30_000_000


def test_the_runs_disk_stall_counts_from_the_start_and_never_beyond_the_wall_time():
    # The run's group had stalled 2 s on the disk before this test (its loading, an earlier test): not this test's.
    # In the test it stalls 120 ms, on top of 30 ms its thread waited for a CPU.
    start = _sample(0.0, {1: (0, 0)}, io_stall_ns=2_000_000_000)
    end = _sample(0.5, {1: (400_000_000, 30_000_000)}, io_stall_ns=2_120_000_000)
    usage = Meter(os.getpid(), cpuacct_dir=None).usage(start, end)
    assert usage.waited_s == pytest.approx(0.150)
    # The kernel's total is a rate weighted across CPUs, and never more than the time that passed; a reading that
    # says otherwise (or that runs backwards) earns no more than the wall time, nor less than nothing.
    tracker = WaitTracker(start)
    assert tracker.io_stalled_ns(_sample(0.5, None, io_stall_ns=9_000_000_000)) == 500_000_000
    assert tracker.io_stalled_ns(_sample(0.5, None, io_stall_ns=1_000_000_000)) == 0
    # A run without a pressure group (no cgroup v2, not root): its disk stall is unknown and earns nothing.
    assert WaitTracker(_sample(0.0, None)).io_stalled_ns(_sample(0.5, None, io_stall_ns=100)) == 0
    assert tracker.io_stalled_ns(_sample(0.5, None)) == 0


def test_a_pressure_files_some_total_is_read_whatever_its_averages_say():
    text = b"some avg10=1.25 avg60=0.40 avg300=0.08 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=99\n"
    assert parse_io_stall_us(text) == 123456
    with pytest.raises(ValueError):
        parse_io_stall_us(b"full avg10=0.00 avg60=0.00 avg300=0.00 total=99\n")


def test_an_idle_thread_waits_for_nothing():
    # Per thread: (exec ns, run_delay ns) at the test's start and at its end.
    tracker = WaitTracker(_sample(0.0, {1: (0, 0), 2: (100, 900), 3: (0, 0)}))
    tracker.observe(_sample(0.1, {1: (50, 40), 2: (400, 1_900), 3: (0, 7_000)}))  # 3 waited but never ran
    assert tracker.worst_ns == 1_000


def test_the_supervisors_waiting_counts_only_where_the_program_may_have_waited_for_it():
    # The supervisor (own run_delay 5 ms at the start) waits 1 ms while it sends the input, 15 ms to wake for a
    # sample (nobody waited for it), 3 ms to wake for the program's output (it may have been blocked on a full
    # pipe) and 1 ms more while it reads it, 10 ms to wake for another sample, and 2 ms to see the end.
    # 1 + 3 + 1 + 2 ms are taken off; the program's own 1 ms is not added to them, as it may have waited while the
    # supervisor did (after its record): the larger of the two is.
    start = Sample(at=0.0, cpu_ns=0, threads={1: (0, 0)}, own_delay_ns=5_000_000, busy_ns={0: 0})
    tracker = WaitTracker(start)
    tracker.resting(6_000_000)
    tracker.woke(21_000_000, for_program=False)
    tracker.observe(
        Sample(
            at=0.25,
            cpu_ns=0,
            threads={1: (1_000, 1_000_000)},
            own_delay_ns=21_000_000,
            busy_ns={0: 250_000_000},
        )
    )
    tracker.resting(21_000_000)
    tracker.woke(24_000_000, for_program=True)
    tracker.resting(25_000_000)
    tracker.woke(35_000_000, for_program=False)
    tracker.resting(35_000_000)
    tracker.woke(37_000_000, for_program=True)  # it wakes to see the end
    end = Sample(
        at=0.5, cpu_ns=0, threads={1: (2_000, 1_000_000)}, own_delay_ns=37_000_000, busy_ns={0: 500_000_000}
    )
    meter = Meter(os.getpid(), cpuacct_dir=None)
    usage = meter.usage(start, end, seen=tracker)
    meter.close()
    assert usage.waited_s == pytest.approx(0.007)
    assert usage.charged_s == pytest.approx(0.493)


def _on(
    at: float, cpu_ns: int, threads: dict[int, tuple[int, int]], busy_ms: dict[int, int], **more: Any
) -> Sample:
    busy = {c: ms * 1_000_000 for c, ms in busy_ms.items()}
    return Sample(at=at, cpu_ns=cpu_ns, threads=threads, busy_ns=busy, **more)


def _waited_ms(samples: list[Sample]) -> float:
    tracker = WaitTracker(samples[0])
    for sample in samples[1:]:
        tracker.observe(sample)
    return tracker.cpu_waited_ns(samples[-1]) / 1e6


def test_waiting_behind_the_runs_own_threads_earns_nothing():
    # Eight threads of the run share CPU 0 for 0.8 s: each waited 0.7 s, and CPU 0 was busy with nothing but them
    # (the run's CPU time is all of CPU 0's busy time). Nothing outside the run kept them waiting.
    threads0 = {t: (0, 0) for t in range(8)}
    threads1 = {t: (100_000_000, 700_000_000) for t in range(8)}
    start = _on(0.0, 0, threads0, {0: 1_000, 1: 2_000})
    end = _on(0.8, 800_000_000, threads1, {0: 1_800, 1: 2_000})
    assert _waited_ms([start, end]) == 0
    # The same, known per CPU from the run's cgroup: still nothing; and a CPU busy with other work that the threads
    # may not run on (pinned to CPU 0) explains none of their waiting.
    pinned = {t: frozenset({0}) for t in range(8)}
    start = _on(0.0, 0, threads0, {0: 1_000, 1: 2_000}, run_ns={0: 0, 1: 0}, masks=pinned)
    end = _on(0.8, 800_000_000, threads1, {0: 1_800, 1: 2_800}, run_ns={0: 800_000_000, 1: 0}, masks=pinned)
    assert _waited_ms([start, end]) == 0
    # Unpinned, the other CPU's work explains it (the threads could have run there).
    free = {t: frozenset({0, 1}) for t in range(8)}
    start = _on(0.0, 0, threads0, {0: 1_000, 1: 2_000}, run_ns={0: 0, 1: 0}, masks=free)
    end = _on(0.8, 800_000_000, threads1, {0: 1_800, 1: 2_800}, run_ns={0: 800_000_000, 1: 0}, masks=free)
    assert _waited_ms([start, end]) == 700


def test_other_work_explains_only_the_waiting_at_the_same_time():
    # A thread waits 0.3 s behind the run's own helpers while the host is idle, then sleeps 0.5 s while the host
    # is busy: the host's work came after the waiting, and explains none of it.
    start = _on(0.0, 0, {1: (0, 0)}, {0: 0})
    waited = _on(0.4, 400_000_000, {1: (100_000_000, 300_000_000)}, {0: 400})
    slept = _on(0.9, 400_000_000, {1: (100_000_000, 300_000_000)}, {0: 900})
    assert _waited_ms([start, waited, slept]) == 0
    # While the host's work and the waiting coincide, it is credited in full.
    busy = _on(0.4, 100_000_000, {1: (100_000_000, 300_000_000)}, {0: 400})
    assert _waited_ms([start, busy, _on(0.9, 100_000_000, {1: (100_000_000, 300_000_000)}, {0: 900})]) == 300


def test_waiting_earns_nothing_when_the_cpus_busy_time_is_unknown():
    start = Sample(at=0.0, cpu_ns=0, threads={1: (0, 0)}, own_delay_ns=0)
    end = Sample(at=0.5, cpu_ns=0, threads={1: (1_000, 200_000_000)}, own_delay_ns=50_000_000)
    assert _waited_ms([start, end]) == 0


def test_proc_stat_and_cpuacct_are_read_per_cpu():
    stat = b"cpu  10 1 5 100 3 1 1 2 7 0\ncpu0 6 1 3 50 1 1 0 1 7 0\ncpu1 4 0 2 50 2 0 1 1 0 0\nintr 1 2 3\n"
    tick = 1_000_000_000 // os.sysconf("SC_CLK_TCK")
    assert parse_cpu_busy_ns(stat) == {0: 12 * tick, 1: 8 * tick}  # guest (7) is already in user
    assert parse_cpu_busy_ns(stat[:60]) == {0: 12 * tick}  # a line cut short by the read is not read
    assert parse_usage_all(b"cpu user system\n0 10 5\n1 7 0\n") == {0: 15, 1: 7}
    assert parse_usage_percpu(b"12 34 \n") == {0: 12, 1: 34}


@pytest.mark.skipif(os.geteuid() != 0, reason="run cgroups need root")
def test_the_run_cgroups_counters_are_current_on_every_read_and_its_descriptors_go_with_it():
    # The cgroup's CPU time is read every 50 ms while a compile runs, through descriptors kept open: each read must
    # be current (not the text of the first read), and removing the group closes them.
    parents = _parents_having("cpuacct")
    before = _open_fds()
    group = RunCgroup(parents, memory_bytes=256 << 20, pids_max=16)
    spinner = subprocess.Popen([sys.executable, "-c", SPIN, "0.3"], stdout=subprocess.PIPE, text=True,
                               preexec_fn=group.join_self)  # fmt: skip
    try:
        assert spinner.stdout is not None and spinner.stdout.readline() == "ready\n"
        first = group.cpu_seconds()
        spinner.wait(timeout=30)
        last = group.cpu_seconds()
        # The spinner stops at 0.3 s of its own CPU time, its start-up (read as `first`, about 0.06 s, more on a
        # busy host) included: the group holds all of it after the spinner joined, before exec.
        assert first is not None and last is not None and last >= 0.29 and last > first + 0.1
        assert group.oom_kills() == 0
    finally:
        spinner.kill()
        spinner.wait()
        spinner.stdout.close()
        group.remove()
    assert _open_fds() == before


@pytest.mark.skipif(os.geteuid() != 0, reason="run cgroups need root")
def test_a_run_and_its_children_are_in_a_pressure_group_of_their_own_which_goes_with_the_run():
    # The run's disk stall is read from its own cgroup v2 group: the child joins it before exec (its processes and
    # threads to come with it), nothing else is in it, and it is removed with the run's other groups; a group left
    # by a judge process that died is swept.
    parents = _parents_having("pressure")
    group = RunCgroup(parents, memory_bytes=256 << 20, pids_max=16)
    assert group.pressure_dir is not None
    assert (group.pressure_dir / "cgroup.type").read_text().strip() == "threaded"
    child = subprocess.Popen(
        # One write each, under PIPE_BUF: the two processes' lines never interleave.
        [
            sys.executable,
            "-c",
            "import os, sys; os.fork(); os.write(1, b'%d\\n' % os.getpid()); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=group.join_self,
    )
    meter = Meter(child.pid, group.cpuacct_dir, group.pressure_dir)
    try:
        assert child.stdout is not None
        pids = {int(child.stdout.readline()), int(child.stdout.readline())}  # the child and its forked child
        assert child.pid in pids and len(pids) == 2
        for pid in pids:
            line = next(
                x for x in Path(f"/proc/{pid}/cgroup").read_text().splitlines() if x.startswith("0::")
            )
            assert line.endswith("/" + group.pressure_dir.name), line
        members = {int(t) for t in (group.pressure_dir / "cgroup.threads").read_text().split()}
        assert {int(t) for pid in pids for t in os.listdir(f"/proc/{pid}/task")} == members
        assert group.pids() >= pids
        assert isinstance(meter.sample(time.monotonic()).io_stall_ns, int)
    finally:
        meter.close()
        child.kill()
        group.kill_all()
        child.communicate()
        group.remove()
    assert not group.pressure_dir.exists()
    # A judge process that died mid-run left its group behind: the next one sweeps it.
    stale = parents.pressure / "shadows-judge-999999999-1"
    stale.mkdir()
    (stale / "cgroup.type").write_text("threaded")
    assert sweep_stale(parents) >= 1
    assert not stale.exists()
