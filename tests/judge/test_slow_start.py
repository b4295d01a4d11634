"""A runtime slow to start on a loaded host is never the candidate's verdict.

Python, JavaScript and Java run our harness before any of the candidate's code (judge.limits.LanguagePolicy
.harness_first), so how long the runtime takes to say hello is the host's doing. On a host running three test
workers a JVM took over 4 s of wall time to start while using a fraction of that in CPU, and every test of a correct
program was `time_limit`, "the program did not start within 4 s". A host that does not run a process (page faults
waiting on a disk, a stalled scheduler) is modelled here by stopping the run's processes before their hello."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
from collections.abc import Iterator

import pytest

from judge import supervisor as supervisor_module
from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.limits import POLICIES
from judge.runner import run_request
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.verdict import start_verdict

pytestmark = pytest.mark.sandbox

SIGNATURE = Signature(
    function="add", params=[Param(name="a", type="int"), Param(name="b", type="int")], returns="int"
)
SOURCE = "def add(a, b):\n    return a + b\n"


def _request() -> RunRequest:
    tests = [Case(id=f"t{i}", args=[i, 1], expected=i + 1) for i in range(3)]
    return RunRequest(language="python", source=SOURCE, signature=SIGNATURE, tests=tests, mode="run",
                      limits=RunLimits(time_limit_s=1.0))  # fmt: skip


def _stop_all(sup: supervisor_module.Supervisor) -> set[int]:
    """SIGSTOP every process of the run (again until no new one appears: bwrap may be forking)."""
    cgroup = sup.proc.cgroup
    assert cgroup is not None, "the test needs the run's cgroup to find its processes"
    stopped: set[int] = set()
    for _ in range(50):
        new = cgroup.pids() - stopped
        if not new and stopped:
            break
        for pid in new:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
        stopped |= new
    return stopped


@contextlib.contextmanager
def _host_stalls_each_start_for(seconds: float) -> Iterator[list[bool]]:
    """Every harness process is stopped from its start until `seconds` later (no CPU used, no run queue waited on):
    those in the run's groups when it starts, and any that appears there meanwhile (bwrap forks its child when the
    scheduler lets it: on a loaded host, after one look at the groups found nothing new, and the run went ahead).
    Yields, per start, whether the stall came in time: the harness runs from its spawn, and on a loaded host it had
    once said hello before the judge reached its start (CI49d), so that run was never stalled at all."""
    original = supervisor_module.Supervisor.start
    stalls: list[bool] = []

    def stalled_start(self: supervisor_module.Supervisor, **kwargs: object) -> supervisor_module.StartOutcome:
        stopped = _stop_all(self)
        # Before its hello the harness writes nothing to the results channel: anything there is the hello.
        stalls.append(not select.select([self.proc.results], [], [], 0)[0])
        over = threading.Event()

        def hold() -> None:
            cgroup = self.proc.cgroup
            assert cgroup is not None
            while not over.wait(0.002):
                for pid in cgroup.pids() - stopped:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGSTOP)
                    stopped.add(pid)

        holder = threading.Thread(target=hold, daemon=True)
        holder.start()

        def resume() -> None:
            over.set()
            holder.join()
            for pid in stopped:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

        timer = threading.Timer(seconds, resume)
        timer.start()
        try:
            return original(self, **kwargs)  # type: ignore[arg-type]
        finally:
            timer.cancel()
            resume()

    supervisor_module.Supervisor.start = stalled_start  # type: ignore[method-assign]
    try:
        yield stalls
    finally:
        supervisor_module.Supervisor.start = original  # type: ignore[method-assign]


def _stalled_run(seconds: float, sandbox, judge_settings):
    """A run whose every start the host stalls for `seconds`, on a run where each stall came before the hello (a few
    tries: on a loaded host the harness may say hello before the judge reaches its start)."""
    for _ in range(5):
        with _host_stalls_each_start_for(seconds) as stalls:
            report = run_request(_request(), sandbox, judge_settings)
        assert stalls, "the stall was never applied: the test proved nothing"
        if all(stalls):
            return report
    raise AssertionError("the harness said hello before every stall: the test proved nothing")


def test_a_runtime_the_host_held_past_its_start_allowance_still_runs_the_candidates_tests(
    sandbox, judge_settings
):
    policy = POLICIES["python"]
    # Past the allowance (and past what waiting for a CPU could earn), within the cap.
    stall = policy.startup_s + 1.5
    assert stall < policy.startup_wall_s
    report = _stalled_run(stall, sandbox, judge_settings)
    assert report.verdict is Verdict.ACCEPTED, [(t.id, t.verdict, t.message) for t in report.tests]


def test_a_runtime_that_never_starts_is_the_judges_failure_not_a_time_limit(sandbox, judge_settings):
    policy = POLICIES["python"]
    report = _stalled_run(policy.startup_wall_s + 30, sandbox, judge_settings)
    assert report.verdict is Verdict.INTERNAL_ERROR, [(t.id, t.verdict, t.message) for t in report.tests]
    assert all(t.verdict is Verdict.INTERNAL_ERROR for t in report.tests)


@pytest.mark.parametrize("language", sorted(POLICIES))
def test_a_slow_start_is_the_candidates_only_where_their_code_runs_before_the_harness(language):
    decided = start_verdict("slow_start", language, fatal=None, exit_code=None, signal=None, started=True,
                            memory_exceeded=False, stderr=b"", startup_s=POLICIES[language].startup_s)  # fmt: skip
    if POLICIES[language].harness_first:
        assert decided is None
    else:  # C++: static constructors run before main says hello
        assert decided is not None and decided[0] is Verdict.TIME_LIMIT
    assert POLICIES["cpp"].harness_first is False
    assert {lang for lang, p in POLICIES.items() if p.harness_first} == {"python", "javascript", "java"}
