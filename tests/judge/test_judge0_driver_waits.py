"""The Judge0 in-box driver's credit for waiting for a CPU (judge0_driver_measure.Waits), over a fake /proc tree: the
waiting of every thread of every process of the run counts, as the local sandbox's over its cgroup, never the
driver's own."""

from __future__ import annotations

import builtins
import os
import shutil
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from judge.backends.judge0_driver_measure import MEASURE

DRIVER, HARNESS, CHILD = 1, 2, 3
MS = 1_000_000  # ns


class FakeProc:
    """A box's /proc under `root`: each thread's schedstat (CPU time and waiting for a CPU, ns) and one CPU's busy
    time in /proc/stat (clock ticks). The driver's measure is run against it with its `os` and `open` redirected."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.busy_ticks = 0
        self.clocks: dict[int, int] = {}

    def clock(self, pid: int, run_ns: int) -> None:
        """The process's CPU clock: every thread it has had, ended ones too (ns)."""
        self.clocks[pid] = run_ns

    def clock_gettime_ns(self, clock_id: int) -> int:
        pid = ~(clock_id >> 3)  # clock_getcpuclockid's id of a process's CPUCLOCK_SCHED: (~pid << 3) | 2
        assert clock_id == (~pid << 3) | 2, clock_id
        if pid not in self.clocks:
            raise OSError(22, "Invalid argument")  # reaped, as the kernel answers
        return self.clocks[pid]

    def thread(self, pid: int, tid: int, run_ns: int, delay_ns: int) -> None:
        task = self.root / str(pid) / "task" / str(tid)
        task.mkdir(parents=True, exist_ok=True)
        (task / "schedstat").write_text(f"{run_ns} {delay_ns} 7\n")

    def stat(self, pid: int, ticks: int, reaped_ticks: int = 0, start: int = 1) -> None:
        """The process's own CPU time and what it reaped of its children's, in /proc/PID/stat (clock ticks), and
        when it started (clock ticks since boot)."""
        (self.root / str(pid)).mkdir(parents=True, exist_ok=True)
        fields = f"S 1 1 1 0 -1 0 0 0 0 0 {ticks} 0 {reaped_ticks} 0 20 0 1 0 {start}"
        (self.root / str(pid) / "stat").write_text(f"{pid} (a) b) {fields}\n")

    def reaped(self, pid: int) -> None:
        shutil.rmtree(self.root / str(pid))
        self.clocks.pop(pid, None)

    def busy(self, ticks: int) -> None:
        self.busy_ticks += ticks
        line = f"cpu0 {self.busy_ticks} 0 0 100000 0 0 0 0 0 0"
        (self.root / "stat").write_text(f"cpu  {self.busy_ticks} 0 0 100000 0 0 0 0 0 0\n{line}\nintr 0\n")

    def measure(self) -> dict[str, Any]:
        def local(path: str) -> str:
            assert path.startswith("/proc"), path
            return str(self.root) + path[len("/proc") :]

        fake_os = SimpleNamespace(
            listdir=lambda path: os.listdir(local(path)),
            sysconf=lambda name: 100,  # SC_CLK_TCK
            cpu_count=lambda: 1,
            getpid=lambda: DRIVER,
            sched_getaffinity=lambda tid: {0},
        )

        def fake_open(path: str, *args: Any) -> Any:
            return builtins.open(local(path), *args)  # the measure reads it in a `with`

        fake_time = SimpleNamespace(monotonic=time.monotonic, clock_gettime_ns=self.clock_gettime_ns)
        names: dict[str, Any] = {"os": fake_os, "time": fake_time, "open": fake_open}
        exec(MEASURE, names)
        return names


def test_a_childs_waiting_for_a_cpu_is_credited_and_kept_once_it_is_reaped_never_the_drivers(tmp_path: Path):
    # A harness sleeping in waitpid while its one child computes on a loaded CPU: the child ran 0.3 s and waited 0.6 s
    # for the CPU, which spent 1 s on work, 0.31 s of it the box's (the child's and the driver's). Only the harness's
    # threads were sampled before, and the test was charged its wall time (no credit at all). The driver's own
    # waiting (0.65 s here, more than the child's) is never the run's.
    proc = FakeProc(tmp_path)
    proc.busy(1000)
    proc.thread(DRIVER, DRIVER, 50 * MS, 0)
    proc.thread(HARNESS, HARNESS, 100 * MS, 0)
    proc.stat(HARNESS, 10)
    proc.thread(CHILD, CHILD, 10 * MS, 1 * MS)
    proc.stat(CHILD, 1)
    waits = proc.measure()["Waits"]()

    proc.busy(100)
    proc.thread(DRIVER, DRIVER, 60 * MS, 650 * MS)
    proc.thread(CHILD, CHILD, 310 * MS, 601 * MS)
    proc.stat(CHILD, 31)
    assert waits.sample() == pytest.approx(0.6)

    # Reaped by the harness after 40 ms more, the child is gone from /proc: it keeps what it earned, and its last
    # 40 ms (in the harness's reaped time now) is the box's, not other work.
    proc.reaped(CHILD)
    proc.stat(HARNESS, 10, 35)
    proc.busy(10)
    proc.thread(HARNESS, HARNESS, 105 * MS, 0)
    assert waits.sample() == pytest.approx(0.6)
    assert waits.own == (300 + 10) * MS + (5 + 40) * MS  # the child and the driver; the harness and the tail


