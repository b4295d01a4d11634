"""A C++ compile the judge stopped (for its output, its time, its memory, its file size) is not compiled again against
the full prelude: that second compile is for names the lean prelude lacks, and a compile stopped by a limit says
nothing about names. Stopped for its output (1 MiB of diagnostics), or its assembler for the file size limit, the
compile was tried again: twice the compile's cost to the judge, at the candidate's choice. Counted by compiler runs,
not by time."""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.bank import load_question
from judge.runner import run_request
from judge.sandbox import Sandbox
from judge.schemas import RunLimits, RunRequest, Verdict

pytestmark = pytest.mark.sandbox

ROOT = Path(__file__).resolve().parents[2]

# Far more than 1 MiB of diagnostics, quickly: every failed assertion prints its message and its line.
LOUD = "".join(f'static_assert({i} < 0, "{"A" * 400}");\n' for i in range(4000))


class CountsCompiles(Sandbox):
    compiles = 0

    def run(self, argv, **kw):  # type: ignore[no-untyped-def]
        CountsCompiles.compiles += 1
        return super().run(argv, **kw)


def _compile_count(judge_settings, source: str, compile_s: float = 10.0):  # type: ignore[no-untyped-def]
    q = load_question(ROOT / "questions" / "two-sum")
    source = source + q.references["cpp"].replace("#include <bits/stdc++.h>", "#include <vector>")
    request = RunRequest.for_question(q, language="cpp", source=source, limits=RunLimits(compile_s=compile_s))
    box = CountsCompiles(judge_settings)
    box.self_check()
    before = CountsCompiles.compiles
    try:
        report = run_request(request, box, judge_settings)
    finally:
        box.close()
    return report, CountsCompiles.compiles - before


def test_a_compile_stopped_for_its_output_is_compiled_once(judge_settings) -> None:
    report, compiles = _compile_count(judge_settings, LOUD)
    assert report.verdict == Verdict.COMPILE_ERROR, report.verdict
    assert "static assertion failed" in report.compile_output, report.compile_output[:300]
    assert compiles == 1  # before: 2, the second against the full prelude


def test_a_compile_whose_assembler_passed_the_file_size_limit_is_compiled_once(judge_settings) -> None:
    # 2 GiB of zeros in the object file: the assembler is killed at the 64 MiB file limit (SIGXFSZ).
    report, compiles = _compile_count(judge_settings, 'asm(".fill 0x80000000, 1, 0");\n')
    assert report.verdict == Verdict.COMPILE_ERROR, report.verdict
    assert compiles == 1  # before: 2


def test_a_source_the_lean_prelude_lacks_names_for_is_still_compiled_again(judge_settings) -> None:
    # The fallback's purpose: std::optional comes with the full prelude, not with <vector> and the lean one.
    report, compiles = _compile_count(judge_settings, "static std::optional<int> seen;\n")
    assert report.verdict == Verdict.ACCEPTED, (report.verdict, report.compile_output[:300])
    assert compiles == 2
