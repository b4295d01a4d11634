"""Streams one sandboxed process: feeds stdin, reads stdout/stderr/results with caps, enforces the deadline."""

from __future__ import annotations

import contextlib
import errno
import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from judge.cgroups import RunCgroup
    from judge.sandbox import Limits

_READ_CHUNK = 65536
_EXIT_DRAIN_S = 0.5  # how long pipes may stay open after the process exited


@dataclass
class Outcome:
    returncode: int = 0
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    results: bytearray = field(default_factory=bytearray)
    timed_out: bool = False
    output_exceeded: bool = False
    cpu_s: float = 0.0


class Collector:
    """Feeds stdin and reads stdout, stderr and the results pipe until exit, deadline or output cap."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        results_r: int,
        limits: Limits,
        stdin: bytes,
        cgroup: RunCgroup | None,
    ) -> None:
        self.proc = proc
        self.limits = limits
        self.cgroup = cgroup
        self.stdin = memoryview(stdin)
        self.sel = selectors.DefaultSelector()
        self.out = Outcome()
        # The results channel has its own, larger budget: return values of many tests can be big.
        self.results_cap = max(limits.output_bytes, 16 << 20)
        assert proc.stdout is not None and proc.stderr is not None and proc.stdin is not None
        self.streams = {
            proc.stdout.fileno(): self.out.stdout,
            proc.stderr.fileno(): self.out.stderr,
            results_r: self.out.results,
        }
        for fd in self.streams:
            os.set_blocking(fd, False)
            self.sel.register(fd, selectors.EVENT_READ)
        self.stdin_fd = proc.stdin.fileno()
        if len(self.stdin):
            os.set_blocking(self.stdin_fd, False)
            self.sel.register(self.stdin_fd, selectors.EVENT_WRITE)
        else:
            proc.stdin.close()
        self.pidfd = os.pidfd_open(proc.pid)
        self.sel.register(self.pidfd, selectors.EVENT_READ)
        self.exited = False

    def collect(self, deadline: float) -> Outcome:
        open_streams = set(self.streams)
        drain_until = deadline
        while open_streams or not self.exited:
            now = time.monotonic()
            if now >= drain_until:
                # Past the deadline, or the process ended but its pipes stayed open (held by something it left
                # running; only possible without a PID namespace). The latter is not the program's timeout.
                self.out.timed_out = not self.exited
                self._kill()
                break
            remaining = drain_until - now
            for key, _ in self.sel.select(timeout=remaining):
                fd = key.fd
                if fd == self.pidfd:
                    self.exited = True
                    self.sel.unregister(fd)
                    drain_until = min(deadline, time.monotonic() + _EXIT_DRAIN_S)
                elif fd == self.stdin_fd:
                    self._feed()
                elif not self._drain(fd):
                    self.sel.unregister(fd)
                    open_streams.discard(fd)
            if self.out.output_exceeded:
                self._kill()
                break
        self.out.returncode, self.out.cpu_s = self._wait()
        return self.out

    def _feed(self) -> None:
        try:
            written = os.write(self.stdin_fd, self.stdin[:_READ_CHUNK])
        except BlockingIOError:
            return
        except BrokenPipeError:
            written = len(self.stdin)
        self.stdin = self.stdin[written:]
        if not len(self.stdin):
            self.sel.unregister(self.stdin_fd)
            assert self.proc.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()

    def _drain(self, fd: int) -> bool:
        """Read what is available; False at EOF. Sets output_exceeded when a cap is passed."""
        buf = self.streams[fd]
        try:
            chunk = os.read(fd, _READ_CHUNK)
        except BlockingIOError:
            return True
        except OSError as exc:
            if exc.errno == errno.EIO:
                return False
            raise
        if not chunk:
            return False
        if buf is self.out.results:
            cap = self.results_cap
            used = len(buf)
        else:
            cap = self.limits.output_bytes
            used = len(self.out.stdout) + len(self.out.stderr)
        room = cap - used
        buf += chunk[: max(room, 0)]
        if len(chunk) > room:
            self.out.output_exceeded = True
        return True

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        if self.cgroup is not None:
            self.cgroup.kill_all()

    def _wait(self) -> tuple[int, float]:
        try:
            _, status, usage = os.wait4(self.proc.pid, 0)
        except ChildProcessError:
            status, usage = None, None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything still in the run's own process group
        if status is None or usage is None:
            return (self.proc.returncode if self.proc.returncode is not None else -signal.SIGKILL), 0.0
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        return self.proc.returncode, usage.ru_utime + usage.ru_stime

    def close(self) -> None:
        self.sel.close()
        with contextlib.suppress(OSError):
            os.close(self.pidfd)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
