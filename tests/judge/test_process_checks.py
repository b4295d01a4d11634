"""The judge tests' own process checks (tests/judge/conftest.py): the process table, and the reaping of zombies left
to this process, which every judge test runs first."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from tests.judge.conftest import process_table, reap_own_zombies


def _state(pid: int) -> str | None:
    return next((p.state for p in process_table() if p.pid == pid), None)


def test_zombie_children_are_reaped_and_running_ones_left_alone():
    zombies = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        zombies.append(pid)
    alive = subprocess.Popen(["sleep", "60"])
    try:
        deadline = time.monotonic() + 30
        while any(_state(pid) != "Z" for pid in zombies) and time.monotonic() < deadline:
            time.sleep(0.01)
        table = {p.pid: p for p in process_table()}
        assert [(table[pid].state, table[pid].ppid) for pid in zombies] == [("Z", os.getpid())] * 3
        assert table[alive.pid].state != "Z" and table[alive.pid].comm == "sleep"
        assert table[os.getpid()].uid == os.getuid()

        reap_own_zombies()

        for pid in zombies:
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # already reaped
        assert alive.poll() is None  # still running, and still its owner's to wait for
    finally:
        alive.kill()
        alive.wait()
    assert alive.returncode == -9
