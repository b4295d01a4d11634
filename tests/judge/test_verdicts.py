"""Verdicts per language through the real sandbox: accepted, wrong answer, one test timing out or crashing while
the others are still judged, runtime error, compile error, memory limit, output flood, float tolerance, unordered."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from judge.bank import Question, load_question
from judge.runner import run_request
from judge.sandbox import Sandbox
from judge.schemas import RunLimits, RunReport, RunRequest, Verdict
from judge.settings import JudgeSettings

pytestmark = pytest.mark.sandbox

QUESTIONS = Path(__file__).parent / "questions"
LANGUAGES = ["python", "javascript", "java", "cpp"]

# sum-pair's visible tests are v0..v5 with a = 0..5 and b = 2a. Test v<a> misbehaves as follows.
MIXED = {
    "python": """
def sum_pair(a, b):
    print("visiting", a)
    if a == 1:
        while True:
            pass
    if a == 2:
        return a + b + 1
    if a == 3:
        raise ValueError("boom")
    if a == 4:
        hog = []
        while True:
            hog.append(bytearray(10**7))
    if a == 5:
        while True:
            print("flood" * 1000)
    return a + b
""",
    "javascript": """
function sumPair(a, b) {
  console.log("visiting", a);
  if (a === 1) for (;;) {}
  if (a === 2) return a + b + 1;
  if (a === 3) throw new Error("boom");
  if (a === 4) { const hog = []; for (;;) hog.push(new Array(1e6).fill(a)); }
  if (a === 5) for (;;) console.log("flood".repeat(1000));
  return a + b;
}
""",
    "java": """
import java.util.*;

class Solution {
    public int sumPair(int a, int b) {
        System.out.println("visiting " + a);
        if (a == 1) { while (true) {} }
        if (a == 2) return a + b + 1;
        if (a == 3) throw new IllegalStateException("boom");
        if (a == 4) { List<int[]> hog = new ArrayList<>(); while (true) hog.add(new int[1 << 20]); }
        if (a == 5) { while (true) System.out.println("flood".repeat(1000)); }
        return a + b;
    }
}
""",
    "cpp": """
#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    int sumPair(int a, int b) {
        cout << "visiting " << a << endl;
        if (a == 1) { volatile long spin = 0; while (true) spin++; }
        if (a == 2) return a + b + 1;
        if (a == 3) throw runtime_error("boom");
        if (a == 4) { vector<vector<int>> hog; while (true) hog.emplace_back(1 << 20, a); }
        if (a == 5) { string s(1000, 'f'); while (true) cout << s << endl; }
        return a + b;
    }
};
""",
}

SYNTAX_ERROR = {
    "python": "def sum_pair(a, b)\n    return a + b\n",
    "javascript": "function sumPair(a, b) {\n  return a + ;\n}\n",
    "java": "class Solution {\n    public int sumPair(int a, int b) {\n        return a + b\n    }\n}\n",
    "cpp": "class Solution {\npublic:\n    int sumPair(int a, int b) {\n        return a + b\n    }\n};\n",
}
COMPILE_ERROR_MARKER = {"python": "SyntaxError", "javascript": "SyntaxError", "java": "Solution.java",
                        "cpp": "solution.cpp"}  # fmt: skip

# mean-value: off by 1e-9 (inside the 1e-6 tolerance) except for the single-value test m1, off by 1e-3.
NEARLY = {
    "python": "def mean_value(values):\n    return sum(values) / len(values) + (1e-3 if len(values) == 1 else 1e-9)\n",
    "javascript": (
        "function meanValue(v) {\n"
        "  return v.reduce((a, b) => a + b, 0) / v.length + (v.length === 1 ? 1e-3 : 1e-9);\n}\n"
    ),
    "java": """class Solution {
    public double meanValue(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length + (v.length == 1 ? 1e-3 : 1e-9);
    }
}
""",
    "cpp": """#include <vector>
