"""One voice interview under benchmark: real-time microphone frames from a script, the real Silero VAD and the
real local turn detector (probed, not replaced), a fake STT that transcribes only audio it has received, the
fake LLM and TTS, and a real-time speaker. `run_sessions` runs k of them in this process over one window.

No `main`: `bench/agent_voice.py` runs this in its session processes.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livekit import rtc
from livekit.agents import Agent, AgentSession, inference, llm, stt, vad
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions
from livekit.agents.utils import aio, is_given
from livekit.agents.voice.io import AudioInput
from livekit.plugins import silero

from agent.capture import attach_capture
from agent.clock import SystemClock
from agent.interview import attach_interview, build_interview
from agent.providers import turn_handling
from agent.recorder import EventRecorder
from agent.resume import ResumePoint
from agent.room import room_options
from agent.settings import AgentSettings
from bench._voice_speech import SAMPLE_RATE, Script
from bench.agent_harness import MemorySink
from tests.fakes.interview import make_context
from tests.fakes.llm import FakeLLM, say
from tests.fakes.voice import FakeAudioOutput, FakeTTS, Timeline

# What RoomIO does to the candidate's audio in production (agent.room.room_options): the frame size it hands the
# session, and whether it runs automatic gain control on every frame (livekit's rule: unless noise cancellation is
# configured directly).
ROOM_AUDIO = room_options(None).get_audio_input_options()
assert ROOM_AUDIO is not None
ROOM_FRAME_MS = ROOM_AUDIO.frame_size_ms
ROOM_AGC = (
    bool(ROOM_AUDIO.auto_gain_control)
    if is_given(ROOM_AUDIO.auto_gain_control)
    else ROOM_AUDIO.noise_cancellation is None or callable(ROOM_AUDIO.noise_cancellation)
)

STT_DELAY_S = 0.2  # a streaming STT's final transcript this long after the end of speech it has received
LLM_TTFT_S = 0.2  # the fake LLM's fixed time to first token
TTS_TTFB_S = 0.1  # the fake TTS's fixed time to first audio
REPLY = "Good question. Yes, that works."


@dataclass
class Probe:
    """Everything one session measures, in seconds from its origin (the first microphone frame)."""

    origin: float  # perf_counter() of the first frame
    vad_inference_s: list[tuple[float, float]] = field(default_factory=list)  # (at, inference incl. queueing)
    vad_lag_s: list[tuple[float, float]] = field(default_factory=list)  # (at, audio received - audio judged)
    vad_ends: list[tuple[float, float]] = field(default_factory=list)
    # ^ each END_OF_SPEECH on the audio's own timeline: (speech ended, the VAD declared it), as the audio time
    #   (seconds from the first frame) of those samples, so independent of how late the VAD processed them
    eot: list[tuple[float, float, float, float | None]] = field(default_factory=list)
    # ^ (requested at, answered at, probability, model time incl. thread queueing; None when superseded)
    mic_late_s: list[tuple[float, float]] = field(
        default_factory=list
    )  # (at, how late a frame was delivered)
    commits: list[tuple[float, str]] = field(default_factory=list)  # user turns: (at, transcript)
    replies: list[float] = field(default_factory=list)  # first agent audio of each reply

    def now(self) -> float:
        return time.perf_counter() - self.origin


class PacedMic(AudioInput):
    """The candidate's microphone: the script's frames at real time from the session's origin, through the audio
    processing RoomIO applies to each (`agc`: livekit's automatic gain control, on unless noise cancellation is
    configured). Frames the event loop could not take on time come late (in a burst), as a jitter buffer would
    hand them over."""

    def __init__(self, script: Script, probe: Probe, *, agc: bool) -> None:
        super().__init__(label="espeak-mic")
        self._pcm = script.pcm
        self._n = script.frame_samples
        self._probe = probe
        self._apm = rtc.AudioProcessingModule(auto_gain_control=True) if agc else None
        self._k = 0

    async def __anext__(self) -> rtc.AudioFrame:
        start = self._k * self._n
        if start + self._n > len(self._pcm):
            raise StopAsyncIteration
        due = self._k * self._n / SAMPLE_RATE
        late = self._probe.now() - due
        if late < 0:
            await asyncio.sleep(-late)
        elif late > 0.005:
            self._probe.mic_late_s.append((due, late))
        self._k += 1
        frame = rtc.AudioFrame(self._pcm[start : start + self._n].tobytes(), SAMPLE_RATE, 1, self._n)
        if self._apm is not None:
            self._apm.process_stream(frame)
        return frame


class ScriptedSTT(stt.STT):
    """A streaming STT that knows the script: the final transcript of a turn comes once the audio it has
    received reaches the end of that turn's speech plus STT_DELAY_S (never before it heard the audio)."""

    def __init__(self, script: Script) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=True, interim_results=False))
        self.script = script

    @property
    def model(self) -> str:
        return "scripted-stt"

    @property
    def provider(self) -> str:
        return "fake"

    async def _recognize_impl(self, buffer: Any, *, language: Any = None, conn_options: Any = None) -> Any:
        return stt.SpeechEvent(type=stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives=[])

    def stream(
        self, *, language: Any = None, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> stt.RecognizeStream:
        return _ScriptedSTTStream(self, conn_options)


class _ScriptedSTTStream(stt.RecognizeStream):
    def __init__(self, stt_: ScriptedSTT, conn_options: APIConnectOptions) -> None:
        super().__init__(stt=stt_, conn_options=conn_options)
        self._turns = list(stt_.script.turns)

    async def _run(self) -> None:
        heard = 0.0
        async for item in self._input_ch:
            if not isinstance(item, rtc.AudioFrame):
                continue
            heard += item.samples_per_channel / item.sample_rate
            while self._turns and heard >= self._turns[0].end + STT_DELAY_S:
                turn = self._turns.pop(0)
                data = stt.SpeechData(language="en", text=turn.text, start_time=turn.start, end_time=turn.end,
                                      confidence=1.0)  # fmt: skip
                self._event_ch.send_nowait(
                    stt.SpeechEvent(type=stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives=[data])
                )


class ProbedVAD(vad.VAD):
    """The real VAD, with each inference's duration and lag recorded on the way through."""

    def __init__(self, inner: vad.VAD, probe: Probe) -> None:
        super().__init__(capabilities=inner.capabilities)
        self.inner = inner
        self.probe = probe

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def provider(self) -> str:
        return self.inner.provider

    @property
    def min_silence_duration(self) -> float | None:
        return getattr(self.inner, "min_silence_duration", None)

    def stream(self) -> vad.VADStream:
        return _ProbedVADStream(self, self.inner.stream())


class _ProbedVADStream(vad.VADStream):
    def __init__(self, outer: ProbedVAD, inner: vad.VADStream) -> None:
        self._inner = inner
        self._probe = outer.probe
        self._fed = 0.0  # seconds of audio handed to the VAD since its last flush (which resets its clock)
        self._pump_zero = 0.0  # audio time of the last flush, on the input side
        self._flushed_at: deque[float] = deque()  # audio time of each flush not yet seen on the event side
        self._zero = 0.0  # audio time at which the VAD's clock, as its events report it, started
        self._last_timestamp = 0.0
        super().__init__(outer)

    async def _main_task(self) -> None:
        pump = asyncio.create_task(self._pump())
        try:
            async for ev in self._inner:
                if ev.timestamp < self._last_timestamp and self._flushed_at:  # the first event after a flush
                    self._zero = self._flushed_at.popleft()
                self._last_timestamp = ev.timestamp
                if ev.type == vad.VADEventType.END_OF_SPEECH:
                    declared = self._zero + ev.timestamp
                    self._probe.vad_ends.append((declared - ev.silence_duration, declared))
                if ev.type == vad.VADEventType.INFERENCE_DONE:
                    at = self._probe.now()
                    self._probe.vad_inference_s.append((at, ev.inference_duration))
                    self._probe.vad_lag_s.append((at, max(0.0, self._fed - ev.timestamp)))
                self._event_ch.send_nowait(ev)
        finally:
            await aio.cancel_and_wait(pump)
            await self._inner.aclose()

    async def _pump(self) -> None:
        async for item in self._input_ch:
            if isinstance(item, rtc.AudioFrame):
                self._fed += item.duration
                self._inner.push_frame(item)
            else:
                self._pump_zero += self._fed
                self._flushed_at.append(self._pump_zero)
                self._fed = 0.0
                self._inner.flush()
        self._inner.end_input()


class ProbedTurnDetector(inference.TurnDetector):
    """The local end-of-turn model (`v1-mini`, as in production), timing every prediction the pipeline asks for:
    from the request to the answer (event loop included) and the model call itself (thread-pool wait included)."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(version="v1-mini")
        self.probe = probe

    def stream(self, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS) -> Any:
        s = super().stream(conn_options=conn_options)
        original: Callable[[], asyncio.Future[Any]] = s.predict
        probe = self.probe

        def predict() -> asyncio.Future[Any]:
            asked = probe.now()
            fut = original()

            def done(f: asyncio.Future[Any]) -> None:
                if f.cancelled():
                    return
                ev = f.result()
                probe.eot.append((asked, probe.now(), ev.end_of_turn_probability, ev.inference_duration))

            fut.add_done_callback(done)
            return fut

        s.predict = predict  # type: ignore[method-assign]  # the stream object is the pipeline's own
        return s


@dataclass
class SessionResult:
    probe: Probe
    script: Script
    unlikely_threshold: float
    min_delay: float
    max_delay: float


async def _run_one(
    script: Script,
    origin: float,
    end: float,
    silero_vad: vad.VAD,
    *,
    interview: bool,
    spool: Path,
    name: str,
) -> SessionResult:
    settings = AgentSettings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    probe = Probe(origin=origin)
    timeline = Timeline([], speed=1.0)
    timeline.origin = origin
    timeline.started.set()
    handling = turn_handling(settings)  # production turn taking: endpointing, VAD interruptions
    detector = ProbedTurnDetector(probe)
    handling["turn_detection"] = detector
    speaker = FakeAudioOutput(timeline)
    fake_llm = FakeLLM([say(REPLY)], ttft_s=LLM_TTFT_S)
    recorder = None
    if interview:
        agent, userdata, recorder = _interview(spool, name, settings)
    else:
        agent, userdata = Agent(instructions="You are a technical interviewer."), None
    session: AgentSession[Any] = AgentSession(
        stt=ScriptedSTT(script),
        llm=fake_llm,
        tts=FakeTTS(timeline, seconds_per_word=0.3, ttfb=TTS_TTFB_S),
        vad=ProbedVAD(silero_vad, probe),
        userdata=userdata,
        turn_handling=handling,
    )
    session.input.audio = PacedMic(script, probe, agc=ROOM_AGC)
    session.output.audio = speaker
    closers: list[Callable[[], Any]] = []
    if recorder is not None:
        capture = attach_capture(session, recorder, userdata.elapsed_s)
        closers += [capture.detach, recorder.aclose]

    def added(ev: Any) -> None:
        item = ev.item
        if getattr(item, "type", None) == "message" and item.role == "user":
            probe.commits.append((probe.now(), item.text_content or ""))

    session.on("conversation_item_added", added)
    await session.start(agent)  # the microphone's first frame waits for `origin`
    if interview:
        closers.insert(0, attach_interview(session, userdata).aclose)
    await asyncio.sleep(max(0.0, end - time.perf_counter()))
    probe.replies = [p.started for p in speaker.playouts]
    threshold = await detector.unlikely_threshold(None) or 0.0  # None: English
    await session.aclose()
    for close in closers:
        if asyncio.iscoroutine(done := close()):
            await done
    return SessionResult(
        probe=probe,
        script=script,
        unlikely_threshold=threshold,
        min_delay=settings.min_endpointing_delay_s,
        max_delay=settings.max_endpointing_delay_s,
    )


def _interview(spool: Path, name: str, settings: Any) -> tuple[Any, Any, Any]:
    """The Shadows interview in the approach phase (every turn addressed to the interviewer gets a reply), as the
    worker assembles it minus the room: phase agent, turn context, event recorder and capture."""
    recorder = EventRecorder(MemorySink(), f"ses_{name}", spool_path=spool / f"{name}.jsonl")
    resume = ResumePoint(
        chat_ctx=llm.ChatContext(), phase="approach", hints_given=0, last_t=None, transcript_items=0
    )
    agent, state = build_interview(
        make_context("two-sum"), api=None, recorder=recorder, clock=SystemClock(), resume=resume,
        settings=settings,
    )  # fmt: skip
    return agent, state, recorder


def load_vad() -> vad.VAD:
    """Once per process, as the worker's prewarm does."""
    logging.getLogger("livekit.agents").setLevel(logging.ERROR)
    return silero.VAD.load()


async def run_sessions(
    scripts: list[Script],
    silero_vad: vad.VAD,
    origin: float,
    end: float,
    window: tuple[float, float],
    *,
    interview: bool,
) -> tuple[list[SessionResult], float]:
    """Run one session per script in this process, their audio starting at `origin` (perf_counter()); returns
    their results and this process's CPU seconds (all threads) over `window`."""

    async def cpu_over_window() -> float:
        await asyncio.sleep(max(0.0, window[0] - time.perf_counter()))
        c0 = time.process_time()
        await asyncio.sleep(max(0.0, window[1] - time.perf_counter()))
        return time.process_time() - c0

    with tempfile.TemporaryDirectory(prefix="agent-voice-") as tmp:
        cpu = asyncio.create_task(cpu_over_window())
        results = await asyncio.gather(
            *(
                _run_one(s, origin, end, silero_vad, interview=interview, spool=Path(tmp), name=f"v{i}")
                for i, s in enumerate(scripts)
            )
        )
        return list(results), await cpu
