"""Assembling one interview from its session context: state, first phase agent and background timers.

Used by the worker and by `python -m agent simulate`:

    agent, state = build_interview(context, api=client, recorder=recorder, clock=clock, channel=channel)
    await session.start(agent)            # AgentSession[InterviewState](userdata=state, ...)
    tasks = attach_interview(session, state)
    ...
    await tasks.aclose()
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from livekit.agents import AgentSession, ConversationItemAddedEvent, FunctionToolsExecutedEvent, llm

from agent.channel import ClientChannel, NullChannel
from agent.clock import Clock, SystemClock
from agent.context import SessionContext
from agent.editor import EditorBridge, SnapshotRecorder
from agent.language import code_language, interview_language, load_identifier
from agent.phases import PhaseAgent, make_phase_agent
from agent.settings import AgentSettings, get_settings
from agent.silence import SilenceMonitor
from agent.state import EndCallback, EventSink, InterviewState, NullSink, Phase, RunClient
from agent.timekeeper import TimeKeeper
from agent.turns import TurnClassifier

logger = logging.getLogger("shadows.agent.interview")


class ResumePoint(Protocol):
    """Where a restarted job picks up (built by agent.resume from the stored events)."""

    chat_ctx: llm.ChatContext
    phase: str
    hints_given: int


def _seconds(a: datetime, b: datetime) -> float:
    return (a - b).total_seconds()


def build_interview(
    context: SessionContext,
    *,
    api: RunClient | None,
    recorder: EventSink | None,
    editor: EditorBridge | None = None,
    clock: Clock | None = None,
    resume: ResumePoint | None = None,
    channel: ClientChannel | None = None,
    settings: AgentSettings | None = None,
    on_end: EndCallback | None = None,
    recording: bool = True,
    now: datetime | None = None,
    classifier: llm.LLM[Any] | None = None,
) -> tuple[PhaseAgent, InterviewState]:
    """The first agent to start and the state (`AgentSession.userdata`) for one interview.

    `api=None` disables test runs (console without an API); `recorder=None` records nothing.
    With `resume`, the conversation continues in the stored phase without a second greeting.
    `classifier` is the small model of the coding-phase turn decision (agent.turns); without one, every
    turn that is not clearly addressed is answered.
    """
    settings = settings or get_settings()
    clock = clock or SystemClock()
    channel = channel or NullChannel()
    info = context.session
    language = code_language(info.language) or code_language(settings.practice_language) or "python"
    editor = editor or EditorBridge(
        channel,
        clock,
        language=language,
        stale_s=settings.snapshot_stale_s,
        rpc_timeout_s=settings.editor_rpc_timeout_s,
    )
    now = now or datetime.now(UTC)
    elapsed = max(0.0, _seconds(now, info.started_at)) if info.started_at else 0.0
    if info.ends_at is not None:
        remaining: float | None = _seconds(info.ends_at, now)
    else:
        remaining = info.duration_minutes * 60 - elapsed if info.duration_minutes else None

    state = InterviewState(
        session_id=info.id,
        question=context.question,
        language=language,
        candidate_name=context.candidate.name or "",
        duration_minutes=info.duration_minutes or settings.default_duration_minutes,
        settings=settings,
        clock=clock,
        editor=editor,
        channel=channel,
        recorder=recorder or NullSink(),
        api=api,
        recording=recording,
        job_description=context.job_description,
        resume_text=context.resume_text,
        t0=clock.now(),
        elapsed_at_t0=elapsed,
        remaining_at_t0=remaining,
        ends_at=(now + timedelta(seconds=remaining)).isoformat() if remaining is not None else None,
        on_end=on_end,
        practice=info.practice,
        interview_language=interview_language(info.interview_language),
        classifier=TurnClassifier(classifier, timeout_s=settings.turn_classifier_timeout_s)
        if classifier
        else None,
    )
    state.language_watch.language = state.interview_language
    starter = context.question.starter_code.get(language)
    if starter:
        editor.set_seen(starter)
    resumed_code = getattr(resume, "editor_code", None) if resume is not None else None
    if isinstance(resumed_code, str):
        # The last recorded code stands in until the client's next snapshot (already recorded: no listener yet).
        resumed_language = getattr(resume, "editor_language", None) or language
        editor.ingest(resumed_code, {"version": "0", "language": str(resumed_language)})
        editor.set_seen(resumed_code)
    held = editor.snapshot if isinstance(resumed_code, str) else None  # the log's last code, already recorded
    snapshots = SnapshotRecorder(
        lambda type_, payload, key: state.record(type_, payload, key=key),
        clock,
        last_sha=held.sha256 if held is not None else None,
    )
    editor.add_listener(snapshots)
    state.snapshots = snapshots

    if resume is not None:
        try:
            phase = Phase(resume.phase)
        except ValueError:
            phase = Phase.GREETING
        state.phase = phase
        state.resumed_from = phase
        state.hints_given = max(0, min(int(resume.hints_given), len(context.question.hints)))
        state.paste_noted = bool(getattr(resume, "paste_noted", False))
        # A warning the log holds was given: a job resumed within a minute of its mark must not give it again (the
        # API refuses the same key with another `t`, and the candidate would hear it twice).
        state.warned_minutes.update(getattr(resume, "warned_minutes", ()))
        # The candidate's choice of language outlives the job: the speech-to-text (the worker builds it from the
        # state), the instructions and the scripted lines follow it; the question, asked once per interview, is not
        # asked again, and its answer may still switch (agent.language_switch ``tools_for``).
        switched = getattr(resume, "switched_language", None)
        watch = state.language_watch
        if switched:
            state.interview_language = watch.language = interview_language(switched)
            watch.switched = True
        watch.asked = bool(getattr(resume, "language_asked", False)) or watch.switched
        watch.heard = list(getattr(resume, "languages_heard", ()))
        state.candidate_spoke = any(
            isinstance(i, llm.ChatMessage) and i.role == "user" for i in resume.chat_ctx.items
        )
        agent = make_phase_agent(phase, state, chat_ctx=resume.chat_ctx, resumed=True)
    else:
        agent = make_phase_agent(Phase.GREETING, state)
    return agent, state


@dataclass
class InterviewTasks:
    """The interview's background work on a running session; `aclose()` stops it."""

    state: InterviewState
    silence: SilenceMonitor
    timekeeper: TimeKeeper

    async def aclose(self) -> None:
        await self.state.aclose()
        await self.state.editor.aclose()
        if self.state.snapshots is not None:
            await self.state.snapshots.aclose()


