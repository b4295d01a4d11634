"""Hidden tests never leak: run mode never executes them, submit mode returns only pass/fail for them, and
expected values never enter the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.bank import load_question
from judge.runner import run_request
from judge.schemas import RunRequest, Verdict

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
HIDDEN_IDS = {t.id for t in QUESTION.tests if t.hidden}
HIDDEN_ARG = str(next(t for t in QUESTION.tests if t.hidden).args[0])  # "7770"
HIDDEN_EXPECTED = str(next(t for t in QUESTION.tests if t.hidden).expected)  # "107770"

# Returns a wrong answer (-1) if it can find the needle in any file the sandbox lets it read under /work.
SNOOP = """
import os

def _seen(needle):
    for root, _dirs, files in os.walk("."):
        for name in files:
            with open(os.path.join(root, name), errors="replace") as f:
                if needle in f.read():
                    return True
    return False

def sum_pair(a, b):
    return -1 if _seen(NEEDLE) else a + b
"""


def _run(sandbox, settings, source: str, mode: str):
    request = RunRequest.for_question(QUESTION, language="python", source=source, mode=mode)  # type: ignore[arg-type]
    return run_request(request, sandbox, settings)


def _needle(text: str) -> str:
    """A Python expression evaluating to `text` whose source does not contain it (the snooper reads itself)."""
    return f"str({int(text) + 1} - 1)"


def test_the_snooper_finds_what_is_in_the_sandbox(sandbox, judge_settings):
    visible_arg = str(QUESTION.visible_tests[-1].args[1])  # "10": an input of a visible test
    report = _run(sandbox, judge_settings, SNOOP.replace("NEEDLE", _needle(visible_arg)), "run")
    assert {t.verdict for t in report.tests} == {Verdict.WRONG_ANSWER}


def test_run_mode_never_executes_hidden_tests(sandbox, judge_settings):
    report = _run(sandbox, judge_settings, SNOOP.replace("NEEDLE", _needle(HIDDEN_ARG)), "run")
    # The hidden inputs were not even written where the candidate's code can read them.
    assert report.verdict is Verdict.ACCEPTED
    assert {t.id for t in report.tests} == {t.id for t in QUESTION.visible_tests}
    assert report.total == len(QUESTION.visible_tests)
    assert not any(t.hidden for t in report.tests)


def test_expected_values_never_enter_the_sandbox(sandbox, judge_settings):
    report = _run(sandbox, judge_settings, SNOOP.replace("NEEDLE", _needle(HIDDEN_EXPECTED)), "submit")
    assert report.verdict is Verdict.ACCEPTED
    assert report.total == len(QUESTION.tests)


def test_submit_mode_returns_no_inputs_outputs_or_messages_for_hidden_tests(sandbox, judge_settings):
    source = """
import sys

def sum_pair(a, b):
    print("secret input", a)
    print("secret stderr", b, file=sys.stderr)
    if a >= 7770:
        raise ValueError("hidden input was %d" % a)
    return a + b
"""
    report = _run(sandbox, judge_settings, source, "submit")
    hidden = [t for t in report.tests if t.hidden]
    assert {t.id for t in hidden} == HIDDEN_IDS
    for t in hidden:
        assert t.verdict is Verdict.RUNTIME_ERROR
        assert (t.args, t.expected, t.actual, t.message, t.stdout, t.stderr) == (None,) * 6
    dumped = report.model_dump_json()
    assert HIDDEN_ARG not in dumped and HIDDEN_EXPECTED not in dumped and "hidden input was" not in dumped
    visible = next(t for t in report.tests if not t.hidden)
    assert visible.stdout is not None and "secret input 0" in visible.stdout
    assert visible.stderr is not None and "secret stderr 0" in visible.stderr
