"""Judge benchmark: per language, one 100-test submission (compile, run, total wall time and CPU) against the
baseline of one process per test (Judge0's way) measured in the same run; the supervisor's cost per test (round
trip, its own CPU, the harness's CPU); and submissions/s with every slot busy.

    .venv/bin/python -m bench judge [--tests 100] [--reps 5] [--languages python,javascript,java,cpp]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from typing import Any

from bench._machine import describe_cpu, describe_syscalls
from judge.bank import Param, Signature, TestCase
from judge.limits import POLICIES
from judge.runner import _process_limits, build_program, run_request
from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from judge.sandbox_process import ProcessEnd
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings, get_settings
from judge.supervisor import Supervisor

SIGNATURE = Signature(
    function="two_sum",
    params=[Param(name="nums", type="int[]"), Param(name="target", type="int")],
    returns="int[]",
)
SOLUTIONS = {
    "python": """
def two_sum(nums, target):
    seen = {}
    for i, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], i]
        seen[x] = i
    return []
""",
    "javascript": """
function twoSum(nums, target) {
  const seen = new Map();
  for (let i = 0; i < nums.length; i++) {
    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
    seen.set(nums[i], i);
  }
  return [];
}
""",
    "java": """
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < nums.length; i++) {
            Integer j = seen.get(target - nums[i]);
            if (j != null) return new int[] {j, i};
            seen.put(nums[i], i);
        }
        return new int[0];
    }
}
""",
    "cpp": """
