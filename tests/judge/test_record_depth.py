"""Every record the judge reads from a program nests at most judge.protocol.RECORD_DEPTH deep (its own object
counted), read from its bytes before anything recursive runs: the decoder, `str()` of a field, comparing, encoding.

Before, the decoder's own recursion limit was the bound: a record 960-985 levels deep was decoded and then turned
into text (a list as a test record's `kind`, or as a load-time `fatal` message) a few stack frames short of a
RecursionError in the judge, a margin that another code path or runtime could take away. Now a test's own record
nested deeper is that test's wrong answer ("nested too deeply"), any other line too deep is garbage (a stray line),
neither decoded, in every language and in the Judge0 driver; the deepest honest record is 3 (`T[][]`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from judge import protocol
from judge.backends.judge0_driver import DRIVER
from judge.bank import Param, Signature, load_question, split_type
from judge.bank import TestCase as Case
from judge.protocol import RECORD_DEPTH, TOO_DEEP, UNREADABLE, parse_line, shape_error
from judge.runner import run_request
from judge.sandbox import Sandbox
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.settings import JudgeSettings
from tests.fakes.judge0 import FakeJudge0
from tests.judge.test_judge0_backend import HOST, TOKEN, _judge

HEAD = b'{"n":"0a1b","ok":'
DEPTHS = [
    1,
    2,
    3,
    RECORD_DEPTH - 1,
    RECORD_DEPTH,
    RECORD_DEPTH + 1,
    40,
    100,
    500,
    960,
    985,
    999,
    5_000,
    200_000,
]


def _nest(depth: int, inner: bytes = b"1", width: int = 1) -> bytes:
    """`depth` arrays, each holding `width - 1` numbers and then the next (only the last nesting further)."""
    return (b"[" + b"1," * (width - 1)) * depth + inner + b"]" * depth


def _objects(depth: int, key: bytes = b"k") -> bytes:
    return (b'{"' + key + b'":') * depth + b"1" + b"}" * depth


def _lines(depth: int) -> dict[str, tuple[bytes, bool]]:
    """Lines nesting `depth` levels in all (the record's own object counted), by kind: (line, headed by a test's
    nonce)."""
    inner = depth - 1
    return {
        "value": (HEAD + b"true," + b'"v":' + _nest(inner) + b"}", True),
        "value of objects": (HEAD + b"true," + b'"v":' + _objects(inner) + b"}", True),
        "wide value": (
            HEAD + b"true," + b'"v":' + _nest(inner, width=min(1_000, 10**6 // depth)) + b"}",
            True,
        ),
        "kind": (HEAD + b'false,"kind":' + _nest(inner) + b',"msg":"x"}', True),
        "message": (HEAD + b'false,"kind":"runtime","msg":' + _nest(inner) + b"}", True),
        "extra field": (HEAD + b'true,"v":1,"x":' + _objects(inner, b"[{" * 3) + b"}", True),
        "fatal": (b'{"fatal":"load","msg":' + _nest(inner) + b"}", False),
        "ready": (b'{"s":"ready","x":' + _nest(inner) + b"}", False),
        "hello": (b'{"s":"hello","x":' + _objects(inner) + b"}", False),
        "another test's": (b'{"n":"ffff","ok":true,"v":' + _nest(inner) + b"}", True),
        "not an object": (_nest(depth), False),
    }


def _depth(value: Any) -> int:
    level, depth = [value], 0
    while level:
        level = [
            v
            for item in level
            if isinstance(item, list | dict)
            for v in (item.values() if isinstance(item, dict) else item)
        ]
        depth += 1
    return depth - 1


@pytest.mark.parametrize("depth", DEPTHS)
def test_no_line_deeper_than_the_bound_is_decoded_and_a_tests_own_is_its_wrong_answer(depth: int) -> None:
    for kind, (line, headed) in _lines(depth).items():
        rec = parse_line(line)
        if kind == "not an object":
            assert rec is None  # never a record, at any depth
        elif depth <= RECORD_DEPTH:
            assert rec is not None and _depth(rec) == depth, kind
        elif headed:
            nonce = (
                "ffff" if kind == "another test's" else "0a1b"
            )  # the supervisor takes only its test's nonce
            assert rec == {"n": nonce, "ok": False, "kind": "value", "msg": TOO_DEEP}, kind
        else:
            assert rec is None, kind


@pytest.mark.parametrize("depth", [RECORD_DEPTH + 1, 985, 200_000])
def test_the_decoder_is_never_handed_a_line_deeper_than_the_bound(
    depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[str] = []
    monkeypatch.setattr(protocol.json, "loads", lambda text, *a, **kw: handed.append(text))
    for line, _ in _lines(depth).values():
        parse_line(line)
    assert handed == []


def test_strings_and_escapes_are_not_nesting_and_unbalanced_brackets_are_never_decoded() -> None:
    deep_text = json.dumps(["[" * 500 + "{" * 500, '\\"[[[', "\\", "\u00e9[" * 300]).encode()
    assert parse_line(HEAD + b'true,"v":' + deep_text + b"}") is not None
    raw = (
        HEAD + b'true,"v":["' + "\U0001f600[".encode() * 100 + b'"]}'
    )  # raw UTF-8 beside brackets in a string
    assert parse_line(raw) is not None
    # An escaped backslash, then the string's real closing quote: the brackets after it are arrays.
    escaped = HEAD + b'true,"v":[' + b'"\\\\",' * 100 + b"[" * 20 + b"]" * 20 + b"]}"
    assert parse_line(escaped) == {"n": "0a1b", "ok": False, "kind": "value", "msg": TOO_DEEP}
    assert shape_error(b"[" * 200_000) == TOO_DEEP  # never closed: as deep as a decoder would go
    assert shape_error(b"]" * 100 + b"[" * 10 + b"[]" * 10) == UNREADABLE  # not JSON, shallow: never decoded
    unbalanced = HEAD + b'true,"v":' + b"[" * 10 + b"]" * 30 + b"}"
    assert parse_line(unbalanced) == {"n": "0a1b", "ok": False, "kind": "value", "msg": UNREADABLE}
    never_closed = HEAD + b'true,"v":["' + b"[" * 100  # a string left open holds what follows it
    assert shape_error(never_closed) == UNREADABLE  # not TOO_DEEP: its brackets are text


def test_every_honest_return_type_fits_with_room() -> None:
    deepest = max(split_type(t)[1] for t in ("int", "int[]", "int[][]", "string[][]", "float[][]"))
    assert 1 + deepest <= 3 < RECORD_DEPTH  # the record's object and the bank's deepest type (judge.bank)
    for directory in sorted((Path(__file__).parents[2] / "questions").iterdir()):
        if (directory / "question.yaml").is_file():
            question = load_question(directory)
            assert 1 + split_type(question.signature.returns)[1] <= 3, directory.name


def _driver_shape() -> Any:
    """The in-box driver's own copy of the rule (Python 3.8 source), run here."""
    section = re.search(r"# --- record shape.*?# --- end of record shape", DRIVER, re.S)
    assert section is not None
    scope: dict[str, Any] = {"re": re}
    exec(section.group(0), scope)
    return scope


