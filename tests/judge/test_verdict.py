"""Pure verdict logic: record parsing, per-test verdicts, crash verdicts, the overall verdict and redaction."""

from __future__ import annotations

import json
import signal

from judge.bank import Compare
from judge.bank import TestCase as Case
from judge.schemas import TestResult, Verdict
from judge.verdict import (
    ProcessOutcome,
    crash_verdict,
    judge_record,
    overall_verdict,
    parse_records,
    redact,
)


def _lines(*records: object) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def _test(i: int = 0, expected: object = 3, hidden: bool = False) -> Case:
    return Case(id=f"t{i}", args=[1, 2], expected=expected, hidden=hidden)


def test_parse_records_keeps_records_in_test_order_from_start():
    raw = _lines({"i": 2, "ok": True, "v": 1}, {"i": 3, "ok": False, "kind": "runtime"})
    parsed = parse_records(raw, start=2, count=4)
    assert [r["i"] for r in parsed.records] == [2, 3]
    assert parsed.fatal is None


def test_parse_records_ignores_garbage_duplicates_and_out_of_turn_records():
    raw = (
        b"not json\n"
        + _lines({"i": 5, "ok": True, "v": 0})  # out of turn: a forged future record
        + _lines({"i": 0, "ok": True, "v": 1}, {"i": 0, "ok": True, "v": 2})  # duplicate
        + b'{"i": 1, "ok": true, "v": [1, 2'  # truncated by a crash
    )
    parsed = parse_records(raw, start=0, count=6)
    assert [(r["i"], r["v"]) for r in parsed.records] == [(0, 1)]


def test_parse_records_never_accepts_more_records_than_tests():
    parsed = parse_records(_lines({"i": 0, "ok": True}, {"i": 1, "ok": True}), start=0, count=1)
    assert len(parsed.records) == 1


def test_parse_records_reports_a_fatal_load_failure_only_before_any_test():
    fatal = parse_records(_lines({"fatal": "compile", "msg": "SyntaxError"}), start=0, count=3)
    assert fatal.fatal == {"fatal": "compile", "msg": "SyntaxError"}
    late = parse_records(_lines({"i": 0, "ok": True, "v": 3}, {"fatal": "load"}), start=0, count=3)
    assert late.fatal is None and len(late.records) == 1


def test_judge_record_accepts_a_matching_value_and_keeps_the_excerpts():
    rec = {"i": 0, "ok": True, "v": 3, "ms": 0.5, "out": "hello\n", "err": ""}
    result = judge_record(_test(), rec, returns="int", compare=Compare(), time_limit_ms=1000)
    assert result.verdict is Verdict.ACCEPTED
    assert (result.actual, result.expected, result.args, result.stdout) == (3, 3, [1, 2], "hello\n")
    assert result.time_ms == 0.5


def test_judge_record_wrong_value_is_wrong_answer_with_a_hint():
    rec = {"i": 0, "ok": True, "v": [1], "ms": 0.5}
    result = judge_record(_test(expected=[1, 2]), rec, returns="int[]", compare=Compare(), time_limit_ms=1000)
    assert result.verdict is Verdict.WRONG_ANSWER
    assert result.message == "expected 2 elements, got 1"


def test_judge_record_slow_correct_answer_is_time_limit():
    rec = {"i": 0, "ok": True, "v": 3, "ms": 1500.0}
    result = judge_record(_test(), rec, returns="int", compare=Compare(), time_limit_ms=1000)
    assert result.verdict is Verdict.TIME_LIMIT


def test_judge_record_maps_error_kinds_to_verdicts():
    cases = {
        "timeout": Verdict.TIME_LIMIT,
        "memory": Verdict.MEMORY_LIMIT,
        "output": Verdict.OUTPUT_LIMIT,
        "runtime": Verdict.RUNTIME_ERROR,
        "crash": Verdict.RUNTIME_ERROR,
        "value": Verdict.WRONG_ANSWER,
        "something-new": Verdict.RUNTIME_ERROR,
    }
    for kind, verdict in cases.items():
        rec = {"i": 0, "ok": False, "kind": kind, "msg": "boom", "ms": 1.0}
        result = judge_record(_test(), rec, returns="int", compare=Compare(), time_limit_ms=1000)
        assert result.verdict is verdict, kind
        assert result.message == "boom"


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
