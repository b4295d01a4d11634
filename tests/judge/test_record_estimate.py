"""The judge's estimate of what a record would cost decoded (judge.protocol.decoded_size) costs it little itself,
whatever the record holds.

A test's record is estimated in the judge's own process, outside every sandbox limit, before it is decoded, and the
program writing it knows its test's nonce, so it decides what the estimate reads. The estimate strips a few strings
(up to 20,000 quotes) with a regular expression before counting what lies outside them. A string that never closed
(`"\\",,,,...\\",,,,...` to the end of the line) made every one of its escaped quotes begin a match that scanned to
the end of the line before failing: 1,000 of them in a 4 MB record cost the judge 25 s of its CPU for one test,
charged 10 ms; the 20,000 allowed in 16 MiB, at that rate, about half an hour, past the job's budget."""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge.bank import load_question
from judge.protocol import RECORD_CAP, RECORD_MEMORY, TOO_LARGE, TOO_LARGE_KIND, decoded_size, parse_line
from judge.runner import run_request
from judge.sandbox import Sandbox
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.settings import JudgeSettings

HEAD = b'{"n":"0a1b","ok":true,"v":"'


def _open_string(quotes: int, commas: int) -> bytes:
    """A test's record whose string never closes: escaped quotes, each followed by commas (counted as outside every
    string, the commas alone would be far over RECORD_MEMORY, so the estimate strips the strings first)."""
    return HEAD + (b'\\"' + b"," * commas) * quotes


@contextlib.contextmanager
def _at_most(seconds: float) -> Iterator[None]:
    """Fail at once past `seconds` of wall time (a regular expression's search can be interrupted): a regression
    would otherwise hold the suite for half an hour."""

    def late(*_: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TimeoutError:
        pytest.fail(f"estimating one record took the judge more than {seconds:g} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("quotes", "commas"), [(1_000, 3_400), (19_990, 830)], ids=["3-MB", "16-MiB"])
def test_a_string_that_never_closes_is_estimated_in_one_pass(quotes: int, commas: int) -> None:
    line = _open_string(quotes, commas)
    assert len(line) <= RECORD_CAP and line.count(b",") * 40 > RECORD_MEMORY
    assert line.count(b'"') <= 20_000  # few enough quotes for the strings to be stripped (judge.protocol)
    started = time.process_time()
    with _at_most(10.0):
        record = parse_line(line)
    spent = time.process_time() - started
    assert spent < 0.5, f"estimating one record cost the judge {spent:.1f} s of its CPU"
    # Not JSON: that test's answer all the same (judged at once), never anything else's.
    assert record is not None and record["n"] == "0a1b" and record["ok"] is False


def test_the_estimate_of_strings_that_close_is_unchanged() -> None:
    # Strings stripped as before: their brackets and commas are not counted, what lies outside them is.
    inner = b"[1,2],{" * 200_000
    line = HEAD[:-1] + b'["' + inner + b'","' + inner + b'"' + b",[]" * 1_000_000 + b"]}"
    assert decoded_size(line) < 2 * (1_000_000 * 104 + 2 * len(inner))
    assert decoded_size(line) >= 1_000_000 * 104
    # ... and a record of many such strings (under the threshold) with commas outside them is still refused.
    many = HEAD[:-1] + b"[" + b'"a,b",' * 9_000 + b"0," * 3_500_000 + b"0]}"
    assert many.count(b'"') < 20_000 and decoded_size(many) > RECORD_MEMORY
    assert parse_line(many) == {"n": "0a1b", "ok": False, "kind": TOO_LARGE_KIND, "msg": TOO_LARGE}


QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
# The first test's record is the poison (its string never closes); every later test is answered correctly.
OPEN_STRING = """
import __main__, os, sys

def sum_pair(a, b):
    if not getattr(sum_pair, "sent", False):
        sum_pair.sent = True
        nonce = sys._getframe(1).f_locals["nonce"].encode()
        line = b'{"n":"%s","ok":true,"v":"' % nonce + (b'\\\\"' + b"," * 3400) * 1000 + b"\\n"
        while line:
            line = line[os.write(__main__._RES, line):]
    return a + b
"""


@pytest.mark.sandbox
def test_a_record_whose_string_never_closes_costs_the_judge_little(
    sandbox: Sandbox, judge_settings: JudgeSettings
) -> None:
    tests = [t for t in QUESTION.tests if not t.hidden][:2]
    request = RunRequest.for_question(QUESTION, language="python", source=OPEN_STRING, mode="run")
    limits = RunLimits(time_limit_s=2.0, memory_mb=128, output_bytes=1 << 20, compile_s=30)
    request = request.model_copy(update={"tests": tests, "limits": limits})
    cpu = time.thread_time()  # the supervisor runs in this thread; the sandbox does not
    report = run_request(request, sandbox, judge_settings)
    spent = time.thread_time() - cpu
    # Before: 20 s of the judge's CPU for the first test (charged 10 ms to the program). The record is that test's
    # answer, not JSON (a wrong answer at once); the next test, in the same process, is judged as ever.
    assert spent < 1.0, f"the judge spent {spent:.1f} s of its own CPU on 2 tests"
    assert [t.verdict for t in report.tests] == [Verdict.WRONG_ANSWER, Verdict.ACCEPTED]
