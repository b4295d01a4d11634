"""The supervisor: drives one sandboxed harness process test by test, from outside the sandbox.

For each test it writes that test's input frame (and nothing else) to the harness's stdin, then reads until the
record carrying the frame's nonce arrives on the results channel. Meanwhile it:

- counts everything the process writes to stdout and stderr (however it was written) against the test's output
  cap, keeping the first bytes of each as excerpts and the last bytes of stderr for crash messages;
- measures the test's CPU time (the run cgroup: every thread and child) and wall time (less the time the host
  kept it waiting for a CPU or the disk; see judge.meter), and kills the whole process when either passes the
  test's limit; the test ends as its record's last byte is read, before the judge decodes it (TIMED_HEADS);
- bounds the results channel: a line longer than the record cap, a flood of garbage, or more than a few lines
  that are not what it waits for, ends the process (each line costs the judge's own CPU to read, outside every
  sandbox limit: a flood of empty lines cost it a second of CPU for each second of the test);
- spaces out its reads of a stream that the program writes in many small pieces (after `EAGER_READS` reads in a
  phase, one every `READ_SPACING_S`): every wake-up costs the judge far more CPU than the program's write did, and a
  program writing a byte at a time kept it awake, a core's worth, for as long as the test lasted;
- charges the program none of the judge's time while it waits for the judge to read: a thread blocked writing to
  a full pipe of the judge's (a record larger than the results channel, 1 MiB) waits for the supervisor to read,
  decode, sample and get a CPU between its reads; that waiting counts as the program's waiting (`_read`,
  judge.meter.WaitTracker.held), as its waiting for a CPU does;
- watches the run's memory cgroup: when the kernel OOM-killed any process of the run during a test (a forked
  child, a helper, the harness itself), the run as a whole was over its memory limit, and that test is
  `memory_limit` whatever the process went on to answer; the process is ended.

It never trusts anything the process says about time, and a record only counts for the test in flight.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import math
import os
import selectors
import stat
import struct
import termios
import time
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Literal

from judge.meter import Meter, Sample, Usage, WaitTracker
from judge.protocol import RECORD_CAP, frame, is_test_record, new_nonce, parse_line, record_head
from judge.read_spacing import EAGER_READS as EAGER_READS
from judge.read_spacing import READ_SPACING_S as READ_SPACING_S
from judge.read_spacing import ReadSpacing
from judge.sandbox_process import ProcessEnd, SandboxProcess

log = logging.getLogger(__name__)

_READ_CHUNK = 65536
_PAGE = 4096  # a pipe holds pages: one filled by a single large write is full within a page of its size
# The most of a test's input written at once: what the input pipe holds (judge.sandbox.CHANNEL_BYTES). Waiting to
# write more of it is not the program's (WaitTracker.fed), so a frame that fits goes out in one write.
_FEED_CHUNK = 1 << 20
# Reads of a full pipe in one phase that find no thread blocked writing to it before the supervisor stops looking
# (Supervisor._misses); an honest harness's record is one write, found blocked at the first look.
PIPE_MISSES = 4
# Tests that answer sooner than this are charged their wall time less the supervisor's own waiting (see run_test).
_THREADS_AFTER_S = 0.01
_SAMPLE_EVERY_S = 0.05  # how often a running test's threads are sampled
EXCERPT_BYTES = 2000  # per test, per stream
_TAIL_BYTES = 600
_RESULTS_FLOOD = 2 * RECORD_CAP  # bytes on the results channel during one test before the process is ended
# Lines on the results channel during one phase (a test, hello, loading) that are not what it waits for, before the
# process is ended. The harness writes one line a phase; every line is decoded in the judge's own process, outside
# every sandbox limit, and a program writing `{}` lines without end cost the judge 1 s of CPU per second of each test
# (19.8 s for one Submit of 19 tests at 1 s) while it spent almost none of its own. Decoding a short line costs the
# judge 2-4 us: 1,024 of them cost about what starting a process does, and leave room for programs that forge records.
STRAY_LINES = 1024
# ... and at most this many bytes of such lines. A line's cost to decode grows with its bytes, not its count: two
# lines of 15 MiB, integers of 4,299 digits each, cost the judge 0.55 s of CPU every test (3.3 s for six tests, all
# then answered correctly) while the program wrote a buffer it had made once. A longer line is decoded only when it
# begins as the record of the test in flight does (`{"n":"<nonce>",`, every harness's head): the test's own answer,
# decoded as any record is. An honest harness writes no stray line at all.
STRAY_BYTES = 1 << 20
# How many lines of a phase that begin as its record does (`claim`) have the test's counters read as their last byte
# arrives, before they are decoded; the test ends there if the line is its record. Decoding is the judge's own work
# (about 0.08 s for a record of 1.5 million integers, which a program returning them made in 0.1 s), and read after
# it the clock charged it to the program as wall time. The harness writes one such line a test; a program writing
# more (forged records) has each later one timed after its decoding, as before: each reading reads every thread's
# counters, and such lines are bounded only by STRAY_LINES.
TIMED_HEADS = 4

Over = Literal["time", "output", "record", "memory"]


class Start(Enum):
    READY = "ready"  # the candidate's code is loaded
    FATAL = "fatal"  # the harness reported that the code cannot be loaded
    NO_HELLO = "no_hello"  # the process ended before the harness said hello
    ENDED = "ended"  # the process ended after hello, while loading the candidate's code
    SLOW_START = "slow_start"  # no hello within the start-up allowance
    SLOW_LOAD = "slow_load"  # hello, but the candidate's top-level code outran the per-test limit
    OUTPUT = "output"  # top-level code printed more than the output cap


@dataclass
class Window:
    """What the process did between two instants: output, records, and why we stopped it (if we did)."""

    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    tail: bytearray = field(default_factory=bytearray)  # the last bytes of stderr
    printed: int = 0
    results_bytes: int = 0
    stray_lines: int = 0  # results lines read that were not what the phase waits for
    stray_bytes: int = 0  # ... and their bytes
    record: dict[str, Any] | None = None
    over: Over | None = None
    end: ProcessEnd | None = None


@dataclass(frozen=True)
class StartOutcome:
    state: Start
    fatal: dict[str, Any] | None = None
    window: Window | None = None
    usage: Usage | None = None


@dataclass(frozen=True)
class Observed:
    """One test as the supervisor saw it."""

    record: dict[str, Any] | None
    usage: Usage
    stdout: bytes
    stderr: bytes
    stderr_tail: bytes
    over: Over | None
    end: ProcessEnd | None  # set when the process ended during the test


class Supervisor:
    """One harness process. `start()` once, then `run_test()` per test until it returns an ended process; then
    (or at any time) `close()`."""

    def __init__(self, proc: SandboxProcess, *, output_cap: int) -> None:
        self.proc = proc
        self.output_cap = output_cap
        cgroup = proc.cgroup
        self.meter = Meter(
            proc.pid,
            cgroup.cpuacct_dir if cgroup is not None else None,
            cgroup.pressure_dir if cgroup is not None else None,
        )
        self.sel = selectors.DefaultSelector()
        for fd in (proc.stdout, proc.stderr, proc.results, proc.pidfd):
            self.sel.register(fd, selectors.EVENT_READ)
        self._open = {proc.stdout, proc.stderr, proc.results}
        # The pipes the program writes: fd -> their /proc link text. What a thread blocked writing one waits for is
        # the judge's reading (`_read`).
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
        self._line = bytearray()
        self._scanned = 0  # how much of `_line` is known to hold no newline (a long line is searched once)
        self._pending = memoryview(b"")
        self._spacing = ReadSpacing(self.sel)  # streams read often in this phase are read at a pace
        self._end: ProcessEnd | None = None
        self._seen: WaitTracker | None = None
        self._ooms = 0  # the run cgroup's OOM kills seen so far (a fresh group starts at none)
        # How the record the phase waits for begins, when it can be long (a test's: its nonce).
        self._claim = b""
        self._heads = 0  # lines beginning with `_claim` seen in this phase
        # The counters as the last line beginning with `_claim` was read, before it was decoded (see TIMED_HEADS).
        self._answered: Sample | None = None
        # The run's CPU counter when its last phase ended (the load, or the last test, at its record): what the run
        # uses from then until the next test's frame goes out is that test's CPU time (`_idle_ns`).
        self._cpu_since: int | None = None

    # ------------------------------------------------------------------ phases

    def start(self, *, startup_s: float, load_s: float, startup_wall_s: float | None = None) -> StartOutcome:
        """Wait for the harness's hello (within `startup_s`), then for it to load the candidate's code (within
        `load_s`, the per-test limit: top-level code is timed like a test).

        With `startup_wall_s` (a runtime that runs only our harness before hello: judge.limits.LanguagePolicy),
        only CPU time counts against `startup_s`, and the wall time is bounded by `startup_wall_s` alone: a loaded
        host's page faults, I/O and scheduling are not charged as they are to a test."""
        begin = self.meter.sample(self.proc.started_at)
        hello = self._phase(
            lambda rec: rec.get("s") == "hello" or "fatal" in rec, begin, startup_s, wall_cap_s=startup_wall_s
        )
        if hello.over == "time":
            return StartOutcome(Start.SLOW_START, window=hello)
        if hello.over is not None:
            return StartOutcome(Start.OUTPUT, window=hello)
        if hello.record is None:
            return StartOutcome(Start.NO_HELLO, window=hello)
        if "fatal" in hello.record:
            return StartOutcome(Start.FATAL, fatal=hello.record, window=hello)
        loading = self.meter.sample(time.monotonic())
        ready = self._phase(lambda rec: rec.get("s") == "ready" or "fatal" in rec, loading, load_s)
        loaded = self.meter.sample(time.monotonic())
        usage = self.meter.usage(loading, loaded)
        self._cpu_since = loaded.cpu_ns
        if ready.over == "time":
            return StartOutcome(Start.SLOW_LOAD, window=ready, usage=usage)
        if ready.over is not None:
            return StartOutcome(Start.OUTPUT, window=ready, usage=usage)
        if ready.record is None:
            return StartOutcome(Start.ENDED, window=ready, usage=usage)
        if "fatal" in ready.record:
            return StartOutcome(Start.FATAL, fatal=ready.record, window=ready, usage=usage)
        if self._out_of_memory():  # top-level code's process survived, another of the run's did not
            self._stop(ready, "memory")
            return StartOutcome(Start.ENDED, window=ready, usage=usage)
        return StartOutcome(Start.READY, window=ready, usage=usage)

    def run_test(self, args: list[Any], limit_s: float) -> Observed:
        """Send one test's input and wait for its record, the process's end, or the test's limit."""
        nonce = new_nonce()
        self._pending = memoryview(frame(nonce, args))
        # The threads are read as the frame goes out: the baseline of their waiting. (Reading them later, once a test
        # has lasted, spares most tests that read, but a supervisor slow to wake on a loaded host would then take its
        # baseline late, and the program's waiting before it would be charged to the program.)
        start = self.meter.sample(time.monotonic())
        idle_ns = self._idle_ns(start)
        window = self._phase(
            lambda rec: is_test_record(rec, nonce),
            start,
            limit_s,
            feeding=True,
            claim=record_head(nonce),
            idle_ns=idle_ns,
        )
        # The test ends as its record's last byte is read (`_answered`), not once the judge has decoded it. Without
        # such a reading (the process ended, or wrote more than TIMED_HEADS lines with its record's head), now.
        end = self._answered if window.record is not None else None
        if end is None:
            end = self._sample_end(start.at)
        usage = _with_idle(self.meter.usage(start, end, seen=self._seen), idle_ns)
        self._cpu_since = end.cpu_ns
        if window.record is not None and window.end is None:
            self._drain_ready(window)  # output written before the record is already in the pipes
        if window.over != "output" and self._out_of_memory():
            # Over the run's memory limit during this test: its verdict, even when the process answered (the
            # kernel killed a child it did not need) or was then stopped for time (it waited for one).
            if window.end is None:
                self._stop(window, "memory")
            window.over = "memory"
        return Observed(
            record=window.record,
            usage=usage,
            stdout=bytes(window.stdout),
            stderr=bytes(window.stderr),
            stderr_tail=bytes(window.tail),
            over=window.over,
            end=window.end,
        )

    def _idle_ns(self, start: Sample) -> int:
        """The CPU time the run used between the end of its last phase and `start`, the sample taken as the next
        test's frame goes out: charged to that test.

        No input is in flight then, but the program runs: its threads go on after it answered, while the judge reads
        its output, decodes and compares its record and makes the next frame, judge time that the program can make
        long. Charged to no test, that CPU was free: a Python program whose record of a correct answer carried 16 MB
        of numbers besides (a field no harness writes, which the judge decodes all the same) had a thread compute for
        0.15 s after each of five tests, all `accepted` and charged 11-49 ms each (2026-12-06). Work a program leaves
        running after its answer is the program's, charged to the tests after it, gap or not."""
        if self._cpu_since is None:
            return 0
        return max(0, start.cpu_ns - self._cpu_since)

    def _sample_end(self, began: float) -> Sample:
        """The counters at a test's end. A test that answered within a few milliseconds is charged its wall time as
        it is (less the supervisor's own waiting): reading every thread's counters again is not worth it for the
        many that take microseconds."""
        now = time.monotonic()
        return self.meter.sample(now, threads=now - began >= _THREADS_AFTER_S)

    def close(self) -> ProcessEnd:
        """End the process (if still running) and release everything."""
        self.proc.close_stdin()
        if self._end is None:
            self._end = self.proc.finish()
        self.sel.close()
        self.meter.close()
        return self._end

    # ------------------------------------------------------------------ the loop

    def _phase(
        self,
        done: Any,
        start: Any,
        limit_s: float,
        *,
        feeding: bool = False,
        wall_cap_s: float | None = None,
        claim: bytes = b"",
        idle_ns: int = 0,
    ) -> Window:
        """Pump the process until `done(record)` holds for a results line, the process ends, or `limit_s`
        (CPU, or wall less waiting; CPU alone, within `wall_cap_s` of wall time, when that is given) is used up;
        returns what happened in between. A line past the phase's STRAY_BYTES is decoded only when it begins with
        `claim` (the head of the record waited for). `idle_ns` is CPU time the run used before `start` that counts
        as the phase's (`_idle_ns`)."""
        w = Window()
        self._spacing.restart()
        self._claim = claim
        self._heads = 0
        self._drain_from.clear()
        self._misses.clear()
        self._answered = None
        # This phase's tracker, even when it returns at once (never an earlier phase's, with its waiting).
        self._seen = WaitTracker(start, feeding=feeding)
        if self._end is not None:
            w.end = self._end
            return w
        if self._take_line(w, done):
            return w
        if w.over is not None:  # what an earlier phase left unread is already too much
            self._stop(w, w.over)
            return w
        if feeding and self.proc.stdin >= 0:
            self._feed(register=True)  # most frames fit the pipe at once: no need to wait for it
        wall_deadline = start.at + limit_s
        hard_deadline = start.at + 2 * limit_s  # the most waiting (for a CPU or the disk) can earn
        if wall_cap_s is not None:
            wall_deadline = hard_deadline = start.at + wall_cap_s
        cpu_limit_ns = start.cpu_ns - idle_ns + int(limit_s * 1e9)
        poll = min(_SAMPLE_EVERY_S, max(0.01, limit_s / 8))
        next_sample = start.at + poll
        try:
            while True:
                now = time.monotonic()
                self._release_held(now)
                if now >= next_sample:
                    # Threads and children that end before the test does still waited: look while they live.
                    self._seen.observe(self.meter.sample(now))
                    if self.proc.cgroup is not None:  # the reads it queued, as they come (RunCgroup.remove)
                        self.proc.cgroup.note_reads(now)
                    next_sample = now + poll
                if now >= wall_deadline:
                    usage = _with_idle(
                        self.meter.usage(start, self.meter.sample(now), seen=self._seen), idle_ns
                    )
                    if usage.charged_s >= limit_s or now >= hard_deadline:
                        # What the time was made of, for whoever must tell a slow program from a stalled host.
                        log.info(
                            "judge.test.over_time limit=%.3f wall=%.3f cpu=%.3f waited=%.3f hard_deadline=%s",
                            limit_s, usage.wall_s, usage.cpu_s, usage.waited_s, now >= hard_deadline,
                        )  # fmt: skip
                        self._stop(w, "time")
                        return w
                    wall_deadline = min(hard_deadline, start.at + limit_s + usage.waited_s + 0.001)
                if self.meter.cpu_ns() > cpu_limit_ns:
                    self._stop(w, "time")
                    return w
                timeout = max(0.0, min(wall_deadline, next_sample, self._spacing.next_release()) - now)
                self._seen.resting(*self.meter.own_sched())
                events = self.sel.select(timeout)
                delay, runs = self.meter.own_sched()
                # Its waiting to wake counts only if the program was waiting for this wake-up (see _waited_for).
                self._seen.woke(delay, for_program=self._waited_for(events), runs=runs)
                for key, _ in events:
                    fd = key.fd
                    if fd == self.proc.pidfd:
                        self._ended(w, done)
                        return w
                    if fd == self.proc.stdin:
                        self._feed()
                    elif fd == self.proc.results:
                        if self._read_results(w, done):
                            return w
                        self._space_reads(fd, w, now)
                    else:
                        self._read_output(fd, w)
                        self._space_reads(fd, w, now)
                    if w.over is not None:
                        self._stop(w, w.over)
                        return w
        finally:
            if feeding and self.proc.stdin >= 0 and self.proc.stdin in self.sel.get_map():
                self.sel.unregister(self.proc.stdin)
            self._release_held(math.inf)  # each phase starts watching every open stream

    def _waited_for(self, events: list[tuple[selectors.SelectorKey, int]]) -> bool:
        """Whether the program could not have gone on without this wake-up: only when the supervisor woke to see it
        end, and for nothing else (the end may have come long after what else woke it).

        A wake-up says that the program wrote or read something, never that it then waited: its run_delay says how
        long the supervisor waited to run once woken, not for what. A program writing a byte to stderr and then
        sleeping 20 ms, beside other work on the supervisor's CPU, had that waiting taken off its wall time with its
        own (charged 0.2-13 ms). Nor does a full pipe say that its writer waits: one that wrote 64 KiB to stdout at
        once and then slept was charged 0.2-16 ms of the same sleep; a program forging its own record in pieces of
        64 KiB, each filling the results channel and followed by 20 ms of sleep, was charged 73-99 ms of 100 (the
        channel's fullness counted as waiting for its record); a thread sleeping from the first bytes of a large
        input, while the supervisor woke to write the rest, 14-87 ms of 100; and one writing its record's head,
        sleeping 3 ms and writing the rest, read in one wake-up (that of the head), 0.4 ms (the wake-up that read the
        record's end counted). stdout, stderr, the results channel and the input pipe hold 1 MiB or more
        (judge.sandbox), so that an honest program seldom waits for room in them or for more input; it is charged
        the supervisor's waiting to wake for its record (microseconds on an idle host, milliseconds on a loaded
        one: more, never less)."""
        return len(events) == 1 and events[0][0].fd == self.proc.pidfd

    def _space_reads(self, fd: int, w: Window, now: float) -> None:
        """Count a read of `fd`; past EAGER_READS in this phase, stop watching it for READ_SPACING_S.

        A stream so held is not read again until then whatever it holds: the supervisor sleeps, and a writer blocked
        on it waits for that pacing, which is the program's (its small pieces earned it), not the judge's reading.
        Its next read ends no waiting for the judge (`_drain_from`, `_read`): counted, a thread kept blocked writing
        7 MiB to stdout past the eager reads earned 2 ms a read while the program slept (0.25 s of a 1 s limit)."""
        if fd in self._open:
            self._spacing.count(fd, now)
            if fd in self._spacing.held:
                self._drain_from.pop(fd, None)

    def _release_held(self, now: float) -> None:
        if self._end is not None:  # its descriptors are closed
            self._spacing.drop()
            return
        self._spacing.release(now, self._open)

    def _feed(self, *, register: bool = False) -> None:
        """Write what the input pipe takes; wait for it to drain (`register`) only if something is left."""
        # Read before the write: once the input has begun, the program may run (or sleep) while the supervisor waits.
        before = self.meter.own_delay_ns()
        try:
            written = os.write(self.proc.stdin, self._pending[:_FEED_CHUNK])
        except BlockingIOError:
            written = 0
        except (BrokenPipeError, ConnectionResetError):
            written = len(self._pending)  # the reader is gone; its end will show on the pidfd
        self._pending = self._pending[written:]
        if written and self._seen is not None:
            # The input has begun: from here on the program may go on (or sleep) while the supervisor waits.
            self._seen.fed(before)
        registered = self.proc.stdin in self.sel.get_map()
        if len(self._pending) and register and not registered:
            self.sel.register(self.proc.stdin, selectors.EVENT_WRITE)
        elif not len(self._pending) and registered:
            self.sel.unregister(self.proc.stdin)

    def _read(self, fd: int) -> bytes | None:
        """A chunk, b"" when nothing is available, None at end of file.

        A read of a full pipe that a thread of the run is blocked writing to (a record larger than the channel, in
        one write) ends that thread's waiting for the judge, which began at the supervisor's previous read of the
        pipe if that left it holding more (`_drain_from`): the supervisor has not slept since, and the interval is
        its own reading, decoding, sampling and waiting for a CPU. Counted as the thread's waiting
        (judge.meter.WaitTracker.held): a Python program returning 1 million integers (6.9 MB, 107 reads) was charged
        1.4 s of a 2 s limit, against its own 0.15-0.5 s, by a supervisor 10 ms slow a read. Not counted: the
        supervisor's wake-up to the first read (the pipe may have filled while the program slept), a read of a pipe
        that is not full or whose writer has gone on (or to sleep), and a pipe full of pages written in small
        pieces (a page holds one write's bytes, so such a pipe is full before its size in bytes): charged more,
        never less. What a program gains from a thread kept blocked on purpose (or blocked on a pipe of its own under
        a descriptor number it then points at the channel with dup2, which /proc cannot tell apart) is at most the
        judge's own time over the bytes it then reads in its first EAGER_READS reads of the stream (a paced read
        counts nothing: `_space_reads`), which the output cap and the results channel's flood cap bound."""
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
            if writer is not None and since is not None and self._seen is not None:
                self._writer = writer
                self._seen.held(writer, since, now)
            if _available(fd) > 0:
                self._drain_from[fd] = now
        return chunk or None

    def _read_output(self, fd: int, w: Window) -> None:
        chunk = self._read(fd)
        if chunk is None:
            self._close_stream(fd)
            return
        w.printed += len(chunk)
        buf = w.stdout if fd == self.proc.stdout else w.stderr
        if len(buf) < EXCERPT_BYTES:
            buf += chunk[: EXCERPT_BYTES - len(buf)]
        if fd == self.proc.stderr:
            w.tail += chunk[-_TAIL_BYTES:]
            del w.tail[:-_TAIL_BYTES]
        if w.printed > self.output_cap:
            w.over = "output"

    def _read_results(self, w: Window, done: Any) -> bool:
        """Read the results channel; True once a line satisfies `done` (kept as the window's record)."""
        chunk = self._read(self.proc.results)
        if chunk is None:
            self._close_stream(self.proc.results)
            return False
        w.results_bytes += len(chunk)
        self._line += chunk
        return self._take_line(w, done)

    def _take_line(self, w: Window, done: Any) -> bool:
        """Consume complete lines already read; True once one satisfies `done`. What follows it stays buffered
        for the next phase (two records can arrive in one read)."""
        while True:
            newline = self._line.find(b"\n", self._scanned)
            if newline < 0:
                self._scanned = len(self._line)
                break
            headed = bool(self._claim) and self._line.startswith(self._claim)
            self._answered = None
            if headed and self._heads < TIMED_HEADS:
                self._heads += 1
                self._answered = self._sample_end(self._seen.start.at if self._seen is not None else 0.0)
            if newline + 1 == len(self._line):
                # The line is all that was read (a record, as a rule): handed over, not copied. Copied twice
                # (a slice, then bytes), a 16 MiB record was held three times over before its decoding began.
                line, self._line = self._line, bytearray()
                del line[newline:]
            else:
                line = self._line[:newline]
                del self._line[: newline + 1]
            self._scanned = 0
            if w.stray_bytes + len(line) > STRAY_BYTES and not headed:
                w.over = "record"  # not decoded: past the budget, only a line with the head is
                return False
            rec = parse_line(line)
            if rec is not None and done(rec):
                w.record = rec
                return True
            self._answered = None
            w.stray_lines += 1
            w.stray_bytes += len(line)
            if w.stray_lines > STRAY_LINES or w.stray_bytes > STRAY_BYTES:
                w.over = "record"
                return False
        if len(self._line) > RECORD_CAP or w.results_bytes > _RESULTS_FLOOD:
            w.over = "record"
        return False

    def _drain_ready(self, w: Window) -> None:
        """Read what stdout and stderr already hold (bounded: a few pipes' worth each)."""
        for fd in (self.proc.stdout, self.proc.stderr):
            for _ in range(16):
                if fd not in self._open or w.over is not None:
                    break
                before = w.printed
                self._read_output(fd, w)
                if w.printed == before:
                    break
        if w.over is not None:
            self._stop(w, w.over)

    def _ended(self, w: Window, done: Any) -> None:
        """The process exited: read what its pipes still hold (bounded), then collect how it ended."""
        for fd in list(self._open):
            for _ in range(64):
                if fd not in self._open or w.over is not None:
                    break
                if fd == self.proc.results:
                    before = w.results_bytes
                    if w.record is not None or self._read_results(w, done) or w.results_bytes == before:
                        break
                else:
                    before = w.printed
                    self._read_output(fd, w)
                    if w.printed == before:
                        break
        self._end = self.proc.finish()
        w.end = self._end

    def _out_of_memory(self) -> bool:
        """Whether the kernel OOM-killed a process of the run since the last look."""
        if self.proc.cgroup is None:
            return False
        kills = self.proc.cgroup.oom_kills()
        if kills > self._ooms:
            self._ooms = kills
            return True
        return False

    def _stop(self, w: Window, why: Over) -> None:
        w.over = why
        self.proc.kill()
        self._end = self.proc.finish()
        w.end = self._end

    def _close_stream(self, fd: int) -> None:
        self._spacing.forget(fd)
        if fd in self._open:
            self._open.discard(fd)
            if fd in self.sel.get_map():
                self.sel.unregister(fd)


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


def _with_idle(usage: Usage, idle_ns: int) -> Usage:
    """`usage` with CPU time the run used before the phase began added to its CPU time (Supervisor._idle_ns)."""
    return replace(usage, cpu_s=usage.cpu_s + idle_ns / 1e9) if idle_ns else usage
