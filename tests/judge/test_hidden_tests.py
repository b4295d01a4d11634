"""Hidden tests stay hidden: no test's input is in the sandbox before its turn, run mode never executes hidden
tests, visible tests run before any hidden input is sent, and a Submit returns nothing that could carry a hidden
input back out (verdicts and time buckets only; no excerpts; compile output checked)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from judge.backends.local import LocalBackend
from judge.bank import load_question
from judge.disclosure import TIME_BUCKETS_MS, WITHHELD, quotes_hidden_input, withhold_quoted_hidden
from judge.runner import _process_limits, run_request
from judge.schemas import RunReport, RunRequest, Verdict

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
HIDDEN_IDS = {t.id for t in QUESTION.tests if t.hidden}
HIDDEN_ARGS = [t.args[0] for t in QUESTION.tests if t.hidden]  # 7770, 7771, 7772
HIDDEN_EXPECTED = str(next(t for t in QUESTION.tests if t.hidden).expected)  # "107770"

# Looks, during every test, for the inputs of every hidden test other than the one it was just given: in every
# file it can read (its own program directory, /work, /tmp, /dev/shm) and in every descriptor it holds (a
# non-blocking read of each: the input pipe included). Returns -1 (a wrong answer) if it finds one.
SNOOP = """
import os, fcntl

NEEDLES = [str(7769 + k) for k in (1, 2, 3)] + [str(107769 + k) for k in (1, 2, 3)]

def _files():
    for top in ("/judge", "/work", "/tmp", "/dev/shm", "."):
        for root, _dirs, files in os.walk(top):
            for name in files:
                try:
                    with open(os.path.join(root, name), "rb") as f:
                        yield f.read(1 << 20)
                except OSError:
                    pass

def _descriptors():
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        except OSError:
            continue
        try:
            fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
            data = os.read(fd, 1 << 16)
        except OSError:
            data = b""
        finally:
            fcntl.fcntl(fd, fcntl.F_SETFL, flags)
        yield data

def sum_pair(a, b):
    others = [n.encode() for n in NEEDLES if n not in (str(a), str(a + b))]
    for blob in list(_files()) + list(_descriptors()):
        if any(n in blob for n in others):
            return -1
    return a + b
"""


def test_the_snooper_finds_an_input_that_is_where_it_looks(sandbox, judge_settings):
    # Sanity: a needle placed where it looks is found (the snooper computes its needles, so its own source holds
    # none of them: plant one in a comment).
    planted = SNOOP + "\n# 7771\n"
    request = RunRequest.for_question(QUESTION, language="python", source=planted, mode="run")
    report = run_request(request, sandbox, judge_settings)
    assert {t.verdict for t in report.tests} == {Verdict.WRONG_ANSWER}


def test_no_other_tests_input_is_ever_readable_in_submit_mode(sandbox, judge_settings):
    request = RunRequest.for_question(QUESTION, language="python", source=SNOOP, mode="submit")
    report = run_request(request, sandbox, judge_settings)
    assert report.verdict is Verdict.ACCEPTED, [(t.id, t.verdict) for t in report.tests]
    assert report.total == len(QUESTION.tests)


def test_run_mode_never_executes_hidden_tests(sandbox, judge_settings):
    source = "def sum_pair(a, b):\n    if a >= 7770:\n        raise SystemExit('saw hidden input')\n    return a + b\n"
    report = run_request(
        RunRequest.for_question(QUESTION, language="python", source=source), sandbox, judge_settings
    )
    assert report.verdict is Verdict.ACCEPTED
    assert {t.id for t in report.tests} == {t.id for t in QUESTION.visible_tests}
    assert not any(t.hidden for t in report.tests)


def test_visible_tests_run_before_any_hidden_input_is_sent(sandbox, judge_settings):
    # The bank lists hidden tests first here; every visible test fails with a message listing all inputs the
    # process has seen so far, and visible messages are returned in submit mode.
    tests = [t for t in QUESTION.tests if t.hidden] + [t for t in QUESTION.tests if not t.hidden]
    source = "SEEN = []\n\ndef sum_pair(a, b):\n    SEEN.append(a)\n    raise ValueError('seen %r' % SEEN)\n"
    request = RunRequest.for_question(QUESTION, language="python", source=source, mode="submit")
    report = run_request(request.model_copy(update={"tests": tests}), sandbox, judge_settings)
    assert [t.id for t in report.tests] == [t.id for t in tests]  # reported in the question's order
    visible = [t for t in report.tests if not t.hidden]
    assert all(t.message and "seen [" in t.message for t in visible)
    dump = report.model_dump_json()
    assert not any(str(arg) in dump for arg in HIDDEN_ARGS)


def test_submit_mode_returns_verdicts_and_time_buckets_only(sandbox, judge_settings):
    source = """
