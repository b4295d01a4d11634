"""The supervisor's reads of the program's pipes and writes of its input, and what a thread waits for the judge there.

A thread blocked writing to a full pipe of the judge's (a record larger than the results channel, 1 MiB) waits for
the supervisor to read, decode, sample and get a CPU between its reads; and a program whose one thread has read all
of its input so far and is blocked reading more waits for the supervisor to wake and write it. That waiting counts as
the program's waiting (`PipeReads.read`, `PipeReads.feed`, judge.wait_tracker.WaitTracker.held), as its waiting for
a CPU does.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import platform
import stat
import struct
import termios
import time
from dataclasses import dataclass
from pathlib import Path

from judge.meter import Meter
from judge.sandbox_process import SandboxProcess
from judge.wait_tracker import WaitTracker

_READ_CHUNK = 65536
_PAGE = 4096  # a pipe holds pages: one filled by a single large write is full within a page of its size
# The most of a test's input written at once: what the input pipe holds (judge.sandbox_channels.CHANNEL_BYTES).
# Waiting to write more of it is not the program's (WaitTracker.fed), so a frame that fits goes out in one write.
_FEED_CHUNK = 1 << 20
# Reads of a full pipe in one phase that find no thread blocked writing to it before the supervisor stops looking
# (PipeReads._misses); an honest harness's record is one write, found blocked at the first look.
PIPE_MISSES = 4
# read(2) and readv(2), the calls every harness reads its input with, by the host's system call numbers (unknown
# architecture: none, and no reader is ever seen waiting for the judge).
_READ_CALLS_BY_MACHINE = {"x86_64": frozenset({0, 19}), "aarch64": frozenset({63, 65})}
_READ_CALLS: frozenset[int] = _READ_CALLS_BY_MACHINE.get(platform.machine(), frozenset())


class PipeReads:
    """The program's stdout, stderr and results channel as the supervisor reads them, and its input as the supervisor
    writes it. `restart()` at each phase."""

    def __init__(self, proc: SandboxProcess, meter: Meter) -> None:
        self.proc = proc
        self.meter = meter
        # The pipes the program writes: fd -> their /proc link text. What a thread blocked writing one waits for is
        # the judge's reading (`read`).
        self._pipes: dict[int, str] = {}
        for fd in (proc.stdout, proc.stderr, proc.results):
            with contextlib.suppress(OSError):
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    self._pipes[fd] = f"pipe:[{os.fstat(fd).st_ino}]"
        # fd -> when the supervisor's last read of it in this phase ended, leaving it holding more: from then on it
        # never slept waiting for that pipe (a select returns at once), it was busy or waiting for a CPU.
        self._drain_from: dict[int, float] = {}
        self._writer: int | None = None  # the thread last seen blocked writing to a full pipe
        # fd -> reads in this phase that found it full with no thread blocked writing to it. Each such look reads
        # every thread of the run (a few hundred at most): a program keeping a pipe full without blocking (writes
        # that never wait) would have the judge read them all at each of its reads. Past PIPE_MISSES, no more looks.
        self._misses: dict[int, int] = {}
        self.pending = memoryview(b"")  # what is left to write of the test's input
        self._input: str | None = None  # the input pipe's /proc link text
        with contextlib.suppress(OSError):
            if stat.S_ISFIFO(os.fstat(proc.stdin).st_mode):
                self._input = f"pipe:[{os.fstat(proc.stdin).st_ino}]"
        # bwrap's own processes in the run (the one the judge started, and its pid 1 in the sandbox's namespace):
        # never the program's threads (`_lone_thread`)
        self._bwrap: frozenset[int] | None = None
        # The run's only thread of its own as the supervisor last rested with input left to write (`resting`)
        self._lone: tuple[_ThreadState, int] | None = None

    def restart(self) -> None:
        """A new phase: no pipe is being drained, and looks for blocked writers start afresh."""
        self._drain_from.clear()
        self._misses.clear()

    def paced(self, fd: int) -> None:
        """`fd` is read at the supervisor's pace from now on (judge.read_spacing): its next read ends no waiting for
        the judge."""
        self._drain_from.pop(fd, None)

    def resting(self) -> None:
        """The supervisor is about to sleep: with input left to write, note the program's thread as it is now, if it
        has only one, and how many more times it may have switched out of its own accord by the next write (`feed`):
        once when it is running or ready to, none when it is already blocked reading the empty input pipe. Asleep
        otherwise, it may be in a sleep of its own that goes on past the supervisor's waking, its switch already
        counted: nothing is noted."""
        self._lone = None
        if len(self.pending) and self._input is not None and _READ_CALLS:
            tid = self._lone_thread()
            if tid is None:
                return
            state = _ThreadState.read(tid)
            if state is not None and _runnable(tid):
                self._lone = (state, 1)
            elif state is not None and _available(self.proc.stdin) == 0 and _in_read_of(tid, self._input):
                self._lone = (state, 0)

    def feed(self, seen: WaitTracker | None, since: float | None = None) -> None:
        """Write what the input pipe takes of `pending`. `since`: when the supervisor, woken for room in the pipe to
        write more of the input, became runnable (None: the input's first write, whose waiting WaitTracker.fed
        counts).

        When the program's one thread (`_lone_thread`) is now blocked in read(2) on the empty input pipe, and was
        running or ready to when the supervisor last rested (`resting`) and has switched out of its own accord once
        since, that switch is this read's; or it was already blocked so and has not switched since. Either way it
        neither slept nor waited for anything else in between, and the time since then that it spent neither running
        nor waiting for a CPU (its schedstat) is its waiting for this write. Counted as its waiting
        (WaitTracker.held), from `since` at the earliest. Not counted when the program has another thread or
        process: one may sleep from the input's first bytes while the harness waits
        (tests/judge/test_partial_writes_credit.py), and a runtime's own helper threads (node's, the JVM's) sleep in
        the same calls as such a sleeper, so a JavaScript or Java program is charged these waits as before: more,
        never less."""
        blocked = self._blocked_since() if since is not None else None
        # Read before the write: once the input has begun, the program may run (or sleep) while the supervisor waits.
        before = self.meter.own_delay_ns()
        try:
            written = os.write(self.proc.stdin, self.pending[:_FEED_CHUNK])
        except BlockingIOError:
            written = 0
        except (BrokenPipeError, ConnectionResetError):
            written = len(self.pending)  # the reader is gone; its end will show on the pidfd
        self.pending = self.pending[written:]
        if written and seen is not None:
            # The input has begun: from here on the program may go on (or sleep) while the supervisor waits.
            seen.fed(before)
            if blocked is not None and since is not None:
                tid, began = blocked
                seen.held(tid, max(since, began), time.monotonic())

    def _blocked_since(self) -> tuple[int, float] | None:
        """The program's one thread and since when it has been blocked reading the empty input pipe (monotonic
        seconds); None when it is not, or that cannot be told (above)."""
        noted, self._lone = self._lone, None
        if noted is None or self._input is None or _available(self.proc.stdin) > 0:
            return None
        lone, switches = noted
        if self._lone_thread() != lone.tid or not _in_read_of(lone.tid, self._input):
            return None
        now = _ThreadState.read(lone.tid)
        if now is None or now.switches != lone.switches + switches:
            return None
        # Its time since the look running or waiting for a CPU; the rest it was blocked on this read.
        ran_ns = (now.exec_ns - lone.exec_ns) + (now.delay_ns - lone.delay_ns)
        return lone.tid, now.at - max(0.0, now.at - lone.at - ran_ns / 1e9)

    def _lone_thread(self) -> int | None:
        """The run's one thread besides bwrap's processes, or None when it has more (or none)."""
        tasks = self.meter.tasks()
        if self._bwrap is None:
            pid = self.proc.pid
            try:
                children = (Path(f"/proc/{pid}/task/{pid}/children")).read_text().split()
            except OSError:
                return None
            self._bwrap = frozenset({pid, *(int(c) for c in children)})
        own = [tid for tid in tasks if tid not in self._bwrap]
        return own[0] if len(own) == 1 else None

    def read(self, fd: int, seen: WaitTracker | None) -> bytes | None:
        """A chunk, b"" when nothing is available, None at end of file.

        A read of a full pipe that a thread of the run is blocked writing to (a record larger than the channel, in
        one write) ends that thread's waiting for the judge, which began at the supervisor's previous read of the
        pipe if that left it holding more (`_drain_from`): the supervisor has not slept since, and the interval is
        its own reading, decoding, sampling and waiting for a CPU. Counted as the thread's waiting
        (judge.wait_tracker.WaitTracker.held): a Python program returning 1 million integers (6.9 MB, 107 reads) was
        charged 1.4 s of a 2 s limit, against its own 0.15-0.5 s, by a supervisor 10 ms slow a read. Not counted: the
        supervisor's wake-up to the first read (the pipe may have filled while the program slept), a read of a pipe
        that is not full or whose writer has gone on (or to sleep), and a pipe full of pages written in small
        pieces (a page holds one write's bytes, so such a pipe is full before its size in bytes): charged more,
        never less. What a program gains from a thread kept blocked on purpose (or blocked on a pipe of its own under
        a descriptor number it then points at the channel with dup2, which /proc cannot tell apart) is at most the
        judge's own time over the bytes it then reads in its first EAGER_READS reads of the stream (a paced read
        counts nothing: `paced`), which the output cap and the results channel's flood cap bound."""
        since = self._drain_from.pop(fd, None)
        pipe = self._pipes.get(fd)
        writer = None
        looks = pipe is not None and since is not None and self._misses.get(fd, 0) < PIPE_MISSES
        if looks and pipe is not None and _full(fd):  # its writer may be waiting for this read
            writer = self.meter.blocked_writer(pipe, self._writer)
            if writer is None:
                self._misses[fd] = self._misses.get(fd, 0) + 1
        try:
            chunk = os.read(fd, _READ_CHUNK)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno == errno.EIO:
                return None
            raise
        if pipe is not None and chunk:
            now = time.monotonic()
            if writer is not None and since is not None and seen is not None:
                self._writer = writer
                seen.held(writer, since, now)
            if _available(fd) > 0:
                self._drain_from[fd] = now
        return chunk or None


