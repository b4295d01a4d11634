"""Streams one sandboxed process to its end: feeds stdin, reads stdout/stderr/results with caps, enforces the
deadline. For programs run to completion (compilers, the sandbox's own tests); tests are driven by the supervisor.
"""

from __future__ import annotations

import errno
import os
import selectors
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from judge.sandbox_process import SandboxProcess

_READ_CHUNK = 65536
_EXIT_DRAIN_S = 0.5  # how long pipes may stay open after the process exited
_CPU_EVERY_S = 0.05  # how often the run cgroup's CPU time is read against the limit


@dataclass
class Outcome:
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    results: bytearray = field(default_factory=bytearray)
    timed_out: bool = False
    output_exceeded: bool = False
    cpu_exceeded: bool = False  # every process of the run together used more than `cpu_s` of CPU


class Collector:
    """Feeds stdin and reads stdout, stderr and the results pipe until exit, deadline or output cap."""

    def __init__(self, proc: SandboxProcess, stdin: bytes) -> None:
        self.proc = proc
        self.limits = proc.limits
        self.stdin = memoryview(stdin)
        self.out = Outcome()
        # The results channel has its own, larger budget: return values of many tests can be big.
        self.results_cap = max(self.limits.output_bytes, 16 << 20)
        self.streams = {
            proc.stdout: self.out.stdout,
            proc.stderr: self.out.stderr,
            proc.results: self.out.results,
        }

    def collect(self, deadline: float) -> Outcome:
        with selectors.DefaultSelector() as sel:
            for fd in self.streams:
                sel.register(fd, selectors.EVENT_READ)
            if len(self.stdin):
                sel.register(self.proc.stdin, selectors.EVENT_WRITE)
            else:
                self.proc.close_stdin()
            sel.register(self.proc.pidfd, selectors.EVENT_READ)
            self._loop(sel, deadline)
        return self.out

    def _loop(self, sel: selectors.BaseSelector, deadline: float) -> None:
        open_streams = set(self.streams)
        exited = False
        drain_until = deadline
        # RLIMIT_CPU bounds each process, not the run: g++ runs cc1plus, then as, then ld, each with a limit of its
        # own. The run cgroup's CPU time bounds them together.
        metered = self.proc.cgroup is not None and self.proc.cgroup.cpu_seconds() is not None
        while open_streams or not exited:
            now = time.monotonic()
            if now >= drain_until:
                # Past the deadline, or the process ended but its pipes stayed open (held by something it left
                # running; only possible without a PID namespace). The latter is not the program's timeout.
                self.out.timed_out = not exited
                self.proc.kill()
                return
            if metered and not exited and self._over_cpu():
                self.out.cpu_exceeded = True
                self.proc.kill()
                return
            wait = drain_until - now
            for key, _ in sel.select(timeout=min(wait, _CPU_EVERY_S) if metered else wait):
                fd = key.fd
                if fd == self.proc.pidfd:
                    exited = True
                    sel.unregister(fd)
                    drain_until = min(deadline, time.monotonic() + _EXIT_DRAIN_S)
                elif fd == self.proc.stdin:
                    if self._feed():
                        sel.unregister(fd)
                        self.proc.close_stdin()
                elif not self._drain(fd):
                    sel.unregister(fd)
                    open_streams.discard(fd)
            if self.out.output_exceeded:
                self.proc.kill()
                return

    def _over_cpu(self) -> bool:
        assert self.proc.cgroup is not None
        used = self.proc.cgroup.cpu_seconds()
        return used is not None and used >= self.limits.cpu_s

    def _feed(self) -> bool:
        """Write what the pipe takes; True once everything was written (or the reader went away)."""
        try:
            written = os.write(self.proc.stdin, self.stdin[:_READ_CHUNK])
        except BlockingIOError:
            return False
        except (BrokenPipeError, ConnectionResetError):
            written = len(self.stdin)
        self.stdin = self.stdin[written:]
        return not len(self.stdin)

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
            cap, used = self.results_cap, len(buf)
        else:
            cap, used = self.limits.output_bytes, len(self.out.stdout) + len(self.out.stderr)
        room = cap - used
        buf += chunk[: max(room, 0)]
        if len(chunk) > room:
            self.out.output_exceeded = True
        return True
