"""Question-bank validation in the real sandbox: every reference passes every test, every starter fails one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from judge.bank import LANGUAGES, iter_question_dirs, load_bank, load_question
from judge.runner import run_request
from judge.schemas import RunRequest, Verdict

pytestmark = pytest.mark.sandbox

BANK = Path(__file__).resolve().parents[2] / "questions"
QUESTION_DIRS = list(iter_question_dirs(BANK)) if BANK.is_dir() else []
CASES = [pytest.param(d, lang, id=f"{d.name}-{lang}") for d in QUESTION_DIRS for lang in LANGUAGES]


def test_the_bank_loads_and_is_not_empty():
    questions = load_bank(BANK)
    assert len(questions) == len(QUESTION_DIRS) >= 1


@pytest.mark.parametrize(("directory", "language"), CASES)
def test_reference_solution_passes_every_test(sandbox, judge_settings, directory, language, caplog):
    caplog.set_level(
        logging.INFO, logger="judge.supervisor"
    )  # a time-out's wall, CPU and waiting, if one happens
    question = load_question(directory)
    request = RunRequest.for_question(
        question, language=language, source=question.references[language], mode="submit"
    )
    report = run_request(request, sandbox, judge_settings)
    failures = [(t.id, t.verdict.value, t.message) for t in report.tests if t.verdict is not Verdict.ACCEPTED]
    assert report.verdict is Verdict.ACCEPTED, (
        report.compile_output[:2000],
        failures[:5],
        caplog.messages[-3:],
    )
    assert report.passed == len(question.tests)


@pytest.mark.parametrize(("directory", "language"), CASES)
def test_starter_code_fails_at_least_one_test(sandbox, judge_settings, directory, language):
    question = load_question(directory)
    request = RunRequest.for_question(
        question, language=language, source=question.starters[language], mode="submit"
    )
    report = run_request(request, sandbox, judge_settings)
    assert report.verdict is not Verdict.INTERNAL_ERROR, report.message
    assert report.verdict is not Verdict.ACCEPTED
    assert report.passed < len(question.tests)
