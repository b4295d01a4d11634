"""A test's time is the program's own: it ends as the last byte of the test's record is read, before the judge decodes
the record (its own work, in its own process). Decoding a record of 2 million integers costs the judge about 0.1 s
of CPU, more on a loaded or slower host; it was charged to the program as wall time, and a program whose own work
took a fraction of the limit could read `time_limit` for the judge's slowness alone."""

from __future__ import annotations

import time
from typing import Any

import pytest

import judge.supervisor as supervisor
from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.protocol import RECORD_CAP
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict

pytestmark = pytest.mark.sandbox

COUNT = 2_000_000  # 0 .. 1,999,999: a record of 14.9 MB, near the 16 MiB cap
# The program's own work is 0.05-0.3 s on a quiet host; the limit leaves room for a host loaded several times over
# (a 1 s limit read time_limit for JavaScript's own work on one running four suites at once).
LIMIT_S = 2.0
SLOW_DECODE_S = 2.2  # the judge's own CPU added to decoding each large line: past the limit by itself

# numbers(n): the integers 0 .. n-1, made in the language's plainest way (well under the limit in each).
NUMBERS = {
    "python": "def numbers(n):\n    return list(range(n))\n",
    "javascript": "function numbers(n) { return Array.from({ length: n }, (_, i) => i); }\n",
    "java": """
class Solution {
    public int[] numbers(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = i;
        return out;
    }
}
""",
    "cpp": """
#include <vector>
class Solution {
public:
    std::vector<int> numbers(int n) {
        std::vector<int> out(n);
        for (int i = 0; i < n; i++) out[i] = i;
        return out;
    }
};
""",
}


@pytest.mark.parametrize("language", sorted(NUMBERS))
def test_the_judge_decoding_a_large_answer_is_not_charged_to_the_program(
    language, sandbox, judge_settings, monkeypatch
):
    decode = supervisor.parse_line
    decoded: list[int] = []

    def slow_decode(line: bytes) -> Any:
        # A judge slow to decode (a loaded host, a slower CPU): its own CPU, which no sandbox counter sees.
        if len(line) > 1 << 20:
            decoded.append(len(line))
            until = time.thread_time() + SLOW_DECODE_S
            while time.thread_time() < until:
                pass
        return decode(line)

    monkeypatch.setattr(supervisor, "parse_line", slow_decode)
    request = RunRequest(
        language=language,  # type: ignore[arg-type]
        source=NUMBERS[language],
        signature=Signature(function="numbers", params=[Param(name="n", type="int")], returns="int[]"),
        tests=[Case(id="t0", args=[COUNT], expected=list(range(COUNT)))],
        limits=RunLimits(time_limit_s=LIMIT_S, compile_s=30),
    )
    report = run_request(request, sandbox, judge_settings)
    # The record (the only line over 1 MiB), decoded the slow way.
    assert decoded and RECORD_CAP * 0.85 < decoded[0] < RECORD_CAP, decoded
    (test,) = report.tests
    # Before: charged the decoding's 2.2 s on top of its own 0.05-0.3 s, time_limit in every language.
    assert test.verdict is Verdict.ACCEPTED, (test.verdict, test.time_ms, test.message)
    assert test.time_ms is not None and test.time_ms < 1000 * LIMIT_S
