"""Question-bank validation in the real sandbox: every reference passes every test, every starter fails one.

Each run goes through the judge as production runs it: the `local` backend's pool, whose single-purpose worker
processes supervise the sandbox. Judged inside the pytest process, as until 2026-12-05, merge-intervals' references
(50 ms on a quiet host) were `time_limit` in 3 of 14 full runs of the suite, while a probe judging them in a process
of its own during full runs never was; the cause is not established. A time-out's wall, CPU and waiting are logged
by the worker (`judge.test.over_time`), in the captured stderr."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from judge.bank import LANGUAGES, iter_question_dirs, load_bank, load_question
from judge.schemas import RunReport, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings

pytestmark = pytest.mark.sandbox

BANK = Path(__file__).resolve().parents[2] / "questions"
QUESTION_DIRS = list(iter_question_dirs(BANK)) if BANK.is_dir() else []
CASES = [pytest.param(d, lang, id=f"{d.name}-{lang}") for d in QUESTION_DIRS for lang in LANGUAGES]


@pytest.fixture(scope="module")
def judge(judge_settings: JudgeSettings) -> Iterator[Callable[[RunRequest], RunReport]]:
    """One pool for the module, on an event loop of its own; `judge(request)` waits for the report."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="bank-judge", daemon=True)
    thread.start()
    service = Judge(judge_settings)
    asyncio.run_coroutine_threadsafe(service.start(), loop).result(timeout=120)
    try:
        yield lambda request: asyncio.run_coroutine_threadsafe(service.run(request), loop).result(timeout=600)
    finally:
        asyncio.run_coroutine_threadsafe(service.aclose(), loop).result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def test_the_bank_loads_and_is_not_empty():
    questions = load_bank(BANK)
    assert len(questions) == len(QUESTION_DIRS) >= 1


@pytest.mark.parametrize(("directory", "language"), CASES)
def test_reference_solution_passes_every_test(judge, directory, language):
    question = load_question(directory)
    request = RunRequest.for_question(
        question, language=language, source=question.references[language], mode="submit"
    )
    report = judge(request)
    failures = [(t.id, t.verdict.value, t.message) for t in report.tests if t.verdict is not Verdict.ACCEPTED]
    assert report.verdict is Verdict.ACCEPTED, (report.compile_output[:2000], report.message, failures[:5])
    assert report.passed == len(question.tests)


@pytest.mark.parametrize(("directory", "language"), CASES)
def test_starter_code_fails_at_least_one_test(judge, directory, language):
    question = load_question(directory)
    request = RunRequest.for_question(
        question, language=language, source=question.starters[language], mode="submit"
    )
    report = judge(request)
    assert report.verdict is not Verdict.INTERNAL_ERROR, report.message
    assert report.verdict is not Verdict.ACCEPTED
    assert report.passed < len(question.tests)
