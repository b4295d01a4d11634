"""How the judge reads a sandboxed program's streams when the program writes them in many small pieces.

Every wake-up for a stream (a select, a read, the bookkeeping around it) costs the judge's own process about 40 us of
CPU, outside every sandbox limit, while a write of a byte costs the writer about 1 us: a program writing a byte at a
time kept the test supervisor awake, a core's worth of its CPU, for as long as each test lasted. So after EAGER_READS
reads of one stream (in a phase of the supervisor's; in the whole of a one-shot run), the stream is read at most once
every READ_SPACING_S: what the program writes meanwhile waits in the pipe or socket (a writer blocks when it is full)
and is read, and counted, all the same, 64 KiB a read. One rule for every reader of a sandboxed program's pipes:
judge.supervisor (tests) and judge.collector (one-shot runs). A compiler writes to files instead, which the judge
never waits on (judge.sandbox_channels.output_file).
"""

from __future__ import annotations

import math
import selectors
from collections.abc import Container

EAGER_READS = 256
READ_SPACING_S = 0.002


class ReadSpacing:
    """Reads counted per stream of one selector; a stream past EAGER_READS is taken out of the selector after each
    read and put back READ_SPACING_S later (`release`)."""

    def __init__(self, sel: selectors.BaseSelector) -> None:
        self.sel = sel
        self.reads: dict[int, int] = {}
        self.held: dict[int, float] = {}  # streams not watched until then

    def count(self, fd: int, now: float) -> None:
        """Count a read of `fd`; past EAGER_READS, stop watching it for READ_SPACING_S."""
        self.reads[fd] = self.reads.get(fd, 0) + 1
        if self.reads[fd] > EAGER_READS and fd not in self.held and fd in self.sel.get_map():
            self.sel.unregister(fd)
            self.held[fd] = now + READ_SPACING_S

    def release(self, now: float, open_fds: Container[int]) -> None:
        """Watch again every held stream whose time has come (`math.inf`: all of them), if it is still open."""
        for fd, until in list(self.held.items()):
            if until <= now:
                del self.held[fd]
                if fd in open_fds and fd not in self.sel.get_map():
                    self.sel.register(fd, selectors.EVENT_READ)

    def next_release(self) -> float:
        """When the next held stream is to be watched again (`math.inf` when none is held)."""
        return min(self.held.values(), default=math.inf)

    def forget(self, fd: int) -> None:
        """`fd` is closed: never watch it again."""
        self.held.pop(fd, None)

    def drop(self) -> None:
        """Every stream is closed: hold none."""
        self.held.clear()

    def restart(self) -> None:
        """Count afresh (a new phase). Held streams stay held until released."""
        self.reads.clear()