@dataclass(frozen=True)
class _ThreadState:
    """One thread's counters at one instant."""

    tid: int
    at: float  # monotonic seconds, as read
    switches: int  # times it switched out of its own accord (blocked or slept)
    exec_ns: int  # time it ran
    delay_ns: int  # time it waited for a CPU

    @classmethod
    def read(cls, tid: int) -> _ThreadState | None:
        """The counters of thread `tid` now, from /proc (None: it is gone)."""
        try:
            at = time.monotonic()
            executed, delayed = Path(f"/proc/{tid}/schedstat").read_bytes().split()[:2]
            for line in Path(f"/proc/{tid}/status").read_bytes().splitlines():
                if line.startswith(b"voluntary_ctxt_switches:"):
                    return cls(tid, at, int(line.split()[1]), int(executed), int(delayed))
        except (OSError, ValueError):
            return None
        return None


def _runnable(tid: int) -> bool:
    """Whether thread `tid` is running or ready to run (state R in /proc), not asleep or blocked."""
    try:
        data = Path(f"/proc/{tid}/stat").read_bytes()
    except OSError:
        return False
    return data[data.rfind(b")") + 2 : data.rfind(b")") + 3] == b"R"


def _in_read_of(tid: int, pipe: str) -> bool:
    """Whether thread `tid` is in read(2) or readv(2) on the pipe `pipe` (its /proc link text), asleep there."""
    try:
        # "running", "-1 sp pc" (blocked outside a call), or "nr arg0 ... sp pc" (in call nr)
        parts = Path(f"/proc/{tid}/syscall").read_bytes().split()
        if len(parts) < 3 or int(parts[0]) not in _READ_CALLS:
            return False
        return os.readlink(f"/proc/{tid}/fd/{int(parts[1], 16)}") == pipe
    except (OSError, ValueError):
        return False


def _full(fd: int) -> bool:
    """Whether a pipe is full, to within a page, by its size read now (the program holds its write end and may have
    resized it: `F_SETPIPE_SZ`)."""
    try:
        return _available(fd) > fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) - _PAGE
    except OSError:
        return False


def _available(fd: int) -> int:
    """How many bytes a pipe holds (0 when that cannot be told)."""
    try:
        return int(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0])
    except OSError:
        return 0
