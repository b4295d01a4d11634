"""Pure verdict logic: per-test verdicts from what the supervisor observed, crash verdicts, the overall verdict,
redaction and the bounded record parser."""

from __future__ import annotations

import json
import signal
import sys
import time
from decimal import Decimal

import pytest

from judge.bank import Compare
from judge.bank import TestCase as Case
from judge.disclosure import redact
from judge.protocol import (
    RECORD_CAP,
    RECORD_MEMORY,
    TOO_DEEP,
    TOO_LARGE,
    UNREADABLE,
    decoded_size,
    frame,
    is_test_record,
    nesting_depth,
    parse_line,
)
from judge.schemas import TestResult, Verdict
from judge.verdict import (
    RUN_OVER_MEMORY,
    SHOWN_VALUE_BYTES,
    VALUE_NOT_SHOWN,
    ProcessOutcome,
    TestOutcome,
    clean_text,
    crash_verdict,
    json_size_over,
    judge_outcome,
    overall_verdict,
    start_verdict,
)


def _test(i: int = 0, expected: object = 3, hidden: bool = False) -> Case:
    return Case(id=f"t{i}", args=[1, 2], expected=expected, hidden=hidden)


def _judge(
    outcome: TestOutcome, *, expected: object = 3, returns: str = "int", limit_s: float = 1.0
) -> TestResult:
    return judge_outcome(
        _test(expected=expected),
        outcome,
        returns=returns,
        compare=Compare(),
        time_limit_s=limit_s,
        output_cap=1000,
    )


def _ok(value: object, charged_s: float = 0.0005, **kw: object) -> TestOutcome:
    return TestOutcome(record={"n": "x", "ok": True, "v": value}, charged_s=charged_s, **kw)  # type: ignore[arg-type]


def test_a_matching_value_is_accepted_with_its_excerpts_and_time():
    result = _judge(_ok(3, stdout=b"hello\n"))
    assert result.verdict is Verdict.ACCEPTED
    assert (result.actual, result.expected, result.args, result.stdout) == (3, 3, [1, 2], "hello\n")
    assert result.time_ms == 0.5


def test_a_right_answer_from_a_run_that_went_over_its_memory_is_memory_limit_even_when_also_stopped_for_time():
    # The kernel OOM-killed one of the run's processes (a child the answer did not need): the run was over its limit.
    assert _judge(_ok(3, over="memory")).verdict is Verdict.MEMORY_LIMIT
    stopped = _judge(TestOutcome(record=None, charged_s=1.5, over="memory"))
    assert (stopped.verdict, stopped.message) == (Verdict.MEMORY_LIMIT, RUN_OVER_MEMORY)


def test_a_wrong_value_is_a_wrong_answer_with_a_hint():
    result = _judge(_ok([1]), expected=[1, 2], returns="int[]")
    assert result.verdict is Verdict.WRONG_ANSWER
    assert result.message == "expected 2 elements, got 1"


def test_a_returned_value_too_large_to_show_is_judged_whole_and_not_kept_in_the_report():
    big = list(range(300_000))  # about 2 MB of JSON: well under a record's 16 MiB
    wrong = _judge(_ok(big), expected=[1, 2], returns="int[]")
    assert wrong.verdict is Verdict.WRONG_ANSWER and wrong.actual is None
    assert (
        wrong.message
        == "expected 2 elements, got 300000; the returned value is too large to show (over 256 KiB as JSON)"
    )
    assert len(wrong.model_dump_json()) < 4096
    right = _judge(_ok(big), expected=big, returns="int[]")
    assert right.verdict is Verdict.ACCEPTED and right.actual is None
    assert right.message == "the returned value is too large to show (over 256 KiB as JSON)"
    shown = ["x" * 1000] * 200  # about 200 KB: shown as it is
    assert _judge(_ok(shown), expected=shown, returns="string[]").actual == shown