#include <unordered_map>
#include <vector>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        unordered_map<int, int> seen;
        for (int i = 0; i < (int)nums.size(); i++) {
            auto it = seen.find(target - nums[i]);
            if (it != seen.end()) return {it->second, i};
            seen[nums[i]] = i;
        }
        return {};
    }
};
""",
}
# The targets for one 100-test run on 2 cores (ms, total including compilation).
TARGETS_MS = {"python": 60, "javascript": 150, "java": 800, "cpp": 600}


def make_tests(n: int, size: int = 50, seed: int = 7) -> list[TestCase]:
    rng = random.Random(seed)
    tests: list[TestCase] = []
    while len(tests) < n:
        nums = rng.sample(range(-10_000, 10_000), size)
        i, j = sorted(rng.sample(range(size), 2))
        target = nums[i] + nums[j]
        pairs = [(a, b) for a in range(size) for b in range(a + 1, size) if nums[a] + nums[b] == target]
        if len(pairs) == 1:  # a unique answer, so every correct solution returns the same pair
            k = len(tests)
            tests.append(TestCase(id=f"t{k}", args=[nums, target], expected=[i, j], hidden=k >= 10))
    return tests


class CountingSandbox(Sandbox):
    """The real sandbox, also summing the CPU seconds its processes used (cgroup cpuacct: compilers and supervised
    harnesses alike): a figure that other load on the machine inflates far less than wall time."""

    cpu_s = 0.0

    def run(self, argv, **kw):  # type: ignore[no-untyped-def]
        result = super().run(argv, **kw)
        self.cpu_s += result.cpu_s
        return result

    def start(self, argv, **kw):  # type: ignore[no-untyped-def]
        proc = super().start(argv, **kw)
        finish = proc.finish

        def counted() -> ProcessEnd:
            first = proc._end is None  # finish() is idempotent: count each process once
            end = finish()
            if first:
                self.cpu_s += end.cpu_s
            return end

        proc.finish = counted  # type: ignore[method-assign]
        return proc


def _loadavg() -> float:
    return os.getloadavg()[0]


def bench_language(
    sandbox: CountingSandbox, settings: JudgeSettings, language: str, tests: list[TestCase], reps: int
) -> dict[str, Any]:
    request = RunRequest(language=language, source=SOLUTIONS[language], signature=SIGNATURE, tests=tests,  # type: ignore[arg-type]
                         mode="submit", limits=RunLimits())  # fmt: skip
    run_request(request, sandbox, settings)  # warm-up: page cache, per-host C++ prelude
    compile_ms, run_ms, total_ms, cpu_ms = [], [], [], []
    for _ in range(reps):
        before = sandbox.cpu_s
        t0 = time.monotonic()
        report = run_request(request, sandbox, settings)
        wall_ms = (time.monotonic() - t0) * 1000  # a submit report's own run times are buckets
        cpu_ms.append((sandbox.cpu_s - before) * 1000)
        if report.verdict is not Verdict.ACCEPTED:
            raise SystemExit(f"{language}: benchmark solution was judged {report.verdict}: {report.message}")
        compile_ms.append(report.timings.compile_ms)
        run_ms.append(wall_ms - report.timings.compile_ms)
        total_ms.append(wall_ms)
    return {
        "compile_ms": statistics.median(compile_ms),
        "run_ms": statistics.median(run_ms),
        "total_ms": statistics.median(total_ms),
        "cpu_ms": statistics.median(cpu_ms),
        "supervisor": supervisor_overhead(sandbox, settings, request),
        "baseline": baseline_process_per_test(sandbox, settings, request),
    }


def supervisor_overhead(sandbox: Sandbox, settings: JudgeSettings, request: RunRequest) -> dict[str, float]:
    """Per test in one process: the round trip (input sent -> result read), the supervisor's own CPU (framing,
    the meter's reads, parsing the record) and the harness process's CPU, medians over the request's tests."""
    program = build_program(request, settings)
    policy = POLICIES[request.language]
    round_trip, own_cpu, harness_cpu = [], [], []
    with sandbox.scratch_dir() as build:
        for name, text in program.files.items():
            (build / name).parent.mkdir(parents=True, exist_ok=True)
            (build / name).write_text(text)
        if program.compile_argv is not None:
            sandbox.run(
                program.compile_argv, scratch=build, limits=_compile_limits(), ro_binds=program.ro_binds
            )
        proc = sandbox.start(program.run_argv, limits=_process_limits(request, len(request.tests)),
                             program_dir=build, ro_binds=program.ro_binds, env=program.run_env)  # fmt: skip
        supervisor = Supervisor(proc, output_cap=request.limits.output_bytes)
        try:
            supervisor.start(startup_s=policy.startup_s, load_s=request.limits.time_limit_s)
            for test in request.selected_tests():
                c0, t0 = time.process_time(), time.perf_counter()
                observed = supervisor.run_test(list(test.args), request.limits.time_limit_s)
                round_trip.append(time.perf_counter() - t0)
                own_cpu.append(time.process_time() - c0)
                harness_cpu.append(observed.usage.cpu_s)
        finally:
            supervisor.close()
    return {
        "round_trip_us": statistics.median(round_trip) * 1e6,
        "supervisor_cpu_us": statistics.median(own_cpu) * 1e6,
        "harness_cpu_us": statistics.median(harness_cpu) * 1e6,
    }


def baseline_process_per_test(
    sandbox: Sandbox, settings: JudgeSettings, request: RunRequest
) -> dict[str, float]:
    """The same tests, one fresh sandboxed process per test (compiled once: a lower bound for Judge0, which also
    recompiles per test case)."""
    program = build_program(request, settings)
    tests = request.selected_tests()
    policy = POLICIES[request.language]
    with sandbox.scratch_dir() as build:
        for name, text in program.files.items():
            (build / name).parent.mkdir(parents=True, exist_ok=True)
            (build / name).write_text(text)
        compile_ms = 0.0
        if program.compile_argv is not None:
            t0 = time.monotonic()
            sandbox.run(
                program.compile_argv, scratch=build, limits=_compile_limits(), ro_binds=program.ro_binds
            )
            compile_ms = (time.monotonic() - t0) * 1000
        t0 = time.monotonic()
        for test in tests:
            proc = sandbox.start(program.run_argv, limits=_process_limits(request, 1), program_dir=build,
                                 ro_binds=program.ro_binds, env=program.run_env)  # fmt: skip
            supervisor = Supervisor(proc, output_cap=request.limits.output_bytes)
            try:
                supervisor.start(startup_s=policy.startup_s, load_s=request.limits.time_limit_s)
                observed = supervisor.run_test(list(test.args), request.limits.time_limit_s)
            finally:
                supervisor.close()
            if observed.record is None or not observed.record.get("ok"):
                raise SystemExit(f"baseline run failed: {observed.stderr_tail[-300:]!r}")
        run_ms = (time.monotonic() - t0) * 1000
    return {"compile_ms": compile_ms, "run_ms": run_ms, "per_test_ms": run_ms / len(tests)}


