"""Runs one request in the local sandbox: compile once, run every test in one process, resume after a crash."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from judge import harness_cpp, harness_java, harness_javascript, harness_python
from judge.errors import JudgeError
from judge.harness_base import INPUT_FILE, HarnessProgram, run_args
from judge.sandbox import Limits, Sandbox, SandboxResult, worker_sandbox
from judge.schemas import RunReport, RunRequest, TestResult, Timings, Verdict
from judge.settings import JudgeSettings, get_settings
from judge.verdict import (
    ProcessOutcome,
    crash_verdict,
    judge_record,
    overall_verdict,
    parse_records,
    redact,
    unreported,
)

log = logging.getLogger(__name__)

# Start-up allowance on top of per-test time when setting a process's wall deadline.
_STARTUP_SLACK_S = {"python": 1.0, "javascript": 1.0, "java": 2.0, "cpp": 1.0}
# All run processes of one request together never exceed this; tests left over get time_limit.
JOB_BUDGET_S = 60.0
_COMPILE_OUTPUT_CHARS = 8000
# Record kinds after which the harness ends its own process.
_PROCESS_ENDING = frozenset({"timeout", "output", "crash"})


def build_program(request: RunRequest, settings: JudgeSettings, *, portable: bool = False) -> HarnessProgram:
    """The harness for the request's language, using the toolchain paths in `settings`. `portable` programs
    need nothing from this host's build cache (for running elsewhere, e.g. Judge0)."""
    sig, src = request.signature, request.source
    if request.language == "python":
        return harness_python.build(sig, src, settings.python_bin)
    if request.language == "javascript":
        return harness_javascript.build(sig, src, settings.node_bin, request.limits.memory_mb)
    if request.language == "java":
        return harness_java.build(
            sig, src, settings.java_bin, settings.javac_bin, request.limits.memory_mb, portable=portable
        )
    return harness_cpp.build(sig, src, settings.cxx_bin, portable=portable)


def execute_job(payload: dict[str, Any]) -> dict[str, Any]:
    """Pool job: `{"request": RunRequest}` -> RunReport, both as JSON-able dicts. Runs inside a judge worker."""
    request = RunRequest.model_validate(payload["request"])
    return run_request(request, worker_sandbox(), get_settings()).model_dump(mode="json")


def run_request(request: RunRequest, sandbox: Sandbox, settings: JudgeSettings) -> RunReport:
    """Judge one request; any failure of ours becomes an `internal_error` report, never a candidate verdict."""
    started = time.monotonic()
    try:
        report = _run(request, sandbox, settings)
    except JudgeError as exc:
        log.error("judge run failed: %s (%s)", exc.code, type(exc).__name__)
        report = internal_error_report(request, "the judge failed to run this code; please try again")
    except Exception:
        log.exception("judge run failed with an unexpected error")
        report = internal_error_report(request, "the judge failed to run this code; please try again")
    report.timings.total_ms = round((time.monotonic() - started) * 1000, 1)
    return report


def internal_error_report(request: RunRequest, message: str, backend: str = "local") -> RunReport:
    tests = request.selected_tests()
    results = [TestResult(id=t.id, verdict=Verdict.INTERNAL_ERROR, hidden=t.hidden) for t in tests]
    return RunReport(
        verdict=Verdict.INTERNAL_ERROR,
        language=request.language,
        mode=request.mode,
        tests=results,
        total=len(tests),
        message=message,
        backend=backend,
    )


