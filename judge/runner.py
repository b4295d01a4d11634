"""Runs one request in the local sandbox: compile once, then one supervised process runs the tests one at a time
(visible tests first), and a fresh process resumes at the next test after one that hung, crashed or flooded.

Only the judge's own signals make a report `internal_error`: a runtime or compiler that is missing on the host
(checked before anything starts), bwrap failing to start a program (its status pipe, which the program cannot
write), our own exceptions, and an interpreter or JVM that dies before our harness code ran. Everything a
candidate's program can say or do is judged as the candidate's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from pathlib import Path
from typing import Any

from judge import harness_cpp, harness_java, harness_javascript, harness_python
from judge.bwrap import PROGRAM_DIR
from judge.cgroups import ReadDrain
from judge.disclosure import WITHHELD, bucket_timings, for_submit, quotes_hidden_input, redact
from judge.elf import static_memory_bytes
from judge.errors import JudgeError
from judge.harness_base import HarnessProgram
from judge.limits import COMPILE_MEMORY_MB, FILE_SIZE_BYTES, POLICIES, PROCESSES_PER_RUN
from judge.protocol import ends_process
from judge.sandbox import Sandbox, SandboxResult, worker_sandbox
from judge.sandbox_limits import Limits
from judge.sandbox_process import ProcessEnd
from judge.schemas import RunReport, RunRequest, TestResult, Timings, Verdict
from judge.settings import JudgeSettings, get_settings
from judge.supervisor import EXCERPT_BYTES, Observed, Start, StartOutcome, Supervisor
from judge.verdict import (
    COMPILE_OUTPUT_CHARS,
    ProcessOutcome,
    TestOutcome,
    compile_output_text,
    compiler_out_of_memory,
    crash_stderr,
    judge_outcome,
    overall_verdict,
    record_text,
    start_verdict,
    unreported,
)

log = logging.getLogger(__name__)

# What the run's memory group keeps however large the build directory's files (carried_mb).
MIN_RUN_GROUP_MB = 8
# The tests left when a process queued more disk reads than the run may wait for (judge.cgroups.ReadDrain): the
# program's doing, as a test's time is, never the judge's failure.
READS_OVERRUN = "not run: the code queued more disk reads than its run may wait for (the run's read rate)"


def build_program(
    request: RunRequest, settings: JudgeSettings, *, portable: bool = False, program_dir: str = PROGRAM_DIR
) -> HarnessProgram:
    """The harness for the request's language, using the toolchain paths in `settings`. `portable` programs
    need nothing from this host's build cache (for running elsewhere, e.g. Judge0)."""
    sig, src, memory = request.signature, request.source, request.limits.memory_mb
    if request.language == "python":
        return harness_python.build(sig, src, settings.python_bin, program_dir, portable=portable)
    if request.language == "javascript":
        return harness_javascript.build(sig, src, settings.node_bin, memory, program_dir)
    if request.language == "java":
        return harness_java.build(
            sig,
            src,
            settings.java_bin,
            settings.javac_bin,
            memory,
            portable=portable,
            program_dir=program_dir,
        )
    return harness_cpp.build(sig, src, settings.cxx_bin, portable=portable, program_dir=program_dir)


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
    if request.mode == "submit":
        report.timings = bucket_timings(report.timings)
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


class StartFailure(JudgeError):
    """A program could not be started (a missing runtime or compiler, bwrap failing): the judge's fault."""

    code = "judge_internal"
    retryable = True


def _run(request: RunRequest, sandbox: Sandbox, settings: JudgeSettings) -> RunReport:
    program = build_program(request, settings)
    timings = Timings()
    # What the judge may wait, in all, for the disk reads this run's processes queue (job_budget_s counts it).
    drain = ReadDrain()
    with sandbox.scratch_dir() as build:
        _write_files(build, program)  # the harness and the source: nothing else exists before the compile
        if program.compile_argv is not None:
            t0 = time.monotonic()
            program, compiled = _compile(request, program, sandbox, build, drain)
            timings.compile_ms = round((time.monotonic() - t0) * 1000, 1)
            if compiled.exit_code != 0:
                return _compile_failure(request, compiled, timings)
        t0 = time.monotonic()
        results, processes, compile_output = _run_tests(request, program, sandbox, build, drain)
        timings.run_ms = round((time.monotonic() - t0) * 1000, 1)
    return make_report(request, results, timings, processes, compile_output=compile_output)


