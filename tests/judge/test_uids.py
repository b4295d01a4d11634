"""Sandbox uids are leased per judge process under a host-wide lock: no two sandboxes on a host share one, so one
candidate's process flood cannot fail another candidate's run through RLIMIT_NPROC."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from judge.errors import SandboxUnavailableError
from judge.pool import JudgePool
from judge.sandbox import worker_sandbox
from judge.sandbox_limits import Limits
from judge.settings import JudgeSettings
from judge.uids import lease_uid
from tests.judge.conftest import SANDBOX_UID_BASE, UID_SPAN, process_table

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(os.geteuid() != 0, reason="sandbox uids are leased only when the judge runs as root"),
]

ROOT = Path(__file__).resolve().parents[2]

# Fills its uid's process budget and holds it: every fork until the limits refuse, each child sleeping.
FORK_FLOOD = """
import os, time
children = 0
while children < 500:
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(6)
        os._exit(0)
    children += 1
print(children, flush=True)
time.sleep(6)
"""
# Needs a few processes of its own: fails if its uid's budget is already spent.
NEEDS_PROCESSES = """
import os
pids = []
for _ in range(8):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
print("forked", len(pids))
"""


def run_in_sandbox(payload: dict[str, Any]) -> dict[str, Any]:
    """Pool job: one sandboxed Python program; what it printed, how it ended and the uid it ran as."""
    sandbox = worker_sandbox()
    with sandbox.scratch_dir() as scratch:
        (scratch / "main.py").write_text(payload["source"])
        result = sandbox.run(
            [sandbox.settings.python_bin, "-S", "/work/main.py"],
            scratch=scratch,
            limits=Limits(wall_s=float(payload.get("wall_s", 10)), cpu_s=10, processes=64),
        )
    return {
        "exit_code": result.exit_code,
        "stdout": result.stdout.decode(errors="replace"),
        "stderr": result.stderr.decode(errors="replace")[-400:],
        "uid": sandbox.uid,
    }


@pytest.fixture
def lock_dir(tmp_path: Path) -> Path:
    return tmp_path / "uid-locks"


def test_leases_in_one_process_never_share_a_uid_and_a_released_uid_is_reused(lock_dir):
    leases = [lease_uid(SANDBOX_UID_BASE, 4, lock_dir) for _ in range(4)]
    assert len({lease.uid for lease in leases}) == 4
    assert all(SANDBOX_UID_BASE <= lease.uid < SANDBOX_UID_BASE + 4 for lease in leases)
    with pytest.raises(SandboxUnavailableError, match="held by another judge"):
        lease_uid(SANDBOX_UID_BASE, 4, lock_dir)
    freed = leases[2].uid
    leases[2].release()
    assert lease_uid(SANDBOX_UID_BASE, 4, lock_dir).uid == freed
    assert (lock_dir.stat().st_mode & 0o777) == 0o700


def test_a_uid_some_process_still_runs_as_is_never_leased(lock_dir):
    # A leftover of a judge killed mid-run: a process running as the range's only uid, holding no lock.
    uid = SANDBOX_UID_BASE + UID_SPAN - 1
    leftover = subprocess.Popen(["/bin/sleep", "30"], user=uid, group=65534, extra_groups=[])
    try:
        deadline = time.monotonic() + 60  # a loaded box is slow to start a process
        while not any(p.uid == uid for p in process_table()):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        with pytest.raises(SandboxUnavailableError):
            lease_uid(uid, 1, lock_dir)
        assert lease_uid(uid - 1, 2, lock_dir).uid == uid - 1
    finally:
        leftover.kill()
        leftover.wait()


def test_a_lock_directory_others_can_write_is_refused(lock_dir):
    lock_dir.mkdir(mode=0o777)
    lock_dir.chmod(0o777)
    with pytest.raises(SandboxUnavailableError, match="mode 0700"):
        lease_uid(SANDBOX_UID_BASE, 4, lock_dir)


def test_a_range_reaching_into_system_uids_is_refused(lock_dir):
    with pytest.raises(SandboxUnavailableError):
        lease_uid(0, 10, lock_dir)


def test_concurrent_judge_processes_on_one_host_each_get_their_own_uid(judge_settings: JudgeSettings):
    # Six separate processes, all configured with the same range (like `shadows api --workers 6`), all alive at
    # once: each builds a Sandbox and reports its uid, then waits until we let it go.
    program = (
        "import sys\n"
        "from judge.sandbox import Sandbox\n"
        "from judge.settings import JudgeSettings\n"
        f"box = Sandbox(JudgeSettings(sandbox_uid={judge_settings.sandbox_uid}, "
        f"sandbox_uid_count={judge_settings.sandbox_uid_count}))\n"
        "print(box.uid, flush=True)\n"
        "sys.stdin.read()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", program],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(6)
    ]
    try:
        uids = [int(p.stdout.readline()) for p in procs]  # type: ignore[union-attr]
    finally:
        for p in procs:
            p.communicate(timeout=30)
    assert len(set(uids)) == 6, uids
    first, count = judge_settings.sandbox_uid, judge_settings.sandbox_uid_count
    assert all(first <= uid < first + count for uid in uids)


async def test_a_fork_flood_in_one_pool_does_not_fail_runs_in_another(judge_settings: JudgeSettings):
    # Two judges on one host with identical settings (two API processes): one candidate floods its process budget
    # while the other candidate's runs need processes of their own.
    settings = judge_settings.model_copy(update={"slots": 1, "queue_size": 8})
    async with (
        JudgePool(settings, jobs=[run_in_sandbox]) as flooded,
        JudgePool(settings, jobs=[run_in_sandbox]) as other,
    ):
        flood = asyncio.create_task(flooded.submit("run_in_sandbox", {"source": FORK_FLOOD, "wall_s": 8}))
        try:
            # Wait until the flood holds its budget: dozens of processes of one uid in our range.
            deadline = time.monotonic() + 20
            flood_uid = None
            while flood_uid is None:
                assert time.monotonic() < deadline, "the flood never started"
                counts: dict[int, int] = {}
                for p in process_table():
                    if settings.sandbox_uid <= p.uid < settings.sandbox_uid + settings.sandbox_uid_count:
                        counts[p.uid] = counts.get(p.uid, 0) + 1
                flood_uid = next((uid for uid, n in counts.items() if n >= 40), None)
                await asyncio.sleep(0.05)
            results = [await other.submit("run_in_sandbox", {"source": NEEDS_PROCESSES}) for _ in range(4)]
            assert not flood.done(), "the flood ended before the other pool's runs: the test proved nothing"
        finally:
            flooded_result = await flood
    for r in results:
        assert (r["exit_code"], r["stdout"].strip()) == (0, "forked 8"), r["stderr"]
        assert r["uid"] != flood_uid
    assert flooded_result["uid"] == flood_uid
    assert int(flooded_result["stdout"].split()[0]) >= 40
