"""Only waiting the program did is taken off its wall time: its threads' waiting for a CPU, and the supervisor's own
waiting where the program could not go on without the supervisor (before its input began, to see its end;
test_partial_writes_credit.py: a full pipe, or the record's arrival, is not such waiting). The supervisor's waiting
to wake for output the program wrote and then slept past is not: a program writing a byte to stderr and sleeping
20 ms, beside other work on the supervisor's CPU, was charged 0.2-13 ms."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.usage import Sample
from judge.wait_tracker import WaitTracker

SIGNATURE = Signature(
    function="work", params=[Param(name="a", type="int"), Param(name="n", type="long")], returns="int"
)

# work(a, n): write something the judge reads (how: WRITE), then sleep n ms. The harness moves to CPU 1 as it loads,
# away from the supervisor and the other work on CPU 0.
SLEEPER = """
import __main__, fcntl, os, sys, time
os.sched_setaffinity(0, {1})

def work(a, n):
    WRITE
    time.sleep(n / 1000)
    return a
"""
WRITES = {
    "stderr": "sys.stderr.write('x'); sys.stderr.flush()",
    "stdout": "sys.stdout.write('x'); sys.stdout.flush()",
    "results": "os.write(__main__._RES, b'{}\\n')",  # a line the supervisor reads and ignores
    # A pipe full to the byte, its writer not waiting for room.
    "full_stdout": "fcntl.fcntl(1, fcntl.F_SETPIPE_SZ, 1 << 16); os.write(1, b'x' * (1 << 16))",
}
# Busy on one CPU, at a weight ten times the supervisor's (nice -10): once woken, the supervisor waits there for
# milliseconds, every time.
HOG = """
import os, sys
os.sched_setaffinity(0, {0})
os.setpriority(os.PRIO_PROCESS, 0, -10)
print("ready", flush=True)
while True:
    pass
