"""What each test file costs its test process: wall time and CPU time, itself and everything it started.

A measuring aid for the suite's start order (tests/conftest.py, LONGEST_FIRST), off unless
`SHADOWS_TEST_FILE_COST=<path>` is set: then each test process appends one JSON line a file to that path,
{"file", "worker", "wall_s", "cpu_s"}. The JUnit report gives wall time only, and a file that waits (a page's timers,
a heartbeat, a sleeping program) and one that keeps a core busy for the same wall time weigh very differently when
several start together.

CPU is the process's own, plus its reaped children's, plus every live descendant's (each with the children it has
reaped), plus the process's PostgreSQL cluster (daemonised by pg_ctl, so not a descendant): counted at the file's
first test and again when the next file begins. Descendants orphaned to init mid-file are lost; nothing here does
that on purpose.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import time
from pathlib import Path

import pytest

_TICK = os.sysconf("SC_CLK_TCK")
_watched: list[Path] = []  # postmaster.pid files of clusters this process started


def watch_pid_file(path: Path) -> None:
    """Count the process tree whose root's pid is on the first line of `path` (read at each count) as this one's."""
    _watched.append(path)


def _tree_cpu_s() -> float:
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # after the command: state, ppid (1) ... utime (11), stime (12), cutime (13), cstime (14)
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        ticks[pid] = sum(int(fields[i]) for i in (11, 12, 13, 14))
    roots = {os.getpid()}
    for path in _watched:
        with contextlib.suppress(OSError, ValueError):  # not started yet, or stopped
            roots.add(int(path.read_text().split("\n", 1)[0]))
    total = 0
    for pid in ticks:
        p = pid
        while p > 1 and p not in roots:
            p = parents.get(p, 0)
        if p in roots and pid != os.getpid():
            total += ticks[pid]
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return total / _TICK + own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime


class FileCost:
    def __init__(self, out: Path) -> None:
        self._out = out
        self._file: str | None = None
        self._wall = 0.0
        self._cpu = 0.0

    def _close(self, cpu_s: float) -> None:
        if self._file is None:
            return
        line = {
            "file": self._file,
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
            "wall_s": round(time.monotonic() - self._wall, 2),
            "cpu_s": round(cpu_s - self._cpu, 2),
        }
        with self._out.open("a") as f:  # one short write a line: the workers' lines do not interleave
            f.write(json.dumps(line) + "\n")
        self._file = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        path = nodeid.split("::", 1)[0]
        if path == self._file:
            return
        cpu_s = _tree_cpu_s()  # one walk of /proc ends the last file and begins this one
        self._close(cpu_s)
        self._file, self._wall, self._cpu = path, time.monotonic(), cpu_s

    def pytest_sessionfinish(self) -> None:
        self._close(_tree_cpu_s())


def register(config: pytest.Config) -> None:
    out = os.environ.get("SHADOWS_TEST_FILE_COST")
    # In the test processes only: pytest-xdist's controller sees every worker's tests, interleaved.
    if out and (hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None)):
        config.pluginmanager.register(FileCost(Path(out)), "shadows-file-cost")
