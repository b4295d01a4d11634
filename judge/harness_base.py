"""What every language harness hands the runner: files, compile and run command lines, and the record protocol.

Protocol (identical in every language). The runner writes `input.json`: a JSON array with one entry per selected
test, each the list of that test's arguments (expected values never enter the sandbox). The run command gets three
more arguments: the index of the first test to run, the per-test time limit in ms and the candidate output cap in
bytes. The harness loads the candidate once, then for every test from that index on calls the candidate's function
and writes one JSON line to the results channel (fd 3, or stdout between markers for Judge0):

    {"i": 4, "ok": true, "v": <returned value>, "ms": 0.41, "out": "<stdout excerpt>", "err": "<stderr excerpt>"}
    {"i": 5, "ok": false, "kind": "runtime|memory|timeout|output|crash|value", "msg": "...", "ms": ..., "out": ...}
    {"fatal": "compile|load", "msg": "..."}      (the candidate's code could not be loaded: no test ran)

When a test exceeds the per-test limit the harness's own watchdog writes its `timeout` record and ends the process;
the runner starts a fresh process at the next index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

INPUT_FILE = "input.json"
EXCERPT_CHARS = 2000  # per test, per stream
MESSAGE_CHARS = 600


@dataclass(frozen=True)
class HarnessProgram:
    """A generated harness: files to write into the scratch dir (relative paths) and how to build and run it."""

    files: Mapping[str, str]
    run_argv: list[str]  # the runner appends: first index, per-test ms, output cap
    compile_argv: list[str] | None = None
    address_space_limit: bool = True  # RLIMIT_AS works for this runtime (not for the JVM or V8)
    memory_overhead_mb: int = 0  # runtime memory on top of the requested heap (cgroup limit = request + this)
    compile_memory_mb: int = 1024
    compile_address_space_limit: bool = True
    ro_binds: tuple[str, ...] = field(default=())
    # Compile this instead when compiling fails (same harness, heavier includes); None: the failure is final.
    fallback: HarnessProgram | None = None


def run_args(start: int, per_test_ms: int, output_cap: int) -> list[str]:
    return [str(start), str(per_test_ms), str(output_cap)]