def test_the_size_estimate_looks_no_further_than_the_cap_and_is_within_twice_the_json():
    for value in (
        [],
        "",
        0,
        1.5,
        None,
        True,
        [[1, 2], ["a\u00e9"]],
        {"k": [1.25, -3]},
        10**300,
        list(range(5000)),
    ):
        size = len(json.dumps(value, separators=(",", ":")))
        assert not json_size_over(value, 2 * size + 64)
        assert json_size_over(value, size // 4 - 1) or size < 8
    endless = [[0] * 1000] * 10**6  # a billion elements, walked only until the estimate passes the cap
    assert json_size_over(endless, SHOWN_VALUE_BYTES)


def _stored_size(value: object) -> int:
    """Bytes of `value` as PostgreSQL's jsonb writes it back (where reports are stored): every number in full decimal,
    never in exponent notation (api.stored_json)."""
    text = json.dumps(value, separators=(",", ":"))
    floats = [v for v in value if isinstance(v, float)] if isinstance(value, list) else []
    return len(text) + sum(len(f"{Decimal(repr(f)):f}") - len(repr(f)) for f in floats)


@pytest.mark.parametrize("number", [1e308, -1.7976931348623157e308, 5e-324, 1.2345e-200, 6.02e123])
def test_a_returned_value_is_shown_only_when_it_is_small_as_stored_not_only_as_written(number: float) -> None:
    # A report is stored in PostgreSQL, whose jsonb writes a number back in full: 1e308, 6 bytes of JSON, is 309
    # digits stored. Counting each float as 25 bytes, 10,000 of them (70 KB written) were shown, 3 MB per visible
    # test stored and read back with the report (five tests: 15 MB a Run).
    value = [number] * 10_000
    assert _stored_size(value) > SHOWN_VALUE_BYTES
    result = _judge(_ok(value), expected=[1.5], returns="float[]")
    assert result.verdict is Verdict.WRONG_ANSWER and result.actual is None
    assert result.message is not None and result.message.endswith(VALUE_NOT_SHOWN)
    honest = [0.1, -2.5e-7, 123456.789, 1e15, 0.0, 3.0] * 1000  # shown, as stored and as written
    assert _stored_size(honest) < SHOWN_VALUE_BYTES
    assert _judge(_ok(honest), expected=honest, returns="float[]").actual == honest


def test_a_correct_answer_charged_past_the_limit_is_time_limit_whatever_the_record_says():
    forged = TestOutcome(record={"n": "x", "ok": True, "v": 3, "ms": 0.001}, charged_s=1.3)
    result = _judge(forged)
    assert result.verdict is Verdict.TIME_LIMIT
    assert result.time_ms == 1000.0


def test_a_test_the_supervisor_stopped_gets_the_reason_it_was_stopped():
    assert _judge(TestOutcome(record=None, charged_s=1.0, over="time")).verdict is Verdict.TIME_LIMIT
    assert _judge(TestOutcome(record=None, charged_s=0.1, over="output")).verdict is Verdict.OUTPUT_LIMIT
    assert _judge(TestOutcome(record=None, charged_s=0.1, over="record")).verdict is Verdict.OUTPUT_LIMIT
    # Output past the cap fails the test even when its record had already arrived.
    assert _judge(_ok(3, over="output")).verdict is Verdict.OUTPUT_LIMIT


def test_error_kinds_map_to_verdicts_and_time_or_output_kinds_from_the_program_mean_nothing_special():
    cases = {
        "memory": Verdict.MEMORY_LIMIT,
        "runtime": Verdict.RUNTIME_ERROR,
        "crash": Verdict.RUNTIME_ERROR,
        "value": Verdict.WRONG_ANSWER,
        "timeout": Verdict.RUNTIME_ERROR,  # the harness never times anything: a forged "timeout" is just an error
        "something-new": Verdict.RUNTIME_ERROR,
    }
    for kind, verdict in cases.items():
        outcome = TestOutcome(record={"n": "x", "ok": False, "kind": kind, "msg": "boom"}, charged_s=0.001)
        result = _judge(outcome)
        assert result.verdict is verdict, kind
        assert result.message == "boom"


ABORTED = "Aborted (failed assertion or uncaught exception)"  # the C++ harness's record for SIGABRT
VECTOR_ASSERTION = (
    b"/usr/include/c++/12/bits/stl_vector.h:1123: std::vector<_Tp, _Alloc>::reference std::vector<_Tp, _Alloc>::"
    b"operator[](size_type) [with _Tp = int; _Alloc = std::allocator<int>; reference = int&; size_type = long "
    b"unsigned int]: Assertion '__n < this->size()' failed.\n"
)


def _aborted(stderr: bytes, msg: str = ABORTED, **kw: object) -> TestOutcome:
    record = {"n": "x", "ok": False, "kind": "crash", "msg": msg}
    return TestOutcome(record=record, charged_s=0.001, stderr=stderr[:2000], stderr_ends=stderr, **kw)  # type: ignore[arg-type]


def test_an_abort_names_the_assertion_that_failed_bounded_and_only_from_the_end_of_stderr():
    result = _judge(_aborted(b"debug output\n" + VECTOR_ASSERTION))
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert result.message == f"{ABORTED}: {VECTOR_ASSERTION.decode().strip()}"
    # The C library's assert(), in the candidate's own code.
    glibc = b"prog: solution.cpp:7: int Solution::sumPair(int, int): Assertion `a != 2' failed.\n"
    assert _judge(_aborted(glibc)).message == f"{ABORTED}: {glibc.decode().strip()}"
    # Long template arguments go before the condition does; a forged line of any length is cut to the bound.
    long_types = VECTOR_ASSERTION.replace(b"_Tp = int;", b"_Tp = std::vector<" + b"x" * 600 + b">;")
    message = _judge(_aborted(long_types)).message or ""
    assert message.endswith("operator[](size_type): Assertion '__n < this->size()' failed.")
    assert len(message) <= 600
    assert len(_judge(_aborted(b"y" * 5000 + b": Assertion 'z' failed.")).message or "") == 600
    # Printed long before the abort, or under another crash: not the cause.
    assert _judge(_aborted(VECTOR_ASSERTION + b"more\n" * 10)).message == ABORTED
    segv = "Segmentation fault (invalid memory access or stack overflow)"
    assert _judge(_aborted(VECTOR_ASSERTION, msg=segv)).message == segv
    assert _judge(_aborted(b"")).message == ABORTED


def test_an_abort_finds_the_assertion_at_the_end_of_a_long_stderr():
    head = b"x" * 2000
    ends = head + b"\n...\n" + (b"y" * 100 + b"\n" + VECTOR_ASSERTION)[-600:]
    result = _judge(_aborted(ends))
    assert result.message is not None and result.message.endswith("Assertion '__n < this->size()' failed.")
    assert result.stderr == head.decode()  # the excerpt shown is still the first bytes


def test_a_process_that_ended_mid_test_gets_the_crash_verdict():
    ended = ProcessOutcome(exit_code=None, signal=signal.SIGKILL, memory_exceeded=True)
    assert _judge(TestOutcome(record=None, charged_s=0.2, ended=ended)).verdict is Verdict.MEMORY_LIMIT


def test_a_value_nested_deeper_than_the_declared_type_is_wrong_without_being_kept():
    deep: object = 1
    for _ in range(50):
        deep = [deep]
    result = _judge(_ok(deep), returns="int[]", expected=[1])
    assert result.verdict is Verdict.WRONG_ANSWER
    assert result.actual is None and "nested deeper" in (result.message or "")


def test_text_that_storage_would_refuse_is_replaced():
    result = _judge(_ok("a\x00b\ud800c", stdout=b"\xff\xfeok\x00"), returns="string", expected="abc")
    assert result.actual == "a\ufffdb\ufffdc"
    assert result.stdout == "\ufffd\ufffdok\ufffd"
    json.dumps(result.model_dump()).encode("utf-8")  # no lone surrogate survives
    assert clean_text("plain") == "plain"


def test_parse_line_is_bounded_in_size_depth_and_type_and_never_raises():
    assert parse_line(b'{"n": "a", "ok": true, "v": 1}') == {"n": "a", "ok": True, "v": 1}
    assert parse_line(b"[" * 200_000 + b"]" * 200_000) is None
    assert parse_line(b'{"v": ' + b"[" * 200_000 + b"]" * 200_000 + b"}") is None
    assert parse_line(b"\xff\xfe garbage") is None
    assert parse_line(b"[1, 2]") is None  # not an object
    assert parse_line(b'{"v": "' + b"x" * (RECORD_CAP + 1) + b'"}') is None
    assert parse_line(b'{"v": ' + b"9" * 100_000 + b"}") is None  # a number too long to convert


def test_a_test_record_too_deep_to_decode_is_that_tests_value_error():
    deep = b'{"n":"0a1b","ok":true,"v":' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    assert parse_line(deep) == {"n": "0a1b", "ok": False, "kind": "value", "msg": TOO_DEEP}
    huge = b'{"n":"0a1b","ok":true,"v":' + b"9" * 5000 + b"}"
    assert parse_line(huge) == {"n": "0a1b", "ok": False, "kind": "value", "msg": UNREADABLE}
    # Only a record's own head names a test: other deep lines stay garbage.
    assert parse_line(b'{"s":"0a1b","v":' + b"[" * 200_000 + b"}") is None
    assert parse_line(b'{"n": "x", "v": ' + b"[" * 200_000 + b"}") is None


def _record(value: bytes) -> bytes:
    return b'{"n":"0a1b","ok":true,"v":' + value + b"}"


def test_a_record_whose_value_would_cost_too_much_memory_decoded_is_that_tests_output_limit_undecoded():
    # Decoded, 16 MiB of `[],[],...` took 400 MiB in the judge's own process (outside every sandbox limit), per
    # test and per slot; 16 MiB of two-letter strings 250 MiB. Estimated from byte counts, refused undecoded.
    too_large = {"n": "0a1b", "ok": False, "kind": "too_large", "msg": TOO_LARGE}
    n = RECORD_CAP // 3 - 20
    for value in (
        b"[" + b"[]," * n + b"[]]",
        b"[" + b"{}," * n + b"{}]",
        b"[" + b'"ab",' * (n // 2) + b'"ab"]',
        b"[" + b"1.5," * (RECORD_CAP // 4 - 20) + b"1]",
        b"[" + b"[1,2]," * 2_000_000 + b"[]]",  # two million pairs: 12 MB of JSON, 160 MB decoded
    ):
        line = _record(value)
        assert len(line) <= RECORD_CAP and decoded_size(line) > RECORD_MEMORY
        assert parse_line(line) == too_large
    assert parse_line(b"[" + b"[]," * n + b"[]]") is None  # not a record: garbage, and never decoded either
    # Honest large answers are decoded whole: 1.5 million seven-digit integers (11 MiB), 3 million small ones, a
    # million short strings, a 15 MiB string full of brackets and commas, 200,000 pairs.
    ints = _record(b"[" + b",".join(b"%d" % i for i in range(10**6, 10**6 + 1_500_000)) + b"]")
    assert len(parse_line(ints)["v"]) == 1_500_000  # type: ignore[index]
    assert len(parse_line(_record(b"[" + b"7," * 3_000_000 + b"7]"))["v"]) == 3_000_001  # type: ignore[index]
    assert len(parse_line(_record(b"[" + b'"word",' * 1_000_000 + b'"x"]'))["v"]) == 1_000_001  # type: ignore[index]
    text = b"[[1,2],{" * (RECORD_CAP // 9)
    assert parse_line(_record(b'"' + text + b'"'))["v"] == text.decode()  # type: ignore[index]
    assert len(parse_line(_record(b"[" + b"[123,456]," * 200_000 + b"[]]"))["v"]) == 200_001  # type: ignore[index]


def test_a_record_whose_strings_are_not_utf8_still_counts_with_replacement_characters():
    # C++ strings are bytes: code that reverses or cuts a multi-byte character returns bytes that are not UTF-8.
    # That is an answer (a wrong one), not a record that never arrived (which waited out the time limit).
    assert parse_line(b'{"n": "a", "ok": true, "v": "\xa9\xc3"}') == {
        "n": "a",
        "ok": True,
        "v": "\ufffd\ufffd",
    }


def test_a_record_counts_only_for_the_test_whose_nonce_it_carries():
    assert is_test_record({"n": "abc", "ok": True}, "abc")
    assert not is_test_record({"n": "abd", "ok": True}, "abc")
    assert not is_test_record({"n": "abc", "ok": "yes"}, "abc")
    header, payload = frame("abc", [[1, 2], "x"]).split(b"\n", 1)
    assert header == b"abc " + str(len(payload)).encode() and json.loads(payload) == [[1, 2], "x"]


def test_nesting_depth_is_counted_without_recursion_and_capped():
    assert nesting_depth(3, 5) == 0
    assert nesting_depth([[1], []], 5) == 2
    deep: object = 0
    for _ in range(100_000):
        deep = [deep]
    assert nesting_depth(deep, 4) == 4


def test_nesting_depth_looks_at_a_level_of_mixed_kinds_without_a_python_step_per_item():
    # A level of many small integers and one list (cheap to decode: the integers are shared objects) was looked at
    # item by item in Python: 3 million of them cost the judge 0.4-0.55 s of its CPU a test, three times their
    # decoding. Counted as the interpreter's calls, not timed: a loaded host's timings could not tell the two apart.
    rec = parse_line(b'{"n":"ab","ok":true,"v":[' + b"7," * 200_000 + b'[[1]],{"k":[{}]}]}')
    assert rec is not None
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        calls += 1

    sys.setprofile(count)
    try:
        depth = nesting_depth(rec["v"], 9)
    finally:
        sys.setprofile(None)
    assert depth == 4
    assert calls < 100, calls


def test_crash_verdict_prefers_the_sandbox_flags():
    assert crash_verdict(ProcessOutcome(None, 9, memory_exceeded=True))[0] is Verdict.MEMORY_LIMIT
    assert crash_verdict(ProcessOutcome(None, 9, output_exceeded=True))[0] is Verdict.OUTPUT_LIMIT
    assert crash_verdict(ProcessOutcome(None, 9, timed_out=True))[0] is Verdict.TIME_LIMIT
    assert crash_verdict(ProcessOutcome(None, signal.SIGXCPU, cpu_exceeded=True))[0] is Verdict.TIME_LIMIT


def test_crash_verdict_recognises_runtime_out_of_memory_messages():
    oom = ProcessOutcome(
        None, signal.SIGABRT, stderr=b"FATAL ERROR: Reached heap limit - JavaScript heap out of memory"
    )
    assert crash_verdict(oom)[0] is Verdict.MEMORY_LIMIT


def test_crash_verdict_for_signals_and_exits_is_runtime_error():
    verdict, message = crash_verdict(ProcessOutcome(None, signal.SIGSEGV))
    assert verdict is Verdict.RUNTIME_ERROR and "segmentation fault" in message
    verdict, message = crash_verdict(ProcessOutcome(0, None))
    assert verdict is Verdict.RUNTIME_ERROR and "exited before returning" in message
    verdict, message = crash_verdict(ProcessOutcome(3, None, stderr=b"Traceback: boom"))
    assert verdict is Verdict.RUNTIME_ERROR and message == "exited with code 3: Traceback: boom"


def _result(verdict: Verdict, hidden: bool = False) -> TestResult:
    return TestResult(id="x", verdict=verdict, hidden=hidden)


def test_overall_verdict_is_accepted_only_when_every_test_passes():
    assert overall_verdict([_result(Verdict.ACCEPTED)] * 3) is Verdict.ACCEPTED
    assert overall_verdict([]) is Verdict.INTERNAL_ERROR


def test_overall_verdict_is_the_first_failing_tests_verdict():
    results = [_result(Verdict.ACCEPTED), _result(Verdict.TIME_LIMIT), _result(Verdict.WRONG_ANSWER)]
    assert overall_verdict(results) is Verdict.TIME_LIMIT


def test_overall_verdict_reports_internal_error_over_candidate_failures():
    results = [_result(Verdict.WRONG_ANSWER), _result(Verdict.INTERNAL_ERROR)]
    assert overall_verdict(results) is Verdict.INTERNAL_ERROR


def test_redact_strips_everything_but_id_verdict_and_time_from_hidden_tests():
    full = TestResult(id="h", verdict=Verdict.WRONG_ANSWER, hidden=True, time_ms=1.0, args=[7], expected=1,
                      actual=2, message="m", stdout="o", stderr="e")  # fmt: skip
    visible = TestResult(id="v", verdict=Verdict.ACCEPTED, args=[1], expected=1, actual=1, stdout="o")
    hidden_out, visible_out = redact([full, visible])
    assert hidden_out.model_dump(exclude_none=True) == {
        "id": "h", "verdict": Verdict.WRONG_ANSWER, "hidden": True, "time_ms": 1.0
    }  # fmt: skip
    assert visible_out == visible


def test_the_size_estimate_counts_a_strings_escapes():
    # 100,000 control characters are 600 kB of JSON ("\u0001" each): kept whole, a few visible tests' values made
    # a report of many MiB although each was "under 256 KiB".
    for value in (
        ["\x01" * 100_000],
        "\x00\x1f" * 50_000,
        [["\u2028\x7f\x02" * 40_000]],
        [{"\x01" * 50_000: 1}],
    ):
        assert json_size_over(value, SHOWN_VALUE_BYTES)
        assert len(json.dumps(value)) > SHOWN_VALUE_BYTES
    assert not json_size_over(["\x01" * 1000], SHOWN_VALUE_BYTES)


def test_judging_a_record_of_millions_of_items_costs_the_judge_no_more_than_decoding_it():
    # The judge decides in its own process, outside every sandbox limit, and its CPU is charged to no test. A record of
    # 2.3 million integers (15 MiB, within the record cap) took 0.3 s to decode, then 1 s to check its nesting and,
    # for a question compared as a multiset, 10 s to sort: 180 s of the judge's CPU for one Submit.
    flat = "[" + ",".join(str(i * 7919 % 1_000_003) for i in range(2_300_000)) + "]"
    mixed = "[" + ",".join("[]" if i % 2 else "1" for i in range(1_000_000)) + "]"
    for value in (flat, mixed):
        line = ('{"n":"ab","ok":true,"v":' + value + "}").encode()
        started = time.process_time()
        rec = parse_line(line)
        decoding = time.process_time() - started
        assert rec is not None and rec["ok"]
        for compare in (Compare(), Compare(unordered=True, unordered_nested=True)):
            started = time.process_time()
            result = judge_outcome(
                Case(id="t", args=[], expected=[0, 1]),
                TestOutcome(record=rec, charged_s=0.01),
                returns="int[]",
                compare=compare,
                time_limit_s=2,
                output_cap=1 << 20,
            )
            judging = time.process_time() - started
            assert result.verdict is Verdict.WRONG_ANSWER
            assert judging <= 2 * decoding + 0.1, (value[:20], compare, judging, decoding)


@pytest.mark.parametrize("language", ["python", "javascript", "java", "cpp"])
@pytest.mark.parametrize("state", ["no_hello", "ended"])
def test_a_start_that_lost_bwrap_to_the_runs_oom_killer_is_memory_limit(language, state):
    # The run's memory group holds bubblewrap's own processes too, at the sandbox's OOM score, which a program can
    # lower for itself: its OOM kill then takes bwrap, which never reports the program's exit. That read as bwrap
    # failing to start the program (internal_error), a verdict the candidate chose for itself.
    common = {"fatal": None, "exit_code": None, "signal": signal.SIGKILL, "stderr": b"", "startup_s": 2.0}
    decided = start_verdict(state, language, started=False, memory_exceeded=True, **common)
    assert decided is not None and decided[0] is Verdict.MEMORY_LIMIT, decided
    # Without an OOM kill, a bwrap that never started the program is still the judge's failure.
    assert start_verdict(state, language, started=False, memory_exceeded=False, **common) is None