using namespace std;
class Solution {
public:
    double meanValue(vector<double>& v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.size() + (v.size() == 1 ? 1e-3 : 1e-9);
    }
};
""",
}

# pair-sums (unordered, unordered_nested): pairs found in reverse order, each pair reversed.
SHUFFLED = {
    "python": """
def pair_sums(nums, target):
    out = []
    for j in range(len(nums) - 1, -1, -1):
        for i in range(j - 1, -1, -1):
            if nums[i] + nums[j] == target:
                out.append([nums[j], nums[i]])
    return out
""",
    "javascript": """
function pairSums(nums, target) {
  const out = [];
  for (let j = nums.length - 1; j >= 0; j--)
    for (let i = j - 1; i >= 0; i--)
      if (nums[i] + nums[j] === target) out.push([nums[j], nums[i]]);
  return out;
}
""",
    "java": """
import java.util.*;
class Solution {
    public int[][] pairSums(int[] nums, int target) {
        List<int[]> out = new ArrayList<>();
        for (int j = nums.length - 1; j >= 0; j--)
            for (int i = j - 1; i >= 0; i--)
                if (nums[i] + nums[j] == target) out.add(new int[] {nums[j], nums[i]});
        return out.toArray(new int[0][]);
    }
}
""",
    "cpp": """
