"""The in-box Judge0 driver bounds what it reads back on the results channel as the local supervisor does
(judge.supervisor.STRAY_LINES, STRAY_BYTES): lines that are not the record a phase waits for were each decoded and
ignored, up to the channel's flood cap of 32 MiB a test, on the box's time; now past 1,024 such lines, or 1 MiB of
them, the harness is ended (`output_limit`), and a longer line is decoded only if it begins as the test's record."""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.backends.judge0_driver import DRIVER
from judge.bank import load_question
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.supervisor import STRAY_BYTES, STRAY_LINES
from tests.fakes.judge0 import FakeJudge0
from tests.judge.test_judge0_backend import HOST, TOKEN, _judge

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
LIMITS = RunLimits(time_limit_s=2.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)

MANY = """
import __main__, os

def sum_pair(a, b):
    os.write(__main__._RES, b"{}\\n" * COUNT)
    return a + b
""".replace("COUNT", str(STRAY_LINES + 100))

# Two lines of 1.5 MB (integers of 4,299 digits, JSON the driver decoded at about 18 ns a byte), then the answer.
LONG = """
import __main__, os

LINE = b"[" + b",".join([b"9" * 4299] * 350) + b"]\\n"

def sum_pair(a, b):
    os.write(__main__._RES, LINE + LINE)
    return a + b
"""

# Under the budget: a forged line (not this test's record) and 0.9 MB of integers, then the right answer.
SMALL = """
import __main__, os

def sum_pair(a, b):
    os.write(__main__._RES, b'{"n": "x", "ok": true, "v": 1}\\n{}\\n')
    os.write(__main__._RES, b"[" + b",".join([b"9" * 4299] * COUNT) + b"]\\n")
    return a + b
""".replace("COUNT", str((STRAY_BYTES - 10_000) // 4300))


async def _verdicts(source: str) -> list[Verdict]:
    tests = [t for t in QUESTION.tests if not t.hidden][:2]
    request = RunRequest.for_question(QUESTION, language="python", source=source, mode="run")
    request = request.model_copy(update={"tests": tests, "limits": LIMITS})
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(request)
    return [t.verdict for t in report.tests]


def test_the_driver_has_the_local_supervisors_budget():
    assert f"STRAY_LINES, STRAY_BYTES = {STRAY_LINES}, {STRAY_BYTES}" in DRIVER.replace(
        "1 << 20", str(1 << 20)
    )


@pytest.mark.parametrize("source", [MANY, LONG], ids=["many", "long"])
async def test_stray_lines_past_the_budget_end_the_harness_in_the_box(source: str) -> None:
    # Before: every line decoded and ignored, both tests accepted.
    assert await _verdicts(source) == [Verdict.OUTPUT_LIMIT] * 2


async def test_stray_lines_within_the_budget_are_still_just_ignored_in_the_box() -> None:
    assert await _verdicts(SMALL) == [Verdict.ACCEPTED] * 2
