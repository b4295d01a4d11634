"""Compile failures are the candidate's only when the compiler rejected their code; a starved host is ours."""

from __future__ import annotations

from pathlib import Path

from judge.bank import load_question
from judge.runner import _compile_failure
from judge.sandbox import SandboxResult
from judge.schemas import RunRequest, Timings, Verdict

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


def test_wall_timeout_without_cpu_exhaustion_is_internal_error_not_the_candidates() -> None:
    report = _compile_failure(_request(), _compiled(exit_code=None, signal=9, timed_out=True), Timings())
    assert report.verdict == Verdict.INTERNAL_ERROR
    assert report.message and "busy" in report.message


def test_compiler_burning_its_cpu_allowance_is_a_compile_error() -> None:
    report = _compile_failure(
        _request(), _compiled(exit_code=None, signal=24, timed_out=True, cpu_exceeded=True), Timings()
    )
    assert report.verdict == Verdict.COMPILE_ERROR
    assert report.compile_output.startswith("compilation took too long")


def test_silent_compiler_failure_is_internal_error() -> None:
    report = _compile_failure(_request(), _compiled(exit_code=1), Timings())
    assert report.verdict == Verdict.INTERNAL_ERROR
