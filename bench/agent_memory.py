"""Memory per additional concurrent session: N text-mode sessions open at once in one process (as in one
worker process), each after a few turns; RSS growth from 2 to N sessions divided by N - 2
(the first two sessions pay for lazy imports and caches).

Each configuration runs in a fresh subprocess (allocators rarely give memory back, so configurations
must not share a process). Baseline: the same measurement with bare livekit sessions (plain Agent).

    python -m bench agent_memory [--sessions N] [--turns N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.agent_harness import BenchSession, rss_mb, start_bare, start_interview

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 40.0


async def _child(kind: str, sessions: int, turns: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="agent-mem-") as tmp:
        open_: list[BenchSession] = []

        async def one(n: int) -> None:
            if kind == "bare":
                bench = await start_bare(voice=False, ttft_s=0.0)
            else:
                bench = await start_interview(Path(tmp), voice=False, ttft_s=0.0, name=f"m{n}")
            for i in range(turns):
                await bench.turn(i, "Quick question: does this handle duplicates?")
            open_.append(bench)

        await one(0)
        await one(1)  # the second session pays one-time lazy imports and caches, so measure from here
        gc.collect()
        rss_first = rss_mb()
        for n in range(2, sessions + 1):
            await one(n)
        gc.collect()
        rss_all = rss_mb()
        for bench in open_:
            await bench.aclose()
        extra = sessions - 2
        return {"rss_1": rss_first, "rss_n": rss_all, "per_session": (rss_all - rss_first) / extra}


def _run_child(kind: str, sessions: int, turns: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.agent_memory", "--child", kind, "--sessions", str(sessions),
         "--turns", str(turns)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=900,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench agent_memory")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--child", choices=["bare", "interview"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        logging.basicConfig(level=logging.ERROR)
        print(json.dumps(asyncio.run(_child(args.child, args.sessions, args.turns))))
        return 0
    print(f"machine: {os.cpu_count()} cores, 1-min load average at start {os.getloadavg()[0]:.1f}")
    print(
        f"{args.sessions} concurrent text-mode sessions, {args.turns} turns each, one process per configuration"
    )
    print(f"{'configuration':<16} {'RSS @2 MiB':>11} {'RSS @N MiB':>11} {'per extra session MiB':>22}")
    results = {kind: _run_child(kind, args.sessions, args.turns) for kind in ("bare", "interview")}
    for kind, r in results.items():
        label = "bare (baseline)" if kind == "bare" else kind
        print(f"{label:<16} {r['rss_1']:>11.1f} {r['rss_n']:>11.1f} {r['per_session']:>22.2f}")
    per = results["interview"]["per_session"]
    verdict = "meets" if per <= TARGET_MB else "MISSES"
    print(f"target: <= {TARGET_MB:.0f} MiB per extra session; interview {per:.2f} MiB {verdict} it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