def _write_files(directory: Path, program: HarnessProgram) -> None:
    for name, text in program.files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding="utf-8")
        (directory / name).chmod(0o644)


def _require_executable(path: str) -> None:
    """Our runtimes and compilers are host paths (the sandbox binds /usr read-only at the same place)."""
    if not os.access(path, os.X_OK):
        raise StartFailure(f"{path} is missing or not executable on this judge host")


def _compile(
    request: RunRequest, program: HarnessProgram, sandbox: Sandbox, build: Path, drain: ReadDrain
) -> tuple[HarnessProgram, SandboxResult]:
    assert program.compile_argv is not None
    _require_executable(program.compile_argv[0])
    cpu_s = request.limits.compile_s
    compiled = _compile_once(request, program, sandbox, build, cpu_s, drain)
    # The fallback (heavier includes) is for a source the lean prelude lacks names for, and gets what the first
    # compile left of the limit: `compile_s` bounds the compile as a whole. A compile the judge stopped, by any of
    # its limits (time, memory, output: SandboxResult.stopped), is not tried again: its errors were cut short and
    # say nothing about names (each compile had the whole limit, twice it of the judge's CPU per run; and stopped
    # for 1 MiB of diagnostics, a compile was tried again until 2026-12-05). Nor is one whose compiler died by a
    # signal: g++ exits 1 for the errors it diagnosed and 4 when one of its programs was killed (the file size
    # limit's SIGXFSZ to an assembler writing 2 GiB, a crash), which the full prelude would only repeat.
    left = cpu_s - compiled.cpu_s
    # A compiler out of memory exits 1 too ("virtual memory exhausted" under RLIMIT_AS): not a diagnosis of names.
    diagnosed = compiled.exit_code == 1 and not compiler_out_of_memory(_output(compiled))
    if diagnosed and program.fallback is not None and not compiled.stopped and left > 0:
        program = program.fallback
        _write_files(build, program)
        compiled = _compile_once(request, program, sandbox, build, left, drain)
    return program, compiled


def _compile_once(
    request: RunRequest,
    program: HarnessProgram,
    sandbox: Sandbox,
    build: Path,
    cpu_s: float,
    drain: ReadDrain,
) -> SandboxResult:
    assert program.compile_argv is not None
    compiled = sandbox.run(
        program.compile_argv,
        scratch=build,
        limits=_compile_limits(request, cpu_s),
        ro_binds=program.ro_binds,
        sealed=True,  # the source names what the compiler reads: never one of its own output channels
        drain=drain,
    )
    # An OOM kill in the compile's group may have taken bwrap itself (judge.verdict.start_verdict): out of memory.
    if compiled.started is False and not compiled.memory_exceeded:
        raise StartFailure("the sandbox could not start the compiler")
    return compiled


def _compile_limits(request: RunRequest, cpu_s: float) -> Limits:
    return Limits(
        # A compiler only computes: CPU time is the limit; the wall deadline only catches a stuck one.
        wall_s=2 * cpu_s,
        cpu_s=cpu_s,
        memory_mb=COMPILE_MEMORY_MB,
        address_space_limit=request.language == "cpp",  # javac's JVM reserves more than it uses
        output_bytes=1 << 20,
        file_size_bytes=64 << 20,
        processes=PROCESSES_PER_RUN,
    )


def _output(compiled: SandboxResult) -> str:
    return (compiled.stderr + compiled.stdout).decode("utf-8", errors="replace").strip()


