"""Text-mode interview without LiveKit: ``python -m agent simulate --session ID --script FILE``.

Runs the real interview (phases, tools, timers) with the configured LLM against the API, persists every
event exactly like a live session (recorder, capture, completion) and prints the transcript. The YAML
script is a list of timed steps (``at`` = seconds since the interview started)::

    language: python            # optional; the session's language otherwise
    steps:
      - {at: 5, say: "Hi! Ready when you are."}
      - at: 60
        editor: |
          def two_sum(nums, target):
              return []
      - {at: 90, say: "Could you run the tests?"}

By default the clock jumps forward to each step's time (a 45-minute script runs in seconds, with the
timers and event times as if it had run in real time); ``--realtime`` waits for real. Every ``say`` goes through
the same turn decision as speech and typed chat (agent.turns), so the interviewer stays silent while the
candidate thinks aloud, and the silence timers (check-ins, no-show) run on the script's clock.

The session is completed only when the interview ended (``end_interview``, time up, no-show); a script that
stops earlier leaves it ``in_progress``, to be continued by another run. Exit codes: 0 done, 1 the LLM failed,
the completion failed or events are still in the local spool, 2 a bad script or configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from livekit.agents import AgentSession, APIError, ChatMessage, ConversationItemAddedEvent, llm
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.api_client import ApiClient
from agent.capture import attach_capture
from agent.completion import complete as complete_session
from agent.completion import end_reason, final_code
from agent.errors import AgentError
from agent.interview import attach_interview, build_interview
from agent.language import code_language
from agent.providers import ProviderConfigError, build_classifier
from agent.providers import build_llm as build_provider_llm
from agent.recorder import EventRecorder
from agent.settings import AgentSettings, get_settings
from agent.state import InterviewState
from agent.turns import text_turn
from agent.worker import resume_point

logger = logging.getLogger(__name__)

SETTLE_S = 0.05  # lets tasks woken by a clock jump (check-ins, time warnings) start their reply
CLOCK_STEP_S = 5.0  # the clock jumps in steps this long, so timers fire in order and at their simulated time


class ScriptError(AgentError):
    """The simulation script is missing, unreadable or malformed."""


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: float | None = Field(default=None, ge=0)
    say: str | None = None
    editor: str | None = None
    language: str | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        if (self.say is None) == (self.editor is None):
            raise ValueError("each step needs exactly one of 'say' or 'editor'")
        return self


class Script(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str | None = None
    steps: list[Step] = Field(min_length=1)


def load_script(path: str | Path) -> Script:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ScriptError(f"cannot read script {path}: {e}") from e
    if isinstance(raw, list):
        raw = {"steps": raw}
    try:
        return Script.model_validate(raw)
    except ValidationError as e:
        raise ScriptError(f"invalid script {path}: {e}") from e


class ScriptClock:
    """Monotonic clock that can jump forward; sleepers wake when a jump passes their deadline."""

    def __init__(self) -> None:
        self._skew = 0.0
        self._jumped = asyncio.Event()

    def now(self) -> float:
        return time.monotonic() + self._skew

    async def sleep(self, seconds: float) -> None:
        deadline = self.now() + max(0.0, seconds)
        while (left := deadline - self.now()) > 0:
            jumped = self._jumped
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(jumped.wait(), left)

    def advance(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self._skew += seconds
        self._jumped.set()
        self._jumped = asyncio.Event()


class ScriptChannel:
    """The script plays the candidate's client: an editor is connected, events are kept for inspection."""

    editor_connected = True

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.attributes: dict[str, str] = {}

    async def send_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        self.attributes.update(attributes)

    async def request_editor(self, timeout: float) -> dict[str, Any] | None:  # noqa: ASYNC109 -- ClientChannel's signature
        return None  # the bridge keeps the script's latest snapshot


@dataclass
class SimulationResult:
    session_id: str
    transcript: list[tuple[float, str, str]] = field(default_factory=list)  # (t, role, text)
    end_reason: str | None = None
    completed: bool = False
    ended: bool = False  # the interview itself ended (not just the script)
    completion_failed: bool = False
    resumed: bool = False
    events_delivered: bool = False
    client_events: list[dict[str, Any]] = field(default_factory=list)


def build_llm(settings: AgentSettings) -> llm.LLM[Any] | llm.RealtimeModel:
    """The configured model as the worker builds it (real OpenAI plugin, model and base_url); a realtime model
    runs in text mode."""
    return build_provider_llm(settings)


