"""Honest code within the stated limits passes in every language, and just over them fails: 90% of the time limit
on every test (however many tests, however long they take together), 90% of the memory limit in the language's
natural array, 90% of the output cap through every way of writing to stdout; 110% of memory and output fail."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.cgroups import pressure_parent
from judge.limits import POLICIES
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict

pytestmark = pytest.mark.sandbox

LANGUAGES = ["python", "javascript", "java", "cpp"]
SIGNATURE = Signature(
    function="work", params=[Param(name="a", type="int"), Param(name="n", type="long")], returns="int"
)


def _request(
    language: str, source: str, tests: list[Case], limits: RunLimits, mode: str = "run"
) -> RunRequest:
    return RunRequest(
        language=language,  # type: ignore[arg-type]
        source=source,
        signature=SIGNATURE,
        tests=tests,
        mode=mode,  # type: ignore[arg-type]
        limits=limits,
    )


def _cases(count: int, n: int) -> list[Case]:
    return [Case(id=f"t{i}", args=[i, n], expected=i) for i in range(count)]


# work(a, n): spin for n milliseconds of its own clock, then return a.
SPIN = {
    "python": """
import time

def work(a, n):
    end = time.monotonic() + n / 1000
    while time.monotonic() < end:
        pass
    return a
""",
    "javascript": """
function work(a, n) {
  const end = Date.now() + n;
  while (Date.now() < end) {}
  return a;
}
""",
    "java": """
class Solution {
    public int work(int a, long n) {
        long end = System.nanoTime() + n * 1_000_000L;
        while (System.nanoTime() < end) {}
        return a;
    }
}
""",
    "cpp": """
#include <chrono>
class Solution {
public:
    int work(int a, long long n) {
        auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(n);
        while (std::chrono::steady_clock::now() < end) {}
        return a;
    }
};
""",
}

# work(a, n): allocate n bytes in the language's natural big array, touch every page, return a.
ALLOCATE = {
    "python": """
def work(a, n):
    b = bytearray(n)
    for i in range(0, n, 4096):
        b[i] = 1
    return a
""",
    "javascript": """
function work(a, n) {
  const b = Buffer.alloc(n, 1);
  return a + b[n - 1] - 1;
}
""",
    "java": """
import java.util.Arrays;
class Solution {
    public int work(int a, long n) {
        byte[] b = new byte[(int) n];
        Arrays.fill(b, (byte) 1);
        return a + b[b.length - 1] - 1;
    }
}
""",
    "cpp": """
#include <vector>
class Solution {
public:
    int work(int a, long long n) {
        std::vector<char> b(n, 1);
        return a + b[n - 1] - 1;
    }
};
""",
}

# work(a, n): write n bytes to stdout, half through the usual print and half straight to file descriptor 1.
PRINT = {
    "python": """
import os, sys

