"""What a record costs the judge's own memory, measured by work: Python's allocations while the record is decoded
(tracemalloc), and a pool worker's peak RSS (its high-water mark, read from /proc), against the record's size.

The judge decodes a test's record in its own process, outside every sandbox limit. Its estimate
(judge.protocol.decoded_size, bound RECORD_MEMORY) counted the value alone, while decoding also holds the line and
its text: `bytes.decode` makes a str whose every character takes the bytes of its widest, so one character past
U+FFFF, raw UTF-8, beside 2 million integers (16 MB) made a text of 64 MB, and the supervisor held the line three
times over (its buffer, a slice, then bytes). A pool worker took about 210 MB above its baseline for a record
estimated at 76 MB. Now the line and its text are counted, and the line is handed over, not copied."""

from __future__ import annotations

import asyncio
import tracemalloc
from pathlib import Path

import pytest

from judge.backends.local import LocalBackend
from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.protocol import RECORD_CAP, RECORD_MEMORY, TOO_LARGE_KIND, decoded_size, parse_line
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.settings import JudgeSettings

MIB = 1 << 20
INTS = b",".join(b"%d" % i for i in range(10**6, 10**6 + 2_000_000))  # 2 million integers, 16 MB of JSON


def _record(value: bytes, extra: bytes = b"") -> bytes:
    return b'{"n":"0a1b","ok":true,"v":' + value + extra + b"}"


LINES = {
    "2M integers": _record(b"[" + INTS + b"]"),
    "2M integers, one past U+FFFF": _record(b"[" + INTS + b"]", ',"x":"\U0001f600"'.encode()),
    "2M integers, one accented": _record(b"[" + INTS + b"]", ',"x":"\u00e9"'.encode()),
    "2M integers, a byte not UTF-8": _record(b"[" + INTS + b"]", b',"x":"\xff"'),
    "3M small integers": _record(b"[" + b"7," * 3_000_000 + b"7]"),
    "1M short strings": _record(b"[" + b'"word",' * 1_000_000 + b'"x"]'),
    "a 15 MiB string, one past U+FFFF": _record(
        b'"' + b"ab" * (15 * MIB // 2) + "\U0001f600".encode() + b'"'
    ),
    "4M strings past U+FFFF": _record(b"[" + '"\U0001f600",'.encode() * 2_000_000 + b'""]'),
    "1.2M empty lists": _record(b"[" + b"[]," * 1_200_000 + b"[]]"),
    # Keys and items: no bound of their own, the line's size and the memory bound hold them.
    "a 15 MiB key": _record(b"1", b',"' + b"k" * (15 * MIB) + b'":0'),
    "1M keys": _record(b"{" + b",".join(b'"k%d":0' % i for i in range(1_000_000)) + b"}"),
}
HONEST = {"2M integers", "3M small integers", "1M short strings", "1.2M empty lists"}


@pytest.mark.parametrize("name", list(LINES))
def test_decoding_a_record_never_holds_more_than_the_bound_with_the_line_counted(name: str) -> None:
    line = LINES[name]
    assert len(line) <= RECORD_CAP
    tracemalloc.start()
    try:
        rec = parse_line(line)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    held = len(line) + peak  # the line itself, allocated before, is held throughout
    assert held <= RECORD_MEMORY, f"{name}: {held / MIB:.0f} MiB held for {len(line) / MIB:.1f} MiB of record"
    assert rec is not None
    if rec.get("kind") != TOO_LARGE_KIND:
        assert held <= decoded_size(line), name  # the estimate is on the safe side of what decoding held
    if name in HONEST:
        assert rec["ok"] is True, name  # honest answers this large are still judged whole


SIGNATURE = Signature(function="many", params=[Param(name="n", type="int")], returns="int[]")

# The program writes its test's record itself, as raw bytes (a C++ program's strings are raw UTF-8 too), then answers.
FORGED = """
import os, sys

INTS = b",".join(b"%d" % i for i in range(10**6, 10**6 + 2_000_000))


def many(n):
    frame = sys._getframe(1)
    nonce, results = frame.f_locals["nonce"], frame.f_globals["_RES"]
    extra = b',"x":"' + chr(0x1F600).encode() + b'"' if WIDE else b""
    os.write(results, b'{"n":"' + nonce.encode() + b'","ok":true,"v":[' + INTS + b']' + extra + b"}\\n")
    return [1]
"""


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) << 10
    raise AssertionError(key)


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM back to the RSS of now