def _run(request: RunRequest, sandbox: Sandbox, settings: JudgeSettings) -> RunReport:
    tests = request.selected_tests()
    program = build_program(request, settings)
    timings = Timings()
    with sandbox.scratch_dir() as scratch:
        _write_files(scratch, program)
        (scratch / INPUT_FILE).write_text(json.dumps([t.args for t in tests]), encoding="utf-8")
        if program.compile_argv is not None:
            t0 = time.monotonic()
            compiled = sandbox.run(
                program.compile_argv,
                scratch=scratch,
                limits=_compile_limits(request, program),
                ro_binds=program.ro_binds,
            )
            timings.compile_ms = round((time.monotonic() - t0) * 1000, 1)
            if _failed_to_start(compiled):
                raise _StartFailure()
            if compiled.exit_code != 0 and program.fallback is not None:
                program = program.fallback
                _write_files(scratch, program)
                compiled = sandbox.run(
                    program.compile_argv or [],
                    scratch=scratch,
                    limits=_compile_limits(request, program),
                    ro_binds=program.ro_binds,
                )
                timings.compile_ms = round((time.monotonic() - t0) * 1000, 1)
            if compiled.exit_code != 0:
                return _compile_failure(request, compiled, timings)
        t0 = time.monotonic()
        results, processes, fatal = _run_tests(request, program, sandbox, scratch)
        timings.run_ms = round((time.monotonic() - t0) * 1000, 1)
    if fatal is not None and fatal.get("fatal") == "compile":
        return make_report(
            request,
            [all_tests_result(t, Verdict.COMPILE_ERROR, None) for t in tests],
            timings,
            processes,
            compile_output=str(fatal.get("msg", ""))[:_COMPILE_OUTPUT_CHARS],
        )
    return make_report(request, results, timings, processes)


def _write_files(scratch: Path, program: HarnessProgram) -> None:
    for name, text in program.files.items():
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).write_text(text, encoding="utf-8")


def _run_tests(
    request: RunRequest, program: HarnessProgram, sandbox: Sandbox, scratch: Path
) -> tuple[list[TestResult], int, dict[str, Any] | None]:
    tests = request.selected_tests()
    n = len(tests)
    per_test_s = request.limits.time_limit_s
    per_test_ms = per_test_s * 1000
    results: list[TestResult] = []
    processes = 0
    budget_end = time.monotonic() + JOB_BUDGET_S
    start = 0
    while start < n:
        if time.monotonic() >= budget_end:
            results += [
                unreported(t, Verdict.TIME_LIMIT, "not run: the run's time budget was exhausted")
                for t in tests[start:]
            ]
            break
        limits = run_limits(request, program, n - start, budget_end - time.monotonic())
        argv = program.run_argv + run_args(start, int(per_test_ms), request.limits.output_bytes)
        res = sandbox.run(argv, scratch=scratch, limits=limits, ro_binds=program.ro_binds)
        processes += 1
        if _failed_to_start(res):
            raise _StartFailure()
        parsed = parse_records(res.results, start, n)
        if parsed.fatal is not None:
            kind = parsed.fatal.get("fatal")
            if kind == "compile":
                return [], processes, parsed.fatal
            msg = str(parsed.fatal.get("msg", "the code could not be loaded"))
            verdict = Verdict.TIME_LIMIT if parsed.fatal.get("kind") == "timeout" else Verdict.RUNTIME_ERROR
            results += [all_tests_result(t, verdict, msg) for t in tests[start:]]
            break
        for rec in parsed.records:
            test = tests[rec["i"]]
            results.append(
                judge_record(
                    test,
                    rec,
                    returns=request.signature.returns,
                    compare=request.compare,
                    time_limit_ms=per_test_ms,
                )
            )
        start += len(parsed.records)
        if start >= n:
            break
        if parsed.records and parsed.records[-1].get("kind") in _PROCESS_ENDING:
            continue  # the harness ended its own process after a timeout / output flood: resume at the next test
        # The process ended before reporting tests[start]: that test gets the crash's verdict; the rest go on in
        # a fresh process.
        verdict, message = crash_verdict(_outcome(res))
        time_ms = per_test_ms if verdict is Verdict.TIME_LIMIT else None
        results.append(unreported(tests[start], verdict, message, time_ms))
        start += 1
    return results, processes, None


class _StartFailure(JudgeError):
    """The run process could not be started (missing runtime): the judge's fault."""

    code = "judge_internal"