#include <vector>
using namespace std;
class Solution {
public:
    vector<vector<int>> pairSums(vector<int>& nums, int target) {
        vector<vector<int>> out;
        for (int j = (int)nums.size() - 1; j >= 0; j--)
            for (int i = j - 1; i >= 0; i--)
                if (nums[i] + nums[j] == target) out.push_back({nums[j], nums[i]});
        return out;
    }
};
""",
}


def _question(slug: str) -> Question:
    return load_question(QUESTIONS / slug)


def judge(
    sandbox: Sandbox,
    settings: JudgeSettings,
    slug: str,
    language: str,
    source: str,
    *,
    mode: str = "run",
    limits: RunLimits | None = None,
) -> RunReport:
    request = RunRequest.for_question(
        _question(slug),
        language=language,
        source=source,
        mode=mode,
        limits=limits,  # type: ignore[arg-type]
    )
    return run_request(request, sandbox, settings)


def _by_id(report: RunReport) -> dict[str, Verdict]:
    return {t.id: t.verdict for t in report.tests}


@pytest.mark.parametrize("language", LANGUAGES)
def test_reference_solution_is_accepted_with_actual_values_reported(sandbox, judge_settings, language):
    q = _question("sum-pair")
    report = judge(sandbox, judge_settings, "sum-pair", language, q.references[language], mode="submit")
    assert report.verdict is Verdict.ACCEPTED
    assert report.passed == report.total == len(q.tests)
    assert report.processes == 1
    first = report.tests[0]
    assert (first.args, first.expected, first.actual) == ([0, 0], 0, 0)
    assert report.timings.run_ms > 0 and report.timings.total_ms >= report.timings.run_ms


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_failing_test_gets_its_own_verdict_and_the_others_are_still_judged(
    sandbox, judge_settings, language
):
    # Generous per-test time: filling 128 MB must reach the memory limit before the time limit, even on a busy CI host.
    limits = RunLimits(time_limit_s=4.0, memory_mb=128, output_bytes=64_000)
    report = judge(sandbox, judge_settings, "sum-pair", language, MIXED[language], limits=limits)
    assert _by_id(report) == {
        "v0": Verdict.ACCEPTED,
        "v1": Verdict.TIME_LIMIT,
        "v2": Verdict.WRONG_ANSWER,
        "v3": Verdict.RUNTIME_ERROR,
        "v4": Verdict.MEMORY_LIMIT,
        "v5": Verdict.OUTPUT_LIMIT,
    }
    assert report.verdict is Verdict.TIME_LIMIT  # the first failing test's verdict
    assert report.passed == 1 and report.total == 6
    assert report.processes >= 2  # the hung test's process was replaced and the rest ran in a fresh one
    tests = {t.id: t for t in report.tests}
    assert tests["v0"].stdout is not None and "visiting 0" in tests["v0"].stdout
    assert (tests["v2"].expected, tests["v2"].actual) == (6, 7)
    assert tests["v3"].message is not None and "boom" in tests["v3"].message
    assert tests["v1"].time_ms is not None and tests["v1"].time_ms >= 4000


@pytest.mark.parametrize("language", LANGUAGES)
def test_syntax_error_is_a_compile_error_for_every_test(sandbox, judge_settings, language):
    report = judge(sandbox, judge_settings, "sum-pair", language, SYNTAX_ERROR[language])
    assert report.verdict is Verdict.COMPILE_ERROR
    assert {t.verdict for t in report.tests} == {Verdict.COMPILE_ERROR}
    assert COMPILE_ERROR_MARKER[language] in report.compile_output
    assert report.passed == 0


@pytest.mark.parametrize("nested", ["+".join(["1"] * 20_000), "-" * 50_000 + "1"])
def test_python_source_nested_too_deeply_to_compile_is_a_compile_error(sandbox, judge_settings, nested):
    # The harness caught only SyntaxError and ValueError from compile(): the compiler's RecursionError, or the
    # parser's MemoryError, ended the harness with its own traceback, read as a runtime_error or a memory_limit.
    source = SYNTAX_ERROR["python"].replace("b)", "b):") + f"x = {nested}\n"
    report = judge(sandbox, judge_settings, "sum-pair", "python", source)
    assert report.verdict is Verdict.COMPILE_ERROR, [(t.verdict, t.message) for t in report.tests[:1]]
    assert {t.verdict for t in report.tests} == {Verdict.COMPILE_ERROR}
    assert "harness.py" not in report.compile_output


@pytest.mark.parametrize("language", LANGUAGES)
def test_float_results_match_within_the_questions_tolerance_only(sandbox, judge_settings, language):
    report = judge(sandbox, judge_settings, "mean-value", language, NEARLY[language], mode="submit")
    verdicts = _by_id(report)
    assert verdicts.pop("m1") is Verdict.WRONG_ANSWER
    assert set(verdicts.values()) == {Verdict.ACCEPTED}
    assert report.verdict is Verdict.WRONG_ANSWER


@pytest.mark.parametrize("language", LANGUAGES)
def test_unordered_question_accepts_any_order_of_pairs_and_elements(sandbox, judge_settings, language):
    report = judge(sandbox, judge_settings, "pair-sums", language, SHUFFLED[language], mode="submit")
    assert report.verdict is Verdict.ACCEPTED, [(t.id, t.expected, t.actual) for t in report.tests]


@pytest.mark.parametrize("language", LANGUAGES)
def test_starter_code_fails_with_wrong_answer(sandbox, judge_settings, language):
    q = _question("pair-sums")
    report = judge(sandbox, judge_settings, "pair-sums", language, q.starters[language], mode="submit")
    assert report.verdict is Verdict.WRONG_ANSWER
    assert 0 < report.passed < report.total


def test_java_system_exit_does_not_forge_success(sandbox, judge_settings):
    source = """
class Solution {
    public int sumPair(int a, int b) {
        if (a == 3) {
            System.out.println("{\\"i\\":3,\\"ok\\":true,\\"v\\":9}");
            System.exit(0);
        }
        return a + b;
    }
}
"""
    report = judge(sandbox, judge_settings, "sum-pair", "java", source)
    verdicts = _by_id(report)
    assert verdicts.pop("v3") is Verdict.RUNTIME_ERROR
    assert set(verdicts.values()) == {Verdict.ACCEPTED}


def test_cpp_segfault_fails_only_its_test(sandbox, judge_settings):
    source = """
