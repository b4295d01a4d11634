"""A compiler's output costs the judge's own CPU, outside every sandbox limit: each write it woke for cost the judge a
wake-up and a read. A compile writing its diagnostics in many small pieces (the assembler writes each `.error` of a
`.rept` as a write of its own, 17 bytes) cost the judge 0.2-0.6 s of CPU per Run, up to the 1 MiB output cap; the
compiler's stdout and stderr are now files in memory that the judge reads once
(judge.sandbox_channels.output_file). Other one-shot runs' pipes are read at the test supervisor's pace
(judge.read_spacing)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from judge.bank import load_question
from judge.collector import Collector
from judge.read_spacing import EAGER_READS, READ_SPACING_S
from judge.runner import run_request
from judge.sandbox_limits import Limits
from judge.schemas import RunLimits, RunRequest, Verdict
from tests.judge.conftest import run_source

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")

# Each makes its compiler write as many short diagnostics as it will, a write each.
CHATTY = {
    # The assembler: "main.cpp:5: Error: \n" per repetition, each after a little work (100 nops).
    "cpp": """
asm(".rept 200000\\n.error \\"\\"\\n.rept 100\\nnop\\n.endr\\n.endr");
class Solution {
public:
    int sumPair(int a, int b) { return a + b; }
};
""",
    # javac stops at 100 errors (-Xmaxerrs) and prints no warnings (-nowarn): 2,000 undefined names make 100.
    "java": "class Solution {\n    public int sumPair(int a, int b) {\n        int s = 0;\n"
    + "".join(f"        s += undefined{i};\n" for i in range(2000))
    + "        return s;\n    }\n}\n",
}


@pytest.mark.parametrize("language", sorted(CHATTY))
def test_a_compiler_writing_in_small_pieces_costs_the_judge_almost_nothing(language, sandbox, judge_settings):
    request = RunRequest.for_question(QUESTION, language=language, source=CHATTY[language], mode="run")
    request = request.model_copy(update={"limits": RunLimits(compile_s=30)})
    cpu = time.thread_time()  # the compiler's output is read in this thread; the compiler runs in the sandbox
    report = run_request(request, sandbox, judge_settings)
    cpu = time.thread_time() - cpu
    assert report.verdict is Verdict.COMPILE_ERROR, report
    assert "Error" in report.compile_output or "error" in report.compile_output, report.compile_output[:300]
    # Before: 0.2-0.6 s for the C++ compile (a wake-up, a read and the cgroup's CPU counter for every few writes).
    # Now 0.02-0.05 s, what an honest compile costs the judge (0.02 s), the first compile and its fallback included.
    assert cpu < 0.12, f"the judge spent {cpu:.2f} s of its own CPU on the compiler's output"


# Writes a byte to stderr at a time for about a second, a few microseconds apart.
DRIP = """
import os, time
end = time.monotonic() + 1.0
while time.monotonic() < end:
    os.write(2, b"x")
    until = time.perf_counter() + 5e-6
    while time.perf_counter() < until:
        pass
"""


def test_a_one_shot_run_writing_a_byte_at_a_time_is_read_at_the_supervisors_pace(
    sandbox, scratch, monkeypatch
):
    reads: list[int] = []
    drain = Collector._drain

    def count(self: Collector, fd: int) -> bool:
        reads.append(fd)
        return drain(self, fd)

    monkeypatch.setattr(Collector, "_drain", count)
    started = time.monotonic()
    result = run_source(sandbox, scratch, "python", DRIP, limits=Limits(wall_s=10, cpu_s=5))
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result
    assert result.stderr.startswith(b"xxxx")  # what it wrote is still read
    # Before: a read for (nearly) every write, tens of thousands in its second. Now the eager reads, then one every
    # READ_SPACING_S, of each of its three streams (ends of file included).
    bound = 3 * (EAGER_READS + elapsed / READ_SPACING_S + 2)
    assert len(reads) <= bound, f"{len(reads)} reads in {elapsed:.2f} s (at most {bound:.0f})"