import sys, time

def sum_pair(a, b):
    print("secret input", a)
    print("secret stderr", b, file=sys.stderr)
    if a >= 7770:
        time.sleep((a - 7769) * 0.013)  # 13, 26, 39 ms: an attempt to encode the input in the time
        raise ValueError("hidden input was %d" % a)
    return a + b
"""
    request = RunRequest.for_question(QUESTION, language="python", source=source, mode="submit")
    report = run_request(request, sandbox, judge_settings)
    hidden = [t for t in report.tests if t.hidden]
    assert {t.id for t in hidden} == HIDDEN_IDS
    for t in hidden:
        assert t.verdict is Verdict.RUNTIME_ERROR
        assert (t.args, t.expected, t.actual, t.message, t.stdout, t.stderr) == (None,) * 6
        assert t.time_ms == 100.0  # 13 to 39 ms all read "under 100 ms"
    for t in report.tests:
        assert t.time_ms in (*TIME_BUCKETS_MS, 2000.0)
        assert t.stdout is None and t.stderr is None  # visible tests too: a Run shows them
    for value in (report.timings.run_ms, report.timings.total_ms):
        assert value in TIME_BUCKETS_MS
    dumped = report.model_dump_json()
    assert not any(str(arg) in dumped for arg in HIDDEN_ARGS)
    assert HIDDEN_EXPECTED not in dumped and "hidden input was" not in dumped and "secret" not in dumped


def test_run_mode_shows_what_visible_tests_printed_and_exact_times(sandbox, judge_settings):
    source = "import sys\n\ndef sum_pair(a, b):\n    print('out', a)\n"
    source += "    print('err', b, file=sys.stderr)\n    return a + b\n"
    request = RunRequest.for_question(QUESTION, language="python", source=source, mode="run")
    report = run_request(request, sandbox, judge_settings)
    first = report.tests[0]
    assert (first.stdout, first.stderr) == ("out 0\n", "err 0\n")
    assert first.time_ms is not None and 0 <= first.time_ms < 1000


def test_compile_output_quoting_a_hidden_input_is_withheld():
    hidden = [t for t in QUESTION.tests if t.hidden]
    assert quotes_hidden_input("error: 'x' was not declared; note: 100000 here", hidden)
    assert not quotes_hidden_input("error: expected ';' before '}' token at 3:14", hidden)
    assert WITHHELD


async def test_the_local_backend_hands_a_worker_only_what_the_run_executes(judge_settings):
    """A Run's hidden tests never reach the pool worker (it never executes them, and writing them cost the API's
    event loop 22-30 ms per Run of a question with 1.2 MiB of them); their one use there, withholding compiler
    output that quotes one, is applied to the report by the backend."""
    backend = LocalBackend(judge_settings)  # never started: its pool's submit is replaced by a recorder
    sent: list[bytes] = []

    async def submit(fn_name: str, payload: bytes, *, timeout_s: float | None = None) -> dict[str, Any]:
        sent.append(payload)
        handed = RunRequest.model_validate(json.loads(payload)["request"])
        quoting = (
            "warning: constant 100000 is large"  # a hidden input, as a compiler could print it in theory
        )
        report = RunReport(
            verdict="accepted", language=handed.language, mode=handed.mode, compile_output=quoting
        )
        # As the worker's make_report does, with only the tests it was handed.
        return withhold_quoted_hidden(report, handed).model_dump(mode="json")

    backend.pool.submit = submit  # type: ignore[method-assign]
    for mode in ("run", "submit"):
        request = RunRequest.for_question(QUESTION, language="python", source="x", mode=mode)
        assert (await backend.run(request)).compile_output == WITHHELD
    run, submit_ = (json.loads(body)["request"] for body in sent)
    assert [t["id"] for t in run["tests"]] == [t.id for t in QUESTION.tests if not t.hidden]
    assert not any(str(arg) in sent[0].decode() for arg in [*HIDDEN_ARGS, 100000])
    assert [t["id"] for t in submit_["tests"]] == [t.id for t in QUESTION.tests]


# A later process (started after a hidden test ended the one before it) saying that the source does not compile:
# were that believed, every test would be a compile_error and its text the Submit's compile output, shown whole,
# through which a process that learnt a hidden input (from what the earlier one left in the host's page cache or
# its clocks) could carry it out. A later process knows it is one by its RLIMIT_CPU (the budget of fewer tests).
FORGED_COMPILE_ERROR = {
    "python": """