#include <vector>
using namespace std;
class Solution {
public:
    int sumPair(int a, int b) {
        if (a == 2) { volatile int* p = nullptr; return *p; }
        return a + b;
    }
};
"""
    report = judge(sandbox, judge_settings, "sum-pair", "cpp", source)
    tests = {t.id: t for t in report.tests}
    assert tests["v2"].verdict is Verdict.RUNTIME_ERROR
    assert tests["v2"].message is not None and "Segmentation fault" in tests["v2"].message
    assert [t.verdict for t in report.tests if t.id != "v2"] == [Verdict.ACCEPTED] * 5


def test_cpp_deep_recursion_overflowing_the_stack_is_a_runtime_error(sandbox, judge_settings):
    source = """
class Solution {
public:
    long long depth(long long n) {
        volatile char frame[512];
        frame[n % 512] = (char)n;
        return n == 0 ? 0 : depth(n - 1) + frame[n % 512];
    }
    int sumPair(int a, int b) { return a == 1 ? (int)depth(1LL << 40) : a + b; }
};
"""
    report = judge(sandbox, judge_settings, "sum-pair", "cpp", source)
    assert _by_id(report)["v1"] is Verdict.RUNTIME_ERROR
    assert _by_id(report)["v2"] is Verdict.ACCEPTED


def test_printing_a_forged_record_does_not_change_the_verdict(sandbox, judge_settings):
    source = 'def sum_pair(a, b):\n    print(\'{"i": %d, "ok": true, "v": %d}\' % (0, 0))\n    return -1\n'
    report = judge(sandbox, judge_settings, "sum-pair", "python", source)
    assert {t.verdict for t in report.tests} == {Verdict.WRONG_ANSWER}
    assert report.tests[0].stdout is not None and '"ok": true' in report.tests[0].stdout


def test_python_return_values_json_cannot_encode_are_wrong_answers_saying_why_and_the_process_carries_on(
    sandbox, judge_settings
):
    # The harness encodes each record once, with the C encoder json.dumps uses: each failure is that test's alone
    # (no circular-reference marker or half-written record carries into the next test).
    source = """
def sum_pair(a, b):
    if a == 1:
        return {a, b}
    if a == 2:
        x = [a]
        x.append(x)
        return x
    if a == 3:
        v = []
        for _ in range(100000):
            v = [v]
        return v
    if a == 4:
        return {(a, b): 1}
    return a + b
