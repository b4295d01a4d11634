"""Measuring for the report benchmarks: sequential HTTP timings, the API's own per-request times from its access
log, the resident memory of its process tree, and the figures' summary lines."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench._proc_cpu import descendants, tree_cpu_seconds


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def rss_mib(root_pid: int) -> float:
    """Resident memory of a process and its descendants (MiB)."""
    total_kib = 0
    for pid in descendants(root_pid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        except OSError:
            continue
    return total_kib / 1024


@dataclass
class RssSampler:
    """Samples a process tree's RSS every `period_s` in a thread while in use (`with RssSampler(pid) as s:`)."""

    pid: int
    period_s: float = 0.02
    samples: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        def run() -> None:
            while not self._stop.is_set():
                self.samples.append(rss_mib(self.pid))
                self._stop.wait(self.period_s)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def peak(self) -> float:
        return max(self.samples, default=0.0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


@dataclass
class Timings:
    name: str
    client_ms: list[float]
    server_ms: list[float]
    api_cpu_ms: float = float(
        "nan"
    )  # the API process's CPU per request: what load on the machine does not inflate
    db_cpu_ms: float = float("nan")  # PostgreSQL's

    def line(self) -> str:
        c, s = self.client_ms, self.server_ms
        return (
            f"{self.name:<44} n={len(c):<4} client p50 {statistics.median(c):6.2f} p99 {percentile(c, 99):6.2f}"
            f" ms | server p50 {statistics.median(s) if s else float('nan'):6.2f}"
            f" p99 {percentile(s, 99):6.2f} ms | CPU per request: API {self.api_cpu_ms:5.2f} ms,"
            f" PostgreSQL {self.db_cpu_ms:5.2f} ms"
        )


def server_times(api_log: Path, route: str, since_line: int) -> tuple[list[float], int]:
    """The API's own durations (ms) of requests to `route` logged after line `since_line`; and the new line count."""
    lines = api_log.read_text(errors="replace").splitlines()
    out = []
    for line in lines[since_line:]:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == "http" and entry.get("route") == route:
            out.append(float(entry["ms"]))
    return out, len(lines)


def timed_gets(
    client: httpx.Client,
    api_log: Path,
    name: str,
    route: str,
    paths: Callable[[int], str],
    n: int,
    warmup: int = 10,
    pids: tuple[int, int | None] | None = None,
) -> Timings:
    """`n` sequential GETs (after `warmup`), each path from `paths(i)`; client and server times, and with `pids`
    (the API's, PostgreSQL's) the CPU each spent per request."""
    for i in range(warmup):
        client.get(paths(i)).raise_for_status()
    time.sleep(0.2)  # let the warm-up's access log lines land
    _, mark = server_times(api_log, route, 0)
    cpu = [tree_cpu_seconds(p) if p else 0.0 for p in pids] if pids else None
    client_ms = []
    for i in range(n):
        started = time.perf_counter()
        r = client.get(paths(i))
        client_ms.append((time.perf_counter() - started) * 1000)
        r.raise_for_status()
    timings = Timings(name, client_ms, [])
    if pids and cpu:
        timings.api_cpu_ms = (tree_cpu_seconds(pids[0]) - cpu[0]) / n * 1000
        timings.db_cpu_ms = (tree_cpu_seconds(pids[1]) - cpu[1]) / n * 1000 if pids[1] else float("nan")
    time.sleep(0.3)
    timings.server_ms, _ = server_times(api_log, route, mark)
    return timings
