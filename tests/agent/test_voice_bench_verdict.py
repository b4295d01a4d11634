"""The voice benchmark's closing verdict and the CPU it names: a figure is only as portable as the CPU it was
measured on, and a bound the model cannot meet alone is reported as out of reach rather than as a capacity of 0."""

from __future__ import annotations

import pytest

from bench import _machine
from bench._voice_analysis import RunFigures
from bench.agent_voice import largest, verdict


def run(n: int, eot_ms: float, *, late: int = 0, missed: int = 0) -> RunFigures:
    return RunFigures(sessions=n, turns=8 * n, late=late, missed=missed, eot_answer_ms=[eot_ms] * 20)


RUNS = [run(2, 31.0), run(4, 48.0), run(6, 75.0), run(8, 90.0, late=1), run(10, 40.0, missed=1)]


def test_the_largest_n_needs_the_bound_and_every_turn_on_time() -> None:
    assert largest(RUNS, 50.0) == 4
    assert largest(RUNS, 80.0) == 6
    assert largest(RUNS, float("inf")) == 6  # N = 8 had a late turn, N = 10 a missed one
    assert largest([run(2, 51.0)], 50.0) == 0


def test_the_verdict_names_both_figures_and_says_when_the_bound_is_out_of_reach() -> None:
    reachable = verdict(RUNS, cores=2, alone_p95_ms=35.0)
    assert reachable[0].startswith(
        "largest N with end-of-turn p95 <= 50 ms and no late or missed turn: 4 on 2"
    )
    assert "2 per core" in reachable[0] and "NOT met" in reachable[0]
    assert reachable[1].endswith("whatever the end-of-turn latency: 6 on 2 cores")
    assert len(reachable) == 2

    slow_cpu = verdict(RUNS, cores=2, alone_p95_ms=75.3)
    assert slow_cpu[2] == (
        "the model alone takes 75.3 ms (p95) on this CPU: the 50 ms bound is out of reach here at any N"
    )

    met = verdict([run(10, 45.0)], cores=2, alone_p95_ms=30.0)
    assert "5 per core" in met[0] and met[0].endswith("met)")


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("fpu sse2 avx2 fma bmi2", "Some CPU (avx2, fma; no AVX-512)"),
        ("avx512_vnni fma avx2 avx512f sse2", "Some CPU (avx2, fma, avx512f, avx512_vnni)"),
        ("fpu sse2", "Some CPU (no AVX2; no AVX-512)"),
    ],
)
def test_the_cpu_is_named_with_the_instruction_sets_inference_depends_on(
    monkeypatch: pytest.MonkeyPatch, flags: str, expected: str
) -> None:
    lines = ["processor\t: 0", "model name\t: Some CPU", f"flags\t\t: {flags}", "processor\t: 1"]
    monkeypatch.setattr(_machine, "_cpuinfo", lambda: lines)
    assert _machine.describe_cpu() == expected