def _failed_to_start(res: SandboxResult) -> bool:
    """bwrap could not exec the runtime or compiler (missing toolchain): the judge's fault, not the candidate's."""
    return res.exit_code != 0 and not res.results and res.stderr.startswith(b"bwrap: execvp")


def _outcome(res: SandboxResult) -> ProcessOutcome:
    return ProcessOutcome(
        exit_code=res.exit_code,
        signal=res.signal,
        timed_out=res.timed_out,
        cpu_exceeded=res.cpu_exceeded,
        memory_exceeded=res.memory_exceeded,
        output_exceeded=res.output_exceeded,
        stderr=res.stderr,
    )


def run_limits(request: RunRequest, program: HarnessProgram, remaining: int, budget_s: float) -> Limits:
    """Sandbox limits of one run process with `remaining` tests to go (wall: per-test limit each, plus start-up)."""
    wall = min(
        request.limits.time_limit_s * remaining + _STARTUP_SLACK_S[request.language], max(budget_s, 0.5)
    )
    return Limits(
        wall_s=wall,
        cpu_s=wall + 1.0,
        memory_mb=request.limits.memory_mb + program.memory_overhead_mb,
        address_space_limit=program.address_space_limit,
        # The harness caps candidate prints itself and reports output_limit per test; this catches raw writes.
        output_bytes=request.limits.output_bytes + 64_000,
        processes=128,
    )


def _compile_limits(request: RunRequest, program: HarnessProgram) -> Limits:
    return Limits(
        wall_s=request.limits.compile_s,
        cpu_s=request.limits.compile_s,
        memory_mb=program.compile_memory_mb,
        address_space_limit=program.compile_address_space_limit,
        output_bytes=1 << 20,
        file_size_bytes=64 << 20,
        processes=128,
    )


def _compile_failure(request: RunRequest, compiled: SandboxResult, timings: Timings) -> RunReport:
    output = (compiled.stderr + compiled.stdout).decode("utf-8", errors="replace")
    if compiled.timed_out and not compiled.cpu_exceeded:
        # The wall clock ran out before the compiler used its CPU allowance: the host was too busy. Our failure.
        return internal_error_report(request, "the judge was too busy to compile this code; please try again")
    if compiled.exit_code is not None and not output.strip():
        # Compilers always explain a rejection; a silent failure is the toolchain or sandbox, not the candidate.
        return internal_error_report(request, "the compiler failed without any output; please try again")
    if compiled.cpu_exceeded:
        output = "compilation took too long\n" + output
    elif compiled.memory_exceeded:
        output = "compilation ran out of memory\n" + output
    elif compiled.exit_code is None and not output.strip():
        output = f"the compiler was killed by signal {compiled.signal}"
    tests = request.selected_tests()
    return make_report(
        request,
        [all_tests_result(t, Verdict.COMPILE_ERROR, None) for t in tests],
        timings,
        0,
        compile_output=output[:_COMPILE_OUTPUT_CHARS],
    )


def all_tests_result(test: Any, verdict: Verdict, message: str | None) -> TestResult:
    return TestResult(
        id=test.id,
        verdict=verdict,
        hidden=test.hidden,
        args=list(test.args),
        expected=test.expected,
        message=message,
    )


def make_report(
    request: RunRequest,
    results: list[TestResult],
    timings: Timings,
    processes: int,
    compile_output: str = "",
    backend: str = "local",
) -> RunReport:
    """The report from full (unredacted) results: hidden tests are redacted here, on the way out."""
    verdict = overall_verdict(results)
    if compile_output and all(r.verdict is Verdict.COMPILE_ERROR for r in results):
        verdict = Verdict.COMPILE_ERROR
    return RunReport(
        verdict=verdict,
        language=request.language,
        mode=request.mode,
        tests=redact(results),
        passed=sum(r.verdict is Verdict.ACCEPTED for r in results),
        total=len(results),
        compile_output=compile_output,
        timings=timings,
        processes=processes,
        backend=backend,
    )