def _compile_limits() -> Limits:
    return Limits(wall_s=60, cpu_s=60, memory_mb=1536, address_space_limit=False, processes=128)


async def throughput(
    settings: JudgeSettings, language: str, tests: list[TestCase], submissions: int
) -> float:
    request = RunRequest(language=language, source=SOLUTIONS[language], signature=SIGNATURE, tests=tests,  # type: ignore[arg-type]
                         mode="submit")  # fmt: skip
    settings = settings.model_copy(update={"queue_size": submissions})
    async with Judge(settings) as judge:
        await asyncio.gather(*(judge.run(request) for _ in range(settings.slots)))  # warm every worker
        t0 = time.monotonic()
        reports = await asyncio.gather(*(judge.run(request) for _ in range(submissions)))
        wall = time.monotonic() - t0
    if any(r.verdict is not Verdict.ACCEPTED for r in reports):
        raise SystemExit(f"{language}: a throughput submission was not accepted")
    return submissions / wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench judge")
    parser.add_argument("--tests", type=int, default=100)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--languages", default="python,javascript,java,cpp")
    parser.add_argument("--submissions", type=int, default=20, help="for the throughput figure")
    args = parser.parse_args(argv)
    settings = get_settings()
    sandbox = CountingSandbox(settings)
    sandbox.self_check()
    tests = make_tests(args.tests)
    languages = [x.strip() for x in args.languages.split(",") if x.strip()]
    load_before = _loadavg()
    cpus = os.cpu_count() or 1
    print(f"judge benchmark: {args.tests} tests per submission, median of {args.reps}, {cpus} cores, "
          f"slots={settings.slots}, load average {load_before:.1f}")  # fmt: skip
    print(f"cpu: {describe_cpu()}")
    print(f"system calls: {describe_syscalls()}")
    header = (f"{'language':<11}{'compile':>9}{'run':>8}{'total':>8}{'target':>8}   "
              f"{'cpu':>7}{'baseline: 1 proc/test':>23}{'per test':>10}{'speed-up':>10}")  # fmt: skip
    print(header)
    print("-" * len(header))
    overheads = {}
    for language in languages:
        r = bench_language(sandbox, settings, language, tests, args.reps)
        overheads[language] = r["supervisor"]
        base = r["baseline"]
        ours = r["run_ms"] + r["compile_ms"]
        theirs = base["run_ms"] + base["compile_ms"]
        print(f"{language:<11}{r['compile_ms']:>7.0f}ms{r['run_ms']:>6.0f}ms{r['total_ms']:>6.0f}ms"
              f"{TARGETS_MS[language]:>6}ms   {r['cpu_ms']:>5.0f}ms{theirs:>21.0f}ms{base['per_test_ms']:>8.1f}ms"
              f"{theirs / ours:>9.1f}x", flush=True)  # fmt: skip
    print()
    for language, sup in overheads.items():
        print(f"supervisor per test, {language}: round trip {sup['round_trip_us']:.0f} us (supervisor CPU "
              f"{sup['supervisor_cpu_us']:.0f} us, harness process CPU {sup['harness_cpu_us']:.0f} us)")  # fmt: skip
    print()
    for language in [x for x in ("python", "javascript") if x in languages]:
        rate = asyncio.run(throughput(settings, language, tests, args.submissions))
        print(f"throughput {language}: {rate:.1f} submissions/s with all {settings.slots} slots busy "
              f"({args.submissions} submissions of {args.tests} tests)", flush=True)  # fmt: skip
    load_after = _loadavg()
    if max(load_before, load_after) > cpus:
        print(f"NOTE: the machine was contended (load average {load_before:.1f} -> {load_after:.1f} on {cpus} "
              f"cores): figures are inflated by other processes.")  # fmt: skip
    return 0
