"""The voice benchmark's turn judgement (bench/_voice_analysis.py): a turn is late only for what happened after its
VAD declared the end of speech, never for the silence the VAD must hear before it may declare it."""

from __future__ import annotations

import numpy as np

from bench._voice_analysis import LATE_S, figures, judge_turn
from bench._voice_session import Probe, SessionResult
from bench._voice_speech import Script, Turn

MIN_DELAY, MAX_DELAY = 0.5, 3.0
TURN = Turn(index=0, text="Is a hash map fine here?", start=1.0, end=3.0)
NEXT_START = 12.0


def _result(
    *,
    commit_at: float,
    probability: float,
    vad_ends: list[tuple[float, float]],
    reply_at: float | None = None,
) -> SessionResult:
    probe = Probe(origin=0.0)
    probe.commits = [(commit_at, TURN.text)]
    probe.eot = [(TURN.end + 0.2, TURN.end + 0.23, probability, 0.03)]
    probe.vad_ends = vad_ends
    probe.replies = [commit_at + 0.3 if reply_at is None else reply_at]
    return SessionResult(
        probe=probe,
        script=Script(pcm=np.zeros(0, dtype=np.int16), turns=(TURN,), frame_samples=800),
        unlikely_threshold=0.5,
        min_delay=MIN_DELAY,
        max_delay=MAX_DELAY,
    )


def test_a_commit_right_after_the_vad_declared_the_end_is_on_time_whatever_its_silence_requirement() -> None:
    # The VAD heard speech end 0.1 s after the rendered speech and declared it 0.55 s later (its min silence):
    # the earliest the pipeline can commit is then, 0.15 s past the plain rule (end + 0.5 s).
    vad_end = (TURN.end + 0.1, TURN.end + 0.1 + 0.55)
    verdict = judge_turn(
        _result(commit_at=vad_end[1] + 0.06, probability=0.9, vad_ends=[vad_end]), TURN, NEXT_START
    )
    assert verdict.lateness is not None and abs(verdict.lateness - 0.06) < 1e-9
    assert verdict.overhang is not None and abs(verdict.overhang - 0.15) < 1e-9
    assert not verdict.late and not verdict.missed


def test_what_load_adds_after_the_vad_declared_the_end_makes_a_turn_late() -> None:
    vad_end = (TURN.end + 0.1, TURN.end + 0.65)
    verdict = judge_turn(
        _result(commit_at=vad_end[1] + LATE_S + 0.05, probability=0.9, vad_ends=[vad_end]), TURN, NEXT_START
    )
    assert verdict.late
    assert verdict.lateness is not None and abs(verdict.lateness - (LATE_S + 0.05)) < 1e-9


def test_an_unlikely_end_waits_the_maximum_delay_from_the_speech_end_the_vad_heard() -> None:
    vad_end = (TURN.end + 0.12, TURN.end + 0.67)
    on_time = judge_turn(
        _result(commit_at=vad_end[0] + MAX_DELAY + 0.05, probability=0.1, vad_ends=[vad_end]),
        TURN,
        NEXT_START,
    )
    assert not on_time.late
    assert on_time.lateness is not None and abs(on_time.lateness - 0.05) < 1e-9
    late = judge_turn(
        _result(commit_at=vad_end[0] + MAX_DELAY + LATE_S + 0.01, probability=0.1, vad_ends=[vad_end]),
        TURN,
        NEXT_START,
    )
    assert late.late


def test_without_a_matching_vad_end_the_turn_is_judged_against_the_plain_rule() -> None:
    # Another turn's END_OF_SPEECH (far from this one) and one declared after the commit are not this turn's.
    others = [(TURN.end + 5.0, TURN.end + 5.55), (TURN.end + 0.1, TURN.end + 0.9)]
    commit_at = TURN.end + MIN_DELAY + LATE_S + 0.05
    verdict = judge_turn(_result(commit_at=commit_at, probability=0.9, vad_ends=others), TURN, NEXT_START)
    assert verdict.overhang is None
    assert verdict.late


def test_the_run_figures_count_unanchored_turns_and_keep_the_overhang_apart() -> None:
    vad_end = (TURN.end + 0.1, TURN.end + 0.65)
    anchored = _result(commit_at=vad_end[1] + 0.04, probability=0.9, vad_ends=[vad_end])
    unanchored = _result(commit_at=TURN.end + MIN_DELAY + 0.04, probability=0.9, vad_ends=[])
    fig = figures([anchored, unanchored], cpu_seconds=1.0, window=(0.0, 20.0))
    assert fig.turns == 2 and fig.late == 0 and fig.missed == 0
    assert fig.unanchored == 1
    assert [round(x) for x in fig.overhang_ms] == [150]
    assert sorted(round(x) for x in fig.lateness_ms) == [40, 40]


def test_a_commit_a_vad_window_before_its_end_of_speech_reads_is_anchored_on_it() -> None:
    # The VAD's clock counts windows of resampled audio, so the commit it caused can read up to a window earlier.
    vad_end = (TURN.end + 0.1, TURN.end + 0.65)
    verdict = judge_turn(
        _result(commit_at=vad_end[1] - 0.02, probability=0.9, vad_ends=[vad_end]), TURN, NEXT_START
    )
    assert verdict.overhang is not None
    assert verdict.lateness is not None and abs(verdict.lateness + 0.02) < 1e-9
