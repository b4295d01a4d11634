"""A compile that fails, times out, runs out of memory or dies silently is the candidate's compile_error (only their
source went in); a compiler that could not be started at all is ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.bank import load_question
from judge.runner import _compile_failure
from judge.sandbox import SandboxResult
from judge.schemas import RunLimits, RunRequest, Timings, Verdict

ROOT = Path(__file__).resolve().parents[2]


def _request() -> RunRequest:
    q = load_question(ROOT / "questions" / "two-sum")
    return RunRequest.for_question(q, language="cpp", source=q.starters["cpp"])


def _compiled(**overrides: object) -> SandboxResult:
    fields: dict[str, object] = {
        "exit_code": 1,
        "signal": None,
        "stdout": b"",
        "stderr": b"",
        "results": b"",
        "wall_s": 1.0,
        "timed_out": False,
        "cpu_exceeded": False,
        "memory_exceeded": False,
        "output_exceeded": False,
    }
    fields.update(overrides)
    return SandboxResult(**fields)  # type: ignore[arg-type]


def test_compiler_diagnostics_are_a_compile_error_for_every_test() -> None:
    report = _compile_failure(_request(), _compiled(stderr=b"solution.cpp:3: error: expected ';'"), Timings())
    assert report.verdict == Verdict.COMPILE_ERROR
    assert "expected ';'" in report.compile_output
    assert {t.verdict for t in report.tests} == {Verdict.COMPILE_ERROR}


def test_a_compile_that_outruns_its_time_is_a_compile_error_never_busy() -> None:
    for compiled in (
        _compiled(exit_code=None, signal=9, timed_out=True),
        _compiled(exit_code=None, signal=24, timed_out=True, cpu_exceeded=True),
    ):
        report = _compile_failure(_request(), compiled, Timings())
        assert report.verdict == Verdict.COMPILE_ERROR
        assert report.compile_output.startswith("compilation took longer than")
        assert "busy" not in report.compile_output


def test_a_compiler_that_dies_silently_is_a_compile_error_naming_how() -> None:
    report = _compile_failure(_request(), _compiled(exit_code=None, signal=25), Timings())
    assert report.verdict == Verdict.COMPILE_ERROR
    assert "signal 25" in report.compile_output


@pytest.mark.sandbox
def test_a_compiler_the_sandbox_could_not_start_is_ours(sandbox, judge_settings) -> None:
    from judge.runner import run_request

    broken = judge_settings.model_copy(update={"cxx_bin": "/nonexistent/g++"})
    report = run_request(_request(), sandbox, broken)
    assert report.verdict == Verdict.INTERNAL_ERROR


@pytest.mark.sandbox
def test_a_compiled_program_that_is_missing_when_its_process_starts_is_a_runtime_error(
    judge_settings,
) -> None:
    # The candidate cannot delete it (the run sees it read-only), but were it gone, running it fails the code,
    # never the judge: the runner checks for it before every start instead of reading bwrap's complaint.
    from judge.runner import run_request
    from judge.sandbox import Sandbox

    class LosesTheBinary(Sandbox):
        def run(self, argv, **kw):  # type: ignore[no-untyped-def]
            result = super().run(argv, **kw)
            (kw["scratch"] / "prog").unlink(missing_ok=True)
            return result

    box = LosesTheBinary(judge_settings)
    box.self_check()
    report = run_request(_request(), box, judge_settings)
    box.close()
    assert report.verdict == Verdict.RUNTIME_ERROR
    assert {t.verdict for t in report.tests} == {Verdict.RUNTIME_ERROR}


# The compiler's own output channels, reopened by path: each was a pipe (and with -pipe the preprocessor's stdout
# fed the assembler), so reading one back waited for ever, and the compile held its judge slot until the wall
# deadline (twice compile_s) before a compile_error; the assembler's `.incbin` reads files too.
OWN_CHANNELS = [
    '#include "/dev/stdout"',
    '#include "/dev/stderr"',
    '#include "/dev/fd/1"',
    '#include "/proc/self/fd/2"',
    '#include "/proc/self/fd/3"',
    '#include "/proc/1/fd/1"',
    'asm(".incbin \\"/dev/stdout\\"");',
]


@pytest.mark.sandbox
@pytest.mark.parametrize("line", OWN_CHANNELS)
def test_reading_the_compilers_own_output_channels_fails_at_once(sandbox, judge_settings, line: str) -> None:
    from judge.runner import run_request

    q = load_question(ROOT / "questions" / "two-sum")
    source = f"{line}\n{q.references['cpp']}"
    request = RunRequest.for_question(q, language="cpp", source=source, limits=RunLimits(compile_s=10))
    report = run_request(request, sandbox, judge_settings)
    assert report.verdict == Verdict.COMPILE_ERROR, report.compile_output[:300]
    assert "took longer" not in report.compile_output, report.compile_output[:300]
    # Far under the CPU limit (a blocked compiler used none, and was waited for until twice the limit).
    assert report.timings.compile_ms is not None and report.timings.compile_ms < 10_000


# Constant evaluation that never ends within any limit (gcc stops it after 2**33 operations).
CONSTEXPR_BOMB = """
constexpr long spin() { long s = 0; for (long i = 0; i < 200000; i++) for (long j = 0; j < 200000; j++) s += i ^ j;
                        return s; }
constexpr long SPUN = spin();
"""


@pytest.mark.sandbox
def test_a_compile_that_outruns_its_cpu_limit_is_stopped_once_and_said_so(judge_settings) -> None:
    # cc1plus killed by its RLIMIT_CPU made g++ exit 4 ("internal compiler error: CPU time limit exceeded"): not
    # seen as over the limit, so the runner compiled again with the full prelude (twice the limit of the judge's
    # CPU per Submit), and the candidate read of an internal compiler error.
    from judge.runner import run_request
    from judge.sandbox import Sandbox

    class CountsCompiles(Sandbox):
        compiles = 0

        def run(self, argv, **kw):  # type: ignore[no-untyped-def]
            CountsCompiles.compiles += 1
            return super().run(argv, **kw)

    q = load_question(ROOT / "questions" / "two-sum")
    source = (
        "#include <vector>\n" + CONSTEXPR_BOMB + q.references["cpp"].replace("#include <bits/stdc++.h>", "")
    )
    request = RunRequest.for_question(q, language="cpp", source=source, limits=RunLimits(compile_s=1))
    box = CountsCompiles(judge_settings)
    box.self_check()
    compiles_before = CountsCompiles.compiles
    report = run_request(request, box, judge_settings)
    box.close()
    assert report.verdict == Verdict.COMPILE_ERROR
    assert report.compile_output.startswith("compilation took longer than 1 s"), report.compile_output[:300]
    assert CountsCompiles.compiles - compiles_before == 1
