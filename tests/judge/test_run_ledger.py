"""The judge service's memory of run ids: one run per id, a finished answer replayed, failures forgotten, and every
bound (count, bytes, age) holding without ever dropping a run in flight."""

from __future__ import annotations

import asyncio

import pytest

from judge.errors import JudgeBusyError
from judge.run_ledger import Answer, RunIdConflictError, RunLedger


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _ledger(clock: Clock, *, max_runs: int = 100, max_bytes: int = 1 << 20, ttl_s: float = 60) -> RunLedger:
    return RunLedger(max_runs=max_runs, max_bytes=max_bytes, ttl_s=ttl_s, clock=clock)


async def _finish(ledger: RunLedger, run_id: str, body: bytes = b"report") -> Answer:
    entry, started = ledger.claim(run_id, b"fp", lambda: _answer(body))
    assert started
    return await entry.task


async def _answer(body: bytes, gate: asyncio.Event | None = None) -> Answer:
    if gate is not None:
        await gate.wait()
    return Answer(body, 0.01)


async def test_an_id_starts_one_run_and_its_answer_is_replayed() -> None:
    ledger = _ledger(Clock())
    gate = asyncio.Event()
    calls = 0

    async def run() -> Answer:
        nonlocal calls
        calls += 1
        return await _answer(b"report", gate)

    first, started = ledger.claim("a" * 16, b"fp", run)
    again, started_again = ledger.claim("a" * 16, b"fp", run)
    assert (started, started_again) == (True, False) and again is first
    assert ledger.in_flight == 1
    gate.set()
    assert (await first.task).body == b"report"
    later, started_later = ledger.claim("a" * 16, b"fp", run)
    assert not started_later and later.answer == Answer(b"report", 0.01)
    assert calls == 1
    with pytest.raises(RunIdConflictError):
        ledger.claim("a" * 16, b"another body", run)


async def test_a_run_without_a_report_is_forgotten_so_a_retry_runs_it() -> None:
    ledger = _ledger(Clock())

    async def busy() -> Answer:
        raise JudgeBusyError("full")

    entry, _ = ledger.claim("b" * 16, b"fp", busy)
    with pytest.raises(JudgeBusyError):
        await entry.task
    await asyncio.sleep(0)  # the done callback
    assert ledger.in_flight == 0 and ledger.remembered == 0
    assert (await _finish(ledger, "b" * 16)).body == b"report"


async def test_finished_runs_are_dropped_oldest_first_by_count_bytes_and_age_never_in_flight() -> None:
    clock = Clock()
    ledger = _ledger(clock, max_runs=3, max_bytes=100, ttl_s=60)
    gate = asyncio.Event()
    running, _ = ledger.claim("inflight-000000000", b"fp", lambda: _answer(b"x", gate))
    for n in range(5):
        clock.now = n
        await _finish(ledger, f"run-{n:014d}")
    assert ledger.remembered == 3  # by count: runs 2, 3, 4 remain
    rerun, started = ledger.claim("run-00000000000000", b"fp", lambda: _answer(b"again"))
    assert started  # run 0 was forgotten: it runs again (and pushes run 2 out)
    await rerun.task
    assert not ledger.claim("run-00000000000004", b"fp", lambda: _answer(b"again"))[1]

    # by bytes: the count pushes run 3 out, and 6 + 5 + 95 > 100 bytes pushes run 4 out too
    await _finish(ledger, "big-0000000000000", b"y" * 95)
    assert ledger.remembered == 2
    assert not ledger.claim("run-00000000000000", b"fp", lambda: _answer(b"again"))[1]
    assert not ledger.claim("big-0000000000000", b"fp", lambda: _answer(b"again"))[1]
    gone, started = ledger.claim("run-00000000000004", b"fp", lambda: _answer(b"again"))
    assert started
    await gone.task

    clock.now = 1000  # by age: everything finished is forgotten ...
    assert ledger.claim("run-00000000000004", b"fp", lambda: _answer(b"again"))[1]
    # ... but a run in flight never is, however old
    assert not ledger.claim("inflight-000000000", b"fp", lambda: _answer(b"again"))[1]
    gate.set()
    await running.task
    await ledger.aclose()
