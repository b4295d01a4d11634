"""Process bookkeeping around sandbox runs: the subreaper flag, reaping orphaned namespace inits, NPROC counts."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import time
from pathlib import Path

log = logging.getLogger(__name__)

_PR_SET_CHILD_SUBREAPER = 36


def pid_alive(pid: int) -> bool:
    """Whether a process `pid` exists (ours or not): what the sweeps of a dead judge process's leftovers ask."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def enable_subreaper() -> None:
    """Make orphaned descendants (bwrap's namespace init) our children, so we can reap them."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        log.warning("PR_SET_CHILD_SUBREAPER failed: errno %d", ctypes.get_errno())


def count_processes(uid: int) -> int:
    """How many processes (threads count too, as for RLIMIT_NPROC) run under `uid`; approximate is fine."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid == uid:
                count += len(os.listdir(f"/proc/{entry}/task"))
        except OSError:
            continue
    return count


def _children() -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError):
                found += [int(c) for c in Path(f"/proc/self/task/{task}/children").read_text().split()]
    return found


def _comm_state_uid(pid: int) -> tuple[str, str, int] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    comm = stat[stat.find("(") + 1 : stat.rfind(")")]
    state = stat[stat.rfind(")") + 2 :].split(" ", 1)[0]
    uids = next((line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")), ["-1"])
    return comm, state, int(uids[0])


def reap_sandbox_orphans(uid: int, timeout: float = 5.0) -> int:
    """Kill and reap our children running as `uid`: namespace inits orphaned by a finished run.

    The inner bwrap (the PID namespace's init) is in its own session; when the outer bwrap exits it becomes
    our child (we are a subreaper). Killing it tears the namespace down with every daemon in it; reaping it
    keeps zombies from counting against the uid's RLIMIT_NPROC. Only safe while no other run uses `uid`.
    When `uid` is a dedicated sandbox uid, any orphan of ours running as it is a run's leftover (without bwrap,
    e.g. a daemon in unsafe mode) and goes too; when it is our own uid, only bwrap processes are touched.
    """
    reaped = 0
    deadline = time.monotonic() + timeout
    only_bwrap = uid == os.getuid()
    for child in _children():
        info = _comm_state_uid(child)
        if info is None or info[2] != uid or (only_bwrap and info[0] != "bwrap"):
            continue
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
        while True:
            try:
                pid, _ = os.waitpid(child, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                reaped += 1
                break
            if time.monotonic() > deadline:
                log.warning("sandbox namespace init %d did not exit in %.0f s", child, timeout)
                break
            time.sleep(0.001)
    return reaped


def reap_bwrap_zombies() -> int:
    """Reap zombie bwrap children (any uid); never touches other children's exit statuses."""
    reaped = 0
    for child in _children():
        info = _comm_state_uid(child)
        if info is not None and info[0] == "bwrap" and info[1] == "Z":
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child, os.WNOHANG)
                reaped += 1
    return reaped


def bwrap_children() -> list[int]:
    """Our children that are bwrap processes, alive or zombie."""
    return [c for c in _children() if (info := _comm_state_uid(c)) is not None and info[0] == "bwrap"]