def _commit_views(session: AgentSession[Any], state: InterviewState) -> None:
    """A code view counts as seen once a generation that was shown it commits (a reply that was not cut off,
    or executed tools); preemptive, discarded and interrupted generations leave the change marked unseen."""

    def commit() -> None:
        if state.pending_views:
            state.editor.mark_seen(state.pending_views[-1])
            state.pending_views.clear()

    def on_item(ev: ConversationItemAddedEvent) -> None:
        item = ev.item
        if isinstance(item, llm.ChatMessage) and item.role == "assistant" and not item.interrupted:
            commit()

    def on_tools(_ev: FunctionToolsExecutedEvent) -> None:
        commit()

    session.on("conversation_item_added", on_item)
    session.on("function_tools_executed", on_tools)


async def _load_language_identifier() -> None:
    try:
        await asyncio.to_thread(load_identifier)
    except Exception as e:  # language detection is a nicety: the interview runs without it
        logger.warning("language identifier unavailable: %s", type(e).__name__)


def attach_interview(session: AgentSession[Any], state: InterviewState) -> InterviewTasks:
    """Start the silence handling (no-show, coding check-ins) and the time warnings for a started session."""
    settings = state.settings
    silence = SilenceMonitor(session, state, state.clock)
    timekeeper = TimeKeeper(
        session, state, state.clock, warnings_min=settings.time_warnings_min, overtime_s=settings.overtime_s
    )
    _commit_views(session, state)
    state.spawn(silence.run(), "interview.silence")
    state.spawn(timekeeper.run(), "interview.timekeeper")
    state.spawn(_load_language_identifier(), "interview.language")
    return InterviewTasks(state=state, silence=silence, timekeeper=timekeeper)