def test_the_judge0_driver_applies_the_same_rule() -> None:
    driver = _driver_shape()
    assert (driver["RECORD_DEPTH"], driver["TOO_DEEP"], driver["UNREADABLE"]) == (
        RECORD_DEPTH,
        TOO_DEEP,
        UNREADABLE,
    )
    for depth in DEPTHS[:-1]:
        for line, _ in _lines(depth).values():
            assert driver["shape_error"](line) == shape_error(line), depth
    for line in (
        b"]" * 100 + b"[" * 10,
        b'["\\\\",' + b"[" * 40 + b"]" * 40 + b"]",
        b'["\\"[[[[[[[[[[[[[[[[[[[["]',
    ):
        assert driver["shape_error"](line) == shape_error(line), line[:40]


# ------------------------------------------------------------------ through the real supervisor

SIGNATURE = Signature(function="deep", params=[Param(name="n", type="int")], returns="int[]")

# The program writes its test's record itself (it can: the nonce is in the harness's frame), nested `n` deep in the
# field named by the test, then answers; the harness's own record follows, and only the first counts.
FORGE_TEST = """
import os, sys


def deep(n):
    if n < 0:
        return [1]
    frame = sys._getframe(1)
    nonce, results = frame.f_locals["nonce"], frame.f_globals["_RES"]
    nested = b"[" * n + b"]" * n
    field = {FIELDS}[n % 3]
    os.write(results, b'{"n":"' + nonce.encode() + b'",' + field.replace(b"X", nested) + b"}\\n")
    return [1]
"""
FIELDS = (
    '[b\'"ok":true,"v":X\', b\'"ok":false,"kind":X,"msg":"m"\', b\'"ok":false,"kind":"runtime","msg":X\']'
)


@pytest.mark.parametrize(
    "depth", [RECORD_DEPTH + 2, RECORD_DEPTH + 3, RECORD_DEPTH + 4, 960, 961, 962, 985, 986, 987]
)
def test_a_tests_record_deeper_than_the_bound_is_its_wrong_answer_whatever_field_nests(
    sandbox: Sandbox, judge_settings: JudgeSettings, depth: int
) -> None:
    # Before: decoded (below the decoder's limit), then a runtime_error quoting "m" or the list's repr.
    source = FORGE_TEST.replace("{FIELDS}", FIELDS)
    tests = [Case(id="deep", args=[depth], expected=[1]), Case(id="flat", args=[-1], expected=[1])]
    request = RunRequest(language="python", source=source, signature=SIGNATURE, tests=tests)
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests] == [Verdict.WRONG_ANSWER, Verdict.ACCEPTED], report.tests
    assert report.tests[0].message == TOO_DEEP
    assert report.processes == 1


