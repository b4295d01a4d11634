"""Fake VAD, STT, TTS and audio I/O driven by one scripted timeline of candidate speech.

Timeline seconds run `speed` times faster than real time, so a 60 s silence takes 60/speed real seconds.
Everything subclasses the real livekit-agents interfaces (`vad.VAD`, `stt.STT`, `tts.TTS`, `AudioInput`,
`AudioOutput`), so the real `AgentSession` voice pipeline (VAD -> endpointing -> LLM -> TTS -> playout,
interruptions) runs unchanged on top of them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from livekit import rtc
from livekit.agents import stt, tts, utils, vad
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions
from livekit.agents.voice.io import AudioInput, AudioOutput, AudioOutputCapabilities

SAMPLE_RATE = 16_000
FRAME_S = 0.02


@dataclass(frozen=True)
class Utterance:
    """The candidate speaks from `start` to `end` (timeline seconds); STT hears `text`."""

    start: float
    end: float
    text: str


@dataclass
class Timeline:
    """The scripted candidate audio. Time 0 is when the first audio frame reaches the agent."""

    utterances: list[Utterance]
    speed: float = 20.0
    stt_delay: float = 0.2  # timeline seconds after the end of speech until the final transcript
    origin: float | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)
    # Utterance i starts only once gate(i) holds; time stands still until then (see hold).
    gate: Callable[[int], bool] | None = None
    gate_limit_s: float = 20.0
    frozen: float | None = None  # the timeline time while it stands still (hold)
    paced: bool = False  # a FakeVAD reads this timeline: FakeSTT transcribes only what it has heard start
    heard: int = -1  # the last utterance whose start of speech the VAD has reported
    heard_moved: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.utterances = sorted(self.utterances, key=lambda u: u.start)
        for a, b in zip(self.utterances, self.utterances[1:], strict=False):
            if a.end > b.start:
                raise ValueError("utterances overlap")

    def begin(self) -> None:
        if self.origin is None:
            self.origin = time.perf_counter()
            self.started.set()

    def now(self) -> float:
        """Timeline seconds since audio started (0 before)."""
        if self.frozen is not None:
            return self.frozen
        return 0.0 if self.origin is None else (time.perf_counter() - self.origin) * self.speed

    async def until(self, t: float) -> None:
        await self.started.wait()
        left = t - self.now()
        while left > 0:
            await asyncio.sleep(left / self.speed)
            left = t - self.now()  # time may have stood still meanwhile (hold)

    async def hold(self, index: int) -> None:
        """Before utterance `index` starts: while `gate(index)` does not hold, the timeline stands still. Timeline
        seconds are `speed` times shorter than real ones, so on a loaded box the agent's own work (milliseconds of
        CPU, unscaled) could take what reads as seconds, and the scripted candidate would speak again over a reply
        still being asked for: a barge-in no real candidate made. Gives up after `gate_limit_s` real seconds; the
        test's assertions then say what never came.

        Time stands still from the first check on, for every reader (`now`): moving the origin after each of the
        hold's own sleeps let a task woken in the same stall of the event loop, before the hold's, read the time
        run on (FakeSTT sent a transcript due seconds later, TimelineClock timers fired)."""
        if self.gate is None or self.gate(index):
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.gate_limit_s
        self.frozen = self.now() if self.origin is not None else None
        try:
            while not self.gate(index) and loop.time() < deadline:  # noqa: ASYNC110 - the gate is a predicate
                await asyncio.sleep(0.01)
        finally:
            if self.frozen is not None:
                self.origin = time.perf_counter() - self.frozen / self.speed
            self.frozen = None

    def hear(self, index: int) -> None:
        """The VAD has reported the start of utterance `index` (see `transcribed`)."""
        self.heard = max(self.heard, index)
        self.heard_moved.set()

    async def transcribed(self, index: int) -> None:
        """Returns once utterance `index` may be transcribed: at once without a FakeVAD, else once the VAD has
        reported its start. A transcript never comes before the speech it transcribes began, however late the
        VAD is let through (hold) or woken: the STT, on its own time, sent the next phrase's transcript while
        the turn before it was still being decided, and livekit joined the two into one turn."""
        while self.paced and self.heard < index:
            self.heard_moved.clear()
            await self.heard_moved.wait()

    def real(self, seconds: float) -> float:
        return seconds / self.speed


class TimelineClock:
    """`agent.clock.Clock` running on the timeline, so interview timers see the same scripted time."""

    def __init__(self, timeline: Timeline, offset: float = 0.0) -> None:
        self._tl = timeline
        self._offset = offset

    def now(self) -> float:
        return self._offset + self._tl.now()

    async def sleep(self, seconds: float) -> None:
        """Timeline seconds: a sleeper wakes late by however long the timeline stood still (Timeline.hold), so the
        interview's timers and the scripted candidate keep the same time."""
        target = self._tl.now() + max(0.0, seconds)
        await asyncio.sleep(max(0.0, seconds) / self._tl.speed)
        if self._tl.origin is not None:
            await self._tl.until(target)


