"""The results channel costs the judge's own CPU, outside every sandbox limit: a program that floods it with lines
that are not its record is ended after a few, in all four languages, instead of having the judge decode them for as
long as the test lasts (a second of the judge's CPU per second of the test, for almost none of the program's own)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from judge.bank import load_question
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.supervisor import EAGER_READS, READ_SPACING_S, Supervisor

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
LIMITS = RunLimits(time_limit_s=1.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)

# Each writes lines of `{}` (a JSON object, decoded and ignored) to its results channel for as long as it may: the
# harness's own descriptor where the program can name it, else every writable pipe past stderr.
FLOODS = {
    "python": """
import __main__, os

def sum_pair(a, b):
    lines = b"{}\\n" * 21845
    while True:
        os.write(__main__._RES, lines)
""",
    "javascript": """
const fs = require('fs');
function sumPair(a, b) {
  const lines = Buffer.from('{}\\n'.repeat(21845));
  for (;;) fs.writeSync(3, lines);
}
""",
    "java": """
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;

class Solution {
    public int sumPair(int a, int b) throws Exception {
        byte[] lines = "{}\\n".repeat(21845).getBytes(StandardCharsets.US_ASCII);
        try (FileOutputStream out = new FileOutputStream("/proc/self/fd/3")) {
            for (;;) out.write(lines);
        }
    }
}
""",
    "cpp": """
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string>

class Solution {
public:
    int sumPair(int a, int b) {
        std::string lines;
        for (int i = 0; i < 21845; i++) lines += "{}\\n";
        for (;;) {
            for (int fd = 3; fd < 64; fd++) {
                struct stat st;
                int flags = fcntl(fd, F_GETFL);
                if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && flags >= 0 && (flags & O_ACCMODE) == O_WRONLY)
                    (void)!write(fd, lines.data(), lines.size());
            }
        }
    }
};
""",
}


@pytest.mark.parametrize("language", sorted(FLOODS))
def test_a_flood_of_lines_on_the_results_channel_is_ended_without_costing_the_judge_its_cpu(
    language, sandbox, judge_settings
):
    tests = [t for t in QUESTION.tests if not t.hidden][:2]
    request = RunRequest.for_question(QUESTION, language=language, source=FLOODS[language], mode="run")
    request = request.model_copy(update={"tests": tests, "limits": LIMITS})
    cpu = time.thread_time()  # the supervisor runs in this thread; the sandbox and the compiler do not
    report = run_request(request, sandbox, judge_settings)
    cpu = time.thread_time() - cpu
    # Before: each test lasted its whole limit with the judge decoding lines all the while (about 1 s of CPU each).
    # Now it reads judge.supervisor.STRAY_LINES of them and ends the process: milliseconds, a process start included.
    assert cpu < 0.3, f"the judge spent {cpu:.2f} s of its own CPU on {len(tests)} tests"
    assert [t.verdict for t in report.tests] == [Verdict.OUTPUT_LIMIT] * len(tests), report


# Each writes one byte at a time, as fast as its runtime allows less a few microseconds (under the output cap for the
# test's second), to stdout, or (Python's second) to its results channel with no end of line: every write woke the
# judge, whose wake-up costs it far more than the write did.
DRIPS = {
    "python": """
import os, time

def sum_pair(a, b):
    while True:
        os.write(1, b"x")
        until = time.perf_counter() + 5e-6
        while time.perf_counter() < until:
            pass
""",
    "python-results": """
import __main__, os, time

def sum_pair(a, b):
    while True:
        os.write(__main__._RES, b" ")
        until = time.perf_counter() + 5e-6
        while time.perf_counter() < until:
            pass
""",
    "javascript": """
const fs = require('fs');
function sumPair(a, b) {
  for (;;) {
    fs.writeSync(1, 'x');
    const until = process.hrtime.bigint() + 5000n;
    while (process.hrtime.bigint() < until) {}
  }
}
""",
    "java": """
import java.io.FileDescriptor;
import java.io.FileOutputStream;

class Solution {
    public int sumPair(int a, int b) throws Exception {
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        for (;;) {
            out.write('x');
            long until = System.nanoTime() + 5000;
            while (System.nanoTime() < until) {}
        }
    }
}
""",
    "cpp": """
#include <unistd.h>
#include <chrono>

class Solution {
public:
    int sumPair(int a, int b) {
        for (;;) {
            (void)!write(1, "x", 1);
            auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(5);
            while (std::chrono::steady_clock::now() < until) {}
        }
    }
};
""",
}


@pytest.mark.parametrize("case", sorted(DRIPS))
def test_a_program_writing_a_byte_at_a_time_does_not_keep_the_judge_awake(
    case, sandbox, judge_settings, monkeypatch
):
    language = case.split("-")[0]
    tests = [t for t in QUESTION.tests if not t.hidden][:1]
    request = RunRequest.for_question(QUESTION, language=language, source=DRIPS[case], mode="run")
    request = request.model_copy(update={"tests": tests, "limits": LIMITS})
    reads: list[int] = []
    counted = Supervisor._space_reads

    def count(self: Supervisor, fd: int, w: Any, now: float) -> None:
        reads.append(fd)
        counted(self, fd, w, now)

    monkeypatch.setattr(Supervisor, "_space_reads", count)
    started = time.monotonic()
    report = run_request(request, sandbox, judge_settings)
    elapsed = time.monotonic() - started
    # Before: the judge woke for (nearly) every write, a core's worth of its CPU for the test's whole second (a
    # wake-up costs it about 40 us). Now it reads a stream at most every READ_SPACING_S once the program has shown
    # what it is doing. Counted, not timed (a CPU-time bound failed on a loaded box): per stream and phase the eager
    # reads, then one per spacing for as long as the run took.
    streams, phases = 3, 4
    bound = streams * (phases * EAGER_READS + elapsed / READ_SPACING_S + 1)
    assert len(reads) <= bound, f"{len(reads)} reads in {elapsed:.2f} s (at most {bound:.0f})"
    assert report.tests[0].verdict is Verdict.TIME_LIMIT, report
    if case != "python-results":
        assert (report.tests[0].stdout or "").startswith("xxxx")  # what it wrote is still read and shown
