"""Sessions under benchmark: fixed-latency fake TTS, an instant audio sink, bare and full-interview sessions.

No `main`: this module is shared by the `bench/agent_*.py` benchmarks and is not one itself.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livekit import rtc
from livekit.agents import Agent, AgentSession, APIConnectOptions, llm, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS
from livekit.agents.voice import io

from agent.capture import attach_capture
from agent.clock import SystemClock
from agent.context import EventIn, StoredEvent
from agent.interview import attach_interview, build_interview
from agent.recorder import EventRecorder
from agent.resume import ResumePoint
from agent.settings import AgentSettings
from agent.state import InterviewState
from agent.turns import text_turn

SAMPLE_RATE = 24_000


class FakeTTS(tts.TTS):
    """Non-streaming TTS: notes when each request arrives, answers after ``ttfb_s`` with ``audio_s`` of silence."""

    def __init__(self, *, ttfb_s: float = 0.1, audio_s: float = 0.2) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False), sample_rate=SAMPLE_RATE, num_channels=1
        )
        self.ttfb_s = ttfb_s
        self.audio_s = audio_s
        self.request_times: list[float] = []  # perf_counter() at each synthesize()
        self.request_cpu: list[float] = []  # process_time() at each synthesize()

    @property
    def model(self) -> str:
        return "fake-tts"

    @property
    def provider(self) -> str:
        return "fake"

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        self.request_times.append(time.perf_counter())
        self.request_cpu.append(time.process_time())
        return _FakeChunkedStream(tts=self, input_text=text, conn_options=conn_options)


class _FakeChunkedStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        fake = self._tts
        assert isinstance(fake, FakeTTS)
        await asyncio.sleep(fake.ttfb_s)
        output_emitter.initialize(
            request_id="fake", sample_rate=SAMPLE_RATE, num_channels=1, mime_type="audio/pcm"
        )
        output_emitter.push(b"\x00\x00" * int(SAMPLE_RATE * fake.audio_s))
        output_emitter.flush()


class FakeAudioOutput(io.AudioOutput):
    """A sink that 'plays' instantly: each flushed segment finishes as soon as it is complete."""

    def __init__(self) -> None:
        super().__init__(label="fake", capabilities=io.AudioOutputCapabilities(pause=False), sample_rate=None)
        self._pushed = 0.0
        self._started = False

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._started:
            self._started = True
            self.on_playback_started(created_at=time.time())
        self._pushed += frame.duration

    def flush(self) -> None:
        super().flush()
        if self._started:
            self.on_playback_finished(playback_position=self._pushed, interrupted=False)
        self._pushed, self._started = 0.0, False

    def clear_buffer(self) -> None:
        if self._started:
            self.on_playback_finished(playback_position=self._pushed, interrupted=True)
        self._pushed, self._started = 0.0, False


# --- sessions under test ------------------------------------------------------------------------------

LLM_TTFT_S = 0.2  # fixed latency of the fake LLM's first chunk
TTS_TTFB_S = 0.1  # fixed latency of the fake TTS's first audio
CLASSIFIER_S = 0.15  # fixed latency of the fake turn classifier (the small decision model)
REPLY = "Good question. Walk me through what happens when the same number appears twice, then keep going."
STARTER_LINES = ["def two_sum(nums, target):", "    seen = {}", "    for i, x in enumerate(nums):"]


class MemorySink:
    """An in-memory event log standing in for the API (the recorder's network is not on the turn path)."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    async def append_events(self, session_id: str, events: Sequence[EventIn]) -> list[StoredEvent]:
        out = []
        for e in events:
            self.events.append(e)
            out.append(StoredEvent(idempotency_key=e.idempotency_key, seq=len(self.events)))
        return out


# A candidate's turns come seconds apart (the interviewer speaks between them); the benchmarks send the next turn as
# soon as the reply is done. So before each turn, outside the timed window, the interview's clock moves on by a
# person's pace: otherwise the turn budget (agent.turn_budget: a burst of 8, then one turn every 4 s) leaves every
# turn after the burst unanswered (`rate_limited`), and `agent_latency` counted 57 of its 60 turns "missed" from
# 2026-12-03 (the budget) to 2026-12-05, its figures taken from 3 turns.
PACE_S = 8.0


class PacedClock(SystemClock):
    """The real monotonic clock, moved on by `advance` (the time a person takes between turns)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return super().now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class BenchSession:
    """One agent session plus what the benchmark needs to time its turns."""

    session: AgentSession[Any]
    tts: FakeTTS | None
    llm: Any
    editor_step: Callable[[int], None]
    closers: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    state: Any = None

    async def turn(self, i: int, text: str) -> float | None:
        """One addressed user turn; seconds from end of turn to the first TTS request (None: no reply)."""
        timed = await self.timed_turn(i, text)
        return None if timed is None else timed[0]

    async def timed_turn(self, i: int, text: str) -> tuple[float, float] | None:
        """Like ``turn``, with the process CPU seconds spent in that same window as the second value. The turn
        takes the production text path (agent.turns.text_turn: on_user_turn_completed, then the reply)."""
        self.editor_step(i)
        before = len(self.tts.request_times) if self.tts else 0
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        handle = await text_turn(self.session, text)
        if handle is None:
            return None
        await handle
        if self.tts is None:
            return time.perf_counter() - t0, time.process_time() - cpu0
        if len(self.tts.request_times) <= before:
            return None
        return self.tts.request_times[before] - t0, self.tts.request_cpu[before] - cpu0

    async def aclose(self) -> None:
        await self.session.aclose()
        for close in self.closers:
            await close()


def _fake_llm(ttft_s: float) -> Any:
    from tests.fakes.llm import FakeLLM, say

    return FakeLLM([say(REPLY)], ttft_s=ttft_s)


async def start_bare(*, voice: bool = True, ttft_s: float = LLM_TTFT_S) -> BenchSession:
    """Baseline: livekit's own pipeline with a plain Agent (no interview logic, no recording)."""
    fake_tts = FakeTTS(ttfb_s=TTS_TTFB_S) if voice else None
    model = _fake_llm(ttft_s)
    session: AgentSession[Any] = AgentSession(llm=model, tts=fake_tts, vad=None)
    if voice:
        session.output.audio = FakeAudioOutput()
    await session.start(Agent(instructions="You are a technical interviewer."))
    return BenchSession(session=session, tts=fake_tts, llm=model, editor_step=lambda i: None)


def fake_classifier(latency_s: float = CLASSIFIER_S) -> Any:
    """The small decision model with a fixed latency: silent for words starting with "so", addressed otherwise."""
    from tests.fakes.llm import FakeLLM, call

    def respond(ctx: llm.ChatContext, tools: list[str]) -> Any:
        latest = (ctx.items[-1].text_content or "").split("latest words:", 1)[-1]
        return call("stay_silent" if "\nso " in latest else "reply")

    return FakeLLM(responder=respond, ttft_s=latency_s)


async def start_interview(
    spool_dir: Path,
    *,
    voice: bool = True,
    ttft_s: float = LLM_TTFT_S,
    model: Any = None,
    name: str = "bench",
    classifier: Any = None,
) -> BenchSession:
    """The Shadows interview in the coding phase: phase agent, turn context with editor diffs, event
    recorder and capture, exactly as the worker assembles them (minus the room)."""
    from agent.language import load_identifier
    from tests.fakes.interview import make_context

    load_identifier()  # the worker's prewarm loads it before any job
    context = make_context("two-sum")
    sink = MemorySink()
    recorder = EventRecorder(sink, f"ses_{name}", spool_path=spool_dir / f"{name}.jsonl")
    settings = AgentSettings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    resume = ResumePoint(
        chat_ctx=llm.ChatContext(), phase="coding", hints_given=0, last_t=None, transcript_items=0
    )
    clock = PacedClock()
    agent, state = build_interview(
        context, api=None, recorder=recorder, clock=clock, resume=resume, settings=settings,
        classifier=classifier if classifier is not None else fake_classifier(),
    )  # fmt: skip
    state.candidate_spoke = True
    model = model if model is not None else _fake_llm(ttft_s)
    fake_tts = FakeTTS(ttfb_s=TTS_TTFB_S) if voice else None
    session: AgentSession[InterviewState] = AgentSession[InterviewState](
        llm=model, tts=fake_tts, vad=None, userdata=state
    )
    if voice:
        session.output.audio = FakeAudioOutput()
    capture = attach_capture(session, recorder, state.elapsed_s)
    await session.start(agent)
    tasks = attach_interview(session, state)
    await session.run(user_input="Quick question: can I start typing now?")  # absorbs the resumed reply
    bench_state = state

    def editor_step(i: int) -> None:
        """Before turn `i`: a person's pace since the last turn (`PACE_S`), and the editor's code one step on."""
        clock.advance(PACE_S)
        lines = [*STARTER_LINES, *(f"        # step {k}: check x={k}" for k in range(i + 1))]
        state.editor.ingest("\n".join(lines), {"version": str(i + 2), "language": "python"})

    async def close() -> None:
        await tasks.aclose()
        capture.detach()
        await recorder.aclose()

    bench = BenchSession(session=session, tts=fake_tts, llm=model, editor_step=editor_step, closers=[close])
    bench.state = bench_state
    return bench


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def rss_mb() -> float:
    """Resident set size of this process in MiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")
