"""Verdicts as pure functions: harness records and sandbox outcomes -> per-test results -> the overall verdict."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from judge.bank import Compare, TestCase
from judge.compare import mismatch_hint, values_equal
from judge.schemas import TestResult, Verdict

_KIND_VERDICTS = {
    "timeout": Verdict.TIME_LIMIT,
    "memory": Verdict.MEMORY_LIMIT,
    "output": Verdict.OUTPUT_LIMIT,
    "runtime": Verdict.RUNTIME_ERROR,
    "value": Verdict.WRONG_ANSWER,
    "crash": Verdict.RUNTIME_ERROR,
}
# Runtime messages that mean the language runtime ran out of memory before the cgroup noticed.
_OOM_MARKERS = (
    b"heap out of memory",
    b"OutOfMemoryError",
    b"std::bad_alloc",
    b"MemoryError",
    b"Cannot allocate",
)
_STDERR_TAIL = 600


@dataclass(frozen=True)
class Parsed:
    """The results channel of one process: records in test order from `start`, or a fatal load failure."""

    records: list[dict[str, Any]]
    fatal: dict[str, Any] | None = None


@dataclass(frozen=True)
class ProcessOutcome:
    """What the sandbox saw of a process that ended before reporting every test (a subset of SandboxResult)."""

    exit_code: int | None
    signal: int | None
    timed_out: bool = False
    cpu_exceeded: bool = False
    memory_exceeded: bool = False
    output_exceeded: bool = False
    stderr: bytes = b""


def parse_records(raw: bytes, start: int, count: int) -> Parsed:
    """Records for tests start, start+1, ... in order. Lines that are not the next expected record (garbage,
    duplicates, anything the candidate wrote to the channel out of turn) are ignored."""
    records: list[dict[str, Any]] = []
    expected = start
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            rec = json.loads(line.decode("utf-8", errors="replace"))
        except ValueError:
            continue
        if not isinstance(rec, dict):
            continue
        if "fatal" in rec and not records and expected == start:
            return Parsed(records=[], fatal=rec)
        if rec.get("i") == expected and isinstance(rec.get("ok"), bool) and expected < count:
            records.append(rec)
            expected += 1
    return Parsed(records=records)


def judge_record(
    test: TestCase, rec: dict[str, Any], *, returns: str, compare: Compare, time_limit_ms: float
) -> TestResult:
    """The full (unredacted) result of one reported test."""
    ms = _float(rec.get("ms"))
    result = TestResult(
        id=test.id,
        verdict=Verdict.ACCEPTED,
        hidden=test.hidden,
        time_ms=ms,
        args=list(test.args),
        expected=test.expected,
        stdout=_text(rec.get("out")),
        stderr=_text(rec.get("err")),
    )
    if not rec["ok"]:
        result.verdict = _KIND_VERDICTS.get(str(rec.get("kind")), Verdict.RUNTIME_ERROR)
        result.message = _text(rec.get("msg")) or None
        if result.verdict is Verdict.TIME_LIMIT:
            result.time_ms = max(ms or 0.0, time_limit_ms)
        return result
    actual = rec.get("v")
    result.actual = actual
    if ms is not None and ms > time_limit_ms:
        result.verdict = Verdict.TIME_LIMIT
        result.message = f"took {ms:.0f} ms; the limit is {time_limit_ms:.0f} ms"
    elif not values_equal(test.expected, actual, returns, compare):
        result.verdict = Verdict.WRONG_ANSWER
        result.message = mismatch_hint(test.expected, actual, returns)
    return result


def crash_verdict(outcome: ProcessOutcome) -> tuple[Verdict, str]:
    """The verdict of the test that was running when its process ended without reporting it."""
    if outcome.memory_exceeded:
        return Verdict.MEMORY_LIMIT, "memory limit exceeded"
    if outcome.output_exceeded:
        return Verdict.OUTPUT_LIMIT, "output limit exceeded"
    if outcome.timed_out or outcome.cpu_exceeded:
        return Verdict.TIME_LIMIT, "time limit exceeded"
    if any(m in outcome.stderr for m in _OOM_MARKERS):
        return Verdict.MEMORY_LIMIT, "memory limit exceeded"
    tail = outcome.stderr.decode("utf-8", errors="replace").strip()[-_STDERR_TAIL:]
    if outcome.signal is not None:
        if outcome.signal == signal.SIGSEGV:
            what = "segmentation fault (invalid memory access or stack overflow)"
        else:
            what = f"killed by signal {_signal_name(outcome.signal)}"
        return Verdict.RUNTIME_ERROR, what + (f": {tail}" if tail else "")
    if outcome.exit_code == 0:
        return Verdict.RUNTIME_ERROR, "the program exited before returning (exit() called?)"
    return Verdict.RUNTIME_ERROR, f"exited with code {outcome.exit_code}" + (f": {tail}" if tail else "")


def unreported(test: TestCase, verdict: Verdict, message: str, time_ms: float | None = None) -> TestResult:
    return TestResult(
        id=test.id,
        verdict=verdict,
        hidden=test.hidden,
        time_ms=time_ms,
        args=list(test.args),
        expected=test.expected,
        message=message,
    )


def overall_verdict(results: Sequence[TestResult]) -> Verdict:
    """Accepted when every test passed; otherwise the first failing test's verdict (internal errors first)."""
    if any(r.verdict is Verdict.INTERNAL_ERROR for r in results):
        return Verdict.INTERNAL_ERROR
    for r in results:
        if r.verdict is not Verdict.ACCEPTED:
            return r.verdict
    return Verdict.ACCEPTED if results else Verdict.INTERNAL_ERROR


def redact(results: Iterable[TestResult]) -> list[TestResult]:
    """Hidden tests keep only id, verdict and time: their inputs, outputs and messages are never returned."""
    out = []
    for r in results:
        if r.hidden:
            out.append(TestResult(id=r.id, verdict=r.verdict, hidden=True, time_ms=r.time_ms))
        else:
            out.append(r)
    return out


def _float(v: Any) -> float | None:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return round(float(v), 3)
    return None


def _text(v: Any) -> str:
    return v if isinstance(v, str) else ""


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return str(sig)