def _compile_failure(request: RunRequest, compiled: SandboxResult, timings: Timings) -> RunReport:
    output = _output(compiled)
    if compiled.timed_out or compiled.cpu_exceeded:
        output = f"compilation took longer than {request.limits.compile_s:g} s\n{output}"
    elif compiled.memory_exceeded or compiler_out_of_memory(output):
        output = compile_output_text(output, out_of_memory=True)
    elif compiled.output_exceeded:
        output = f"the compiler printed more than 1 MiB\n{output}"
    elif not output:
        how = (
            f"exit code {compiled.exit_code}"
            if compiled.exit_code is not None
            else f"signal {compiled.signal}"
        )
        output = f"the compiler failed without a message ({how}; e.g. a program too large to build)"
    tests = request.selected_tests()
    return make_report(
        request,
        [unreported(t, Verdict.COMPILE_ERROR, None) for t in tests],
        timings,
        0,
        compile_output=output.strip()[:COMPILE_OUTPUT_CHARS],
    )


def carried_mb(build: Path) -> int:
    """The MiB of files in the build directory, which the run reads and maps but no run's memory group holds.

    They live on the judge's scratch tmpfs, charged to the compile's memory group (or to the judge's, for the files
    it wrote), for as long as the run lasts, and the run reads their pages without being charged: a C++ executable
    of 40 KiB, or one of 64 MiB (initialised static data, `.fill`, an `.incbin` of any file: the compile's file size
    limit), whose table a process of the run reads while its others hold the run's whole limit; a Java class that is
    never loaded, 47 MiB of string constants javac folded from 30 KB of source, mapped by the program that carries
    it (`FileChannel.map`). Every file counts, whatever wrote it and whatever the language (javac writes one per
    class, each under the file size limit): their pages allocated (a sparse file's holes hold nothing), added up
    before whole MiB are taken, come off the run's memory limit."""
    total = 0
    for root, _dirs, files in os.walk(build):
        for name in files:
            with contextlib.suppress(OSError):
                info = os.lstat(os.path.join(root, name))
                if stat.S_ISREG(info.st_mode):
                    total += info.st_blocks * 512
    return total >> 20


def _process_limits(request: RunRequest, remaining: int, carried: int = 0) -> Limits:
    policy = POLICIES[request.language]
    memory = request.limits.memory_mb
    budget = policy.startup_s + (remaining + 1) * request.limits.time_limit_s
    return Limits(
        wall_s=2 * budget,  # unused by the supervisor (it times each test); kept for the record
        cpu_s=budget + 1.0,  # RLIMIT_CPU, a backstop: the supervisor ends a test at its own limit
        memory_mb=memory + (policy.address_space_mb or 0),
        address_space_limit=policy.address_space_mb is not None,
        # The whole run, its /tmp and /work included, and the build directory's files it maps (carried_mb).
        cgroup_mb=max(MIN_RUN_GROUP_MB, policy.run_memory_mb(memory) - carried),
        output_bytes=request.limits.output_bytes,
        file_size_bytes=FILE_SIZE_BYTES,
        processes=PROCESSES_PER_RUN,
    )