"""
    report = judge(sandbox, judge_settings, "sum-pair", "python", source)
    tests = {t.id: t for t in report.tests}
    assert report.processes == 1
    assert {i: tests[i].verdict for i in ("v0", "v5")} == {"v0": Verdict.ACCEPTED, "v5": Verdict.ACCEPTED}
    expected = {
        "v1": "not JSON-serialisable: Object of type set is not JSON serializable",
        "v2": "not JSON-serialisable: Circular reference detected",
        "v3": "nested too deeply",
        "v4": "not JSON-serialisable: keys must be str, int, float, bool or None, not tuple",
    }
    for test_id, message in expected.items():
        assert tests[test_id].verdict is Verdict.WRONG_ANSWER, test_id
        assert message in (tests[test_id].message or ""), (test_id, tests[test_id].message)


def test_missing_function_is_a_runtime_error_naming_it(sandbox, judge_settings):
    report = judge(sandbox, judge_settings, "sum-pair", "python", "def other(a, b):\n    return a + b\n")
    assert report.verdict is Verdict.RUNTIME_ERROR
    assert report.tests[0].message is not None and "sum_pair" in report.tests[0].message


def test_python_solution_class_style_is_accepted(sandbox, judge_settings):
    source = "class Solution:\n    def sumPair(self, a: int, b: int) -> int:\n        return a + b\n"
    assert judge(sandbox, judge_settings, "sum-pair", "python", source).verdict is Verdict.ACCEPTED


def test_missing_runtime_is_an_internal_error_not_the_candidates_fault(sandbox, judge_settings):
    broken = judge_settings.model_copy(update={"python_bin": "/nonexistent/python3"})
    q = _question("sum-pair")
    report = judge(sandbox, broken, "sum-pair", "python", q.references["python"])
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert {t.verdict for t in report.tests} == {Verdict.INTERNAL_ERROR}


def test_hang_no_watchdog_can_interrupt_is_ended_by_the_wall_deadline_and_the_rest_still_run(
    sandbox, judge_settings
):
    # sum() over a huge range runs in C: Python's SIGALRM handler cannot run until it returns, so the parent's
    # whole-process deadline (per-test limit * remaining tests + slack) has to end it.
    source = "def sum_pair(a, b):\n    if a == 1:\n        return sum(range(10**13))\n    return a + b\n"
    report = judge(sandbox, judge_settings, "sum-pair", "python", source, limits=RunLimits(time_limit_s=0.5))
    verdicts = _by_id(report)
    assert verdicts.pop("v1") is Verdict.TIME_LIMIT
    assert set(verdicts.values()) == {Verdict.ACCEPTED}
    assert report.processes == 2


PRINTS_30K = {
    "python": "def sum_pair(a, b):\n    print('x' * 30000)\n    return a + b\n",
    "javascript": "function sumPair(a, b) {\n  console.log('x'.repeat(30000));\n  return a + b;\n}\n",
    "java": 'class Solution {\n    public int sumPair(int a, int b) {\n        System.out.println("x".repeat(30000));\n'
    "        return a + b;\n    }\n}\n",
    "cpp": "#include <bits/stdc++.h>\nusing namespace std;\nclass Solution {\npublic:\n"
    "    int sumPair(int a, int b) { cout << string(30000, 'x') << endl; return a + b; }\n};\n",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_output_cap_applies_per_test_and_excerpts_are_bounded(sandbox, judge_settings, language):
    # 6 tests x 30 kB is past a 50 kB cap in total, but no single test is.
    limits = RunLimits(output_bytes=50_000)
    report = judge(
        sandbox, judge_settings, "sum-pair", language, PRINTS_30K[language], mode="run", limits=limits
    )
    assert report.verdict is Verdict.ACCEPTED
    excerpt = report.tests[0].stdout
    assert excerpt is not None and 1000 <= len(excerpt) <= 2000 and set(excerpt) == {"x"}


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("python", "while True:\n    pass\n\ndef sum_pair(a, b):\n    return a + b\n"),
        ("javascript", "for (;;) {}\nfunction sumPair(a, b) { return a + b; }\n"),
    ],
)
def test_top_level_code_that_hangs_is_one_time_limit_for_every_test(
    sandbox, judge_settings, language, source
):
    report = judge(sandbox, judge_settings, "sum-pair", language, source, limits=RunLimits(time_limit_s=0.5))
    assert {t.verdict for t in report.tests} == {Verdict.TIME_LIMIT}
    assert report.processes == 1  # not one hanging process per test
    assert report.tests[0].message is not None and "top-level" in report.tests[0].message


def test_cpp_code_needing_more_than_the_lean_prelude_still_compiles(sandbox, judge_settings):
    # mt19937 lives in <random>, which only the full prelude (<bits/stdc++.h>) brings in: the first compile fails
    # and the fallback succeeds.
    source = (
        "class Solution {\npublic:\n"
        "    int sumPair(int a, int b) { mt19937 rng(a); (void)rng(); return a + b; }\n};\n"
    )
    report = judge(sandbox, judge_settings, "sum-pair", "cpp", source)
    assert report.verdict is Verdict.ACCEPTED, report.compile_output


# Text a report cannot be stored with (PostgreSQL refuses NUL and lone surrogates in jsonb): javac quotes a source
# line holding a NUL character, and any program can write the harness's own reports, whose JSON escapes spell both.
UNSTORABLE_TEXT = {
    "java-compiler-quotes-nul": (
        "java",
        'class Solution {\n  public int sumPair(int a, int b) { String s = "a\0b" + ; return 0; }\n}\n',
    ),
    "python-forged-compile-error": (
        "python",
        'import sys\nsys.modules["__main__"]._send(\'{"fatal": "compile", "msg": "nul \\\\u0000 lone \\\\ud800"}\')\n',
    ),
    "python-forged-load-error": (
        "python",
        'import sys\nsys.modules["__main__"]._send(\'{"fatal": "load", "msg": "nul \\\\u0000 lone \\\\udc00"}\')\n',
    ),
}


@pytest.mark.parametrize("case", sorted(UNSTORABLE_TEXT))
def test_every_text_of_a_report_can_be_stored_whatever_the_program_or_its_compiler_wrote(
    sandbox, judge_settings, case
):
    language, source = UNSTORABLE_TEXT[case]
    report = judge(sandbox, judge_settings, "sum-pair", language, source)
    assert report.verdict in (Verdict.COMPILE_ERROR, Verdict.RUNTIME_ERROR)
    texts = [report.compile_output, *(t.message or "" for t in report.tests)]
    assert any("\ufffd" in text for text in texts), texts  # it was there, and was replaced
    for text in texts:
        assert "\x00" not in text and not any("\ud800" <= c <= "\udfff" for c in text), text
    report.model_dump_json().encode("utf-8")  # strict: a lone surrogate would raise


def test_python_orders_a_set_of_strings_the_same_on_every_run(sandbox, judge_settings):
    # CPython salts its string hashes per process, so the order of a set of strings (and so whatever a solution
    # builds from it: `list(set(words))`, the first of a tie) changed from one run to the next: the same code could
    # pass on one run and fail a regrade, or a fresh process after a crash. The seed is fixed; so are both.
    source = """
