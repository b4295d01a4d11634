"""A page flooding `editor.snapshot`: what 1 MB snapshots sent back to back cost the interview's turns.

The candidate's page chooses what it streams: each snapshot is the whole file (up to ``MAX_HELD_BYTES`` are held),
and processing one (hash, cleaning, the diff against the one held, recording) runs on the event loop that also
takes the candidate's turns, and, in one worker process, every other interview's. The bench starts the real
interview (agent_harness.start_interview: coding phase, recorder, capture), then has a "page" open a new
1 MB snapshot stream every ``1/--rate`` seconds through the production intake (`EditorBridge.on_text_stream`),
read in livekit's 15,000-byte chunks, each a different file. Meanwhile it takes ``--turns`` answered turns.

Figures: the turns' added latency (end of turn to the first TTS request, minus the fake LLM's fixed 200 ms),
how late a 10 ms ticker on the event loop ran (p99: the loop's stalls) and the process CPU share,
under the flood and, as baselines measured in the same run, with the starter-sized file and with the same large
file sent once (what the file's size costs every turn: its code view, its diff), plus how many snapshots were
processed.

    python -m bench agent_snapshots [--turns 30] [--rate 20] [--mb 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bench._machine import describe_cpu
from bench.agent_harness import LLM_TTFT_S, percentile, start_interview

CHUNK = 15_000  # livekit's STREAM_CHUNK_SIZE: one FFI event per chunk
QUESTION = "Quick question: does this loop handle duplicates?"


@dataclass
class _Info:
    attributes: dict[str, str]


@dataclass
class _Stream:
    """A snapshot stream as `rtc.TextStreamReader` delivers it: chunk by chunk, each a loop iteration."""

    text: str
    info: _Info
    closed: bool = False

    def close(self) -> None:
        self.closed = True

    async def __aiter__(self) -> AsyncIterator[str]:
        for i in range(0, len(self.text), CHUNK):
            await asyncio.sleep(0)
            if self.closed:
                return
            yield self.text[i : i + CHUNK]


def _file(seed: int, size: int) -> str:
    rng = random.Random(seed)
    lines: list[str] = []
    n = 0
    while n < size:
        a, b, c = rng.randrange(10**6), rng.randrange(999), rng.randrange(999)
        line = f"    x_{a} = step({b}, {c})  # {'pad' * rng.randrange(6)}"
        lines.append(line)
        n += len(line) + 1
    return "\n".join(lines)[:size]


@dataclass
class Figures:
    added_ms: list[float] = field(default_factory=list)
    late_ms: list[float] = field(default_factory=list)  # how late each 10 ms tick of the loop ran
    cpu_share: float = 0.0
    sent: int = 0
    processed: int = 0


async def _run(turns: int, rate: float, size: int, flood: bool, once: bool = False) -> Figures:
    out = Figures()
    with tempfile.TemporaryDirectory(prefix="agent-snapshots-") as tmp:
        bench = await start_interview(Path(tmp), name="flood" if flood else "quiet")
        bench.editor_step = lambda i: None
        editor = bench.state.editor
        processed = [0]
        editor.add_listener(lambda snap, changed: processed.__setitem__(0, processed[0] + 1))
        files = [_file(k, size) for k in range(6)] if flood or once else []
        stop = asyncio.Event()

        async def page() -> None:
            version = 100
            while not stop.is_set():
                version += 1
                text = files[version % len(files)]
                editor.on_text_stream(_Stream(text, _Info({"version": str(version)})), "candidate")  # type: ignore[arg-type]  # the reader's duck type
                out.sent += 1
                await asyncio.sleep(1 / rate)

        async def ticker() -> None:
            last = time.perf_counter()
            while not stop.is_set():
                await asyncio.sleep(0.01)
                now = time.perf_counter()
                out.late_ms.append((now - last - 0.01) * 1000)
                last = now

        tasks = [asyncio.create_task(ticker())]
        if once:  # the same large file, sent once: what its size costs every turn, without a flood
            editor.on_text_stream(_Stream(files[0], _Info({"version": "100"})), "candidate")  # type: ignore[arg-type]  # the reader's duck type
            out.sent += 1
        if flood:
            tasks.append(asyncio.create_task(page()))
        await asyncio.sleep(1.0)  # the flood under way
        out.late_ms.clear()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for i in range(turns):
            timed = await bench.timed_turn(i, QUESTION)
            if timed is not None:
                out.added_ms.append((timed[0] - LLM_TTFT_S) * 1000)
            await asyncio.sleep(0.2)
        out.cpu_share = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
        out.processed = processed[0]
        stop.set()
        await asyncio.gather(*tasks)
        await bench.aclose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench agent_snapshots")
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--rate", type=float, default=20.0, help="snapshot streams opened per second")
    parser.add_argument("--mb", type=float, default=1.0, help="size of each snapshot")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    print(f"machine: {describe_cpu()}; load average {os.getloadavg()[0]:.1f}")
    heads = ("p50 ms", "p95 ms", "max ms", "tick p99", "CPU", "sent", "processed")
    print(f"{'configuration':<40} " + " ".join(f"{h:>9}" for h in heads))
    size = int(args.mb * 1_000_000)
    configurations = (
        ("small file (baseline)", False, False),
        (f"{args.mb:g} MB file sent once (baseline)", False, True),
        (f"{args.mb:g} MB x {args.rate:g}/s flood", True, False),
    )
    for label, flood, once in configurations:
        f = asyncio.run(_run(args.turns, args.rate, size, flood, once))
        if not f.added_ms:
            print(f"{label:<40} no turn answered")
            continue
        cells = (f"{percentile(f.added_ms, 50):.1f}", f"{percentile(f.added_ms, 95):.1f}", f"{max(f.added_ms):.1f}",
                 f"{percentile(f.late_ms, 99):.1f}", f"{f.cpu_share:.0%}", str(f.sent), str(f.processed))  # fmt: skip
        print(f"{label:<40} " + " ".join(f"{c:>9}" for c in cells))
    return 0
