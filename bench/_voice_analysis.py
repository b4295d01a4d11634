"""Turn-by-turn judgement of the voice benchmark: which turns were missed or late, and the latency figures of a run.

A turn is judged against the framework's own rule for when it should commit, applied to the audio as its VAD
heard it: the end of speech plus the endpointing delay the turn detector chose for it (the minimum when the
end-of-turn probability clears the model's threshold for English, the maximum otherwise), and never before the VAD
declared the end of speech. The VAD declares it only after `min_silence_duration` of silence (Silero's 0.55 s,
longer than the 0.5 s minimum delay), and where it hears speech end is its own judgement of the audio; both are
read from the VAD's END_OF_SPEECH event on the audio's timeline, so neither depends on load. What load adds (the
VAD running behind the audio, the end-of-turn model, the event loop) is what a turn's lateness measures. The part
the VAD's configuration adds to the plain rule (the end of the rendered speech plus the delay) is reported apart,
as `overhang_ms`: it is there at any N. A turn is
- **missed** when its transcript never becomes a user turn of its own, or no reply audio starts before the next
  utterance;
- **late** when it commits more than `LATE_S` after that rule's time, or the pipeline had to commit it without
  an end-of-turn prediction (the model did not answer within the framework's 1 s prediction timeout).

No `main`: used by `bench/agent_voice.py`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench._voice_session import SessionResult
from bench._voice_speech import SAMPLE_RATE, Turn

TIMEOUT_S = 0.95  # a prediction unanswered this long was abandoned at the framework's 1 s timeout
LATE_S = 0.2  # a committed turn this much later than the endpointing rule allows is late (an audible gap)
VAD_MATCH_S = 1.0  # an END_OF_SPEECH whose speech end is this far from the turn's is another turn's
# The VAD's clock counts 32 ms windows of audio: it may read up to about a window past the frame that completed the
# window, so a commit can precede its END_OF_SPEECH by a window and a frame.
VAD_WINDOW_S = 0.032


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass
class TurnVerdict:
    turn: Turn
    committed_at: float | None
    probability: float | None  # of the prediction the commit used; None when it had none
    lateness: float | None  # committed_at - the endpointing rule's time
    overhang: float | None  # the rule's time - (end of the rendered speech + the delay): the VAD's share
    reply_after: float | None  # first reply audio - committed_at
    missed: bool
    late: bool


@dataclass
class RunFigures:
    sessions: int
    turns: int = 0
    missed: int = 0
    late: int = 0
    no_prediction: int = 0
    eot_answer_ms: list[float] = field(
        default_factory=list
    )  # request -> answer, as the pipeline waits for it
    eot_model_ms: list[float] = field(default_factory=list)  # the model call incl. thread-pool wait
    vad_inference_ms: list[float] = field(default_factory=list)
    vad_lag_ms: list[float] = field(default_factory=list)
    lateness_ms: list[float] = field(default_factory=list)
    overhang_ms: list[float] = field(default_factory=list)
    unanchored: int = 0  # turns with no END_OF_SPEECH of their own: judged on the plain rule
    reply_ms: list[float] = field(default_factory=list)
    late_frames: int = 0
    cpu_core_share_per_session: float = 0.0

    def passes(self, eot_p95_ms: float) -> bool:
        return (
            self.turns > 0
            and self.missed == 0
            and self.late == 0
            and percentile(self.eot_answer_ms, 95) <= eot_p95_ms
        )


def judge_turn(result: SessionResult, turn: Turn, next_start: float) -> TurnVerdict:
    probe = result.probe
    commit = next(
        ((at, text) for at, text in probe.commits if at >= turn.end - 0.05 and turn.text in text), None
    )
    if commit is None or commit[1].strip() != turn.text.strip():  # never committed, or merged with another
        return TurnVerdict(
            turn, commit[0] if commit else None, None, None, None, None, missed=True, late=False
        )
    at = commit[0]
    used = [e for e in probe.eot if turn.start <= e[0] <= at and e[3] is not None]
    probability = used[-1][2] if used else None
    if probability is None:
        delay = result.min_delay  # committed without a prediction: the pipeline falls back to the minimum
    else:
        delay = result.min_delay if probability >= result.unlikely_threshold else result.max_delay
    plain = turn.end + delay
    vad_end = vad_end_of(
        probe.vad_ends, turn, at, slack=VAD_WINDOW_S + result.script.frame_samples / SAMPLE_RATE
    )
    due = plain if vad_end is None else max(vad_end[0] + delay, vad_end[1])
    lateness = at - due
    reply = next((r for r in probe.replies if at <= r < next_start), None)
    return TurnVerdict(
        turn,
        at,
        probability,
        lateness,
        None if vad_end is None else due - plain,
        None if reply is None else reply - at,
        missed=reply is None,
        late=probability is None or lateness > LATE_S,
    )


def vad_end_of(
    vad_ends: Sequence[tuple[float, float]], turn: Turn, committed_at: float, *, slack: float
) -> tuple[float, float] | None:
    """The END_OF_SPEECH the turn committed on: the last one declared (in audio time) by the commit (plus the VAD
    clock's `slack`) whose speech end is this turn's; None when there is none (the turn is then judged against the
    plain rule)."""
    mine = [e for e in vad_ends if e[1] <= committed_at + slack and abs(e[0] - turn.end) <= VAD_MATCH_S]
    return mine[-1] if mine else None


def figures(results: list[SessionResult], cpu_seconds: float, window: tuple[float, float]) -> RunFigures:
    """Every turn that starts after the warm-up and has time to finish inside the window, across sessions."""
    start, end = window
    fig = RunFigures(sessions=len(results))
    for r in results:
        turns = r.script.turns
        horizon = end - (r.max_delay + 1.5)  # its reply must fit before the window closes
        for i, turn in enumerate(turns):
            if turn.start < start or turn.end > horizon:
                continue
            next_start = turns[i + 1].start if i + 1 < len(turns) else end
            v = judge_turn(r, turn, next_start)
            fig.turns += 1
            fig.missed += v.missed
            fig.late += v.late and not v.missed
            fig.no_prediction += v.committed_at is not None and v.probability is None
            if v.lateness is not None:
                fig.lateness_ms.append(v.lateness * 1000)
                if v.overhang is None:
                    fig.unanchored += 1
                else:
                    fig.overhang_ms.append(v.overhang * 1000)
            if v.reply_after is not None:
                fig.reply_ms.append(v.reply_after * 1000)
        p = r.probe
        for asked, done, _, model_s in p.eot:
            if not start <= asked <= end:
                continue
            if model_s is not None:
                fig.eot_answer_ms.append((done - asked) * 1000)
                fig.eot_model_ms.append(model_s * 1000)
            elif done - asked >= TIMEOUT_S:  # given up on by the pipeline: as slow as it waited
                fig.eot_answer_ms.append((done - asked) * 1000)
        fig.vad_inference_ms += [d * 1000 for at, d in p.vad_inference_s if start <= at <= end]
        fig.vad_lag_ms += [d * 1000 for at, d in p.vad_lag_s if start <= at <= end]
        fig.late_frames += sum(1 for at, _ in p.mic_late_s if start <= at <= end)
    fig.cpu_core_share_per_session = cpu_seconds / (end - start) / max(1, len(results))
    return fig