WORDS = list({"apple", "banana", "cherry", "date", "elderberry", "fig", "grape", "honeydew"})

def sum_pair(a, b):
    print(hash("shadows"), WORDS)
    return a + b
"""
    shown = []
    for _ in range(2):
        report = judge(sandbox, judge_settings, "sum-pair", "python", source)
        assert report.verdict is Verdict.ACCEPTED, report
        shown.append([t.stdout for t in report.tests])
    assert shown[0] == shown[1], shown
    assert len(set(shown[0])) == 1, shown[0]  # and from one test, and process, to the next


# Addresses: CPython hashes an object without __hash__ by its address, and C++ code hashes and orders pointers. With
# the kernel's address space layout randomisation each process placed its heap elsewhere, so the order of a set of
# objects (a graph's visited nodes, `unordered_set<Node*>`) changed from one run to the next, as the order of a set of
# strings did before the hash seed was fixed. Python's order of 600 objects differed on each of three runs.
_LAYOUT_SOURCES = {
    "python": """
class Node:
    def __init__(self, v):
        self.v = v

def sum_pair(a, b):
    nodes = [Node(i) for i in range(600)]
    print([n.v for n in set(nodes)][:16], id(nodes[0]) % 65521)
    return a + b
""",
    "cpp": """
#include <cstdio>
#include <unordered_set>
#include <vector>
using namespace std;

struct Node { int v; };

class Solution {
public:
    int sumPair(int a, int b) {
        vector<Node*> nodes;
        unordered_set<Node*> seen;
        for (int i = 0; i < 600; i++) { nodes.push_back(new Node{i}); seen.insert(nodes.back()); }
        int shown = 0;
        for (Node* n : seen) { if (shown++ < 16) printf("%d ", n->v); }
        int local = 0;
        printf("%lu %lu\\n", (unsigned long) nodes[0] % 65521, (unsigned long) &local % 65521);
        return a + b;
    }
};
""",
}


@pytest.mark.parametrize("language", sorted(_LAYOUT_SOURCES))
def test_the_order_of_objects_by_address_is_the_same_on_every_run(sandbox, judge_settings, language):
    shown = []
    for _ in range(3):
        report = judge(sandbox, judge_settings, "sum-pair", language, _LAYOUT_SOURCES[language])
        assert report.verdict is Verdict.ACCEPTED, report
        shown.append([t.stdout for t in report.tests])
    assert shown[0] == shown[1] == shown[2], shown


# The C library's own random numbers, drawn afresh for every process: the stack protector's canary, which every
# protected frame (printf's, libstdc++'s) leaves on the stack, and malloc's tcache key, written into every small block
# it frees. The commonest C++ bugs read them: an uninitialized local array (`int cnt[26];`) and a pointer into a
# vector's buffer kept across a push_back that moved it. Both printed different values on every run (2026-12-03), so
# a solution with either bug could pass on one run and fail its rerun. Each test here prints what it read.
_GARBAGE_SOURCE = """
#include <bits/stdc++.h>
using namespace std;

