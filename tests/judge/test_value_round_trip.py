"""Every declarable type survives the trip through each language's harness: JSON in, typed value, JSON out."""

from __future__ import annotations

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.runner import run_request
from judge.schemas import RunRequest, Verdict
from judge.verdict import clean_value

pytestmark = pytest.mark.sandbox

TRICKY_STRINGS = [
    "",
    "plain",
    'quote " and backslash \\',
    "new\nline\ttab",
    "ünïcödé ✓",
    "emoji 🙂",
    "\u0001ctl",
    "every escape: \\/ \b \f \r \x00 \x1f \x7f \u2028",  # NUL as well: \u0000 in the frame
    "astral \U0001f600 and \U00010000, BMP \uffff",  # surrogate pairs in the frame (the judge sends ASCII)
    '] , ["a",1] \\u0041',  # what ends an array, and an escape's text, inside a string
    "x" * 100_000,
]
VALUES: dict[str, list[object]] = {
    "int": [0, -1, 2**31 - 1, -(2**31)],
    "long": [0, -(2**53) + 1, 2**53 - 1],  # JavaScript numbers are exact up to 2^53
    # Exponents, the extremes, a denormal, negative zero (JavaScript and C++ write it back as 0, which equals it) and
    # integers written as integers: a float parameter gets them as doubles.
    "float": [
        *(0.0, -2.5, 0.1, 1e-300, 1.7976931348623157e308, 123456.789, 5e-324, 2.2250738585072014e-308),
        *(-0.0, 1e22, 1.5e-7, 2, -3, 2**53),
    ],
    "bool": [True, False],
    "string": TRICKY_STRINGS,
    "int[]": [[], [1, -2, 3]],
    "float[]": [[], [0.5, -1e-9], [1, -0.0, 5e-324, 1e308]],
    "bool[]": [[], [True, False, True]],
    "string[]": [[], TRICKY_STRINGS, ["]", ",", "", "[]"]],
    "long[][]": [[], [[]], [[1, 2], [-(2**40)]], [[], []], [[], [1]], [[1], []]],
    "string[][]": [[["a"], []], [["x", "y"], ["z"]], [[]], [["]"], [",", "]]"]]],
}
# What every language but JavaScript holds (its numbers are exact up to 2^53, which questions keep to).
BEYOND_JAVASCRIPT: dict[str, list[object]] = {"long": [-(2**63), 2**63 - 1, 2**53 + 1]}
JAVA = {"int": "int", "long": "long", "float": "double", "bool": "boolean", "string": "String"}
CPP = {"int": "int", "long": "long long", "float": "double", "bool": "bool", "string": "string"}


def _typed(t: str, names: dict[str, str], vector: bool) -> str:
    scalar, depth = t.rstrip("[]"), t.count("[]")
    out = names[scalar]
    for _ in range(depth):
        out = f"vector<{out}>" if vector else out + "[]"
    return out


def _source(language: str, t: str) -> str:
    if language == "python":
        return "def echo(x):\n    return x\n"
    if language == "javascript":
        return "function echo(x) {\n  return x;\n}\n"
    if language == "java":
        jt = _typed(t, JAVA, vector=False)
        return f"class Solution {{\n    public {jt} echo({jt} x) {{\n        return x;\n    }}\n}}\n"
    ct = _typed(t, CPP, vector=True)
    return (
        "#include <bits/stdc++.h>\nusing namespace std;\n"
        f"class Solution {{\npublic:\n    {ct} echo({ct} x) {{ return x; }}\n}};\n"
    )