"""


@pytest.fixture
def supervisor_on_a_busy_cpu() -> Iterator[None]:
    """The calling thread (the supervisor, in these tests) pinned to CPU 0 beside a process spinning there."""
    if os.geteuid() != 0 or len(os.sched_getaffinity(0)) < 2 or not {0, 1} <= os.sched_getaffinity(0):
        pytest.skip("needs root (a negative nice) and CPUs 0 and 1")
    before = os.sched_getaffinity(0)
    hog = subprocess.Popen([sys.executable, "-c", HOG], stdout=subprocess.PIPE, text=True)
    try:
        assert hog.stdout is not None and hog.stdout.readline() == "ready\n"
        os.sched_setaffinity(0, {0})
        yield
    finally:
        os.sched_setaffinity(0, before)
        hog.kill()
        hog.wait()


@pytest.mark.sandbox
@pytest.mark.parametrize("how", sorted(WRITES))
def test_the_supervisors_waiting_to_wake_for_output_is_not_taken_off_a_sleep(
    sandbox, judge_settings, supervisor_on_a_busy_cpu, how
):
    # Each test writes, then sleeps 20 ms: its wall time holds the whole sleep, and nothing the program waited for
    # falls inside it. Before, the supervisor's waiting to wake for the write, which the program slept through, was
    # taken off too: with stderr, 0.2-13 ms charged of 20; with a full stdout, 0.2-16 ms.
    source = SLEEPER.replace("WRITE", WRITES[how])
    tests = [Case(id=f"t{i}", args=[i, 20], expected=i) for i in range(10)]
    request = RunRequest(
        language="python",
        source=source,
        signature=SIGNATURE,
        tests=tests,
        mode="run",
        limits=RunLimits(time_limit_s=1.0),
    )
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.ACCEPTED] * len(tests)
    charged = [t.time_ms for t in report.tests]
    assert all(ms is not None and ms >= 20.0 for ms in charged), charged


def _tracker() -> WaitTracker:
    return WaitTracker(Sample(at=0.0, cpu_ns=0, threads={1: (0, 0)}, own_delay_ns=0, busy_ns={0: 0}))


def _end(own_ms: int) -> Sample:
    # Plenty of other work on the CPU: it explains any waiting.
    return Sample(at=1.0, cpu_ns=0, threads={1: (0, 0)}, own_delay_ns=own_ms * 1_000_000, busy_ns={0: 10**9})


def test_only_the_wake_ups_the_program_waited_for_count():
    ms = 1_000_000
    tracker = _tracker()
    tracker.resting(1 * ms)  # 1 ms while it wrote the input, before the frame's first byte was out: counts
    tracker.fed(1 * ms)
    tracker.resting(3 * ms)  # 2 ms after that, before it rested: the program had its input
    tracker.woke(11 * ms, for_program=False)  # 8 ms to wake for output the program then slept past
    tracker.resting(12 * ms)
    # 4 ms to wake for the record: it may have begun with a piece the program wrote before a sleep (the wake-up's
    # first byte, not its last, woke the supervisor), so it does not count, nor does reading it.
    tracker.woke(16 * ms, for_program=False)
    end = _end(17)
    assert tracker.own_waited_ns(end) == 1 * ms
    assert tracker.cpu_waited_ns(end) == 1 * ms
    # Had the supervisor woken twice to see the program's end (the only wake-ups the program waits for).
    tracker = _tracker()
    tracker.fed(0)
    tracker.resting(2 * ms)
    tracker.woke(7 * ms, for_program=True)  # 5 ms
    tracker.resting(8 * ms)  # 1 ms reading what its end left
    tracker.woke(11 * ms, for_program=True)  # 3 ms
    assert tracker.own_waited_ns(_end(11)) == 9 * ms


def test_a_wake_up_that_was_also_preempted_counts_none_of_its_waiting():
    # The supervisor rested having been given a CPU 40 times, and woke to see the program's end 6 ms later: given
    # the CPU once more (it woke), its waiting counts; twice more, it was also preempted, maybe before it slept while
    # the program slept, and none counts.
    ms = 1_000_000
    for runs, counted in ((41, 6 * ms), (42, 0)):
        tracker = _tracker()
        tracker.fed(0)
        tracker.resting(0, 40)
        tracker.woke(6 * ms, for_program=True, runs=runs)
        assert tracker.own_waited_ns(_end(6)) == counted


def test_the_supervisors_own_waiting_is_read_as_of_the_samples_instant():
    # Read after every thread's counters, where the supervisor may be preempted, it ran past the sample's instant.
    from judge.meter import Meter

    meter = Meter(os.getpid(), cpuacct_dir=None)
    calls: list[str] = []
    own, schedstat = meter.own_delay_ns, meter._schedstat
    meter.own_delay_ns = lambda: calls.append("own") or own()  # type: ignore[method-assign]
    meter._schedstat = lambda tid: calls.append("thread") or schedstat(tid)  # type: ignore[method-assign]
    try:
        meter.sample(0.0)
    finally:
        meter.close()
    assert calls[0] == "own" and "thread" in calls


@pytest.mark.sandbox
def test_stdout_and_stderr_hold_a_tests_whole_output(sandbox, judge_settings):
    # The supervisor does not count its waiting to empty them as the program's: an honest program printing up to
    # its cap must not have to wait for room (it had 64 KiB).
    source = "import fcntl\n\ndef work(a, n):\n    return fcntl.fcntl(a, fcntl.F_GETPIPE_SZ)\n"
    limits = RunLimits(time_limit_s=1.0, output_bytes=1 << 20)
    request = RunRequest(
        language="python",
        source=source,
        signature=SIGNATURE,
        tests=[
            Case(id="stdout", args=[1, 0], expected=1 << 20),
            Case(id="stderr", args=[2, 0], expected=1 << 20),
        ],
        mode="run",
        limits=limits,
    )
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.ACCEPTED] * 2, report.tests