class FakeVAD(vad.VAD):
    def __init__(self, timeline: Timeline, *, min_speech: float = 0.05, min_silence: float = 0.4) -> None:
        super().__init__(capabilities=vad.VADCapabilities(update_interval=0.05))
        self.timeline = timeline
        timeline.paced = True
        self.min_speech = min_speech
        self.min_silence = min_silence

    def stream(self) -> vad.VADStream:
        return FakeVADStream(self)


class FakeVADStream(vad.VADStream):
    def __init__(self, vad_: FakeVAD) -> None:
        super().__init__(vad_)
        self._fake = vad_

    def _event(self, type_: vad.VADEventType, u: Utterance, t: float) -> vad.VADEvent:
        """Durations in real seconds: the framework back-dates speech start/end with them."""
        speaking = type_ != vad.VADEventType.END_OF_SPEECH
        real = self._fake.timeline.real
        return vad.VADEvent(
            type=type_,
            samples_index=int(real(t) * SAMPLE_RATE),
            timestamp=real(t),
            speech_duration=real(max(0.0, min(t, u.end) - u.start)),
            silence_duration=real(max(0.0, t - u.end)),
            probability=1.0 if speaking else 0.0,
            speaking=speaking,
        )

    async def _main_task(self) -> None:
        tl = self._fake.timeline
        await self._input_ch.recv()
        tl.begin()
        drain = asyncio.create_task(self._drain())
        try:
            for i, u in enumerate(tl.utterances):
                await tl.hold(i)
                await tl.until(u.start + self._fake.min_speech)
                self._event_ch.send_nowait(self._event(vad.VADEventType.START_OF_SPEECH, u, tl.now()))
                tl.hear(i)
                while tl.now() < u.end:
                    await asyncio.sleep(0.02)
                    self._event_ch.send_nowait(self._event(vad.VADEventType.INFERENCE_DONE, u, tl.now()))
                await tl.until(u.end + self._fake.min_silence)
                self._event_ch.send_nowait(self._event(vad.VADEventType.END_OF_SPEECH, u, tl.now()))
            await drain
        finally:
            drain.cancel()

    async def _drain(self) -> None:
        async for _ in self._input_ch:
            pass