@pytest.mark.parametrize("type_", list(VALUES))
@pytest.mark.parametrize("language", ["python", "javascript", "java", "cpp"])
def test_identity_function_returns_every_value_unchanged(sandbox, judge_settings, language, type_):
    signature = Signature(function="echo", params=[Param(name="x", type=type_)], returns=type_)
    values = VALUES[type_] + ([] if language == "javascript" else BEYOND_JAVASCRIPT.get(type_, []))
    tests = [Case(id=f"t{i}", args=[v], expected=v) for i, v in enumerate(values)]
    request = RunRequest(language=language, source=_source(language, type_), signature=signature, tests=tests)
    report = run_request(request, sandbox, judge_settings)
    assert report.verdict is Verdict.ACCEPTED, (
        report.compile_output[:1500],
        [
            (t.id, t.verdict.value, t.expected, t.actual, t.message)
            for t in report.tests
            if t.verdict is not Verdict.ACCEPTED
        ],
    )
    # Exact round trip, not merely within the float tolerance (as the report shows it: a NUL is shown as U+FFFD).
    assert [t.actual for t in report.tests] == [clean_value(v) for v in values]


def test_cpp_string_that_is_not_utf8_is_a_wrong_answer_at_once_not_a_time_limit(sandbox, judge_settings):
    # Reversing bytes splits "é" (C3 A9) into A9 C3: not UTF-8. The record still counts: a wrong answer, judged as
    # soon as it arrives, in the same process (before, the record was dropped and the test waited out its limit).
    signature = Signature(function="rev", params=[Param(name="s", type="string")], returns="string")
    source = "class Solution { public: string rev(string s) { reverse(s.begin(), s.end()); return s; } };\n"
    tests = [
        Case(id="accent", args=["\u00e9"], expected="\u00e9"),
        Case(id="ascii", args=["ab"], expected="ba"),
    ]
    request = RunRequest(language="cpp", source=source, signature=signature, tests=tests)
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.WRONG_ANSWER, Verdict.ACCEPTED], report.tests
    assert report.tests[0].actual == "\ufffd\ufffd"
    assert report.tests[0].time_ms is not None and report.tests[0].time_ms < 1000
    assert report.processes == 1


@pytest.mark.parametrize("language", ["python", "javascript"])
def test_a_value_nested_past_the_decoders_depth_is_a_wrong_answer_at_once(sandbox, judge_settings, language):
    # 5,000 levels: the harness encodes it, the judge's decoder stops at its recursion limit. The record was dropped
    # as garbage and the test waited out its limit: time_limit, for an answer that had arrived.
    signature = Signature(function="deep", params=[Param(name="n", type="int")], returns="int[]")
    source = {
        "python": "def deep(n):\n    v = []\n    for _ in range(n):\n        v = [v]\n    return v\n",
        "javascript": "function deep(n) { let v = []; for (let i = 0; i < n; i++) v = [v]; return v; }\n",
    }[language]
    tests = [Case(id="deep", args=[5000], expected=[1]), Case(id="flat", args=[0], expected=[])]
    request = RunRequest(language=language, source=source, signature=signature, tests=tests)  # type: ignore[arg-type]
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.WRONG_ANSWER, Verdict.ACCEPTED], report.tests
    assert report.tests[0].message == "the returned value is nested too deeply"
    assert report.tests[0].time_ms is not None and report.tests[0].time_ms < 1000
    assert report.processes == 1


@pytest.mark.parametrize("language", ["python", "javascript"])
def test_a_value_too_costly_to_decode_is_output_limit_at_once_and_never_decoded(
    sandbox, judge_settings, language
):
    # 1.5 million empty lists: 4.5 MB of JSON that would have decoded into about 120 MiB of the judge's own memory
    # (16 MiB of them, 400 MiB), outside every sandbox limit. Estimated first, it is refused undecoded: that test's
    # output_limit at once, and the process goes on to the next test (an honest 1.5 million integers is judged
    # whole: tests/judge/test_remote_backend.py).
    signature = Signature(function="many", params=[Param(name="n", type="int")], returns="int[][]")
    source = {
        "python": "def many(n):\n    return [[] for _ in range(n)]\n",
        "javascript": "function many(n) { return Array.from({length: n}, () => []); }\n",
    }[language]
    tests = [Case(id="many", args=[1_500_000], expected=[]), Case(id="few", args=[2], expected=[[], []])]
    request = RunRequest(language=language, source=source, signature=signature, tests=tests)  # type: ignore[arg-type]
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.OUTPUT_LIMIT, Verdict.ACCEPTED], report.tests
    assert report.tests[0].message == "the returned value is too large to report"
    assert report.processes == 1
