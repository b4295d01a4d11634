"""One live sandboxed process: its pipes, its run cgroup, how to kill it, and how it ended.

`Sandbox.start()` makes one; the caller (the one-shot collector or the test supervisor) talks to it through the
non-blocking parent ends of its pipes and calls `finish()` exactly once, which kills whatever is left, reaps,
reads the cgroup's verdicts and removes the group.

Whether the program itself ran is read from bwrap's JSON status pipe, which the program cannot write: bwrap reports
`exit-code` only for a program it started and that ended; when it fails before (a missing runtime, a mount it could
not make) there is none. That, not anything on the program's stderr, is what makes a failure ours.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from judge.processes import reap_bwrap_zombies, reap_sandbox_orphans
from judge.scratch import remove_tree

if TYPE_CHECKING:
    from judge.cgroups import RunCgroup
    from judge.sandbox_limits import Limits

_STATUS_CAP = 4096


@dataclass(frozen=True)
class ProcessEnd:
    """How a sandboxed process ended."""

    exit_code: int | None  # None when killed by a signal
    signal: int | None
    cpu_s: float
    cpu_exceeded: bool  # SIGXCPU (RLIMIT_CPU)
    memory_exceeded: bool  # the cgroup OOM-killed one of its processes
    killed: bool  # we killed it (deadline, output cap, or the end of the tests)
    started: (
        bool | None
    )  # bwrap started the program (None: unknown, e.g. killed before it said, or unsandboxed)


class SandboxProcess:
    """A started sandboxed process. Parent ends of its pipes are non-blocking; `stdin` is -1 once closed."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        *,
        stdin: int,
        stdout: int,
        stderr: int,
        results: int,
        status: int,
        cgroup: RunCgroup | None,
        limits: Limits,
        uid: int,
        sandboxed: bool,
        temp_dir: Path | None = None,
        devices: Path | None = None,
    ) -> None:
        self.proc = proc
        self.pid = proc.pid
        self.stdin, self.stdout, self.stderr, self.results, self.status = (
            stdin,
            stdout,
            stderr,
            results,
            status,
        )
        self.cgroup = cgroup
        self.limits = limits
        self.uid = uid
        self.sandboxed = sandboxed
        self.temp_dir = temp_dir  # removed by finish() (the private /work of an unsandboxed run)
        self.devices = devices  # its own device nodes (judge.devices), removed by finish() once it has ended
        self.started_at = time.monotonic()
        self.pidfd = os.pidfd_open(proc.pid)
        self.killed = False
        self._end: ProcessEnd | None = None
        for fd in (stdin, stdout, stderr, results, status):
            if fd >= 0:
                os.set_blocking(fd, False)

    def close_stdin(self) -> None:
        if self.stdin >= 0:
            with contextlib.suppress(OSError):
                os.close(self.stdin)
            self.stdin = -1

    def exited(self) -> bool:
        """Whether the process (bwrap, so the whole sandbox) has ended; never blocks."""
        return self.proc.poll() is not None if self._end is None else True

    def kill(self) -> None:
        """SIGKILL the process group and every member of the run's cgroups (the PID namespace dies with them)."""
        self.killed = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        if self.cgroup is not None:
            self.cgroup.kill_all()

    def finish(self) -> ProcessEnd:
        """Kill what is left, reap, read the verdicts of the cgroup and bwrap's status, release everything."""
        if self._end is not None:
            return self._end
        try:
            if self.proc.poll() is None:
                self.kill()
            status_value, usage = self._wait()
        finally:
            oom, cgroup_cpu = False, None
            if self.cgroup is not None:
                self.cgroup.kill_all()
            reap_sandbox_orphans(self.uid)
            reap_bwrap_zombies()
            if self.cgroup is not None:
                oom, cgroup_cpu = self.cgroup.oom_killed(), self.cgroup.cpu_seconds()
                self.cgroup.remove()
            started = self._read_status()
            self._close_fds()
            if self.temp_dir is not None:
                remove_tree(self.temp_dir)
            if self.devices is not None:
                remove_tree(self.devices)
                self.devices = None
        exit_code, sig = _decode(status_value)
        cpu_s = cgroup_cpu if cgroup_cpu is not None else usage
        soft = self.limits.cpu_rlimit
        # The run used its RLIMIT_CPU's worth (the cgroup's ticked clock reaches it no later than the kernel's check
        # of any one process: judge.cgroups.RunCgroup.cpu_seconds), or bwrap itself was ended by SIGXCPU.
        cpu_exceeded = sig == signal.SIGXCPU or cpu_s >= soft
        if sig is None and exit_code is not None and self.sandboxed:
            hard_cpu = cpu_s >= soft + 1
            sig = _confirmed(
                exit_code - 128, cpu_exceeded=cpu_exceeded, hard_cpu=hard_cpu, oom=oom, killed=self.killed
            )
            exit_code = None if sig is not None else exit_code
        self._end = ProcessEnd(
            exit_code=exit_code,
            signal=sig,
            cpu_s=cpu_s,
            cpu_exceeded=cpu_exceeded,
            memory_exceeded=oom,
            killed=self.killed,
            started=started,
        )
        return self._end

    def _wait(self) -> tuple[int, float]:
        try:
            _, status, usage = os.wait4(self.pid, 0)
        except ChildProcessError:
            rc = self.proc.returncode
            return (rc if rc is not None else -signal.SIGKILL), 0.0
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)  # anything still in the run's own process group
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        return self.proc.returncode, usage.ru_utime + usage.ru_stime

    def _read_status(self) -> bool | None:
        if self.status < 0:
            return None
        data = b""
        with contextlib.suppress(OSError):
            while len(data) < _STATUS_CAP:
                chunk = os.read(self.status, _STATUS_CAP)
                if not chunk:
                    break
                data += chunk
        said_exit = False
        for line in data.splitlines():
            with contextlib.suppress(ValueError):
                doc = json.loads(line)
                if isinstance(doc, dict) and "exit-code" in doc:
                    said_exit = True
        if said_exit:
            return True
        return None if self.killed else False

    def _close_fds(self) -> None:
        self.close_stdin()
        for fd in (self.stdout, self.stderr, self.results, self.status, self.pidfd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.stdout = self.stderr = self.results = self.status = self.pidfd = -1


def _decode(status: int) -> tuple[int | None, int | None]:
    """bwrap's own wait status: killed by a signal (negative) or an exit code, which is its program's."""
    if status < 0:
        return None, -status
    return status, None


def _confirmed(sig: int, *, cpu_exceeded: bool, hard_cpu: bool, oom: bool, killed: bool) -> int | None:
    """The signal an exit code 128+N of a sandboxed program stands for, when the evidence shows the kernel or the
    judge sent it; else None, and it is a plain exit code.

    bwrap reports a program killed by signal N as exit status 128+N, which a program can also exit with itself
    (`os._exit(152)`, 128 + SIGXCPU, was `time_limit`; `exit(137)` read as killed by SIGKILL). Only the signals a
    verdict or a message rests on are confirmed: SIGXCPU when the run used its RLIMIT_CPU; SIGKILL when the judge
    killed it, the memory cgroup OOM-killed a process of the run, or it used RLIMIT_CPU's hard limit. A real
    SIGSEGV, SIGABRT or SIGXFSZ is not told from an exit with the same code: either is `runtime_error` with that
    code (judge.verdict.crash_verdict names the signal it may stand for)."""
    if sig == signal.SIGXCPU and cpu_exceeded:
        return sig
    if sig == signal.SIGKILL and (killed or oom or hard_cpu):
        return sig
    return None