import os, resource, sys

if resource.getrlimit(resource.RLIMIT_CPU)[0] < FIRST_CPU:
    sys.modules["__main__"]._send({"fatal": "compile", "msg": "FORGED: a later process speaks"})
    os._exit(0)

def sum_pair(a, b):
    if a >= 7770:
        os._exit(3)  # the first hidden input ends the process; a fresh one runs the rest
    return a + b
""",
    "cpp": """
#include <sys/resource.h>
#include <unistd.h>
#include <cstring>

static int forged = [] {  // runs before the harness's main, while fd 3 is still the results channel
    rlimit r;
    getrlimit(RLIMIT_CPU, &r);
    if (r.rlim_cur < FIRST_CPU) {
        const char* m = "{\\"fatal\\":\\"compile\\",\\"msg\\":\\"FORGED: a later process speaks\\"}\\n";
        if (write(3, m, strlen(m)) < 0) _exit(1);
        _exit(0);
    }
    return 0;
}();

class Solution {
public:
    int sumPair(int a, int b) {
        if (a >= 7770) _exit(3);
        return a + b;
    }
};
""",
}


@pytest.mark.parametrize("language", sorted(FORGED_COMPILE_ERROR))
def test_a_compile_error_reported_by_a_later_process_is_that_process_failing_not_compile_output(
    sandbox, judge_settings, language
):
    request = RunRequest.for_question(QUESTION, language=language, source="", mode="submit")
    first_cpu = math.ceil(_process_limits(request, len(request.selected_tests())).cpu_s)
    source = FORGED_COMPILE_ERROR[language].replace("FIRST_CPU", str(first_cpu))
    report = run_request(request.model_copy(update={"source": source}), sandbox, judge_settings)

    assert report.verdict is Verdict.RUNTIME_ERROR, (report.verdict, report.compile_output)
    assert report.compile_output == ""
    assert {t.id: t.verdict for t in report.tests if not t.hidden} == dict.fromkeys(
        (t.id for t in QUESTION.visible_tests), Verdict.ACCEPTED
    )  # judged before any hidden input was sent, and kept
    # h0 ended the first process; h1 and h2 failed only because the later process forged (honest, they pass).
    assert {t.verdict for t in report.tests if t.hidden} == {Verdict.RUNTIME_ERROR}
    assert "FORGED" not in report.model_dump_json()


def test_a_submit_counts_no_process_started_after_a_hidden_input_was_sent(sandbox, judge_settings):
    # Ending its process after a chosen hidden test (even after answering it: the record and the exit can reach the
    # judge together, and the test passes) made `processes` count the tests chosen: one more number, out of the
    # hidden inputs, than their verdicts and time buckets.
    source = "import os\n\ndef sum_pair(a, b):\n    if a >= 7770 and a % 2 == 0:\n        os._exit(3)\n"
    source += "    return a + b\n"
    request = RunRequest.for_question(QUESTION, language="python", source=source, mode="submit")
    report = run_request(request, sandbox, judge_settings)
    assert [t.verdict for t in report.tests if t.hidden] == [
        Verdict.RUNTIME_ERROR,
        Verdict.ACCEPTED,
        Verdict.RUNTIME_ERROR,
    ]  # 7770 ended the first process, 7771 and 7772 ran in a second
    assert report.processes == 1

    visible_crash = (
        "import os\n\ndef sum_pair(a, b):\n    if a == 1:\n        os._exit(3)\n    return a + b\n"
    )
    request = RunRequest.for_question(QUESTION, language="python", source=visible_crash, mode="submit")
    assert run_request(request, sandbox, judge_settings).processes == 2  # before any hidden input: counted
