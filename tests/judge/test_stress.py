"""Stress: 500 sequential and 50 concurrent sandboxed runs leave no zombie, stray process, cgroup or fd behind."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from judge.bank import load_question
from judge.cgroups import detect_parents
from judge.pool import JudgePool
from judge.sandbox import Limits, worker_sandbox
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.judge.conftest import descendants, process_table, wait_no_strays

pytestmark = pytest.mark.sandbox

ROOT = Path(__file__).resolve().parents[2]

# Each run leaves a grandchild behind (double fork + setsid) to make orphans on purpose.
PROGRAM = (
    "import os, sys, time\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    if os.fork() == 0:\n"
    "        time.sleep(30)\n"
    "    os._exit(0)\n"
    "n = int(sys.argv[1])\n"
    "os.write(3, str(n * n).encode())\n"
)


def run_numbered(payload: dict[str, Any]) -> dict[str, Any]:
    """Pool job: one sandboxed run that squares `n` and leaves a would-be daemon behind."""
    sandbox = worker_sandbox()
    with sandbox.scratch_dir() as scratch:
        (scratch / "main.py").write_text(PROGRAM)
        result = sandbox.run(
            [sandbox.settings.python_bin, "-S", "/work/main.py", str(payload["n"])],
            scratch=scratch,
            limits=Limits(wall_s=10, cpu_s=5),
        )
    return {
        "exit_code": result.exit_code,
        "results": result.results.decode(),
        "stderr": result.stderr.decode(errors="replace")[-300:],
        "fds": len(os.listdir("/proc/self/fd")),
    }


def leftover_cgroups(owners: list[int]) -> list[str]:
    """Run groups still present that were made by `owners` (other judges on the host make their own)."""
    parents = detect_parents()
    found: list[str] = []
    for parent in parents.all:
        for owner in owners:
            found += [str(p) for p in parent.glob(f"shadows-judge-{owner}-*")]
    return found


def children_of_workers(pids: list[int]) -> list[Any]:
    table = process_table()
    return [p for pid in pids for p in descendants(pid, table)]


def own_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def stress_settings(judge_settings: JudgeSettings) -> JudgeSettings:
    return judge_settings.model_copy(update={"slots": 2, "queue_size": 64})


async def test_five_hundred_sequential_runs_leave_nothing_behind(stress_settings: JudgeSettings):
    fds_before = own_fds()
    async with JudgePool(stress_settings, jobs=[run_numbered]) as pool:
        workers = pool.worker_pids
        first = None
        for n in range(500):
            reply = await pool.submit("run_numbered", {"n": n})
            assert (reply["exit_code"], reply["results"]) == (0, str(n * n)), reply["stderr"]
            first = first or reply
            last = reply
        assert pool.worker_pids == workers  # no worker crashed or was replaced
        assert last["fds"] == first["fds"]  # no fd leak in the workers
        assert children_of_workers(workers) == []
        assert wait_no_strays(stress_settings, allowed=frozenset(workers)) == []
    assert leftover_cgroups(workers) == []
    assert own_fds() == fds_before
    assert wait_no_strays(stress_settings) == []


async def test_fifty_concurrent_runs_all_complete_and_leave_nothing_behind(stress_settings: JudgeSettings):
    async with JudgePool(stress_settings, jobs=[run_numbered]) as pool:
        workers = pool.worker_pids
        replies = await asyncio.gather(*(pool.submit("run_numbered", {"n": n}) for n in range(50)))
        assert [r["results"] for r in replies] == [str(n * n) for n in range(50)]
        assert all(r["exit_code"] == 0 for r in replies)
        assert children_of_workers(workers) == []
        assert wait_no_strays(stress_settings, allowed=frozenset(workers)) == []
    assert leftover_cgroups(workers) == []
    assert wait_no_strays(stress_settings) == []


async def test_fifty_concurrent_judge_runs_are_all_accepted(stress_settings: JudgeSettings):
    question = load_question(ROOT / "questions" / "two-sum")
    source = (ROOT / "questions" / "two-sum" / "reference.py").read_text()
    request = RunRequest.for_question(question, language="python", source=source, limits=RunLimits())
    async with Judge(stress_settings) as judge:
        reports = await asyncio.gather(*(judge.run(request) for _ in range(50)))
        workers = judge.backend.pool.worker_pids  # type: ignore[attr-defined]
        assert [r.verdict for r in reports] == [Verdict.ACCEPTED] * 50
        assert wait_no_strays(stress_settings, allowed=frozenset(workers)) == []
    assert wait_no_strays(stress_settings) == []