def work(a, n):
    sys.stdout.write('p' * (n // 2))
    sys.stdout.flush()
    os.write(1, b'w' * (n - n // 2))
    return a
""",
    "javascript": """
const fs = require('fs');
function work(a, n) {
  process.stdout.write('p'.repeat(Math.floor(n / 2)));
  fs.writeSync(1, 'w'.repeat(n - Math.floor(n / 2)));
  return a;
}
""",
    "java": """
import java.io.*;
class Solution {
    public int work(int a, long n) {
        System.out.print("p".repeat((int) (n / 2)));
        System.out.flush();
        try {
            FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
            raw.write("w".repeat((int) (n - n / 2)).getBytes());
        } catch (IOException e) { throw new UncheckedIOException(e); }
        return a;
    }
}
""",
    "cpp": """
#include <bits/stdc++.h>
#include <unistd.h>
class Solution {
public:
    int work(int a, long long n) {
        std::string p(n / 2, 'p'), w(n - n / 2, 'w');
        printf("%s", p.c_str());
        fflush(stdout);
        ssize_t left = (ssize_t)w.size(); const char* s = w.data();
        while (left > 0) { ssize_t k = write(1, s, left); if (k <= 0) break; s += k; left -= k; }
        return a;
    }
};
""",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_test_at_ninety_percent_of_the_time_limit_passes(sandbox, judge_settings, language):
    limits = RunLimits(time_limit_s=0.5, compile_s=30)
    report = run_request(_request(language, SPIN[language], _cases(12, 450), limits), sandbox, judge_settings)
    assert report.verdict is Verdict.ACCEPTED, [(t.id, t.verdict, t.time_ms, t.message) for t in report.tests]
    assert report.processes == 1
    # Each is charged what it ran (its own clock also counts time the host made it wait): never past the limit.
    assert all(t.time_ms is not None and 0 < t.time_ms <= 500 for t in report.tests)


# count(pairs): how many pairs it was given, at once.
COUNT = {
    "javascript": "function count(pairs) { return pairs.length; }\n",
    "java": "class Solution { public int count(int[][] pairs) { return pairs.length; } }\n",
}


@pytest.mark.parametrize("language", sorted(COUNT))
def test_the_harness_decoding_a_large_input_leaves_the_test_its_time(sandbox, judge_settings, language):
    # The largest input a question's tests may hold (tests.json is at most 8 MB): 350,000 pairs, 8.7 MB of JSON. The
    # harness decodes it inside the test's time; Java's tree of boxed values and the garbage collections it caused
    # took 0.6-1.1 s, and Node's reading (each 64 KiB appended to all that came before) 0.4-0.6 s, of a program
    # that answers at once: a correct solution was time_limit. Both now take about a fifth of this limit.
    signature = Signature(function="count", params=[Param(name="pairs", type="int[][]")], returns="int")
    pairs = [[i * 7919 % 1_000_000_007, -i] for i in range(350_000)]
    request = RunRequest(
        language=language,  # type: ignore[arg-type]
        source=COUNT[language],
        signature=signature,
        tests=[Case(id=f"t{i}", args=[pairs], expected=len(pairs)) for i in range(2)],
        limits=RunLimits(time_limit_s=0.5, compile_s=30),
    )
    report = run_request(request, sandbox, judge_settings)
    assert report.verdict is Verdict.ACCEPTED, [(t.id, t.verdict, t.time_ms, t.message) for t in report.tests]


def test_twenty_tests_of_a_second_each_pass_however_long_they_take_together(sandbox, judge_settings):
    # 22 s in one process, more than any per-process cap could allow: each test is judged by its own limit.
    limits = RunLimits(time_limit_s=2.0)
    report = run_request(_request("cpp", SPIN["cpp"], _cases(20, 1100), limits), sandbox, judge_settings)
    assert report.verdict is Verdict.ACCEPTED, [(t.id, t.verdict, t.message) for t in report.tests]
    assert report.timings.run_ms >= 22_000


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_test_over_its_limit_is_the_only_one_marked_time_limit(sandbox, judge_settings, language):
    limits = RunLimits(time_limit_s=0.5, compile_s=30)
    # The slow test spins past twice the limit: killed however loaded the host (waiting earns at most the limit).
    tests = [Case(id="fast", args=[0, 10], expected=0), Case(id="slow", args=[1, 1500], expected=1)]
    tests += [Case(id=f"after{i}", args=[2 + i, 10], expected=2 + i) for i in range(3)]
    report = run_request(_request(language, SPIN[language], tests, limits), sandbox, judge_settings)
    assert {t.id: t.verdict for t in report.tests} == {
        "fast": Verdict.ACCEPTED,
        "slow": Verdict.TIME_LIMIT,
        "after0": Verdict.ACCEPTED,
        "after1": Verdict.ACCEPTED,
        "after2": Verdict.ACCEPTED,
    }


def _past_the_ceiling_mb(language: str, mb: int) -> int:
    """Just past what the language may really use: the stated limit plus its documented runtime allowance."""
    policy = POLICIES[language]
    if policy.address_space_mb is not None:
        return max(mb + policy.address_space_mb, policy.run_memory_mb(mb)) + 16
    return policy.run_memory_mb(mb) + 16  # the run's cgroup (its /tmp and /work inside it)


@pytest.mark.parametrize("language", LANGUAGES)
def test_ninety_percent_of_the_memory_limit_fits_and_past_its_ceiling_does_not(
    sandbox, judge_settings, language
):
    mb = 256
    limits = RunLimits(memory_mb=mb, time_limit_s=10, compile_s=30)
    tests = [
        Case(id="ninety", args=[0, int(0.9 * mb) << 20], expected=0),
        Case(id="java-172mib", args=[1, 172 << 20], expected=1),
        Case(id="past", args=[2, _past_the_ceiling_mb(language, mb) << 20], expected=2),
    ]
    report = run_request(_request(language, ALLOCATE[language], tests, limits), sandbox, judge_settings)
    verdicts = {t.id: t.verdict for t in report.tests}
    assert verdicts["ninety"] is Verdict.ACCEPTED, report.tests[0].message
    assert verdicts["java-172mib"] is Verdict.ACCEPTED, report.tests[1].message
    assert verdicts["past"] is Verdict.MEMORY_LIMIT, report.tests[2].message


def test_a_cpp_global_array_past_the_memory_limit_is_memory_limit_and_ninety_percent_fits(
    sandbox, judge_settings
):
    # `static int table[N];` as competitive programmers write it. Past the limit, the kernel cannot map it while it
    # executes the program (SIGSEGV before main): reported as a crash, "segmentation fault", not the memory limit.
    mb = 128
    source = """
static int table[__N__];
class Solution {
public:
    int work(int a, long long n) { table[n % __N__] += a; return table[(n + 1) % __N__] == 7 ? 7 : a; }
};
"""
    limits = RunLimits(memory_mb=mb, time_limit_s=5, compile_s=30)
    for ints, verdict in ((int(0.9 * mb) << 18, Verdict.ACCEPTED), ((mb + 64) << 18, Verdict.MEMORY_LIMIT)):
        request = _request("cpp", source.replace("__N__", str(ints)), _cases(2, 3), limits)
        report = run_request(request, sandbox, judge_settings)
        assert [t.verdict for t in report.tests] == [verdict] * 2, report.tests[0].message
        if verdict is Verdict.MEMORY_LIMIT:
            assert "static data" in (report.tests[0].message or "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_output_counts_however_it_is_written_and_ninety_percent_passes(sandbox, judge_settings, language):
    cap = 200_000
    limits = RunLimits(output_bytes=cap, compile_s=30)
    tests = [
        Case(id="ninety", args=[0, int(0.9 * cap)], expected=0),
        Case(id="over", args=[1, int(1.1 * cap)], expected=1),
    ]
    report = run_request(_request(language, PRINT[language], tests, limits), sandbox, judge_settings)
    ninety, over = report.tests
    assert ninety.verdict is Verdict.ACCEPTED, ninety.message
    assert over.verdict is Verdict.OUTPUT_LIMIT, over.message
    # The excerpt shows what was printed, whichever way: the buffered print first.
    assert ninety.stdout is not None and ninety.stdout.startswith("ppp")


def test_cpp_printf_and_cout_count_the_same_and_show_in_the_excerpt(sandbox, judge_settings):
    source = (
        "#include <bits/stdc++.h>\nclass Solution {\npublic:\n    int work(int a, long long n) {\n"
        '        for (long long i = 0; i < n / 10; i++) { if (a) printf("printf%04lld", i % 10000); '
        'else std::cout << "cout__" << std::setw(4) << i % 10000; }\n        return a;\n    }\n};\n'
    )
    limits = RunLimits(output_bytes=200_000, compile_s=30)
    # ~180 kB of debug output each way: both within the cap, both in the excerpts.
    tests = [Case(id="cout", args=[0, 180_000], expected=0), Case(id="printf", args=[1, 180_000], expected=1)]
    report = run_request(_request("cpp", source, tests, limits), sandbox, judge_settings)
    cout, printf = report.tests
    assert cout.verdict is printf.verdict is Verdict.ACCEPTED
    assert cout.stdout is not None and cout.stdout.startswith("cout__")
    assert printf.stdout is not None and printf.stdout.startswith("printf0000")


# work(a, n): n helpers (threads in C++, child processes in Python) each burn 0.3 s of their own CPU time.
HELPERS = {
    "cpp": """
#include <pthread.h>
#include <time.h>
#include <thread>
#include <vector>
static void burn() {
    timespec ts;
    do { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); } while (ts.tv_sec * 1000000000LL + ts.tv_nsec < 300000000LL);
}
class Solution {
public:
    int work(int a, long long n) {
        std::vector<std::thread> threads;
        for (long long i = 0; i < n; i++) threads.emplace_back(burn);
        for (auto& t : threads) t.join();
        return a;
    }
};
""",
    "python": """
import os, time

def work(a, n):
    children = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            while time.process_time() < 0.3:
                pass
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    return a
""",
}


@pytest.mark.parametrize("language", ["cpp", "python"])
def test_cpu_of_every_thread_and_child_process_counts_against_the_time_limit(
    sandbox, judge_settings, language
):
    # Four helpers burn 1.2 s of CPU in about 0.6 s on two cores: over a 1 s limit by CPU time alone.
    limits = RunLimits(time_limit_s=1.0, compile_s=30)
    tests = [Case(id="one", args=[0, 1], expected=0), Case(id="four", args=[1, 4], expected=1)]
    report = run_request(_request(language, HELPERS[language], tests, limits), sandbox, judge_settings)
    assert {t.id: t.verdict for t in report.tests} == {"one": Verdict.ACCEPTED, "four": Verdict.TIME_LIMIT}


def test_one_thread_just_past_the_limit_is_time_limit_and_just_under_it_passes(sandbox, judge_settings):
    # Past the limit on its own CPU clock: 560 ms of CPU against 500 is time_limit however loaded the host is (the
    # CPU limit, or the wall cap of twice the limit). Just under it on the wall clock: 450 ms passes however long
    # the program waited for a CPU meanwhile. (A CPU-clock spinner at 450 ms passes only while it gets at least
    # 45 % of a CPU: past the wall cap, the most waiting can earn, it is time_limit by design.)
    limits = RunLimits(time_limit_s=0.5)
    on_cpu = SPIN["python"].replace("time.monotonic()", "time.process_time()")
    tests = [Case(id="under", args=[0, 450], expected=0), Case(id="after", args=[2, 0], expected=2)]
    report = run_request(_request("python", SPIN["python"], tests, limits), sandbox, judge_settings)
    assert {t.id: t.verdict for t in report.tests} == {"under": Verdict.ACCEPTED, "after": Verdict.ACCEPTED}
    tests = [Case(id="over", args=[1, 560], expected=1), Case(id="after", args=[2, 0], expected=2)]
    report = run_request(_request("python", on_cpu, tests, limits), sandbox, judge_settings)
    assert {t.id: t.verdict for t in report.tests} == {"over": Verdict.TIME_LIMIT, "after": Verdict.ACCEPTED}


# work(a, n): test 0 forks four helpers (processes: Python threads would take turns on the GIL instead of waiting
# for a CPU) that share one CPU for n ms, each waiting for it most of that time: waiting "banked" in that test;
# then they block. Test 1 wakes them (they run again, that waiting behind them) and sleeps n ms. Measured from a
# stale baseline (say, the helpers as test 0 began) test 1 would be discounted the banked waiting and pass a sleep
# past its limit.
BANKED_WAITING = """
import os, time

_wake = []


def _helper(cpu, until, wake):
    os.sched_setaffinity(0, {cpu})
    while time.monotonic() < until:
        pass
    os.read(wake, 1)
    end = time.monotonic() + 0.002
    while time.monotonic() < end:
        pass
    os.read(wake, 1)
    os._exit(0)


def work(a, n):
    if a == 0:
        cpu = min(os.sched_getaffinity(0))
        until = time.monotonic() + n / 1000
        for _ in range(4):
            r, w = os.pipe()
            if os.fork() == 0:
                _helper(cpu, until, r)
            _wake.append(w)
        time.sleep(n / 1000 + 0.05)
    elif a == 1:
        for w in _wake:
            os.write(w, b"x")
        time.sleep(n / 1000)
    return a
"""


def test_waiting_banked_by_helpers_in_an_earlier_test_does_not_stretch_a_later_one(sandbox, judge_settings):
    limits = RunLimits(time_limit_s=0.5)
    tests = [Case(id="bank", args=[0, 300], expected=0), Case(id="spend", args=[1, 650], expected=1)]
    tests.append(Case(id="after", args=[2, 0], expected=2))
    report = run_request(_request("python", BANKED_WAITING, tests, limits), sandbox, judge_settings)
    verdicts = {t.id: t.verdict for t in report.tests}
    assert verdicts == {"bank": Verdict.ACCEPTED, "spend": Verdict.TIME_LIMIT, "after": Verdict.ACCEPTED}
    assert report.processes == 2  # the time-out ended the first process: the helpers lived through "spend"


# work(a, n): test `a` > 0 starts eight helpers (processes in Python, threads in C++) pinned to one CPU, each running
# 100 ms of its own CPU time there, so that each waits for that CPU behind the others most of the time; then the test
# sleeps n ms. Its own time is at least 0.8 s of the helpers' CPU on one CPU, plus the sleep, however loaded the host:
# what other work there was on that CPU took the helpers' time too, and is all the waiting it explains.
CROWD = {
    "python": """
import os, time

def work(a, n):
    if a > 0:
        cpu = min(os.sched_getaffinity(0))
        children = []
        for _ in range(8):
            pid = os.fork()
            if pid == 0:
                os.sched_setaffinity(0, {cpu})
                while time.process_time() < 0.1:
                    pass
                os._exit(0)
            children.append(pid)
        for pid in children:
            os.waitpid(pid, 0)
    time.sleep(n / 1000)
    return a
""",
    "cpp": """
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <thread>
#include <vector>
static void burn(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    timespec ts;
    do { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); } while (ts.tv_sec * 1000000000LL + ts.tv_nsec < 100000000LL);
}
class Solution {
public:
    int work(int a, long long n) {
        if (a > 0) {
            cpu_set_t set;
            sched_getaffinity(0, sizeof set, &set);
            int cpu = 0;
            while (!CPU_ISSET(cpu, &set)) cpu++;
            std::vector<std::thread> threads;
            for (int i = 0; i < 8; i++) threads.emplace_back(burn, cpu);
            for (auto& t : threads) t.join();
        }
        usleep(n * 1000);
        return a;
    }
};
""",
}


@pytest.mark.parametrize("language", ["python", "cpp"])
def test_waiting_behind_the_programs_own_helpers_is_charged_to_it(sandbox, judge_settings, language):
    # 0.8 s on one CPU and a 0.5 s sleep: 1.3 s of its own against a 1 s limit. Each helper's waiting for the CPU
    # behind the others (0.7 s for the last) was credited as waiting for a CPU, and the test passed at 1.35 s of wall
    # time on an idle host (charged 0.6 s). The same sleep alone passes.
    limits = RunLimits(time_limit_s=1.0, compile_s=30)
    tests = [Case(id="crowd", args=[1, 500], expected=1), Case(id="alone", args=[0, 500], expected=0)]
    report = run_request(_request(language, CROWD[language], tests, limits), sandbox, judge_settings)
    assert {t.id: t.verdict for t in report.tests} == {"crowd": Verdict.TIME_LIMIT, "alone": Verdict.ACCEPTED}


# work(a, n): reads one file of the runtime's (its path in the source), a chunk at a time, for n ms of its own clock.
READS = """
import os, time

def work(a, n):
    fd = os.open(PATH, os.O_RDONLY)
    size, offset = os.fstat(fd).st_size, 0
    end = time.monotonic() + n / 1000
    while time.monotonic() < end:
        os.pread(fd, 1 << 18, offset)
        offset = (offset + (1 << 18)) % size
    os.close(fd)
    return a
"""


@contextlib.contextmanager
def _evicted(path: str) -> Iterator[None]:
    """The host keeps dropping `path` from its page cache (as memory pressure or proactive reclaim would): every read
    of it waits for the disk."""
    stop = threading.Event()

    def evict() -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            while not stop.wait(0.0005):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)

    thread = threading.Thread(target=evict, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _evictable_source(judge_settings) -> tuple[str, str]:
    """The largest of the runtime's stdlib sources (never mapped by a process, so the host can evict it), and READS
    reading it."""
    assert pressure_parent() is not None, (
        "runs get no cgroup v2 group with io.pressure on this host (root, cgroup v2)"
    )
    stdlib = subprocess.run(
        [judge_settings.python_bin, "-c", "import os; print(os.path.dirname(os.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    path = str(max(Path(stdlib).rglob("*.py"), key=lambda p: p.stat().st_size))
    return path, f"PATH = {path!r}\n" + READS


def test_waiting_for_the_disk_is_not_charged_but_earns_no_more_than_the_limit(sandbox, judge_settings):
    # A correct program whose runtime's files the host evicts from its page cache reads them from disk again, in
    # the kernel, neither running nor waiting for a CPU. That time was charged as its own. Now it counts as waiting,
    # like waiting for a CPU, and like it earns at most the limit again.
    path, source = _evictable_source(judge_settings)
    limits = RunLimits(time_limit_s=1.0)
    tests = [Case(id="within", args=[0, 1400], expected=0), Case(id="beyond", args=[1, 2600], expected=1)]
    tests.append(Case(id="after", args=[2, 0], expected=2))
    with _evicted(path):
        report = run_request(_request("python", source, tests, limits), sandbox, judge_settings)
    seen = [(t.id, t.verdict, t.time_ms) for t in report.tests]
    verdicts = {t.id: t.verdict for t in report.tests}
    assert verdicts == {
        "within": Verdict.ACCEPTED,
        "beyond": Verdict.TIME_LIMIT,
        "after": Verdict.ACCEPTED,
    }, seen


def test_waiting_for_the_disk_in_an_earlier_test_earns_a_later_one_nothing(sandbox, judge_settings):
    # Only the disk waiting of the test at hand counts. The first test reads from the disk for 0.7 s against a 0.5 s
    # limit, accepted only because its waiting is not charged (the test above shows it would be time_limit); the
    # second sleeps 0.65 s without touching the disk, and is charged all of it. (Each thread's block I/O delay,
    # which the judge read before, credited a sleeping program with waiting it never did on this host's kernel.)
    path, source = _evictable_source(judge_settings)
    source += (
        "\n_work = work\n\ndef work(a, n):\n    if a == 1:\n        time.sleep(n / 1000)\n        return a\n"
    )
    source += "    return _work(a, n)\n"
    limits = RunLimits(time_limit_s=0.5)
    tests = [Case(id="disk", args=[0, 700], expected=0), Case(id="sleep", args=[1, 650], expected=1)]
    with _evicted(path):
        report = run_request(_request("python", source, tests, limits), sandbox, judge_settings)
    seen = [(t.id, t.verdict, t.time_ms) for t in report.tests]
    assert {t.id: t.verdict for t in report.tests} == {
        "disk": Verdict.ACCEPTED,
        "sleep": Verdict.TIME_LIMIT,
    }, seen