async def _worker_peak(
    settings: JudgeSettings, source: str, tests: list[Case] | None = None
) -> tuple[Verdict, int]:
    """The pool worker's peak RSS above its RSS before the run, for one Submit of `source` (its high-water mark reset
    first: /proc/PID/clear_refs), by default of one test, and its verdict."""
    backend = LocalBackend(settings.model_copy(update={"slots": 1}))
    await backend.start()
    try:
        pid = backend.pool.worker_pids[0]
        warm = RunRequest(language="python", source="def many(n):\n    return [1]\n", signature=SIGNATURE,
                          tests=[Case(id="w", args=[1], expected=[1])])  # fmt: skip
        await backend.run(warm)
        _reset_peak(pid)
        before = _status(pid, "VmRSS:")
        request = RunRequest(
            language="python",
            source=source,
            signature=SIGNATURE,
            tests=tests or [Case(id="a", args=[1], expected=[1])],
            limits=RunLimits(time_limit_s=5.0),
            mode="submit",
        )
        report = await backend.run(request)
        return report.verdict, _status(pid, "VmHWM:") - before
    finally:
        await backend.aclose()


# The interpreter's and allocator's own: arenas, free lists, the read buffer's spare room.
SLACK = 24 * MIB


@pytest.mark.parametrize(
    ("wide", "verdict"),
    [
        (False, Verdict.WRONG_ANSWER),  # decoded: 2 million integers for an expected [1]
        (
            True,
            Verdict.OUTPUT_LIMIT,
        ),  # one character past U+FFFF: line and text over the bound, never decoded
    ],
    ids=["ascii", "past-U+FFFF"],
)
def test_a_pool_workers_peak_for_a_record_is_within_the_bound(
    judge_settings: JudgeSettings, wide: bool, verdict: Verdict
) -> None:
    got, peak = asyncio.run(_worker_peak(judge_settings, FORGED.replace("WIDE", str(wide))))
    assert peak <= RECORD_MEMORY + SLACK, f"{peak / MIB:.0f} MiB above the worker's baseline"
    assert got is verdict


# Each answer is 131,000 empty objects: 393 KB of JSON, 256 KiB as json_size_over counts it (within the value shown
# in a report), about 10 MB once decoded. The encoding is made once.
KEPT = """
import sys

LINE = None


def many(n):
    global LINE
    if n < 2:
        return [1]  # the visible tests, whose values are shown (and kept): small
    frame = sys._getframe(1)
    if LINE is None:
        LINE = frame.f_globals["_dumps"]([{}] * 131_000)
    frame.f_globals["_send"]('{"n":"%s","ok":true,"v":%s}' % (frame.f_locals["nonce"], LINE))
    return [1]
"""


def test_a_pool_worker_keeps_no_hidden_tests_value_while_the_rest_run(judge_settings: JudgeSettings) -> None:
    """A hidden test's returned value is never shown (judge.disclosure), and was kept all the same until the report
    was shaped, a copy a test, each up to about 40 times its JSON: 14 hidden tests of 131,000 `{}` took a pool worker
    to 138 MiB above its baseline (now about 20), 10 MB more for every further test. What it holds now is the
    visible tests' values (here small) and one record being judged at a time."""
    tests = [Case(id=f"t{i}", args=[i], expected=[1], hidden=i >= 2) for i in range(16)]
    got, peak = asyncio.run(_worker_peak(judge_settings, KEPT, tests))
    assert got is Verdict.WRONG_ANSWER
    assert peak <= 64 * MIB, f"{peak / MIB:.0f} MiB above the worker's baseline"
