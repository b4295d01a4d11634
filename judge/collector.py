"""Streams one sandboxed process to its end: feeds stdin, reads stdout/stderr/results with caps, enforces the
deadline. For programs run to completion (compilers, the sandbox's own tests); tests are driven by the supervisor.

A compiler's stdout and stderr are files (judge.sandbox, `sealed`): never waited on, their size checked every
_CPU_EVERY_S against the output cap, read once the compiler has ended. A stream that is a pipe or a socket and is
written in many small pieces is read at a pace (judge.read_spacing, the supervisor's rule). Each wake-up is the
judge's own CPU, outside every sandbox limit: a compile whose assembler wrote each `.error` of a `.rept` as a write
of its own (17 bytes) to a socket cost the judge 0.2-0.6 s of CPU.
"""

from __future__ import annotations

import errno
import math
import os
import selectors
import stat
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from judge.read_spacing import ReadSpacing

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
        # Regular files (a compiler's stdout and stderr): read whole at the end, never selected (always "ready").
        self.files = [fd for fd in (proc.stdout, proc.stderr) if stat.S_ISREG(os.fstat(fd).st_mode)]

    def collect(self, deadline: float) -> Outcome:
        with selectors.DefaultSelector() as sel:
            for fd in self.streams:
                if fd not in self.files:
                    sel.register(fd, selectors.EVENT_READ)
            if len(self.stdin):
                sel.register(self.proc.stdin, selectors.EVENT_WRITE)
            else:
                self.proc.close_stdin()
            sel.register(self.proc.pidfd, selectors.EVENT_READ)
            try:
                self._loop(sel, deadline)
            finally:
                self._read_files()
        return self.out

    def _loop(self, sel: selectors.BaseSelector, deadline: float) -> None:
        open_streams = set(self.streams) - set(self.files)
        exited = False
        drain_until = deadline
        # RLIMIT_CPU bounds each process, not the run: g++ runs cc1plus, then as, then ld, each with a limit of its
        # own. The run cgroup's CPU time bounds them together.
        metered = self.proc.cgroup is not None and self.proc.cgroup.cpu_seconds() is not None
        spacing = ReadSpacing(sel)
        # The cgroup's CPU time (three files, 40 us) and the output files' size are read every _CPU_EVERY_S, not at
        # every wake-up.
        ticking = metered or bool(self.files)
        next_tick = 0.0
        while open_streams or not exited:
            now = time.monotonic()
            # Once the process has exited nothing more is written: what its streams hold is read at once.
            spacing.release(math.inf if exited else now, open_streams)
            if now >= drain_until:
                # Past the deadline, or the process ended but its pipes stayed open (held by something it left
                # running; only possible without a PID namespace). The latter is not the program's timeout.
                self.out.timed_out = not exited
                self.proc.kill()
                return
            if ticking and not exited and now >= next_tick:
                next_tick = now + _CPU_EVERY_S
                if self._files_over():
                    self.out.output_exceeded = True
                    self.proc.kill()
                    return
                if metered and self._over_cpu():
                    self.out.cpu_exceeded = True
                    self.proc.kill()
                    return
                if self.proc.cgroup is not None:  # the reads it queued, as they come (RunCgroup.remove)
                    self.proc.cgroup.note_reads(now)
            tick = next_tick if ticking and not exited else math.inf
            wait = min(drain_until, spacing.next_release(), tick) - now
            for key, _ in sel.select(timeout=max(0.0, wait)):
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
                elif not exited:
                    spacing.count(fd, now)
            if self.out.output_exceeded:
                self.proc.kill()
                return

    def _files_over(self) -> bool:
        return sum(os.fstat(fd).st_size for fd in self.files) > self.limits.output_bytes

    def _read_files(self) -> None:
        """What the output files hold, within the output cap (stdout's first, as the cap is theirs together)."""
        for fd in self.files:
            buf = self.streams[fd]
            room = max(self.limits.output_bytes - len(self.out.stdout) - len(self.out.stderr), 0)
            chunk = os.pread(fd, room + 1, 0)
            buf += chunk[:room]
            if len(chunk) > room:
                self.out.output_exceeded = True

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
