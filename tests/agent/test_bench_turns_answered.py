"""The agent benchmarks time answered turns: every turn they send must be one the interview answers (or, for the
silent decision, decides), or their figures come from a handful of turns. The turn budget (agent.turn_budget: a
burst of 8, then one every 4 s) left every turn after the burst unanswered when the benchmark sent them back to
back, and `agent_latency` reported its p95 over 3 turns of 60, the rest "missed"."""

from __future__ import annotations

from pathlib import Path

from agent.turn_budget import BURST
from bench.agent_harness import start_interview
from bench.agent_latency import UNCLEAR, _measure, _measure_silent

TURNS = BURST + 6  # past the burst: the turns a back-to-back benchmark lost


async def test_every_timed_turn_of_the_interview_is_answered(tmp_path: Path) -> None:
    result = await _measure(await start_interview(tmp_path), TURNS, 1)
    assert result.missed == 0 and len(result.added_ms) == TURNS


async def test_every_turn_the_classifier_decides_is_answered(tmp_path: Path) -> None:
    result = await _measure(await start_interview(tmp_path, name="classifier"), TURNS, 1, UNCLEAR)
    assert result.missed == 0 and len(result.added_ms) == TURNS


async def test_every_thinking_aloud_turn_waits_for_the_classifier(tmp_path: Path) -> None:
    # Decided silent by the classifier (150 ms), not refused by the budget at once: a rate-limited turn made the
    # "silent decision" figure negative (-149.9 ms above the classifier).
    result = await _measure_silent(await start_interview(tmp_path, name="silent"), TURNS, 1)
    assert result.missed == 0 and len(result.added_ms) == TURNS
    assert min(result.added_ms) > -50.0, result.added_ms
