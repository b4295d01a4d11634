"""CPU time a program's threads use between two tests, after its record and before the next frame, is charged to the
next test: no input is in flight then, but the program runs, while the judge reads, decodes and compares its record
and makes the next frame (judge time the program can make long: a record of a correct answer may carry 16 MB of
numbers the judge decodes besides). Charged to no test, that CPU was free: a thread computed 0.15 s after each of
five tests, all `accepted` and charged 11-49 ms each (2026-12-06)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

import judge.supervisor as supervisor
from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict

pytestmark = pytest.mark.sandbox

TESTS = 5
# The judge holds each test's record (decodes it slowly, as it does a padded one) until the program's busiest thread
# has used GAP_CPU_S of CPU since the record arrived (read from the thread's own counters), or GAP_CAP_S have passed:
# the helper computes between the tests however little CPU a loaded host gives it (a fixed 0.3 s sleep gave it
# 0.06-0.07 s a gap at a load of 15-19 on 2 cores), and on an idle host the hold lasts about GAP_CPU_S.
GAP_CPU_S = 0.15
GAP_CAP_S = 10.0
LIMIT_S = 2.0

# twice(n) = 2n. A helper thread computes from the moment the answer is given until the next test's call, and adds
# the CPU time that took to its total, which each call prints (to stdout: a Run shows it) before it answers.
SOURCES = {
    "python": """
import threading, time

between = threading.Event()
paused = threading.Event()
paused.set()
spent = [0.0]


def helper():
    while True:
        between.wait()
        begun = time.thread_time()
        x = 0
        while between.is_set():
            for _ in range(2000):
                x += 1
        spent[0] += time.thread_time() - begun
        paused.set()


threading.Thread(target=helper, daemon=True).start()


def twice(n):
    between.clear()
    paused.wait()
    print("between tests: %.4f s" % spent[0])
    paused.clear()
    between.set()
    return 2 * n
""",
    "cpp": """
#include <atomic>
#include <cstdio>
#include <ctime>
#include <thread>

static std::atomic<bool> between{false}, paused{true};
static std::atomic<long long> spent_ns{0};

static long long thread_ns() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void helper() {
    volatile unsigned long x = 0;
    for (;;) {
        while (!between.load()) std::this_thread::yield();
        long long begun = thread_ns();
        while (between.load()) x = x + 1;
        spent_ns += thread_ns() - begun;
        paused = true;
    }
}

static std::thread started(helper);

class Solution {
public:
    int twice(int n) {
        between = false;
        while (!paused.load()) std::this_thread::yield();
        printf("between tests: %.4f s\\n", spent_ns.load() / 1e9);
        fflush(stdout);
        paused = false;
        between = true;
        return 2 * n;
    }
};
""",
}


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_cpu_time_between_tests_is_charged_to_the_next_test(language, sandbox, judge_settings, monkeypatch):
    decode = supervisor.parse_line
    slowed: list[int] = []
    supervisors: list[supervisor.Supervisor] = []
    init = supervisor.Supervisor.__init__

    def watched_init(self: supervisor.Supervisor, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        supervisors.append(self)

    def threads_ns(sup: supervisor.Supervisor) -> dict[int, int]:
        """Each of the program's threads' CPU time so far (/proc/<tid>/schedstat, as the supervisor reads it)."""
        threads = sup.meter.sample(time.monotonic()).threads or {}
        return {tid: executed for tid, (executed, _) in threads.items()}

    def slow_decode(line: bytes) -> Any:
        # The judge holding each test's record (in its own process, outside every sandbox counter), as it does
        # decoding a record padded with 16 MB of numbers, until the program's helper has computed meanwhile.
        if line.startswith(b'{"n":'):
            slowed.append(len(line))
            sup = supervisors[-1]
            before = threads_ns(sup)
            deadline = time.monotonic() + GAP_CAP_S
            while time.monotonic() < deadline:
                now = threads_ns(sup)
                if max((now[t] - before.get(t, 0) for t in now), default=0) >= GAP_CPU_S * 1e9:
                    break
                time.sleep(0.005)
        return decode(line)

    monkeypatch.setattr(supervisor.Supervisor, "__init__", watched_init)
    monkeypatch.setattr(supervisor, "parse_line", slow_decode)
    request = RunRequest(
        language=language,  # type: ignore[arg-type]
        source=SOURCES[language],
        signature=Signature(function="twice", params=[Param(name="n", type="int")], returns="int"),
        tests=[Case(id=f"t{i}", args=[i], expected=2 * i) for i in range(TESTS)],
        limits=RunLimits(time_limit_s=LIMIT_S, compile_s=30),
    )
    report = run_request(request, sandbox, judge_settings)
    assert len(slowed) >= TESTS, slowed
    assert [t.verdict for t in report.tests] == [Verdict.ACCEPTED] * TESTS, [
        (t.verdict, t.message, t.stderr) for t in report.tests
    ]
    # The helper's CPU time between the tests, as the last test's call read it (every gap but the one after it).
    found = re.search(r"between tests: ([0-9.]+) s", report.tests[-1].stdout or "")
    assert found, report.tests[-1].stdout
    between_s = float(found.group(1))
    assert between_s > 0.5 * GAP_CPU_S * (TESTS - 1), between_s  # the helper did compute between the tests
    charged_s = sum(t.time_ms or 0.0 for t in report.tests[1:]) / 1000
    # Before: tests 1-4 charged 0.1-4 ms each while the helper spent 0.2-0.3 s between each two.
    assert charged_s >= 0.9 * between_s, (charged_s, between_s, [t.time_ms for t in report.tests])