class FakeSTT(stt.STT):
    """Streams one final transcript per utterance, `stt_delay` after it ends."""

    def __init__(self, timeline: Timeline) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=True, interim_results=False))
        self.timeline = timeline
        self.done = asyncio.Event()

    @property
    def model(self) -> str:
        return "fake-stt"

    @property
    def provider(self) -> str:
        return "fake"

    async def _recognize_impl(
        self, buffer: utils.AudioBuffer, *, language: object = None, conn_options: APIConnectOptions
    ) -> stt.SpeechEvent:
        return stt.SpeechEvent(type=stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives=[])

    def stream(
        self, *, language: object = None, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> stt.RecognizeStream:
        return FakeSTTStream(self, conn_options)


class FakeSTTStream(stt.RecognizeStream):
    def __init__(self, stt_: FakeSTT, conn_options: APIConnectOptions) -> None:
        super().__init__(stt=stt_, conn_options=conn_options)
        self._fake = stt_

    async def _run(self) -> None:
        tl = self._fake.timeline
        await self._input_ch.recv()
        tl.begin()
        drain = asyncio.create_task(self._drain())
        try:
            for i, u in enumerate(tl.utterances):
                await tl.transcribed(i)
                await tl.until(u.end + tl.stt_delay)
                data = stt.SpeechData(language="en", text=u.text, start_time=u.start, end_time=u.end,
                                      confidence=1.0)  # fmt: skip
                self._event_ch.send_nowait(
                    stt.SpeechEvent(type=stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives=[data])
                )
            self._fake.done.set()
            await drain
        finally:
            drain.cancel()

    async def _drain(self) -> None:
        async for _ in self._input_ch:
            pass


@dataclass
class TtsRequest:
    text: str
    t: float  # timeline seconds when synthesis was requested


class FakeTTS(tts.TTS):
    """Silent audio lasting `seconds_per_word` timeline seconds per word; records every request."""

    def __init__(self, timeline: Timeline, *, seconds_per_word: float = 0.3, ttfb: float = 0.1) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False), sample_rate=24_000, num_channels=1
        )
        self.timeline = timeline
        self.seconds_per_word = seconds_per_word
        self.ttfb = ttfb
        self.requests: list[TtsRequest] = []

    @property
    def model(self) -> str:
        return "fake-tts"

    @property
    def provider(self) -> str:
        return "fake"

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        self.requests.append(TtsRequest(text=text, t=self.timeline.now()))
        return FakeChunkedStream(tts=self, input_text=text, conn_options=conn_options)


class FakeChunkedStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        fake = self._tts
        assert isinstance(fake, FakeTTS)
        await asyncio.sleep(fake.timeline.real(fake.ttfb))
        output_emitter.initialize(request_id=utils.shortuuid("fake_tts_"), sample_rate=fake.sample_rate,
                                  num_channels=1, mime_type="audio/pcm")  # fmt: skip
        words = max(1, len(self.input_text.split()))
        samples = int(fake.sample_rate * fake.timeline.real(words * fake.seconds_per_word))
        chunk = fake.sample_rate // 100
        for i in range(0, samples, chunk):
            output_emitter.push(b"\x00\x00" * min(chunk, samples - i))
        output_emitter.flush()


class FakeAudioInput(AudioInput):
    """The candidate's microphone: a steady stream of silent 20 ms frames (the fakes read the timeline)."""

    def __init__(self) -> None:
        super().__init__(label="fake-mic")
        self._closed = False

    async def __anext__(self) -> rtc.AudioFrame:
        if self._closed:
            raise StopAsyncIteration
        await asyncio.sleep(FRAME_S)
        n = int(SAMPLE_RATE * FRAME_S)
        return rtc.AudioFrame(
            data=b"\x00\x00" * n, sample_rate=SAMPLE_RATE, num_channels=1, samples_per_channel=n
        )

    def close(self) -> None:
        self._closed = True


@dataclass
class Playout:
    started: float  # timeline seconds
    duration: float  # real seconds of audio captured
    finished: float | None = None
    interrupted: bool | None = None
    position: float | None = None


class FakeAudioOutput(AudioOutput):
    """The candidate's speaker: plays captured audio in real time and records each segment's fate."""

    def __init__(self, timeline: Timeline) -> None:
        super().__init__(label="fake-speaker", capabilities=AudioOutputCapabilities(pause=False))
        self.timeline = timeline
        self.playouts: list[Playout] = []
        self._current: Playout | None = None
        self._start_real = 0.0
        self._timer: asyncio.TimerHandle | None = None

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if self._current is None:
            self._current = Playout(started=self.timeline.now(), duration=0.0)
            self.playouts.append(self._current)
            self._start_real = time.perf_counter()
            self.on_playback_started(created_at=time.time())
        self._current.duration += frame.duration

    def flush(self) -> None:
        super().flush()
        if self._current is None:
            return
        left = self._current.duration - (time.perf_counter() - self._start_real)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(max(0.0, left), self._finish, False)

    def clear_buffer(self) -> None:
        if self._current is None:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._finish(True)

    def _finish(self, interrupted: bool) -> None:
        p = self._current
        if p is None:
            return
        self._current = None
        p.finished = self.timeline.now()
        p.interrupted = interrupted
        p.position = min(p.duration, time.perf_counter() - self._start_real)
        self.on_playback_finished(playback_position=p.position, interrupted=interrupted)
