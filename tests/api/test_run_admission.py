"""RunAdmission: runs enter the judge a bounded number at a time, round-robin across organisations, with bounded
waiting. Ordering is asserted, never wall time."""

from __future__ import annotations

import asyncio

import pytest

from api.run_admission import JudgeBusy, RunAdmission


async def _settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


class Recorder:
    """Runs that enter, record their name, and hold their slot until released by the test."""

    def __init__(self, admission: RunAdmission) -> None:
        self.admission = admission
        self.entered: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, tenant: str, name: str) -> None:
        gate = self.gates[name] = asyncio.Event()

        async def run() -> None:
            async with self.admission.slot(tenant):
                self.entered.append(name)
                await gate.wait()

        self.tasks[name] = asyncio.create_task(run())

    async def finish(self, name: str) -> None:
        self.gates[name].set()
        await self.tasks[name]
        await _settle()

    async def aclose(self) -> None:
        for gate in self.gates.values():
            gate.set()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)


@pytest.fixture
async def recorder() -> Recorder:
    r = Recorder(RunAdmission(capacity=1, max_waiting=100, max_per_tenant=50, wait_s=60))
    yield r
    await r.aclose()


async def test_a_burst_from_one_org_delays_another_orgs_run_by_one_turn_only(recorder: Recorder) -> None:
    recorder.start("org-a", "a0")
    await _settle()
    for i in range(1, 11):
        recorder.start("org-a", f"a{i}")
    await _settle()
    recorder.start("org-b", "b1")
    await _settle()
    assert recorder.entered == ["a0"]

    for name in ("a0", "a1", "b1", "a2", "a3"):
        await recorder.finish(name)

    # b1 arrived after ten of org A's runs, yet entered after only one of them.
    assert recorder.entered[:4] == ["a0", "a1", "b1", "a2"]


async def test_three_orgs_take_turns_in_arrival_order(recorder: Recorder) -> None:
    recorder.start("a", "a0")
    await _settle()
    for name, tenant in [("a1", "a"), ("a2", "a"), ("b1", "b"), ("b2", "b"), ("c1", "c")]:
        recorder.start(tenant, name)
        await _settle()
    for name in ["a0", "a1", "b1", "c1", "a2", "b2"]:
        await recorder.finish(name)
    assert recorder.entered == ["a0", "a1", "b1", "c1", "a2", "b2"]
    assert recorder.admission.running == 0 and recorder.admission.waiting == 0


async def test_waiting_is_bounded_per_org_and_in_total() -> None:
    admission = RunAdmission(capacity=1, max_waiting=3, max_per_tenant=2, wait_s=60)
    r = Recorder(admission)
    try:
        r.start("a", "a0")
        r.start("a", "a1")
        r.start("a", "a2")
        await _settle()
        with pytest.raises(JudgeBusy) as per_org:
            async with admission.slot("a"):
                pass
        assert per_org.value.status == 503 and per_org.value.retry_after
        r.start("b", "b1")
        await _settle()
        with pytest.raises(JudgeBusy):  # total bound: three already wait
            async with admission.slot("c"):
                pass
        assert admission.waiting == 3
    finally:
        await r.aclose()


async def test_a_run_that_waits_too_long_is_judge_busy_and_leaves_the_queue() -> None:
    admission = RunAdmission(capacity=1, max_waiting=10, max_per_tenant=10, wait_s=0.05)
    r = Recorder(admission)
    try:
        r.start("a", "a0")
        await _settle()
        with pytest.raises(JudgeBusy):
            async with admission.slot("b"):
                pass
        assert admission.waiting == 0
        assert admission.running == 1
    finally:
        await r.aclose()
    assert admission.running == 0


async def test_a_cancelled_waiter_gives_its_turn_to_the_next(recorder: Recorder) -> None:
    recorder.start("a", "a0")
    await _settle()
    recorder.start("b", "b1")
    recorder.start("c", "c1")
    await _settle()
    recorder.tasks["b1"].cancel()
    await _settle()
    await recorder.finish("a0")
    assert recorder.entered == ["a0", "c1"]
    await recorder.finish("c1")
    assert recorder.admission.running == 0 and recorder.admission.waiting == 0


async def test_capacity_runs_at_once_and_no_more() -> None:
    admission = RunAdmission(capacity=3, max_waiting=10, max_per_tenant=10, wait_s=60)
    r = Recorder(admission)
    try:
        for i in range(5):
            r.start("a", f"a{i}")
        await _settle()
        assert len(r.entered) == 3 and admission.running == 3 and admission.waiting == 2
        await r.finish("a0")
        assert len(r.entered) == 4
    finally:
        await r.aclose()


async def test_a_waiter_cancelled_just_as_its_turn_arrives_passes_the_turn_on(recorder: Recorder) -> None:
    admission = recorder.admission
    async with admission.slot("a"):
        recorder.start("b", "b1")
        recorder.start("c", "c1")
        await _settle()
        assert admission.waiting == 2
    # Leaving the block granted b1's turn synchronously; cancel b1 before it can resume.
    recorder.tasks["b1"].cancel()
    await _settle()
    assert recorder.entered == ["c1"]
    assert admission.running == 1 and admission.waiting == 0
