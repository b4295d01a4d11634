"""A compile that runs out of memory reads the same in every language: "compilation ran out of memory", the judge's
own words, then the compiler's.

Only an OOM kill in the compile's memory group said so. A C++ compiler bounded by its address space (RLIMIT_AS)
fails its own allocation first and says so itself ("virtual memory exhausted: Cannot allocate memory", "cc1plus: out
of memory allocating N bytes"), exiting 1 as for any error: the report quoted g++ alone, and the runner, taking the
exit for errors it diagnosed, compiled the source a second time against the full prelude (twice the compile's cost
to the judge). javac's JVM ("java.lang.OutOfMemoryError") and Python's compiler in the harness ("MemoryError") said
it in their own words too."""

from __future__ import annotations

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.runner import run_request
from judge.sandbox import Sandbox
from judge.schemas import RunRequest, Verdict
from judge.settings import JudgeSettings
from judge.verdict import COMPILE_OUT_OF_MEMORY, compile_output_text, compiler_out_of_memory
from tests.judge.test_compile_once import _compile_count

pytestmark = pytest.mark.sandbox


def _macro_bomb() -> str:
    """16 million rows of an initializer, expanded by the preprocessor: cc1plus's own allocator runs out of its
    address space ("virtual memory exhausted")."""
    lines = ["#define A0 {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16}"]
    lines += [f"#define A{i} " + ",".join([f"A{i - 1}"] * 8) for i in range(1, 9)]
    return "\n".join(lines) + "\nint big[][16] = { A8 };\n"


@pytest.mark.parametrize(
    ("source", "compiler_said"),
    [
        ('#include "/dev/zero"\n', "out of memory allocating"),
        (_macro_bomb(), "virtual memory exhausted"),
    ],
    ids=["include-dev-zero", "macro-expansion"],
)
def test_a_cpp_compile_out_of_address_space_says_so_and_is_compiled_once(
    judge_settings: JudgeSettings, source: str, compiler_said: str
) -> None:
    report, compiles = _compile_count(judge_settings, source, compile_s=15.0)
    assert report.verdict is Verdict.COMPILE_ERROR
    assert report.compile_output.startswith(COMPILE_OUT_OF_MEMORY + "\n"), report.compile_output[:200]
    assert compiler_said in report.compile_output
    assert compiles == 1  # before: 2, the second against the full prelude, out of memory again


SIGNATURE = Signature(function="f", params=[Param(name="n", type="int")], returns="int")
# String constants doubled 31 times: javac folds them, and its JVM runs out of heap.
JAVA = (
    "class Solution {\n"
    '  static final String S0 = "0123456789abcdef0123456789abcdef";\n'
    + "".join(f"  static final String S{i} = S{i - 1} + S{i - 1};\n" for i in range(1, 32))
    + "  public int f(int n) { return S31.length() + n; }\n}\n"
)
PYTHON = "x = " + "-" * 50_000 + "1\n\ndef f(n):\n    return n\n"  # the parser's MemoryError


@pytest.mark.parametrize(("language", "source", "compiler_said"), [("java", JAVA, "java.lang.OutOfMemoryError"),
                                                                   ("python", PYTHON, "MemoryError")])  # fmt: skip
def test_a_compile_out_of_memory_reads_the_same_in_java_and_python(
    sandbox: Sandbox, judge_settings: JudgeSettings, language: str, source: str, compiler_said: str
) -> None:
    request = RunRequest(
        language=language,  # type: ignore[arg-type]
        source=source,
        signature=SIGNATURE,
        tests=[Case(id="a", args=[1], expected=1)],
    )
    report = run_request(request, sandbox, judge_settings)
    assert report.verdict is Verdict.COMPILE_ERROR
    assert report.compile_output.startswith(COMPILE_OUT_OF_MEMORY + "\n"), report.compile_output[:200]
    assert compiler_said in report.compile_output


def test_only_a_compilers_own_line_says_it_ran_out_of_memory() -> None:
    said = [
        "virtual memory exhausted: Cannot allocate memory",
        "cc1plus: out of memory allocating 1073741840 bytes after a total of 1474560 bytes",
        "as: out of memory allocating 4096 bytes after a total of 1 bytes",
        "ld: final link failed: memory exhausted",
        "terminate called after throwing an instance of 'std::bad_alloc'",
        "The system is out of resources.\nConsult the following stack trace for details.",
        "java.lang.OutOfMemoryError: Java heap space",
        "MemoryError: too many nested parentheses (solution.py, line 1)",
    ]
    for text in said:
        assert compiler_out_of_memory("main.cpp:3:1: error: x\n" + text), text
    quoted = [
        "main.cpp:1:2: error: #error virtual memory exhausted",  # the candidate's words, in a diagnostic
        "    1 | // out of memory allocating",
        "Solution.java:2: error: cannot find symbol java.lang.OutOfMemoryError",
        "solution.py:1: MemoryError is not defined",
    ]
    for text in quoted:
        assert not compiler_out_of_memory(text), text
    assert compile_output_text("x") == "x"
    twice = compile_output_text(COMPILE_OUT_OF_MEMORY + "\nvirtual memory exhausted: Cannot allocate memory")
    assert twice.count(COMPILE_OUT_OF_MEMORY) == 1