async def simulate(
    session_id: str,
    script: Script,
    *,
    settings: AgentSettings | None = None,
    llm_: llm.LLM[Any] | llm.RealtimeModel | None = None,
    classifier: llm.LLM[Any] | None = None,
    realtime: bool = False,
    complete: bool = True,
    out: Callable[[str], None] | None = print,
) -> SimulationResult:
    """Run one interview from ``script``; returns what was said and how it ended."""
    settings = settings or get_settings()
    if settings.api_token is None:
        raise AgentError("SHADOWS_AGENT_API_TOKEN is not set; the simulation persists through the API")
    result = SimulationResult(session_id=session_id)
    model = llm_ or build_llm(settings)
    owns_model = llm_ is None
    if classifier is None:
        try:
            classifier = build_classifier(settings)
        except ProviderConfigError:
            classifier = None
    owns_classifier = classifier is not None and llm_ is None
    clock = ScriptClock()
    channel = ScriptChannel()
    ended = asyncio.Event()

    async def on_end(reason: str) -> None:
        result.end_reason = reason
        ended.set()

    async with ApiClient(settings.api_url, settings.api_token.get_secret_value()) as api:
        context = await api.start_session(session_id)
        recorder = EventRecorder(
            api, session_id, spool_path=Path(settings.spool_dir) / f"{session_id}.jsonl",
            flush_interval=settings.event_flush_interval_s, fsync_interval=settings.event_fsync_interval_s,
        )  # fmt: skip
        # A spool left by a killed run is delivered and merged before the conversation is rebuilt.
        resume = await resume_point(api, context, recorder)
        result.resumed = resume is not None
        if script.language:
            context.session.language = code_language(script.language) or script.language
        agent, state = build_interview(
            context, api=api, recorder=recorder, clock=clock, resume=resume, channel=channel,
            settings=settings, on_end=on_end, classifier=classifier,
        )  # fmt: skip

        def show(ev: ConversationItemAddedEvent) -> None:
            item = ev.item
            if isinstance(item, ChatMessage) and item.role in ("user", "assistant") and item.text_content:
                t = round(state.elapsed_s(), 1)
                who = "candidate" if item.role == "user" else "interviewer"
                result.transcript.append((t, item.role, item.text_content))
                if out is not None:
                    out(f"[{t:7.1f}s] {who}: {item.text_content}")

        session: AgentSession[InterviewState] = AgentSession[InterviewState](llm=model, userdata=state)
        # Capture first: a line printed is a line already recorded (in the spool), which the kill tests rely on.
        capture = attach_capture(session, recorder, state.elapsed_s)
        session.on("conversation_item_added", show)
        try:
            await session.start(agent)
            tasks = attach_interview(session, state)
            try:
                await _settle(session)
                await _play(script, session, state, clock, ended, realtime=realtime)
            finally:
                await tasks.aclose()
        finally:
            await session.aclose()
            capture.detach()
            result.ended = state.ended
            final = final_code(state)  # before the recorder closes: a cut is recorded as a note
            result.events_delivered = await recorder.aclose()
            if owns_model:
                await model.aclose()
            if owns_classifier and classifier is not None:
                await classifier.aclose()
        result.client_events = channel.events
        if complete and state.ended:
            result.completed = await complete_session(api, session_id, final, end_reason(state))
            result.completion_failed = not result.completed
    return result


async def _play(
    script: Script,
    session: AgentSession[InterviewState],
    state: InterviewState,
    clock: ScriptClock,
    ended: asyncio.Event,
    *,
    realtime: bool,
) -> None:
    version = state.editor.snapshot.version if state.editor.snapshot else 0
    for step in script.steps:
        if ended.is_set() or state.ended:
            break  # the interview ended on its own (no-show, time up, the candidate left)
        if step.at is not None:
            ahead = step.at - state.elapsed_s()
            if realtime:
                await asyncio.sleep(max(0.0, ahead))
            else:
                while ahead > 0 and not (ended.is_set() or state.ended):
                    clock.advance(min(ahead, CLOCK_STEP_S))
                    ahead -= CLOCK_STEP_S
                    await _settle(session)
            await _settle(session)
            if ended.is_set() or state.ended:
                break
        if step.editor is not None:
            version += 1
            attrs = {"version": str(version), "language": step.language or state.language}
            state.editor.ingest(step.editor, attrs)
        elif step.say is not None:
            handle = await text_turn(session, step.say)
            if handle is not None:
                await handle
                if (error := handle.exception()) is not None:
                    raise error  # the LLM failed after the plugin's own retries
        await _settle(session)
    # Let the goodbye finish and the end callback run.
    if state.ended and not ended.is_set():
        try:
            await asyncio.wait_for(ended.wait(), 10)
        except TimeoutError:
            logger.warning("interview ended but the end callback did not run")


async def _settle(session: AgentSession[Any]) -> None:
    """Wait until the agent has nothing left to say (including replies started by timers)."""
    for _ in range(200):
        await asyncio.sleep(SETTLE_S)
        speech = session.current_speech
        if speech is None:
            await asyncio.sleep(SETTLE_S)
            if session.current_speech is None:
                return
            continue
        await speech.wait_for_playout()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m agent simulate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--session", required=True, help="session id (ses_...)")
    parser.add_argument(
        "--script", required=True, help="YAML script of timed utterances and editor snapshots"
    )
    parser.add_argument("--realtime", action="store_true", help="wait for real instead of jumping the clock")
    parser.add_argument("--no-complete", action="store_true", help="leave the session in progress at the end")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        script = load_script(args.script)
        result = asyncio.run(
            simulate(args.session, script, realtime=args.realtime, complete=not args.no_complete)
        )
    except AgentError as e:
        print(f"simulate: {e}", file=sys.stderr)
        return 2
    except APIError as e:  # the LLM provider failed after the plugin's own retries
        print(
            f"simulate: the LLM failed ({type(e).__name__}); the session was left in progress",
            file=sys.stderr,
        )
        return 1
    if result.completed:
        print(f"-- session {result.session_id} completed (end: {result.end_reason})")
    elif result.completion_failed:
        print(f"-- session {result.session_id} ended ({result.end_reason}) but could not be marked complete;"
              " its events and final code are in the log", file=sys.stderr)  # fmt: skip
        return 1
    else:
        why = "the script ended before the interview did" if not result.ended else "--no-complete"
        print(f"-- session {result.session_id} left in progress ({why})")
    if not result.events_delivered:
        print("-- some events are still in the local spool; they will be replayed", file=sys.stderr)
        return 1
    return 0
