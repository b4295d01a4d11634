"""One run cannot starve a concurrent one of CPU: each run is one CPU weight (its own cgroup v1 `cpu` group), however
many processes and threads it starts.

Deployments run the judge inside a container's or a service's cpu cgroup, where the kernel's autogroup (which makes
each session, and so each sandbox, one scheduling entity) does not apply; there the scheduler is fair per thread.
The test puts its judge in such a group. Before the fix, 90 spinning processes of one submission left a concurrent
honest run about 2% of the CPU: its tests passed twice their limit in wall time and were `time_limit`.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.cgroups import CGROUP_ROOT
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(os.geteuid() != 0, reason="per-run cgroups are made only when the judge runs as root"),
]

SIGNATURE = Signature(
    function="work", params=[Param(name="a", type="int"), Param(name="n", type="long")], returns="int"
)
# 90 children spinning for as long as the test lasts (the run's limit: 100 processes); the parent spins too.
HOG = """
import os
import time

def work(a, n):
    for _ in range(90):
        if os.fork() == 0:
            while True:
                pass
    while True:
        pass
"""
# About 50 ms of CPU per test.
HONEST = """
def work(a, n):
    x = 0
    for i in range(n):
        x += i
    return a
"""


def _own_cpu_group() -> Path | None:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "cpu" in controllers.split(","):
            return CGROUP_ROOT / "cpu" / path.lstrip("/")
    return None


@pytest.fixture
def judge_in_a_cpu_group() -> Iterator[None]:
    """This process (and the judge workers it starts) in a cpu cgroup of its own, as in a container."""
    own = _own_cpu_group()
    if own is None or not (own / "cpu.shares").exists():
        pytest.skip("no cgroup v1 cpu hierarchy on this host")
    group = own / f"shadows-test-fairness-{os.getpid()}"
    try:
        group.mkdir()
    except OSError as exc:
        pytest.skip(f"cannot make a cpu cgroup here ({exc.strerror})")
    try:
        (group / "cgroup.procs").write_text(str(os.getpid()))
        yield
    finally:
        (own / "cgroup.procs").write_text(str(os.getpid()))
        for _ in range(200):
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.02)  # the judge's workers are still leaving


def _request(source: str, tests: list[Case], limit_s: float) -> RunRequest:
    return RunRequest(
        language="python",
        source=source,
        signature=SIGNATURE,
        tests=tests,
        limits=RunLimits(time_limit_s=limit_s),
    )


def test_a_run_that_starts_ninety_spinning_processes_does_not_starve_a_concurrent_one(
    judge_in_a_cpu_group: None, judge_settings: JudgeSettings
) -> None:
    settings = judge_settings.model_copy(update={"slots": 2, "queue_size": 4})
    honest = _request(HONEST, [Case(id=f"t{i}", args=[i, 2_000_000], expected=i) for i in range(20)], 1.0)
    hog = _request(HOG, [Case(id="hog", args=[0, 0], expected=0)], 4.0)

    async def both() -> tuple[Verdict, list[tuple[str, str, float | None]]]:
        async with Judge(settings) as judge:
            hogging = asyncio.create_task(judge.run(hog))
            await asyncio.sleep(0.5)  # the hog's spinners start within a few milliseconds of its process
            report = await judge.run(honest)
            hogged = await hogging
            return hogged.verdict, [(t.id, t.verdict.value, t.time_ms) for t in report.tests]

    hog_verdict, honest_tests = asyncio.run(both())
    assert hog_verdict is Verdict.TIME_LIMIT
    assert {verdict for _, verdict, _ in honest_tests} == {"accepted"}, honest_tests
