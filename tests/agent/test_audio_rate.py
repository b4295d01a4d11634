"""The candidate's audio reaches the session at the rate its consumers read, so nothing resamples it per frame.

RoomIO hands the session frames at `AudioInputOptions.sample_rate`; the Silero VAD, the local turn detector and
Deepgram's STT each run their own resampler on every frame whose rate differs from theirs (16 kHz). The voice
benchmark feeds the same rate (bench/_voice_speech.py), so it measures what production runs.
"""

from __future__ import annotations

from livekit.plugins import silero

from agent.providers import CANDIDATE_AUDIO_RATE, build_stt, turn_handling
from agent.room import room_options
from bench._voice_session import ROOM_AGC, ROOM_FRAME_MS
from bench._voice_speech import SAMPLE_RATE as BENCH_RATE
from tests.fakes.interview import test_settings


def test_room_audio_is_delivered_at_the_rate_the_vad_turn_detector_and_stt_read():
    settings = test_settings(stt_provider="deepgram", deepgram_api_key="test-deepgram-key")
    readers = {
        "silero vad": silero.VAD.load()._opts.sample_rate,  # type: ignore[attr-defined]  # its options
        "turn detector": turn_handling(settings)["turn_detection"]._opts.sample_rate,  # type: ignore[index,union-attr]
        "deepgram stt": build_stt(settings)._opts.sample_rate,  # type: ignore[attr-defined]  # its options
    }
    for who in ("5551234", None):  # a scheduled candidate and a practice session
        delivered = room_options(who).get_audio_input_options()
        assert delivered is not None and delivered.sample_rate == CANDIDATE_AUDIO_RATE
    assert readers == dict.fromkeys(readers, CANDIDATE_AUDIO_RATE)


def test_the_voice_benchmark_feeds_the_rate_frames_and_gain_control_production_delivers():
    assert BENCH_RATE == CANDIDATE_AUDIO_RATE
    delivered = room_options("5551234").get_audio_input_options()
    assert delivered is not None
    # RoomIO's frame size, and its automatic gain control (on: no noise cancellation is configured).
    assert (delivered.frame_size_ms, delivered.noise_cancellation is None) == (ROOM_FRAME_MS, ROOM_AGC)
    assert ROOM_AGC
