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

    def thread(self, pid: int, tid: int, run_ns: int, delay_ns: int) -> None:
        task = self.root / str(pid) / "task" / str(tid)
        task.mkdir(parents=True, exist_ok=True)
        (task / "schedstat").write_text(f"{run_ns} {delay_ns} 7\n")

    def stat(self, pid: int, ticks: int, reaped_ticks: int = 0) -> None:
        """The process's own CPU time and what it reaped of its children's, in /proc/PID/stat (clock ticks)."""
        (self.root / str(pid)).mkdir(parents=True, exist_ok=True)
        fields = f"S 1 1 1 0 -1 0 0 0 0 0 {ticks} 0 {reaped_ticks} 0 20 0 1 0"
        (self.root / str(pid) / "stat").write_text(f"{pid} (a) b) {fields}\n")

    def reaped(self, pid: int) -> None:
        shutil.rmtree(self.root / str(pid))

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

        names: dict[str, Any] = {"os": fake_os, "time": time, "open": fake_open}
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
    proc.stat(HARNESS, 0, 35)
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
