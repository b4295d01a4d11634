"""The supervisor: drives one sandboxed harness process test by test, from outside the sandbox.

For each test it writes that test's input frame (and nothing else) to the harness's stdin, then reads until the
record carrying the frame's nonce arrives on the results channel. Meanwhile it:

- counts everything the process writes to stdout and stderr (however it was written) against the test's output
  cap, keeping the first bytes of each as excerpts and the last bytes of stderr for crash messages;
- measures the test's CPU time (the run cgroup: every thread and child) and wall time (less the time the host
  kept it waiting for a CPU or the disk; see judge.meter and judge.wait_tracker), and kills the whole process when
  either passes the test's limit; the test ends as its record's last byte is read, before the judge decodes it
  (judge.results_lines.TIMED_HEADS);
- bounds the results channel: a line longer than the record cap, a flood of garbage, or more than a few lines
  that are not what it waits for, ends the process (judge.results_lines);
- spaces out its reads of a stream that the program writes in many small pieces (after `EAGER_READS` reads in a
  phase, one every `READ_SPACING_S`): every wake-up costs the judge far more CPU than the program's write did, and a
  program writing a byte at a time kept it awake, a core's worth, for as long as the test lasted;
- charges the program none of the judge's time while it waits for the judge to read (judge.pipe_reads);
- watches the run's memory cgroup: when the kernel OOM-killed any process of the run during a test (a forked
  child, a helper, the harness itself), the run as a whole was over its memory limit, and that test is
  `memory_limit` whatever the process went on to answer; the process is ended.

It never trusts anything the process says about time, and a record only counts for the test in flight.
"""

from __future__ import annotations

import logging
import math
import selectors
import time
from dataclasses import replace
from typing import Any

from judge.meter import Meter
from judge.observation import EXCERPT_BYTES as EXCERPT_BYTES
from judge.observation import Observed as Observed
from judge.observation import Over as Over
from judge.observation import Start as Start
from judge.observation import StartOutcome as StartOutcome
from judge.observation import Window
from judge.pipe_reads import PipeReads
from judge.protocol import frame, is_test_record, new_nonce, parse_line, record_head
from judge.read_spacing import EAGER_READS as EAGER_READS
from judge.read_spacing import READ_SPACING_S as READ_SPACING_S
from judge.read_spacing import ReadSpacing
from judge.results_lines import STRAY_BYTES as STRAY_BYTES
from judge.results_lines import STRAY_LINES as STRAY_LINES
from judge.results_lines import ResultsLines
from judge.sandbox_process import ProcessEnd, SandboxProcess
from judge.usage import Sample, Usage
from judge.wait_tracker import WaitTracker

log = logging.getLogger(__name__)

