"""A program whose one thread has read all of its input so far and waits for more waits for the judge to write it.

An input larger than the input pipe (1 MiB) goes out in pieces: the supervisor wakes when the harness has read
room into the pipe and writes the next piece. When it is slow to (its waiting for a CPU on a loaded host, its other
work), the harness blocks reading the empty pipe, neither running nor waiting for a CPU, and that was charged as the
program's wall time. A supervisor made slow before each later piece (a sleep: a judge kept off its CPU, which costs
this suite no CPU) stands for the loaded host; the sandbox, the harness and the program are real.

What is credited must be the judge's and nothing of the program's: a program reading its own input with a sleep
after each piece (C++: its own `read`, which the harness then calls) is charged every sleep."""

from __future__ import annotations

import time
from typing import Any

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.pipe_reads import PipeReads
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict

pytestmark = pytest.mark.sandbox

COUNT = 1_000_000  # 0 .. 999,999: an input of 6.9 MB, the first 1 MiB and six more pieces
SLOW_S = 0.2  # the supervisor's absence before writing each later piece: 1.2 s over the input
LIMIT_S = 3.0
SIGNATURE = Signature(
    function="total",
    params=[Param(name="xs", type="int[]"), Param(name="sleepy", type="int")],
    returns="long",
)
NUMBERS = list(range(COUNT))

# total(xs, sleepy): the sum; `sleepy` = 1 makes the NEXT test's input be read through the program's own `read`
# (the harness reads its copy of fd 4, above 3, with it): all the pipe holds in one call, then, the pipe emptied, a
# sleep of SLEEP_MS before handing it over. The sleep begins within a fraction of a millisecond of each piece's
# arrival, before the supervisor has gone back to waiting, and ends after it woke for room for the next piece.
CPP = """
#include <cstring>
#include <ctime>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

static bool sleepy = false;
static std::vector<char> held;
static size_t taken = 0;

extern "C" ssize_t read(int fd, void* buf, size_t n) {
    if (!sleepy || fd <= 3) return syscall(SYS_read, fd, buf, n);
    if (taken == held.size()) {
        held.resize(2 << 20);
        long got = syscall(SYS_read, fd, held.data(), held.size());
        if (got <= 0) {
            held.clear();
            taken = 0;
            return got;
        }
        held.resize(got);
        taken = 0;
        int left = 0;
        if (ioctl(fd, FIONREAD, &left) == 0 && left == 0) {
            timespec pause{0, SLEEP_MS * 1000000L};
            nanosleep(&pause, nullptr);
        }
    }
    size_t k = n < held.size() - taken ? n : held.size() - taken;
    memcpy(buf, held.data() + taken, k);
    taken += k;
    return k;
}

class Solution {
public:
    long long total(std::vector<int>& xs, int next_sleepy) {
        long long sum = 0;
        for (int x : xs) sum += x;
        sleepy = next_sleepy != 0;
        return sum;
    }
};
"""
PYTHON = "def total(xs, sleepy):\n    return sum(xs)\n"
SLEEP_MS = 30


@pytest.fixture
def slow_feeder(monkeypatch) -> list[float]:
    """Every write of a later piece of a test's input comes SLOW_S after the supervisor woke for it; the waits kept."""
    feed = PipeReads.feed
    slowed: list[float] = []

    def slow_feed(self: PipeReads, seen: Any, since: float | None = None) -> None:
        if since is not None and len(self.pending):
            slowed.append(SLOW_S)
            time.sleep(SLOW_S)
        feed(self, seen, since)

    monkeypatch.setattr(PipeReads, "feed", slow_feed)
    return slowed


def _request(language: str, source: str, sleepy: list[int]) -> RunRequest:
    return RunRequest(
        language=language,  # type: ignore[arg-type]
        source=source,
        signature=SIGNATURE,
        tests=[
            Case(id=f"t{i}", args=[NUMBERS, s], expected=COUNT * (COUNT - 1) // 2)
            for i, s in enumerate(sleepy)
        ],
        mode="run",
        limits=RunLimits(time_limit_s=LIMIT_S, compile_s=30),
    )


def test_a_python_harness_waiting_for_its_input_is_not_charged_the_judges_slowness_to_write_it(
    slow_feeder, sandbox, judge_settings
):
    report = run_request(_request("python", PYTHON, [0]), sandbox, judge_settings)
    (test,) = report.tests
    # The proof that the test means something: the judge was slow 1.2 s writing the input.
    assert len(slow_feeder) >= 5, slow_feeder
    assert test.verdict is Verdict.ACCEPTED, (test.verdict, test.time_ms, test.message)
    # Before: charged every one of the supervisor's absences, 1.2 s and the program's own time besides (now about
    # 0.1-0.2 s, its own reading and summing).
    assert test.time_ms is not None and test.time_ms < 1000 * sum(slow_feeder) / 2, (
        test.time_ms,
        slow_feeder,
    )


def test_a_cpp_program_is_credited_the_judges_slowness_to_write_its_input_and_never_its_own_sleeps(
    slow_feeder, sandbox, judge_settings
):
    # One compile, one process: the first test reads its input as the harness does; the second through the
    # program's own read, which takes all the pipe holds and then sleeps SLEEP_MS before the harness reads again and
    # waits for the slow supervisor. Each sleep lies within the supervisor's slowness: credited whenever the thread
    # was found blocked at the write, the sleeps were taken off with it (charged 69 ms for seven sleeps, 210 ms).
    source = CPP.replace("SLEEP_MS", str(SLEEP_MS))
    report = run_request(_request("cpp", source, [1, 0]), sandbox, judge_settings)
    honest, sleepy = report.tests
    assert [honest.verdict, sleepy.verdict] == [Verdict.ACCEPTED] * 2, report.tests
    assert len(slow_feeder) >= 10, slow_feeder
    slow_ms = 1000 * sum(slow_feeder) / 2  # each test's
    # Before: charged the supervisor's absences (1.2 s) as the program's own.
    assert honest.time_ms is not None and honest.time_ms < slow_ms / 2, (honest.time_ms, slow_ms)
    # Every piece read is followed by a sleep: seven at least, none taken off.
    assert sleepy.time_ms is not None and sleepy.time_ms >= 7 * SLEEP_MS, sleepy.time_ms