__attribute__((noinline)) void print_something(int a) { printf("test %d\\n", a); fflush(stdout); }
__attribute__((noinline)) unsigned long uninitialized() {
    unsigned long cnt[24];
    asm volatile("" : "=m"(cnt));  // as if it were read
    unsigned long seen = 0;
    for (int i = 0; i < 24; i++) seen = seen * 31 + cnt[i];
    return seen;
}

class Solution {
public:
    int sumPair(int a, int b) {
        print_something(a);
        unsigned long stack = uninitialized();
        vector<int> v = {1, 2, 3, 4};
        int* old = v.data();
        v.push_back(5);  // moves the buffer: `old` points into freed memory
        printf("%lx %d %d %d %d\\n", stack, old[0], old[1], old[2], old[3]);
        return a + b;
    }
};
"""


def test_cpp_reads_the_same_garbage_on_every_run(sandbox, judge_settings):
    shown = []
    for _ in range(3):
        report = judge(sandbox, judge_settings, "sum-pair", "cpp", _GARBAGE_SOURCE)
        assert report.verdict is Verdict.ACCEPTED, report
        shown.append([t.stdout for t in report.tests])
    assert shown[0] == shown[1] == shown[2], shown


def test_the_stack_limit_does_not_follow_whatever_started_the_judge(sandbox, judge_settings):
    # RLIMIT_STACK was inherited: how deep a C++ or Python recursion could go before it crashed (and, unlimited, the
    # kernel's whole address layout) followed the judge host's service manager, so one source's verdict could differ
    # from host to host. A judge started with a 64 MiB soft limit gives its programs the same 8 MiB as any other.
    source = """
import resource

def sum_pair(a, b):
    print(resource.getrlimit(resource.RLIMIT_STACK)[0])
    return a + b
"""
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    shown = []
    for inherited in (64 << 20, 8 << 20):
        if hard != resource.RLIM_INFINITY and inherited > hard:
            pytest.skip("the stack's hard limit is too low to raise the soft one")
        resource.setrlimit(resource.RLIMIT_STACK, (inherited, hard))
        try:
            report = judge(sandbox, judge_settings, "sum-pair", "python", source)
        finally:
            resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))
        assert report.verdict is Verdict.ACCEPTED, report
        shown.append({t.stdout for t in report.tests})
    assert shown == [{f"{8 << 20}\n"}] * 2, shown


# Ways out of the harness. In `each`, sum-pair's test v<a> takes way `a` (v0 answers); in `load`, the program leaves
# before its first test, as it is loaded. Handlers that run on the way out print a forged record on stdout (its nonce
# a guess) and end the process with 0. Each way must be the candidate's own failure, never `accepted` or
# `internal_error`: the test in flight a runtime error (its process gone without an answer; the tests after it each
# run in a fresh process), or every test when the program never loads.
FORGED = r"{\"n\":\"0\",\"ok\":true,\"v\":0}"
EXITS = {
    ("cpp", "each"): r"""
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <unistd.h>

static std::jmp_buf before_main;
struct Early {
    Early() { setjmp(before_main); }  // back here from inside the harness's call: on to main, again
} early;

static void forge() { std::puts("FORGED"); std::fflush(stdout); _exit(0); }
static void thrower() noexcept { throw 1; }

