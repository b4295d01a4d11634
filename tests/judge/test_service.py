"""The public Judge with the local backend: real pool workers, real sandbox."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from judge.backends.local import LocalBackend
from judge.bank import TestCase as Case
from judge.bank import load_question
from judge.errors import CodeTooLargeError, JudgeBusyError
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge, clamp_limits

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
SLOW_SECOND_TEST = (
    "import time\n\ndef sum_pair(a, b):\n    if a == 1:\n        time.sleep(1.5)\n    return a + b\n"
)


def _request(source: str, language: str = "python", **kw) -> RunRequest:
    return RunRequest.for_question(QUESTION, language=language, source=source, **kw)  # type: ignore[arg-type]


async def test_judge_runs_requests_in_pool_workers(judge_settings):
    async with Judge(judge_settings) as judge:
        reports = await asyncio.gather(
            judge.run(_request(QUESTION.references["python"])),
            judge.run(_request(QUESTION.references["javascript"], "javascript")),
            judge.run(_request(QUESTION.starters["python"], mode="submit")),
        )
    assert [r.verdict for r in reports] == [Verdict.ACCEPTED, Verdict.ACCEPTED, Verdict.WRONG_ANSWER]
    assert reports[0].backend == "local"
    assert reports[2].total == len(QUESTION.tests)


async def test_code_larger_than_the_limit_is_refused(judge_settings):
    settings = judge_settings.model_copy(update={"max_code_bytes": 100})
    async with Judge(settings) as judge:
        with pytest.raises(CodeTooLargeError):
            await judge.run(_request("# " + "x" * 200 + "\ndef sum_pair(a, b):\n    return a + b\n"))


def test_requested_limits_are_lowered_to_the_maxima_never_raised(judge_settings):
    settings = judge_settings.model_copy(update={"max_wall_s": 1.0, "max_memory_mb": 128})
    clamped = clamp_limits(RunLimits(time_limit_s=10, memory_mb=512), settings)
    assert (clamped.time_limit_s, clamped.memory_mb) == (1.0, 128)
    lower = clamp_limits(RunLimits(time_limit_s=0.5, memory_mb=64), settings)
    assert (lower.time_limit_s, lower.memory_mb) == (0.5, 64)


async def test_a_request_cannot_raise_the_time_limit_past_the_maximum(judge_settings):
    settings = judge_settings.model_copy(update={"max_wall_s": 1.0})
    async with Judge(settings) as judge:
        report = await judge.run(_request(SLOW_SECOND_TEST, limits=RunLimits(time_limit_s=10)))
    assert {t.id: t.verdict for t in report.tests}["v1"] is Verdict.TIME_LIMIT
    assert report.tests[0].verdict is Verdict.ACCEPTED


async def test_judge_failure_is_an_internal_error_report_not_a_candidate_verdict(judge_settings):
    settings = judge_settings.model_copy(update={"python_bin": "/nonexistent/python3"})
    async with Judge(settings) as judge:
        report = await judge.run(_request(QUESTION.references["python"]))
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert report.message is not None and "judge" in report.message
    assert all(t.verdict is Verdict.INTERNAL_ERROR for t in report.tests)


async def test_busy_judge_raises_a_retryable_error(judge_settings):
    settings = judge_settings.model_copy(update={"slots": 1, "queue_size": 0})
    async with Judge(settings) as judge:
        slow = asyncio.create_task(judge.run(_request(SLOW_SECOND_TEST)))
        await asyncio.sleep(0.3)
        with pytest.raises(JudgeBusyError) as info:
            await judge.run(_request(QUESTION.references["python"]))
        assert info.value.retryable
        assert (await slow).verdict is Verdict.ACCEPTED


async def test_a_questions_tests_are_encoded_once_for_its_submits_and_each_set_is_judged_as_its_own(
    judge_settings,
):
    # The local backend hands a pool worker the tests' JSON made once per set of TestCase objects (the API's question
    # cache shares them). A set that differs in one test (a new version of the question) is encoded and judged as
    # its own.
    first = [*QUESTION.tests]
    first += [
        Case(id=f"pad{i}", args=[i, i], expected=2 * i, note="x" * 190, hidden=True) for i in range(400)
    ]
    changed = [t.model_copy(update={"expected": t.expected + 1}) if t.id == "pad7" else t for t in first]
    source = QUESTION.references["python"]
    async with Judge(judge_settings) as judge:
        backend = judge.backend
        assert isinstance(backend, LocalBackend)
        reports = [
            await judge.run(_request(source, mode="submit").model_copy(update={"tests": first})) for _ in "ab"
        ]
        assert backend.memo.encoded == 1
        report = await judge.run(_request(source, mode="submit").model_copy(update={"tests": changed}))
    assert [r.verdict for r in reports] == [Verdict.ACCEPTED] * 2
    assert report.verdict is Verdict.WRONG_ANSWER
    assert [t.id for t in report.tests if t.verdict is Verdict.WRONG_ANSWER] == ["pad7"]
