"""A program waiting for the judge to read what it wrote is not charged for the judge's slowness.

A record larger than the results channel (1 MiB) is written in one call that blocks each time the channel is full,
until the supervisor reads 64 KiB more: between its reads the program waits for the judge (reading, decoding,
sampling, getting a CPU on a loaded host), neither running nor waiting for a CPU. That was charged as the program's
wall time: 0.4 s for 7.7 MB on an idle host, 3.6 s beside 14 busy loops on 2 cores, and a correct answer read
`time_limit`. A supervisor made slow between its reads (a sleep: a judge kept off its CPU, which costs this suite no
CPU) stands for the loaded host; the sandbox, the harness and the program are real."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

import judge.supervisor as supervisor
from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.meter import Meter
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.usage import Sample
from judge.wait_tracker import WaitTracker

COUNT = 1_000_000  # 0 .. 999,999: a record of 6.9 MB, about 107 reads of 64 KiB
LIMIT_S = 2.0  # the program's own work (making, encoding and writing the list) is 0.15-0.5 s here
SLOW_READ_S = 0.02  # the judge's time between two reads of the results channel: 2.1 s over the record
SIGNATURE = Signature(function="numbers", params=[Param(name="n", type="int")], returns="int[]")


@pytest.fixture
def slow_judge(monkeypatch) -> list[int]:
    """Every read of a results channel's data is followed by SLOW_READ_S of the supervisor's absence; the reads
    counted."""
    read = supervisor.Supervisor._read
    reads: list[int] = []

    def slow_read(self: supervisor.Supervisor, fd: int) -> Any:
        chunk = read(self, fd)
        if fd == self.proc.results and chunk:
            reads.append(len(chunk))
            time.sleep(SLOW_READ_S)
        return chunk

    monkeypatch.setattr(supervisor.Supervisor, "_read", slow_read)
    return reads


@pytest.mark.sandbox
def test_a_large_correct_answer_is_not_charged_the_judges_slowness_to_read_it(
    slow_judge, sandbox, judge_settings
):
    request = RunRequest(
        language="python",
        source="def numbers(n):\n    return list(range(n))\n",
        signature=SIGNATURE,
        tests=[Case(id="t0", args=[COUNT], expected=list(range(COUNT)))],
        limits=RunLimits(time_limit_s=LIMIT_S, compile_s=30),
    )
    report = run_request(request, sandbox, judge_settings)
    # The judge was slow past the limit by itself, reading the record (the proof that the test means something).
    assert len(slow_judge) > 100 and len(slow_judge) * SLOW_READ_S > LIMIT_S, len(slow_judge)
    (test,) = report.tests
    # Before: charged the judge's 2.1 s between its reads, `time_limit` with no record read in full.
    assert test.verdict is Verdict.ACCEPTED, (test.verdict, test.time_ms, test.message)
    assert test.time_ms is not None and test.time_ms < 1000 * LIMIT_S


@pytest.mark.sandbox
def test_a_program_that_stalls_after_a_large_write_still_times_out_within_its_bounds(
    slow_judge, sandbox, judge_settings
):
    # 2 MB with no end of line on the results channel (the judge's slow reading of it, 0.6 s, is not charged), then
    # a stall: nothing is blocked on the judge any more, and the stall is the program's own.
    source = """
import __main__, os, time

def numbers(n):
    data = b"7" * (n * 2)
    while data:
        data = data[os.write(__main__._RES, data):]
    time.sleep(60)
