"""Sandbox start-up cost per run: a trivial Python program (`python3 -c pass`) run to completion in the sandbox,
per-run latency and runs/s, and the start alone (until the judge holds the process), with the judge at its own size
and with `--ballast-mb` more of it written. The baseline, measured in the same run: the same launch forced through a
fork (what any preexec function, or subprocess's `user`/`group`, makes subprocess do) instead of vfork.

    .venv/bin/python -m bench sandbox_start [--runs 20] [--ballast-mb 512]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import time
from collections.abc import Iterator
from typing import Any

from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from judge.settings import get_settings


class _ForkedPopen(subprocess.Popen[bytes]):
    """Popen with a no-op preexec function: subprocess forks instead of using vfork."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["preexec_fn"] = _nothing
        super().__init__(*args, **kwargs)


def _nothing() -> None:
    return None


@contextlib.contextmanager
def _forked() -> Iterator[None]:
    saved = subprocess.Popen  # the module judge.sandbox calls Popen through
    setattr(subprocess, "Popen", _ForkedPopen)  # noqa: B010 - swapped for the baseline only
    try:
        yield
    finally:
        setattr(subprocess, "Popen", saved)  # noqa: B010


def _measure(sandbox: Sandbox, runs: int) -> tuple[float, float, float]:
    """(median start ms, median run ms, runs/s) over `runs` of each."""
    starts, walls = [], []
    for _ in range(runs):
        begin = time.perf_counter()
        proc = sandbox.start(["/bin/true"], limits=Limits(), program_dir=None)
        starts.append(time.perf_counter() - begin)
        proc.finish()
    with sandbox.scratch_dir() as scratch:
        for _ in range(runs):
            begin = time.perf_counter()
            result = sandbox.run(["/usr/bin/python3", "-c", "pass"], scratch=scratch, limits=Limits())
            walls.append(time.perf_counter() - begin)
            if result.exit_code != 0:
                raise RuntimeError(f"python3 -c pass exited {result.exit_code}: {result.stderr[:200]!r}")
    return statistics.median(starts) * 1000, statistics.median(walls) * 1000, runs / sum(walls)


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sandbox_start")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--ballast-mb", type=int, default=512)
    args = parser.parse_args(argv)
    sandbox = Sandbox(get_settings())
    sandbox.self_check()
    load = os.getloadavg()[0]
    print(f"sandbox start-up: median of {args.runs}, {os.cpu_count()} cores, load average {load:.1f}")
    print(f"{'judge RSS':>10} {'launch':>8} {'start':>9} {'python -c pass':>15} {'runs/s':>8}")
    ballast = b""
    for extra in (0, args.ballast_mb):
        if extra:
            ballast = b"\x01" * (extra << 20)  # written: every page mapped
        rss = _rss_mb()
        for name, mode in (("vfork", contextlib.nullcontext()), ("fork", _forked())):
            with mode:
                _measure(sandbox, 2)  # warm
                start_ms, run_ms, rate = _measure(sandbox, args.runs)
            print(f"{rss:>7} MiB {name:>8} {start_ms:>7.1f}ms {run_ms:>13.1f}ms {rate:>8.1f}")
    del ballast
    after = os.getloadavg()[0]
    if max(load, after) > (os.cpu_count() or 1):
        print(f"NOTE: the machine was contended (load average {load:.1f} -> {after:.1f})")
    sandbox.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