FORGE_FATAL = """
import os, sys

results = sys._getframe(1).f_globals["_RES"]
os.write(results, b'{"fatal":"load","msg":' + MSG + b'}\\n')
os._exit(3)


def deep(n):
    return [1]
"""


@pytest.mark.parametrize(
    ("msg", "expected"),
    [
        (b"[" * 985 + b"]" * 985, "the program ended before running any test: exited with code 3"),
        (b"[" * 40 + b"]" * 40, "the program ended before running any test: exited with code 3"),
        (b"[1, 2, 3]", "the code could not be loaded"),  # a list is no message: never its repr
        (b'"NameError: x"', "NameError: x"),
    ],
    ids=["985-deep", "40-deep", "a-list", "text"],
)
def test_a_load_time_fatal_record_is_text_or_nothing(
    sandbox: Sandbox, judge_settings: JudgeSettings, msg: bytes, expected: str
) -> None:
    # Before: the list was decoded and its repr was the message ("[[[[...", "[1, 2, 3]").
    source = FORGE_FATAL.replace("MSG", repr(msg))
    request = RunRequest(
        language="python", source=source, signature=SIGNATURE, tests=[Case(id="a", args=[1], expected=[1])]
    )
    report = run_request(request, sandbox, judge_settings)
    assert report.tests[0].verdict is Verdict.RUNTIME_ERROR
    assert report.tests[0].message == expected


CPP_DEEP = """
#include <bits/stdc++.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
class Solution {
public:
    vector<int> deep(int n) {
        // A stray line on the results channel (not a record), as deep as asked, then the answer.
        std::string line = std::string(n, '[') + std::string(n, ']') + "\\n";
        for (int fd = 3; fd < 64; fd++) {
            struct stat st;
            if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode) || (fcntl(fd, F_GETFL) & O_ACCMODE) != O_WRONLY) continue;
            if (write(fd, line.data(), line.size()) < 0) break;
        }
        return {1};
    }
};
"""
JS_DEEP = "function deep(n) { let v = [1]; for (let i = 0; i < n; i++) v = [v]; return v; }\n"


@pytest.mark.parametrize("language", ["cpp", "javascript"])
def test_deep_lines_are_bounded_the_same_in_other_languages(
    sandbox: Sandbox, judge_settings: JudgeSettings, language: str
) -> None:
    source = {"cpp": CPP_DEEP, "javascript": JS_DEEP}[language]
    tests = [Case(id=f"d{d}", args=[d], expected=[1]) for d in (0, 3, RECORD_DEPTH, 985)]
    request = RunRequest(language=language, source=source, signature=SIGNATURE, tests=tests)  # type: ignore[arg-type]
    report = run_request(request, sandbox, judge_settings)
    verdicts = [(t.verdict, t.message) for t in report.tests]
    if language == "cpp":  # stray lines, ignored: each test then answers [1]
        assert verdicts == [(Verdict.ACCEPTED, None)] * 4, verdicts
    else:  # the harness's own record of a value nested d + 1 deep (d + 2 with the record's object)
        assert verdicts[:2] == [
            (Verdict.ACCEPTED, None),
            (Verdict.WRONG_ANSWER, "the returned value is nested deeper than int[]"),
        ]
        assert verdicts[2:] == [(Verdict.WRONG_ANSWER, TOO_DEEP)] * 2, verdicts


QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")

JUDGE0_FORGE = """
import __main__, os, sys


def sum_pair(a, b):
    nonce = sys._getframe(1).f_locals["nonce"]
    os.write(__main__._RES, b'{"n":"' + nonce.encode() + b'","ok":true,"v":' + b"[" * DEPTH + b"]" * DEPTH + b"}\\n")
    return a + b
"""


@pytest.mark.parametrize("depth", [RECORD_DEPTH + 1, 985])
async def test_the_judge0_driver_refuses_a_deep_record_as_the_local_supervisor_does(depth: int) -> None:
    tests = [t for t in QUESTION.tests if not t.hidden][:2]
    source = JUDGE0_FORGE.replace("DEPTH", str(depth))
    request = RunRequest.for_question(QUESTION, language="python", source=source, mode="run")
    limits = RunLimits(time_limit_s=2.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)
    request = request.model_copy(update={"tests": tests, "limits": limits})
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(request)
    assert [(t.verdict, t.message) for t in report.tests] == [(Verdict.WRONG_ANSWER, TOO_DEEP)] * 2