# Tests that answer sooner than this are charged their wall time less the supervisor's own waiting (see run_test).
_THREADS_AFTER_S = 0.01
_SAMPLE_EVERY_S = 0.05  # how often a running test's threads are sampled


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
        self.pipes = PipeReads(proc, self.meter)
        self._lines = ResultsLines()
        self._spacing = ReadSpacing(self.sel)  # streams read often in this phase are read at a pace
        self._end: ProcessEnd | None = None
        self._seen: WaitTracker | None = None
        self._ooms = 0  # the run cgroup's OOM kills seen so far (a fresh group starts at none)
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
        self.pipes.pending = memoryview(frame(nonce, args))
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
        # The test ends as its record's last byte is read (ResultsLines.answered), not once the judge has decoded
        # it. Without such a reading (the process ended, or wrote more than TIMED_HEADS lines with its record's
        # head), now.
        end = self._lines.answered if window.record is not None else None
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
        self._lines.restart(claim)
        self.pipes.restart()
        # This phase's tracker, even when it returns at once (never an earlier phase's, with its waiting).
        self._seen = WaitTracker(start, feeding=feeding)
        if self._end is not None:
            w.end = self._end
            return w
        if self._lines.take(w, done, parse_line, self._stamp):
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
                if feeding:
                    self.pipes.resting()
                self._seen.resting(*self.meter.own_sched())
                events = self.sel.select(timeout)
                delay, runs = self.meter.own_sched()
                # Its waiting to wake counts only if the program was waiting for this wake-up (see _waited_for).
                wake_ns = self._seen.woke(delay, for_program=self._waited_for(events), runs=runs)
                # When it was woken: its waiting for a CPU came before it ran.
                runnable = time.monotonic() - wake_ns / 1e9
                for key, _ in events:
                    fd = key.fd
                    if fd == self.proc.pidfd:
                        self._ended(w, done)
                        return w
                    if fd == self.proc.stdin:
                        self._feed(since=runnable)
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
        (judge.sandbox_channels), so that an honest program seldom waits for room in them or for more input; it is
        charged the supervisor's waiting to wake for its record (microseconds on an idle host, milliseconds on a
        loaded one: more, never less)."""
        return len(events) == 1 and events[0][0].fd == self.proc.pidfd

    def _space_reads(self, fd: int, w: Window, now: float) -> None:
        """Count a read of `fd`; past EAGER_READS in this phase, stop watching it for READ_SPACING_S.

        A stream so held is not read again until then whatever it holds: the supervisor sleeps, and a writer blocked
        on it waits for that pacing, which is the program's (its small pieces earned it), not the judge's reading.
        Its next read ends no waiting for the judge (judge.pipe_reads.PipeReads.paced): counted, a thread kept
        blocked writing 7 MiB to stdout past the eager reads earned 2 ms a read while the program slept (0.25 s of a
        1 s limit)."""
        if fd in self._open:
            self._spacing.count(fd, now)
            if fd in self._spacing.held:
                self.pipes.paced(fd)

    def _release_held(self, now: float) -> None:
        if self._end is not None:  # its descriptors are closed
            self._spacing.drop()
            return
        self._spacing.release(now, self._open)

    def _feed(self, *, register: bool = False, since: float | None = None) -> None:
        """Write what the input pipe takes; wait for it to drain (`register`) only if something is left. `since`:
        when the supervisor, woken for room in the pipe, became runnable (judge.pipe_reads.PipeReads.feed)."""
        self.pipes.feed(self._seen, since)
        registered = self.proc.stdin in self.sel.get_map()
        if len(self.pipes.pending) and register and not registered:
            self.sel.register(self.proc.stdin, selectors.EVENT_WRITE)
        elif not len(self.pipes.pending) and registered:
            self.sel.unregister(self.proc.stdin)

    def _read(self, fd: int) -> bytes | None:
        """A chunk of `fd`, b"" when nothing is available, None at end of file (judge.pipe_reads)."""
        return self.pipes.read(fd, self._seen)

    def _read_output(self, fd: int, w: Window) -> None:
        chunk = self._read(fd)
        if chunk is None:
            self._close_stream(fd)
            return
        w.printed_chunk(chunk, stderr=fd == self.proc.stderr, cap=self.output_cap)

    def _read_results(self, w: Window, done: Any) -> bool:
        """Read the results channel; True once a line satisfies `done` (kept as the window's record)."""
        chunk = self._read(self.proc.results)
        if chunk is None:
            self._close_stream(self.proc.results)
            return False
        return self._lines.add(w, chunk, done, parse_line, self._stamp)

    def _stamp(self) -> Sample:
        """The counters as a line with the phase's record's head is complete (ResultsLines.answered)."""
        return self._sample_end(self._seen.start.at if self._seen is not None else 0.0)

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


def _with_idle(usage: Usage, idle_ns: int) -> Usage:
    """`usage` with CPU time the run used before the phase began added to its CPU time (Supervisor._idle_ns)."""
    return replace(usage, cpu_s=usage.cpu_s + idle_ns / 1e9) if idle_ns else usage
