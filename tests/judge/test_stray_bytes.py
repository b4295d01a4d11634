"""Attacks on the judge's own CPU and on the verdict found in the third audit (tests/judge/hostile covers the rest).

Lines on the results channel that are not the record a phase waits for are decoded in the judge's own process,
outside every sandbox limit. Their number was bounded (judge.supervisor.STRAY_LINES), their bytes only by the
channel's flood cap (32 MiB a test): a program writing two lines of 15 MiB of 4,299-digit integers before each
(correct) answer cost the judge 0.55 s of CPU a test, for a buffer it had built once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from judge.bank import load_question
from judge.runner import run_request
from judge.sandbox import Sandbox
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.settings import JudgeSettings
from judge.supervisor import STRAY_BYTES

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
LIMITS = RunLimits(time_limit_s=2.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)
# A program writing a 7.7 MB line to its results channel is charged the judge's reading of it as wall time (a writer
# blocked on a full pipe is not waiting for a CPU): 0.34-0.47 s a test on an idle host, 3.6-3.8 s beside 14 busy
# loops on 2 cores, and past the 2 s limit in a suite run at a load of 15-19 (`time_limit`, the line not yet whole).
# Where the verdict is about the line, the limit is the most a request may ask, so that only the line decides (with
# no byte budget, the four lines decoded: 2.0-2.1 s a test, accepted).
LINE_LIMITS = LIMITS.model_copy(update={"time_limit_s": 30.0})

# Each writes four lines of 7.7 MB (1,800 integers of 4,299 digits: JSON the judge decodes, about 18 ns a byte) to its
# results channel, 31 MB in all (under the channel's flood cap), then answers correctly.
BIG_STRAYS = {
    "python": """
import __main__, os

LINE = b"[" + b",".join([b"9" * 4299] * 1800) + b"]\\n"

def sum_pair(a, b):
    for _ in range(4):
        os.write(__main__._RES, LINE)
    return a + b
""",
    "javascript": """
const fs = require('fs');
const LINE = Buffer.from('[' + Array(1800).fill('9'.repeat(4299)).join(',') + ']\\n');
function sumPair(a, b) {
  for (let i = 0; i < 4; i++) {
    let off = 0;
    while (off < LINE.length) off += fs.writeSync(3, LINE, off);
  }
  return a + b;
}
""",
}

# Lines that begin as this test's record does (the nonce taken from the harness's frame) but are none (`ok` is no
# boolean): each was decoded, then ignored. Now the first is decoded, and being no record, ends the process.
CLAIMED_STRAYS = """
import __main__, os, sys

BODY = b',"ok":null,"v":[' + b",".join([b"9" * 4299] * 1800) + b"]}\\n"

def sum_pair(a, b):
    head = b'{"n":"%s"' % sys._getframe(1).f_locals["nonce"].encode()
    for _ in range(4):
        os.write(__main__._RES, head + BODY)
    return a + b
"""

# Under the budget: a few forged lines (not this test's record) of 0.9 MB in all, then the right answer.
SMALL_STRAYS = """
import __main__, os

def sum_pair(a, b):
    os.write(__main__._RES, b'{"n": "x", "ok": true, "v": ' + b"9" * 4000 + b"}\\n")
    os.write(__main__._RES, b"[" + b",".join([b"9" * 4299] * COUNT) + b"]\\n")
    return a + b
""".replace("COUNT", str((STRAY_BYTES - 10_000) // 4300))


def _run(
    language: str, source: str, sandbox: Sandbox, judge_settings: JudgeSettings, limits: RunLimits = LIMITS
) -> tuple[list[Verdict], float]:
    tests = [t for t in QUESTION.tests if not t.hidden][:2]
    request = RunRequest.for_question(QUESTION, language=language, source=source, mode="run")  # type: ignore[arg-type]
    request = request.model_copy(update={"tests": tests, "limits": limits})
    cpu = time.thread_time()  # the supervisor runs in this thread; the sandbox does not
    report = run_request(request, sandbox, judge_settings)
    return [t.verdict for t in report.tests], time.thread_time() - cpu


@pytest.mark.parametrize("language", sorted(BIG_STRAYS))
def test_long_stray_lines_on_the_results_channel_end_the_process_undecoded(
    language: str, sandbox: Sandbox, judge_settings: JudgeSettings
) -> None:
    verdicts, cpu = _run(language, BIG_STRAYS[language], sandbox, judge_settings)
    # Before: every line decoded, both tests accepted, 1.1 s of the judge's CPU for the two. Now the first line past
    # judge.supervisor.STRAY_BYTES that does not begin as this test's record ends the process, never decoded.
    assert cpu < 0.3, f"the judge spent {cpu:.2f} s of its own CPU on 2 tests"
    assert verdicts == [Verdict.OUTPUT_LIMIT] * 2


def test_a_long_line_claiming_to_be_the_record_is_decoded_once(
    sandbox: Sandbox, judge_settings: JudgeSettings
) -> None:
    verdicts, _ = _run("python", CLAIMED_STRAYS, sandbox, judge_settings, LINE_LIMITS)
    assert verdicts == [Verdict.OUTPUT_LIMIT] * 2  # accepted before, after 31 MB decoded a test


def test_stray_lines_within_the_budget_are_still_just_ignored(
    sandbox: Sandbox, judge_settings: JudgeSettings
) -> None:
    verdicts, _ = _run("python", SMALL_STRAYS, sandbox, judge_settings)
    assert verdicts == [Verdict.ACCEPTED] * 2
