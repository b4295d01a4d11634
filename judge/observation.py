"""What the supervisor saw of a harness process: one phase's output and record, how the start ended, one test."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from judge.sandbox_process import ProcessEnd
from judge.usage import Usage

EXCERPT_BYTES = 2000  # per test, per stream
TAIL_BYTES = 600

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

    def printed_chunk(self, chunk: bytes, *, stderr: bool, cap: int) -> None:
        """Count `chunk` of stdout or stderr against `cap`, keeping the first EXCERPT_BYTES of each stream and the
        last TAIL_BYTES of stderr."""
        self.printed += len(chunk)
        buf = self.stderr if stderr else self.stdout
        if len(buf) < EXCERPT_BYTES:
            buf += chunk[: EXCERPT_BYTES - len(buf)]
        if stderr:
            self.tail += chunk[-TAIL_BYTES:]
            del self.tail[:-TAIL_BYTES]
        if self.printed > cap:
            self.over = "output"


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