"""
    limit_s = 1.5
    request = RunRequest(
        language="python",
        source=source,
        signature=SIGNATURE,
        tests=[Case(id="t0", args=[COUNT], expected=[])],
        limits=RunLimits(time_limit_s=limit_s, compile_s=30),
    )
    began = time.monotonic()
    report = run_request(request, sandbox, judge_settings)
    elapsed = time.monotonic() - began
    assert len(slow_judge) > 25, len(slow_judge)
    (test,) = report.tests
    assert test.verdict is Verdict.TIME_LIMIT, (test.verdict, test.time_ms, test.message)
    # Stopped at twice the limit at most after its frame (the most any waiting earns), not after its 60 s sleep;
    # the rest is the process's start, loaded or not.
    assert elapsed < 2 * limit_s + 8, elapsed


def test_a_threads_time_blocked_on_the_judge_is_counted_once_and_never_past_the_wall_time():
    start = Sample(at=10.0, cpu_ns=0, threads={7: (0, 0)}, busy_ns={0: 0})
    tracker = WaitTracker(start)
    tracker.held(7, 9.0, 10.2)  # before the phase began: only its part after the start counts
    tracker.held(7, 10.1, 10.3)  # overlapping what was counted: only the new 0.1 s
    tracker.held(8, 10.0, 10.05)  # another thread at the same time: the most any one thread waited
    end = Sample(at=10.5, cpu_ns=0, threads={7: (0, 0), 8: (0, 0)}, busy_ns={0: 0})
    assert Meter(os.getpid(), cpuacct_dir=None).usage(start, end, seen=tracker).waited_s == pytest.approx(0.3)
    tracker.held(7, 10.3, 11.5)  # past the end sample's instant: never more than the wall time
    assert tracker.waited_ns(end) == 500_000_000


@pytest.mark.sandbox
def test_a_thread_blocked_on_a_paced_stream_earns_nothing_from_the_pacing(
    monkeypatch, sandbox, judge_settings
):
    # A helper thread writes 300 single bytes to stdout, each read apart (past EAGER_READS the judge reads stdout
    # once every READ_SPACING_S), then blocks writing 7 MiB while the main thread would sleep: about 110 reads 2 ms
    # apart. The judge sleeps between them by its own pacing rule; that is no reading of the judge's to wait for.
    held: list[float] = []
    real_held = WaitTracker.held

    def spy(self: WaitTracker, tid: int, since: float, until: float) -> None:
        held.append(until - since)
        real_held(self, tid, since, until)

    monkeypatch.setattr(WaitTracker, "held", spy)
    reads: list[int] = []
    read = supervisor.Supervisor._read

    def count(self: supervisor.Supervisor, fd: int) -> Any:
        chunk = read(self, fd)
        if fd == self.proc.stdout and chunk:
            reads.append(len(chunk))
        return chunk

    monkeypatch.setattr(supervisor.Supervisor, "_read", count)
    source = """
import fcntl, os, struct, termios, threading

def _flood():
    for _ in range(300):
        os.write(1, b"x")
        while struct.unpack("i", fcntl.ioctl(1, termios.FIONREAD, b"\\0\\0\\0\\0"))[0]:
            pass  # until the judge has read it: one read a byte
    data = b"y" * (7 << 20)
    while data:
        data = data[os.write(1, data):]

def numbers(n):
    helper = threading.Thread(target=_flood)
    helper.start()
    helper.join()
    return []
"""
    request = RunRequest(
        language="python",
        source=source,
        signature=SIGNATURE,
        tests=[Case(id="t0", args=[0], expected=[])],
        limits=RunLimits(time_limit_s=LIMIT_S, compile_s=30, output_bytes=8 << 20),
    )
    report = run_request(request, sandbox, judge_settings)
    (test,) = report.tests
    assert test.verdict is Verdict.ACCEPTED, (test.verdict, test.time_ms, test.message)
    paced = [n for n in reads[supervisor.EAGER_READS :] if n == 65536]
    # The proof that the test means something: ~110 full reads at the paced rate, each at least 2 ms apart.
    assert len(paced) * supervisor.READ_SPACING_S > 0.2, (len(reads), len(paced))
    # Before: each paced read counted its 2 ms (and more) as the thread's waiting, 0.25 s in all.
    assert sum(held) < 0.05, (len(held), sum(held))