def _run_tests(
    request: RunRequest, program: HarnessProgram, sandbox: Sandbox, build: Path, drain: ReadDrain
) -> tuple[list[TestResult], int, str]:
    """Every selected test's result (in the request's order), how many processes ran before the first hidden test's
    input was sent, and compile output (for languages whose harness compiles the source itself).

    Processes started later are not counted: a program can end its process after any test, even after answering
    it, and a Submit discloses of its hidden tests their verdicts and time buckets alone."""
    tests = request.selected_tests()
    order = [i for i, t in enumerate(tests) if not t.hidden] + [i for i, t in enumerate(tests) if t.hidden]
    results: list[TestResult | None] = [None] * len(tests)
    limit_s = request.limits.time_limit_s
    policy = POLICIES[request.language]
    carried = carried_mb(build)
    processes, pos = 0, 0
    before_hidden: int | None = None  # processes started before the first hidden input was sent
    while pos < len(order):
        remaining = [tests[i] for i in order[pos:]]
        if drain.overrun:
            # A process queued more disk reads than the run may wait for (judge.cgroups.ReadDrain): each later one
            # could do it again, at the disk's full speed or on the judge's time beyond the job's budget.
            for i in order[pos:]:
                results[i] = unreported(tests[i], Verdict.TIME_LIMIT, READS_OVERRUN)
            break
        if program.binary is not None and not (build / program.binary).is_file():
            for i in order[pos:]:
                results[i] = unreported(tests[i], Verdict.RUNTIME_ERROR, "the compiled program is missing")
            break
        if not program.run_argv[0].startswith(PROGRAM_DIR + "/"):
            _require_executable(program.run_argv[0])
        proc = sandbox.start(
            program.run_argv,
            limits=_process_limits(request, len(remaining), carried),
            program_dir=build,
            ro_binds=program.ro_binds,
            env=program.run_env,
            drain=drain,
        )
        processes += 1
        supervisor = Supervisor(proc, output_cap=request.limits.output_bytes)
        try:
            started = supervisor.start(
                startup_s=policy.startup_s,
                load_s=limit_s,
                startup_wall_s=policy.startup_wall_s if policy.harness_first else None,
            )
            if started.state is not Start.READY:
                end = supervisor.close()
                if _compile_failed(started, pos):
                    # Python's MemoryError in the harness's compile reads as any compiler's out of memory.
                    text = record_text(
                        started.fatal, "msg", "the code could not be compiled", COMPILE_OUTPUT_CHARS
                    )
                    msg = compile_output_text(text)[:COMPILE_OUTPUT_CHARS]
                    return [unreported(t, Verdict.COMPILE_ERROR, None) for t in tests], processes, msg
                decided = _not_ready_verdict(request, program, build, started, end)
                for i in order[pos:]:
                    results[i] = unreported(tests[i], *decided)
                break
            while pos < len(order):
                i = order[pos]
                if tests[i].hidden and before_hidden is None:
                    before_hidden = processes
                observed = supervisor.run_test(list(tests[i].args), limit_s)
                pos += 1
                results[i] = judge_outcome(
                    tests[i],
                    _as_outcome(observed),
                    returns=request.signature.returns,
                    compare=request.compare,
                    time_limit_s=limit_s,
                    output_cap=request.limits.output_bytes,
                )
                if (
                    observed.end is not None
                    or observed.over is not None
                    or (observed.record is not None and ends_process(observed.record))
                ):
                    break  # the next test gets a fresh process
        finally:
            supervisor.close()
    shown = processes if before_hidden is None else before_hidden
    return [r for r in results if r is not None], shown, ""


def _compile_failed(started: StartOutcome, pos: int) -> bool:
    """Whether the harness reported that the source does not compile, in the run's first process only.

    That report fails every test and its text is the run's compile output, which a Submit discloses whole; but the
    candidate's code, running in the harness's process, can write it too. A source that compiled for the first
    process compiles for every later one, so from a later process (started after a test, perhaps a hidden one, whose
    input it may have learnt through what the earlier process left in the host's caches or clocks) it is the
    candidate's forgery: that process's load failure, judged like any other (judge.verdict.start_verdict), which in a
    Submit shows hidden tests' verdicts only."""
    fatal = started.fatal if started.state is Start.FATAL else None
    return pos == 0 and fatal is not None and fatal.get("fatal") == "compile"


def _not_ready_verdict(
    request: RunRequest, program: HarnessProgram, build: Path, started: StartOutcome, end: ProcessEnd
) -> tuple[Verdict, str]:
    refused = _exec_refused(program, started, end)
    if refused is not None:
        return Verdict.RUNTIME_ERROR, f"the compiled program could not be executed: {refused}"
    static = _static_memory_over(request, program, build, started, end)
    if static is not None:
        return Verdict.MEMORY_LIMIT, (
            f"the program's static data (global and static arrays) takes {static} MiB, "
            f"over the {request.limits.memory_mb} MiB memory limit"
        )
    decided = start_verdict(
        started.state.value,
        request.language,
        fatal=started.fatal,
        exit_code=end.exit_code,
        signal=end.signal,
        started=end.started,
        memory_exceeded=end.memory_exceeded,
        stderr=bytes(started.window.tail) if started.window is not None else b"",
        startup_s=POLICIES[request.language].startup_s,
    )
    if decided is None:
        raise StartFailure("the run process failed to start")
    return decided


