"""What a report may disclose. A Run (visible tests only) shows everything about them; a Submit discloses no channel
through which code could carry a hidden test's input back out:

- hidden tests: id, verdict and a time bucket only;
- visible tests: their inputs, expected and returned values and messages, but no stdout or stderr excerpts;
- every time (per test, and the run's totals) is a bucket: the smallest of 10 ms, 100 ms, 1 s, 10 s, 100 s, ...
  at or above it, per test never more than the test's limit (so a test's time reads "under 10 ms",
  "under 100 ms", "under 1 s", or "within the limit");
- compile output is withheld if it quotes any hidden test's input (it cannot, as nothing but the source exists
  when the compiler runs; this is defence in depth).

Visible tests run before hidden ones, in a process that has not yet been sent any hidden input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from judge.bank import TestCase
from judge.schemas import RunReport, RunRequest, TestResult, Timings

TIME_BUCKETS_MS = (10.0, 100.0, 1000.0, 10_000.0, 100_000.0, 1_000_000.0)
_MIN_QUOTE_CHARS = 6  # shorter inputs ("1", "[0]") appear in any compiler output by chance
WITHHELD = "compiler output withheld: it quotes the input of a hidden test"


def bucket_ms(ms: float | None, cap_ms: float | None = None) -> float | None:
    """The smallest bucket bound at or above `ms` (never negative), capped at `cap_ms`."""
    if ms is None:
        return None
    ms = max(0.0, ms)
    bound = next((b for b in TIME_BUCKETS_MS if ms <= b), TIME_BUCKETS_MS[-1])
    return min(bound, cap_ms) if cap_ms is not None else bound


def for_submit(results: Iterable[TestResult], time_limit_ms: float) -> list[TestResult]:
    out = []
    for r in results:
        time_ms = bucket_ms(r.time_ms, time_limit_ms)
        if r.hidden:
            out.append(TestResult(id=r.id, verdict=r.verdict, hidden=True, time_ms=time_ms))
        else:
            out.append(r.model_copy(update={"time_ms": time_ms, "stdout": None, "stderr": None}))
    return out


def redact(results: Iterable[TestResult]) -> list[TestResult]:
    """Hidden tests keep only id, verdict and time: their inputs, outputs and messages are never returned."""
    return [
        TestResult(id=r.id, verdict=r.verdict, hidden=True, time_ms=r.time_ms) if r.hidden else r
        for r in results
    ]


def bucket_timings(timings: Timings) -> Timings:
    """Run and total times of a Submit as buckets (compile time depends on the source alone and stays exact)."""
    return Timings(
        compile_ms=timings.compile_ms,
        run_ms=bucket_ms(timings.run_ms) or 0.0,
        total_ms=bucket_ms(timings.total_ms) or 0.0,
    )


def executed_part(request: RunRequest) -> RunRequest:
    """The request as a runner needs it, in a pool worker or on a judge host: a Run executes only the visible
    tests, so its hidden tests (inputs and expected values, often most of a question's data) stay with the caller.
    Their one other use is the caller's: `withhold_quoted_hidden` on the report."""
    visible = request.selected_tests()
    if request.mode == "run" and visible and len(visible) < len(request.tests):
        return request.model_copy(update={"tests": visible})
    return request


def withhold_quoted_hidden(report: RunReport, request: RunRequest) -> RunReport:
    """`report` with its compiler output withheld if it quotes a hidden test's input, checked against every test of
    `request` (the runner may have seen only `executed_part(request)`)."""
    if quotes_hidden_input(report.compile_output, request.tests):
        return report.model_copy(update={"compile_output": WITHHELD})
    return report


def quotes_hidden_input(text: str, tests: Sequence[TestCase]) -> bool:
    """Whether `text` contains any hidden test's argument (as JSON, or a string argument's raw text)."""
    if not text:
        return False
    for test in tests:
        if test.hidden:
            for arg in test.args:
                if any(len(n) >= _MIN_QUOTE_CHARS and n in text for n in _needles(arg)):
                    return True
    return False


def _needles(arg: Any) -> list[str]:
    needles = [json.dumps(arg), json.dumps(arg, separators=(",", ":"))]
    if isinstance(arg, str):
        needles.append(arg)
    if isinstance(arg, list):
        flat = [x for x in arg if not isinstance(x, list)]
        needles += [" ".join(map(str, flat)), ",".join(map(str, flat))]
    return needles
