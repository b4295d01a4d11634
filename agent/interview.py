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

from agent import hints
from agent.channel import ClientChannel, NullChannel
from agent.clock import Clock, SystemClock
from agent.context import SessionContext
from agent.editor import EditorBridge, SnapshotRecorder
from agent.ending import claim, finish_resumed
from agent.language import code_language, interview_language, load_identifier
from agent.phase_agent import PhaseAgent
from agent.phases import make_phase_agent
from agent.settings import AgentSettings, get_settings
from agent.silence import SilenceMonitor
from agent.state import (
    EndCallback,
    EventSink,
    InterviewState,
    NullSink,
    Phase,
    RunClient,
    SeenRun,
    SilenceResume,
)
from agent.timekeeper import TimeKeeper
from agent.turn_classifier import TurnClassifier
from agent.turn_decision import TurnDecision

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
        state.complexity_claims.update(getattr(resume, "complexity_claims", {}))
        # The last run an earlier job saw of the code the editor starts with: its results are still the
        # interviewer's to state (``InterviewState.last_run``, which drops it once the code changes).
        seen_run = getattr(resume, "seen_run", None)
        state.seen_run = seen_run if isinstance(seen_run, SeenRun) else None
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
        state.candidate_spoke = bool(getattr(resume, "candidate_heard", False)) or any(
            isinstance(i, llm.ChatMessage) and i.role == "user" for i in resume.chat_ctx.items
        )
        state.background_items = set(getattr(resume, "background_items", ()))
        state.asked = getattr(resume, "asked", state.asked)
        _restore_turns(state, resume)
        agent = make_phase_agent(phase, state, chat_ctx=resume.chat_ctx, resumed=True)
    else:
        agent = make_phase_agent(Phase.GREETING, state)
    return agent, state


def _restore_turns(state: InterviewState, resume: ResumePoint) -> None:
    """What the previous job counted and noted, so that nothing given once per interview is given again, the end
    question and its answer hold, and the check-ins go on where they stood (agent.resume ``ResumePoint``)."""
    # Once-per-interview notes (a few, for dropped typed messages): a restarted job goes on counting.
    if getattr(resume, "speech_truncated", False):
        state.speech_truncated = max(state.speech_truncated, 1)
    state.chat_truncated_noted = bool(getattr(resume, "chat_truncated", False))
    state.sender_refusals_noted = dict(getattr(resume, "sender_refusals", {}))
    budget = state.chat_budget
    budget.drop_notes = max(budget.drop_notes, int(getattr(resume, "chat_drop_notes", 0)))
    budget.dropped = max(budget.dropped, int(getattr(resume, "chat_dropped", 0)))
    budget.dropping = bool(getattr(resume, "chat_dropping", False))
    # Turns: the candidate's next turn answers an end question put before the restart (agent.tools end_interview),
    # and one said before it already did; one phase change per turn, one hint per turn.
    turns = max(0, int(getattr(resume, "user_turns", 0)))
    state.user_turns = turns
    for item_id, reply, reason, kind in getattr(resume, "turn_decisions", ()):
        state.decisions[item_id] = TurnDecision(reply, reason, kind)
    state.phase_entered_turn = min(turns, max(0, int(getattr(resume, "phase_entered_turn", turns))))
    confirm = getattr(resume, "end_confirm_turn", None)
    state.end_confirm_turn = confirm if isinstance(confirm, int) and 0 <= confirm <= turns else None
    hint_turn = getattr(resume, "last_hint_turn", None)
    state.last_hint_turn = hint_turn if isinstance(hint_turn, int) and 0 <= hint_turn <= turns else None
    # A hint taken back is not forgotten by a restarted job: what its attempts played adds up (agent.hints ``heard``).
    hint_texts = state.question.hints
    for index, (said, heard) in dict(getattr(resume, "hint_heard", {})).items():
        if isinstance(index, int) and 1 <= index <= len(hint_texts):
            words = hints.restored(hint_texts[index - 1], list(said), list(heard))
            if words is not None and words[0]:
                state.hint_heard[index] = words
    # A hint being said when the job died (no outcome recorded) is counted as heard and recorded now; the page is told
    # of it once the session runs (attach_interview), and of any an earlier restarted job counted so and did not tell.
    owed = [i for i in getattr(resume, "untold_hints", ()) if isinstance(i, int)]
    for index, phase, t in getattr(resume, "unsettled_hints", ()):
        if hints.presume(state, index, phase, t):
            owed.append(index)
    hints.owe(state, owed)
    if turns > 0:
        state.candidate_spoke = True  # a decided turn is theirs (the restored tail may have lost its message)
    # Silence: the check-in ladder and the no-show stage continue; the check-ins' words are never said again.
    state.checkins_said = [str(s) for s in getattr(resume, "checkins_said", ())]
    state.resumed_silence = SilenceResume(
        candidate_active_t=getattr(resume, "candidate_active_t", None),
        interviewer_t=getattr(resume, "interviewer_t", None),
        stage=int(getattr(resume, "quiet_stage", 0)),
        no_show_stage=int(getattr(resume, "no_show_stage", 0)),
        step_t=getattr(resume, "quiet_step_t", None),
        spells=tuple(getattr(resume, "away_spells", ())),
    )
    state.resumed_time_up_owed = bool(getattr(resume, "time_up_owed", False))
    # An interview that had ended (END recorded, or the End button pressed) stays ended: nothing is answered, and
    # attach_interview completes the ending the previous job began.
    reason = getattr(resume, "end_reason", None)
    left = state.remaining_s()
    if reason == "completed" and left is not None and left <= 0:
        reason = "time_up"
    if isinstance(reason, str) and claim(state, reason):
        state.resumed_ending = True


def _continue_silence(monitor: SilenceMonitor, state: InterviewState, at: SilenceResume) -> None:
    """Put the silence ladder where the previous job left it: interview-clock times mapped onto this job's clock
    (never later than now), the check-in stage, when its step was taken (the next keeps its distance from it), the
    spells out of the room since the candidate was last active (not counted as their quiet) and the no-show stage.
    The no-show wait itself starts again: a candidate is never ended sooner because our job restarted."""
    now = state.clock.now()

    def clock_at(t: float) -> float:
        return min(now, state.t0 + (t - state.elapsed_at_t0))

    monitor.resume(
        candidate_at=None if at.candidate_active_t is None else clock_at(at.candidate_active_t),
        interviewer_at=None if at.interviewer_t is None else clock_at(at.interviewer_t),
        stage=at.stage,
        no_show_stage=at.no_show_stage,
        step_at=None if at.step_t is None else clock_at(at.step_t),
        spells=tuple((clock_at(left), clock_at(back)) for left, back in at.spells),
    )


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
    if state.resumed_silence is not None:
        _continue_silence(silence, state, state.resumed_silence)
    # Called once the candidate is in the room (agent.worker): the hints owed reach the page.
    hints.tell_owed(state)
    if state.resumed_ending:
        state.resumed_ending = False
        state.spawn(finish_resumed(session, state), "interview.finish_resumed")
    state.spawn(silence.run(), "interview.silence")
    state.spawn(timekeeper.run(), "interview.timekeeper")
    state.spawn(_load_language_identifier(), "interview.language")
    return InterviewTasks(state=state, silence=silence, timekeeper=timekeeper)