def test_a_child_that_began_and_ended_between_two_samples_explains_no_waiting(tmp_path: Path):
    # The harness waited 0.4 s for its CPU behind a child that ran those 0.4 s, began and was reaped between two
    # samples: no thread's schedstat showed it, only the harness's reaped time. Read as other work, it explained the
    # harness's waiting, which a program can do at will (a child a sample, behind which its thread waits).
    proc = FakeProc(tmp_path)
    proc.busy(1000)
    proc.thread(DRIVER, DRIVER, 0, 0)
    proc.thread(HARNESS, HARNESS, 100 * MS, 0)
    proc.stat(HARNESS, 10)
    waits = proc.measure()["Waits"]()

    proc.busy(50)
    proc.thread(HARNESS, HARNESS, 200 * MS, 400 * MS)
    proc.stat(HARNESS, 20, 40)
    assert waits.sample() == 0.0


def test_the_waiting_of_a_child_born_since_the_phase_began_is_credited_at_most_the_other_work(tmp_path: Path):
    # A child forked after the phase began counts from nothing; its 0.8 s of waiting is credited only the 0.5 s of the
    # CPU's busy time that was not the box's own.
    proc = FakeProc(tmp_path)
    proc.busy(1000)
    proc.thread(DRIVER, DRIVER, 0, 0)
    proc.thread(HARNESS, HARNESS, 0, 0)
    waits = proc.measure()["Waits"]()

    proc.busy(80)
    proc.thread(CHILD, CHILD, 300 * MS, 800 * MS)
    assert waits.sample() == pytest.approx(0.5)


def test_threads_that_ended_between_two_samples_are_the_boxs_work_not_other_work(tmp_path: Path):
    # The harness's main thread waited 0.4 s for its CPU behind threads of its own that ended before the next sample
    # (a thread a sample, or a process's other threads before it ended, its leader alone left to read as a zombie):
    # no live thread's schedstat showed their 0.4 s, only the process's CPU clock. Read as other work, it explained
    # the main thread's waiting.
    proc = FakeProc(tmp_path)
    proc.busy(1000)
    proc.thread(DRIVER, DRIVER, 0, 0)
    proc.clock(DRIVER, 0)
    proc.thread(HARNESS, HARNESS, 100 * MS, 0)
    proc.thread(HARNESS, 9, 10 * MS, 0)
    proc.stat(HARNESS, 11)
    proc.clock(HARNESS, 110 * MS)
    waits = proc.measure()["Waits"]()

    proc.busy(50)
    proc.thread(HARNESS, HARNESS, 200 * MS, 400 * MS)
    shutil.rmtree(tmp_path / str(HARNESS) / "task" / "9")
    proc.stat(HARNESS, 61)
    proc.clock(HARNESS, 610 * MS)
    assert waits.sample() == 0.0
    assert waits.own == 500 * MS

    # Work of others on the CPU still explains waiting: 0.2 s more of busy time, 0.1 s of it the harness's.
    proc.busy(20)
    proc.thread(HARNESS, HARNESS, 300 * MS, 500 * MS)
    proc.clock(HARNESS, 710 * MS)
    assert waits.sample() == pytest.approx(0.1)


@pytest.mark.parametrize("reused", ["pid", "tid"])
def test_a_pid_given_again_is_another_process_whose_credit_adds_nothing_to_the_earlier_ones(
    tmp_path: Path, reused: str
):
    # A child (or a thread of the harness) earned 0.3 s of credit and ended; the box's pids wrapped and a later process
    # (or thread) was given its pid (or tid). Its numbers were read as the earlier one's: once they passed the
    # earlier one's, its waiting was added to the same credit, 0.5 s where each thread waited 0.3 s at most.
    proc = FakeProc(tmp_path)
    proc.busy(1000)
    proc.thread(DRIVER, DRIVER, 0, 0)
    proc.stat(HARNESS, 0)
    pid, tid = (CHILD, CHILD) if reused == "pid" else (HARNESS, 7)
    proc.thread(pid, tid, 10 * MS, 1 * MS)
    if reused == "pid":
        proc.stat(CHILD, 1)
    waits = proc.measure()["Waits"]()

    proc.busy(100)
    proc.thread(pid, tid, 310 * MS, 301 * MS)
    if reused == "pid":
        proc.stat(CHILD, 31)
    assert waits.sample() == pytest.approx(0.3)

    if reused == "pid":
        proc.reaped(CHILD)
        proc.stat(HARNESS, 0, 31)
        proc.stat(CHILD, 10, start=5)
    else:
        shutil.rmtree(tmp_path / str(HARNESS) / "task" / str(tid))
    proc.thread(pid, tid, 100 * MS, 100 * MS)
    proc.busy(100)
    assert waits.sample() == pytest.approx(0.3)

    proc.busy(100)
    proc.thread(pid, tid, 200 * MS, 300 * MS)
    if reused == "pid":
        proc.stat(CHILD, 20, start=5)
    assert waits.sample() == pytest.approx(0.3)


def test_the_judge0_driver_is_python_3_8_source() -> None:
    # The official judge0/judge0:1.13.1 image runs the driver on Python 3.8; the fake runs it on this box's Python,
    # where 3.9+ grammar (`match`, parenthesised context managers, `except*`) would pass unnoticed.
    import ast

    from judge.backends.judge0_driver import DRIVER

    ast.parse(DRIVER, feature_version=(3, 8))
    with pytest.raises(SyntaxError):  # the check itself refuses what 3.8 cannot parse
        ast.parse("match x:\n    case 1:\n        pass\n", feature_version=(3, 8))