def _exec_refused(program: HarnessProgram, started: StartOutcome, end: ProcessEnd) -> str | None:
    """Why the kernel refused to execute the program the candidate's source was compiled into, when it did.

    The binary is the linker's output from the candidate's source, which can make it unexecutable (a `.interp`
    section naming an interpreter that does not exist): that is their program failing, not our sandbox. bwrap
    did start (it reached its execvp) and reported no exit code (`started` is False: nothing of the candidate's
    ran in this process, so its stderr holds only bwrap's words), and the binary exists on our side.
    """
    if end.started is not False or started.window is None or program.binary is None:
        return None
    argv0 = program.run_argv[0]
    if argv0 != f"{PROGRAM_DIR}/{program.binary}":
        return None
    first = bytes(started.window.stderr).split(b"\n", 1)[0].decode("utf-8", "replace")
    prefix = f"bwrap: execvp {argv0}: "
    if not first.startswith(prefix):
        return None
    return first[len(prefix) :][:200] or "refused"


def _static_memory_over(
    request: RunRequest, program: HarnessProgram, build: Path, started: StartOutcome, end: ProcessEnd
) -> int | None:
    """The MiB of static data of a compiled program that a signal ended before it said hello, when that is over
    the memory limit: the kernel could not map it (SIGSEGV while executing it), which no code of theirs caused."""
    # A signal bwrap reports as an exit code 128+N counts: what decides is the static data's size, never the code.
    ended_by_signal = end.signal is not None or (end.exit_code is not None and end.exit_code > 128)
    if started.state is not Start.NO_HELLO or not ended_by_signal or program.binary is None:
        return None
    size = static_memory_bytes(build / program.binary)
    if size is None or size <= request.limits.memory_mb << 20:
        return None
    return size >> 20


def _process_outcome(end: ProcessEnd, stderr: bytes) -> ProcessOutcome:
    return ProcessOutcome(
        exit_code=end.exit_code,
        signal=end.signal,
        cpu_exceeded=end.cpu_exceeded,
        memory_exceeded=end.memory_exceeded,
        stderr=stderr,
    )


def _as_outcome(observed: Observed) -> TestOutcome:
    stderr_ends = crash_stderr(observed.stderr, observed.stderr_tail, EXCERPT_BYTES)
    return TestOutcome(
        record=observed.record,
        charged_s=observed.usage.charged_s,
        over=observed.over,
        ended=_process_outcome(observed.end, stderr_ends) if observed.end is not None else None,
        stdout=observed.stdout,
        stderr=observed.stderr,
        stderr_ends=stderr_ends,
    )


def make_report(
    request: RunRequest,
    results: list[TestResult],
    timings: Timings,
    processes: int,
    compile_output: str = "",
    backend: str = "local",
) -> RunReport:
    """The report from full (unredacted) results, shaped for what the mode may disclose (judge.disclosure)."""
    verdict = overall_verdict(results)
    if compile_output and all(r.verdict is Verdict.COMPILE_ERROR for r in results):
        verdict = Verdict.COMPILE_ERROR
    if quotes_hidden_input(compile_output, request.tests):
        compile_output = WITHHELD
    limit_ms = request.limits.time_limit_s * 1000
    shaped = for_submit(results, limit_ms) if request.mode == "submit" else redact(results)
    return RunReport(
        verdict=verdict,
        language=request.language,
        mode=request.mode,
        tests=shaped,
        passed=sum(r.verdict is Verdict.ACCEPTED for r in results),
        total=len(results),
        compile_output=compile_output,
        timings=timings,
        processes=processes,
        backend=backend,
    )
