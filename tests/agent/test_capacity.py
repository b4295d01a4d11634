"""The worker's load function and threshold: LiveKit's own availability decision takes exactly `capacity`
interviews, fewer when the CPU is busy, and the capacity follows the measured sessions per core."""

from __future__ import annotations

from typing import Any

import pytest
from livekit.agents import AgentServer

from agent.capacity import LOAD_THRESHOLD, CpuAverage, InterviewLoad, capacity
from agent.settings import AgentSettings
from agent.worker import create_server


def _settings(**overrides: Any) -> AgentSettings:
    return AgentSettings(_env_file=None, **overrides)  # type: ignore[call-arg]  # pydantic-settings kwarg


class _Jobs:
    def __init__(self, n: int) -> None:
        self.active_jobs: list[object] = [object()] * n


class _ServerWithJobs(AgentServer):
    """The real AgentServer whose running jobs we set: LiveKit's `_is_available` (what it answers a job offer
    with) and `_update_worker_status` (full or available) read only these fields."""

    def __init__(self, jobs: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._jobs = jobs
        self._devmode = False  # production thresholds (dev mode never fills up)
        self._draining = False
        self._reserved_slots = 0
        self._worker_load = 0.0

    @property
    def active_jobs(self) -> list[Any]:
        return [object()] * self._jobs


async def _livekit_accepts(load: InterviewLoad, jobs: int, reserved: int = 0) -> bool:
    server = _ServerWithJobs(jobs, load_fnc=load, load_threshold=LOAD_THRESHOLD)
    server._reserved_slots = reserved
    await server._refresh_worker_load()  # what LiveKit runs before answering an offer
    return server._is_available()


async def test_livekit_takes_exactly_capacity_interviews_then_reports_full() -> None:
    load = InterviewLoad(_settings(sessions_per_core=5.0, cpu_load_ceiling=1.0), cpus=2)
    assert load.capacity == 10
    answers = [await _livekit_accepts(load, jobs) for jobs in range(13)]
    assert answers == [True] * 10 + [False] * 3
    assert load(_Jobs(5)) == pytest.approx(0.5)
    assert load(_Jobs(25)) == 1.0, "never above 1: LiveKit balances on it"


async def test_offers_accepted_but_not_started_count_against_capacity() -> None:
    load = InterviewLoad(_settings(max_sessions=4, cpu_load_ceiling=1.0), cpus=8)
    assert await _livekit_accepts(load, jobs=2, reserved=1)
    assert not await _livekit_accepts(load, jobs=2, reserved=2), (
        "two accepted offers fill the last two places"
    )


async def test_a_busy_cpu_fills_the_worker_before_its_interview_count_does() -> None:
    cpu = 0.0
    load = InterviewLoad(_settings(sessions_per_core=5.0, cpu_load_ceiling=0.8), cpus=2, cpu=lambda: cpu)
    assert await _livekit_accepts(load, jobs=3)
    cpu = 0.85  # something else on the host (or heavier sessions than measured)
    assert not await _livekit_accepts(load, jobs=3)
    assert load(_Jobs(3)) == 1.0
    cpu = 0.4
    assert load(_Jobs(3)) == pytest.approx(0.5), "CPU below the ceiling: the interview count decides"


def test_capacity_is_sessions_per_core_times_cores_rounded_down_and_at_least_one() -> None:
    assert capacity(_settings(sessions_per_core=5.0), 2) == 10
    assert capacity(_settings(sessions_per_core=5.0), 1.5) == 7  # a fractional cgroup quota
    assert capacity(_settings(sessions_per_core=0.3), 1) == 1
    assert capacity(_settings(sessions_per_core=5.0, max_sessions=3), 64) == 3


def test_capacity_settings_refuse_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (
        ("SHADOWS_AGENT_SESSIONS_PER_CORE", "0"),
        ("SHADOWS_AGENT_MAX_SESSIONS", "0"),
        ("SHADOWS_AGENT_CPU_LOAD_CEILING", "1.5"),
    ):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError):
            AgentSettings(_env_file=None)  # type: ignore[call-arg]
        monkeypatch.delenv(name)
    monkeypatch.setenv("SHADOWS_AGENT_MAX_SESSIONS", "6")
    assert AgentSettings(_env_file=None).max_sessions == 6  # type: ignore[call-arg]


def test_cpu_average_is_the_mean_of_recent_samples_from_a_background_thread() -> None:
    import threading

    samples = iter([0.2, 0.4, 0.6, 0.8, 1.0, 0.0])
    taken = threading.Event()
    count = 0

    def sample(interval: float) -> float:
        nonlocal count
        assert interval == 0.5
        count += 1
        if count >= 7:
            taken.set()
            threading.Event().wait(3600)  # the sampler keeps sampling; park it
        return next(samples)

    cpu = CpuAverage(sample)
    assert cpu() == 0.0  # nothing sampled yet: never blocks the caller
    assert taken.wait(5)
    assert cpu() == pytest.approx((0.4 + 0.6 + 0.8 + 1.0 + 0.0) / 5)  # the last five of six


def test_the_worker_uses_the_interview_load_and_its_threshold() -> None:
    server = create_server(_settings(sessions_per_core=3.0))
    assert isinstance(server.load_fnc, InterviewLoad)
    assert server.load_fnc.capacity == capacity(_settings(sessions_per_core=3.0), _host_cpus())
    assert server._load_threshold == LOAD_THRESHOLD  # LiveKit keeps it private; the decision tests use it


def _host_cpus() -> float:
    from agent.capacity import host_cpus

    return host_cpus()
