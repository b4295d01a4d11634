"""C++ is compiled with libstdc++'s assertions (-D_GLIBCXX_ASSERTIONS, judge.harness_cpp_prelude): an out-of-range
operator[] is a runtime error on the test that made it, naming the failed assertion, the same on every run.
Without them it read whatever memory lay past the buffer, and a rerun could judge it differently. The precompiled
prelude is built with the same macro, or g++ would silently parse the whole prelude again on every compile."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from judge import harness_cpp
from judge.bank import load_question
from judge.harness_cpp_prelude import SANDBOX_CXX_FLAGS
from judge.runner import run_request
from judge.sandbox import Sandbox
from judge.schemas import RunReport, RunRequest, Verdict
from judge.settings import JudgeSettings

QUESTIONS = Path(__file__).parent / "questions"
ABORTED = "Aborted (failed assertion or uncaught exception): "
STRING_ASSERTION = "basic_string.h"
VECTOR_ASSERTION = "stl_vector.h"

# sum-pair's visible tests are v0..v5 with a = 0..5 and b = 2a; the hidden ones h0..h2 have a = 7770..7772.
# Both reads stay in mapped memory (inside the string object, on the heap): without the assertions, no fault, and
# the test's verdict was whatever those bytes happened to hold.
OUT_OF_RANGE = """
#include <string>
#include <vector>
using namespace std;
class Solution {
public:
    int sumPair(int a, int b) {
        string s = "ab";
        vector<int> v(3, 1);
        if (a == 2) return s[a + 40];
        if (a == 4 || a == 7771) return v[(a % 100) + 1000];
        return a + b;
    }
};
"""


def _judge(sandbox: Sandbox, settings: JudgeSettings, source: str, mode: str = "run") -> RunReport:
    request = RunRequest.for_question(
        load_question(QUESTIONS / "sum-pair"),
        language="cpp",
        source=source,
        mode=mode,  # type: ignore[arg-type]
    )
    return run_request(request, sandbox, settings)


@pytest.mark.sandbox
def test_out_of_range_string_and_vector_reads_fail_their_own_test_with_the_assertion_on_every_run(
    sandbox, judge_settings
):
    reports = [_judge(sandbox, judge_settings, OUT_OF_RANGE) for _ in range(3)]
    seen = [[(t.id, t.verdict, t.message, t.stderr) for t in r.tests] for r in reports]
    assert seen[0] == seen[1] == seen[2]
    tests = {t.id: t for t in reports[0].tests}
    assert {i: t.verdict for i, t in tests.items()} == {
        "v0": Verdict.ACCEPTED,
        "v1": Verdict.ACCEPTED,
        "v2": Verdict.RUNTIME_ERROR,
        "v3": Verdict.ACCEPTED,
        "v4": Verdict.RUNTIME_ERROR,
        "v5": Verdict.ACCEPTED,
    }
    for test_id, header, condition in (
        ("v2", STRING_ASSERTION, "Assertion '__pos <= size()' failed."),
        ("v4", VECTOR_ASSERTION, "Assertion '__n < this->size()' failed."),
    ):
        message, stderr = tests[test_id].message or "", tests[test_id].stderr or ""
        assert message.startswith(ABORTED) and header in message and message.endswith(condition), message
        assert len(message) <= 600
        assert header in stderr and condition in stderr  # the Console shows libstdc++'s own words too
    # Like any crash: the test after it runs in a fresh process, and nothing of the abort is on its excerpts.
    assert reports[0].processes == 3
    assert tests["v3"].stderr == tests["v5"].stderr == ""


@pytest.mark.sandbox
def test_a_submit_names_the_assertion_of_a_visible_test_and_nothing_of_a_hidden_one(sandbox, judge_settings):
    reports = [_judge(sandbox, judge_settings, OUT_OF_RANGE, mode="submit") for _ in range(3)]
    seen = [[(t.id, t.verdict, t.message) for t in r.tests] for r in reports]
    assert seen[0] == seen[1] == seen[2]
    report = reports[0]
    tests = {t.id: t for t in report.tests}
    assert report.verdict is Verdict.RUNTIME_ERROR and report.passed == 6 and report.total == 9
    assert tests["v4"].message is not None and tests["v4"].message.startswith(ABORTED)
    assert tests["v4"].stderr is None  # a Submit keeps messages, not excerpts (judge.disclosure)
    hidden = tests["h1"]
    assert hidden.verdict is Verdict.RUNTIME_ERROR
    assert (hidden.message, hidden.stderr, hidden.args) == (None, None, None)
    assert tests["h0"].verdict is tests["h2"].verdict is Verdict.ACCEPTED


def _header_use(tmp_path: Path, program: harness_cpp.HarnessProgram, flags: tuple[str, ...]) -> str:
    """What g++ -H says of the prelude when it compiles `program` with `flags` in place of the judge's."""
    for name, text in program.files.items():
        (tmp_path / name).write_text(text)
    argv = list(program.compile_argv or [])
    start = argv.index(SANDBOX_CXX_FLAGS[0])
    argv[start : start + len(SANDBOX_CXX_FLAGS)] = [*flags, "-H"]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True)
    return done.stderr


def test_the_candidates_compile_uses_the_precompiled_prelude_built_with_the_same_flags(tmp_path):
    """g++ skips a precompiled header built with other macros without a word (-w silences -Winvalid-pch), and the
    compile parses the whole prelude again: correct, only slower. `-H` marks the header it used with `!` and one it
    could not with `x`."""
    question = load_question(QUESTIONS / "sum-pair")
    source = question.references["cpp"]
    lean = harness_cpp.build(question.signature, source, "/usr/bin/g++")
    assert lean.fallback is not None  # the lean prelude first, the full one should that fail
    for program in (lean, lean.fallback):
        used = _header_use(tmp_path, program, SANDBOX_CXX_FLAGS)
        gch = [line for line in used.splitlines() if line.endswith(".hpp.gch")]
        assert len(gch) == 1 and gch[0].startswith("! "), used[:2000]
    # The check sees a drift: the same compile without the macro rejects the precompiled header.
    drifted = tuple(flag for flag in SANDBOX_CXX_FLAGS if flag != "-D_GLIBCXX_ASSERTIONS")
    assert drifted != SANDBOX_CXX_FLAGS
    rejected = _header_use(tmp_path, lean, drifted)
    assert any(line.startswith("x ") and line.endswith(".hpp.gch") for line in rejected.splitlines())