class Solution {
public:
    int sumPair(int a, int b) {
        if (a == 1) std::quick_exit(0);
        if (a == 2) { std::at_quick_exit(forge); std::quick_exit(1); }
        if (a == 3) std::longjmp(before_main, 1);
        if (a == 4) { std::atexit(forge); std::exit(1); }
        if (a == 5) { std::set_terminate(forge); thrower(); }
        return a + b;
    }
};
""",
    ("cpp", "load"): r"""
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

static void forge() { std::puts("FORGED"); std::fflush(stdout); _exit(0); }
struct Early {
    Early() { std::atexit(forge); std::exit(1); }
} early;

class Solution {
public:
    int sumPair(int a, int b) { return a + b; }
};
""",
    ("java", "each"): r"""
class Solution {
    static class Boom {
        static int value;
        static { System.exit(0); }
    }

    static void forge() {
        System.out.println("FORGED");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    public int sumPair(int a, int b) throws Exception {
        if (a == 1) Runtime.getRuntime().halt(0);
        if (a == 2) return Boom.value;
        if (a == 3) { Runtime.getRuntime().addShutdownHook(new Thread(Solution::forge)); System.exit(1); }
        if (a == 4) {
            Thread.setDefaultUncaughtExceptionHandler((t, e) -> forge());
            Thread thrower = new Thread(() -> { throw new IllegalStateException("out"); });
            thrower.start();
            thrower.join();
            Thread.sleep(5000);
        }
        if (a == 5) { Thread.setDefaultUncaughtExceptionHandler((t, e) -> forge()); throw new Error("out"); }
        return a + b;
    }
}
""",
    ("java", "load"): r"""
class Forge extends Thread {
    public void run() {  // a class of its own: a hook running Solution's code would wait for its initialisation
        System.out.println("FORGED");
        Runtime.getRuntime().halt(0);
    }
}

class Solution {
    static {
        Runtime.getRuntime().addShutdownHook(new Forge());
        System.exit(1);
    }

    public int sumPair(int a, int b) { return a + b; }
}
""",
    ("javascript", "each"): r"""
function forge() {
  require('fs').writeSync(1, 'FORGED\n');
  process.exit(0);
}
function sumPair(a, b) {
  if (a === 1) { process.on('exit', forge); process.exit(1); }
  if (a === 2) process.reallyExit(0);
  if (a === 3) { process.stdout.write = () => { forge(); return true; }; console.log('x'); }
  if (a === 4) { process.exit = () => {}; process.reallyExit = () => {}; return a + b + 1; }
  if (a === 5) { process.exitCode = 0; setImmediate(forge); throw new Error('out'); }
  return a + b;
}
""",
    ("javascript", "load"): r"""
process.on('exit', () => { require('fs').writeSync(1, 'FORGED\n'); process.exit(0); });
process.exit(1);
function sumPair(a, b) {
  return a + b;
}
""",
}


# What each test gets: in `each`, JavaScript's v4 has the process's ways to end replaced with ones that do nothing and
# answers wrongly, which is all it is (the harness's own ending at the end of the run is the judge's kill).
_RE, _OK, _WA = Verdict.RUNTIME_ERROR, Verdict.ACCEPTED, Verdict.WRONG_ANSWER
EXITS_EXPECTED = {
    "each": [_OK, _RE, _RE, _RE, _RE, _RE],
    "javascript-each": [_OK, _RE, _RE, _RE, _WA, _RE],
    "load": [_RE] * 6,
}


@pytest.mark.parametrize(("language", "when"), sorted(EXITS))
def test_every_way_out_of_the_harness_is_the_candidates_own_failure(sandbox, judge_settings, language, when):
    report = judge(
        sandbox, judge_settings, "sum-pair", language, EXITS[language, when].replace("FORGED", FORGED)
    )
    expected = EXITS_EXPECTED.get(f"{language}-{when}", EXITS_EXPECTED[when])
    assert [t.verdict for t in report.tests] == expected, [(t.id, t.verdict, t.message) for t in report.tests]
    assert report.verdict is _RE  # the first test that failed
