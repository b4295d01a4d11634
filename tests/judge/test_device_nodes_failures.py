"""A process's own device nodes (judge.devices) when something fails: nothing is left behind, nothing is tried in vain.

A review of the device nodes found two holes. A run whose start failed before Popen (no descriptor left for a pipe,
the seccomp memfd, a socket) raised out of `Sandbox._spawn` with its freshly made nodes still on the judge's devices
tmpfs, one directory a failed start, for the life of the judge process. And a judge running as root without
CAP_MKNOD (a container that drops it, the root of a user namespace) mounted the tmpfs, then failed to make the
nodes in every run, logging a warning each time and binding the host's anyway: it now tries once, at start, and
binds the host's without a word more. A judge process killed outright leaves its nodes' tmpfs for the next one to
sweep (held here, as it was).
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import judge.devices
import judge.sandbox
import judge.scratch
from judge.devices import DeviceNodes, device_nodes
from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from judge.scratch import DEVICES_SUFFIX, mount_tmpfs

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only root makes device nodes")


def test_a_start_that_fails_before_the_process_leaves_no_device_nodes(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes = device_nodes()
    assert nodes.mount_point is not None
    before = set(os.listdir(nodes.mount_point))

    def no_descriptors() -> tuple[int, int]:
        raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))

    with sandbox.scratch_dir() as scratch:
        monkeypatch.setattr(judge.sandbox, "pipe", no_descriptors)
        with pytest.raises(OSError, match="Too many open files"):
            sandbox.run(["/bin/true"], scratch=scratch, limits=Limits(wall_s=5, cpu_s=2))
    assert set(os.listdir(nodes.mount_point)) == before  # before: one more "run-..." directory each time


def test_without_cap_mknod_the_host_s_nodes_are_bound_and_nothing_is_tried_per_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(judge.devices, "MOUNT_ROOT", tmp_path)

    def refused(*_args: object) -> None:
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "mknod", refused)
    with caplog.at_level(logging.WARNING, logger="judge.devices"):
        nodes = DeviceNodes()
        try:
            available = nodes.available
            made = [nodes.make() for _ in range(3)]
            mounted = [p for p in tmp_path.iterdir() if os.path.ismount(p)]
        finally:
            nodes.close()
    assert not available  # before: available, and each run tried and failed
    assert made == [None, None, None]
    assert mounted == []  # the tmpfs it mounted for them is gone at once
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1  # before: one a run


def test_the_nodes_of_a_judge_process_killed_outright_are_swept_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker the pool SIGKILLs runs no atexit: its `<pid>-dev` tmpfs, nodes and all, stays mounted until the
    next judge process starts (checked 2026-12-06, as it was written)."""
    monkeypatch.setattr(judge.scratch, "MOUNT_ROOT", tmp_path)
    monkeypatch.setattr(judge.devices, "MOUNT_ROOT", tmp_path)
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    killed.kill()
    killed.wait()
    left = tmp_path / f"{killed.pid}{DEVICES_SUFFIX}"
    left.mkdir()
    mount_tmpfs(left, 1, source=b"shadows-devices")
    (left / "run-x").mkdir()
    nodes = DeviceNodes()  # the next judge process's
    try:
        assert not left.exists()
        assert nodes.available
    finally:
        nodes.close()
    assert list(tmp_path.iterdir()) == []
