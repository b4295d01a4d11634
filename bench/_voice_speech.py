"""Synthetic candidate speech for the voice benchmark: espeak-ng utterances rendered once to PCM at the rate RoomIO
hands the agent (`agent.providers.CANDIDATE_AUDIO_RATE`, 16 kHz), laid out on one timeline per session with pauses
for the agent's replies.

No `main`: shared by `bench/agent_voice.py` and the session processes it starts.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import wave
from dataclasses import dataclass

import numpy as np

from agent.providers import CANDIDATE_AUDIO_RATE

SAMPLE_RATE = CANDIDATE_AUDIO_RATE  # what agent.room.room_options has RoomIO deliver
SILENCE_LEVEL = 300  # int16 amplitude under which espeak's output counts as silence (its tail padding)

# What a candidate says to the interviewer while explaining an approach: each needs a reply.
UTTERANCES = (
    "Could you tell me whether a hash map is fine here?",
    "I think the time complexity is linear. Is that right?",
    "Should I handle the empty array separately?",
    "I would store each value with its index, then look up the complement.",
    "Can I assume the input always has exactly one answer?",
    "So I walk the list once and stop at the first match. Does that sound good?",
    "What should I return when nothing adds up to the target?",
    "I am going to start with the brute force version and then improve it.",
)


class SpeechUnavailableError(RuntimeError):
    """espeak-ng is missing (`make setup` installs it) or failed."""


@dataclass(frozen=True)
class Utterance:
    text: str
    pcm: np.ndarray  # int16 mono at SAMPLE_RATE, trailing silence trimmed

    @property
    def seconds(self) -> float:
        return len(self.pcm) / SAMPLE_RATE


@dataclass(frozen=True)
class Turn:
    """One utterance on a session's timeline: speech from `start` to `end` (seconds from the first frame)."""

    index: int
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Script:
    pcm: np.ndarray  # the whole microphone signal of the session
    turns: tuple[Turn, ...]
    frame_samples: int  # per frame handed to the session

    @property
    def seconds(self) -> float:
        return len(self.pcm) / SAMPLE_RATE


def _resample(pcm: np.ndarray, rate: int) -> np.ndarray:
    """livekit's own resampler (the one RoomIO and the VAD use), high quality, to SAMPLE_RATE."""
    from livekit import rtc

    resampler = rtc.AudioResampler(
        input_rate=rate, output_rate=SAMPLE_RATE, quality=rtc.AudioResamplerQuality.HIGH
    )
    frames = resampler.push(rtc.AudioFrame(pcm.tobytes(), rate, 1, len(pcm)))
    frames += resampler.flush()
    return np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in frames])


def render(text: str, *, voice: str = "en-us", words_per_minute: int = 165) -> Utterance:
    """espeak-ng's rendering of `text` at SAMPLE_RATE, without the silence espeak pads it with."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise SpeechUnavailableError(
            "espeak-ng is not installed: run `make setup` (Debian package espeak-ng)"
        )
    done = subprocess.run(
        [binary, "-v", voice, "-s", str(words_per_minute), "--stdout", text],
        capture_output=True,
        check=False,
        timeout=30,
    )
    if done.returncode != 0 or not done.stdout:
        raise SpeechUnavailableError(f"espeak-ng failed ({done.returncode})")
    with wave.open(io.BytesIO(done.stdout)) as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise SpeechUnavailableError("espeak-ng did not produce 16-bit mono audio")
        rate = w.getframerate()
        raw = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    pcm = _resample(raw, rate)
    loud = np.nonzero(np.abs(pcm.astype(np.int32)) > SILENCE_LEVEL)[0]
    if len(loud) == 0:
        raise SpeechUnavailableError("espeak-ng produced silence")
    return Utterance(text=text, pcm=pcm[loud[0] : loud[-1] + 1].copy())


def render_all(texts: tuple[str, ...] = UTTERANCES) -> list[Utterance]:
    return [render(t) for t in texts]


def build_script(
    utterances: list[Utterance],
    *,
    seconds: float,
    rng: random.Random,
    lead_in: float,
    pause: tuple[float, float],
    frame_ms: int,
) -> Script:
    """A session's microphone: silence for `lead_in`, then utterances in random order, each followed by a pause
    drawn from `pause` (long enough for the slowest endpointing and the agent's reply), until `seconds`, handed
    over in frames of `frame_ms`."""
    turns: list[Turn] = []
    t = lead_in
    while True:
        u = rng.choice(utterances)
        if t + u.seconds > seconds:
            break
        turns.append(Turn(index=len(turns), text=u.text, start=t, end=t + u.seconds))
        t += u.seconds + rng.uniform(*pause)
    frame_samples = SAMPLE_RATE * frame_ms // 1000
    total = int(seconds * SAMPLE_RATE)
    total -= total % frame_samples
    pcm = np.zeros(total, dtype=np.int16)
    by_text = {u.text: u for u in utterances}
    for turn in turns:
        i = round(turn.start * SAMPLE_RATE)
        src = by_text[turn.text].pcm
        pcm[i : i + len(src)] = src[: max(0, min(len(src), total - i))]
    return Script(pcm=pcm, turns=tuple(turns), frame_samples=frame_samples)
