"""An exit code 128+N is the program's own exit code unless the evidence shows the kernel or the judge sent signal N:
bwrap reports a program killed by signal N as exit status 128+N, and a program can exit with that code itself."""

from __future__ import annotations

import signal

import pytest

from judge.bank import TestCase as Case
from judge.runner import run_request
from judge.sandbox_limits import Limits
from judge.schemas import RunLimits, Verdict
from tests.judge.conftest import run_source
from tests.judge.test_honest_limits import _request

pytestmark = pytest.mark.sandbox

# The signals a verdict or its message rested on, with two more a crash raises.
SIGNALS = [
    signal.SIGXCPU,
    signal.SIGKILL,
    signal.SIGSEGV,
    signal.SIGABRT,
    signal.SIGXFSZ,
    signal.SIGBUS,
    signal.SIGFPE,
]

# work(a, n): exits with code n, at once.
EXIT = {
    "python": """
import os

def work(a, n):
    os._exit(n)
""",
    "cpp": """
#include <unistd.h>
class Solution {
public:
    int work(int a, long long n) { _exit((int)n); }
};
""",
}


@pytest.mark.parametrize("language", ["python", "cpp"])
def test_an_exit_code_that_looks_like_a_signal_is_a_runtime_error_with_that_code(
    sandbox, judge_settings, language
):
    # os._exit(152) (128 + SIGXCPU) was time_limit; exit(137) read as "killed by signal SIGKILL".
    tests = [Case(id=f"exit{128 + sig}", args=[i, 128 + sig], expected=i) for i, sig in enumerate(SIGNALS)]
    limits = RunLimits(time_limit_s=2.0, compile_s=30)
    report = run_request(_request(language, EXIT[language], tests, limits), sandbox, judge_settings)
    for test, sig in zip(report.tests, SIGNALS, strict=True):
        assert test.verdict is Verdict.RUNTIME_ERROR, (test.id, test.verdict, test.message)
        assert test.message is not None and test.message.startswith(f"exited with code {128 + sig}"), (
            test.message
        )
        assert "killed by signal" not in test.message.split("(")[0]


# work(a, n): test 0 reads address 0 (a real SIGSEGV); test 1 spins past its limit.
REAL_SIGNALS = """
import ctypes

def work(a, n):
    if a == 0:
        ctypes.string_at(0)
    while True:
        pass
"""


def test_a_real_segfault_and_a_real_cpu_overrun_keep_their_verdicts(sandbox, judge_settings):
    tests = [Case(id="segfault", args=[0, 0], expected=0), Case(id="spins", args=[1, 0], expected=1)]
    report = run_request(
        _request("python", REAL_SIGNALS, tests, RunLimits(time_limit_s=1.0)), sandbox, judge_settings
    )
    segfault, spins = report.tests
    assert segfault.verdict is Verdict.RUNTIME_ERROR
    assert segfault.message is not None and "SIGSEGV" in segfault.message
    assert spins.verdict is Verdict.TIME_LIMIT


def test_an_exit_152_is_not_over_the_cpu_limit_and_a_real_sigxcpu_is(sandbox, scratch, no_strays):
    exited = run_source(
        sandbox, scratch, "python", "import os\nos._exit(152)\n", limits=Limits(wall_s=10, cpu_s=1)
    )
    assert not exited.cpu_exceeded and exited.exit_code == 152 and exited.signal is None
    # The kernel's SIGXCPU at the 1 s RLIMIT_CPU (the one-shot collector may stop it first: over the limit as well).
    spun = run_source(sandbox, scratch, "python", "while True: pass\n", limits=Limits(wall_s=10, cpu_s=1))
    assert spun.cpu_exceeded and spun.exit_code is None
