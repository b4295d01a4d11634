"""The results channel as the supervisor reads it: bytes cut into lines, each offered to the phase, within a budget.

Every line is decoded in the judge's own process, outside every sandbox limit, so the lines a phase does not wait for
are bounded in number and bytes, and the channel's bytes in a test are bounded too: past any of them the process is
ended (the window's `over` is "record").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from judge.observation import Window
from judge.protocol import RECORD_CAP
from judge.usage import Sample

RESULTS_FLOOD = 2 * RECORD_CAP  # bytes on the results channel during one test before the process is ended
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
# more (forged records) has each later one timed after its decoding: each reading reads every thread's counters, and
# such lines are bounded only by STRAY_LINES.
TIMED_HEADS = 4

Decode = Callable[[bytearray], dict[str, Any] | None]


class ResultsLines:
    """The results channel's bytes read and not yet consumed. What follows a phase's record stays for the next
    phase (two records can arrive in one read)."""

    def __init__(self) -> None:
        self._line = bytearray()
        self._scanned = 0  # how much of `_line` is known to hold no newline (a long line is searched once)
        # How the record the phase waits for begins, when it can be long (a test's: its nonce).
        self._claim = b""
        self._heads = 0  # lines beginning with `_claim` seen in this phase
        # The counters as the last line beginning with `_claim` was read, before it was decoded (see TIMED_HEADS).
        self.answered: Sample | None = None

    def restart(self, claim: bytes) -> None:
        """A new phase, whose record begins with `claim` (b"": no timed heads)."""
        self._claim = claim
        self._heads = 0
        self.answered = None

    def add(self, w: Window, chunk: bytes, done: Any, decode: Decode, stamp: Callable[[], Sample]) -> bool:
        """Take in a chunk read from the channel; True once a line satisfies `done` (`take`)."""
        w.results_bytes += len(chunk)
        self._line += chunk
        return self.take(w, done, decode, stamp)

    def take(self, w: Window, done: Any, decode: Decode, stamp: Callable[[], Sample]) -> bool:
        """Consume the complete lines held, decoding each with `decode`; True once one satisfies `done` (kept as the
        window's record). `stamp` reads the counters as a line with the phase's head is complete (`answered`)."""
        while True:
            newline = self._line.find(b"\n", self._scanned)
            if newline < 0:
                self._scanned = len(self._line)
                break
            headed = bool(self._claim) and self._line.startswith(self._claim)
            self.answered = None
            if headed and self._heads < TIMED_HEADS:
                self._heads += 1
                self.answered = stamp()
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
            rec = decode(line)
            if rec is not None and done(rec):
                w.record = rec
                return True
            self.answered = None
            w.stray_lines += 1
            w.stray_bytes += len(line)
            if w.stray_lines > STRAY_LINES or w.stray_bytes > STRAY_BYTES:
                w.over = "record"
                return False
        if len(self._line) > RECORD_CAP or w.results_bytes > RESULTS_FLOOD:
            w.over = "record"
        return False
