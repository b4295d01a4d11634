"""One interview phase as a LiveKit agent: its entry, its turns, what each model turn sees, and the handoff.

Every candidate turn goes through ``on_user_turn_completed`` (agent.turns decides reply or silence). Every model
turn gets, besides the conversation, the interview status (a system note of ours) and, as fenced data in a
user message, the candidate's current code (approach to complexity) or background (greeting), and after the
greeting the name they asked to be called (agent.candidate_asked). Nothing of that is stored in the conversation;
a code view counts as seen only once its generation commits.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from livekit.agents import Agent, ModelSettings, RunContext, StopResponse, ToolError, llm
from livekit.agents.types import FlushSentinel
from livekit.agents.voice.turn import TurnHandlingOptions

from agent import candidate_asked, hints, language_switch
from agent.after_end import current_speech, ended_meanwhile, may_ask_model
from agent.ai_notice import notice_after
from agent.background import job_excerpt, resume_summary, without_background
from agent.candidate_asked import asked_lines, asked_name_block
from agent.checkins import dedupe_checkin
from agent.complexity_claims import known_line
from agent.disclosure import (
    candidate_texts,
    guard_disclosure,
    interviewer_texts,
    notes_why,
    protected_runs,
    withheld_line,
)
from agent.fence import fence
from agent.going_on import goes_on
from agent.history import bounded_history
from agent.instructions import CODE_PHASES, base_instructions, phase_instructions
from agent.language import code_language_for_model, language_name
from agent.outcome_answers import candidate_turn
from agent.outcome_claims import guard_outcome, outcome_guard, withheld_why
from agent.pending_notes import shown_notes
from agent.prompts import render
from agent.realtime import PreparedRealtimeSession, renew_changed_outputs
from agent.realtime_guard import CutReply, withdraw
from agent.speech_budget import (
    bounded_messages,
    is_spoken,
    note_spoken_turn,
    shown_messages,
    withhold_preemptive_over_budget,
)
from agent.state import InterviewState, Phase
from agent.tool_args import bounded_tool_calls
from agent.tools import SHARED_TOOLS, answers_nothing
from agent.turn_decision import TurnDecision
from agent.turns import (
    decide,
    forward_dropped_turns,
    keep_turn,
    own_reply,
    reply_after_handoff,
)

if TYPE_CHECKING:
    from livekit.agents.voice import SpeechHandle

logger = logging.getLogger("shadows.agent.phase_agent")


def _is_message(item: llm.ChatItem, role: str) -> bool:
    return isinstance(item, llm.ChatMessage) and item.role == role


def unanswered_user_message(ctx: llm.ChatContext) -> llm.ChatMessage | None:
    """The newest candidate message when nothing of the interviewer's came after it (the turn being answered)."""
    for item in reversed(ctx.items):
        if isinstance(item, llm.ChatMessage):
            if item.role == "user":
                return item
            if item.role == "assistant":
                return None
    return None


class PhaseAgent(Agent):
    """One interview phase. Subclasses set `phase`, `tool_names` and add their transition tools."""

    phase: ClassVar[Phase]
    tool_names: ClassVar[tuple[str, ...]] = ("end_interview",)

    def __init__(
        self,
        state: InterviewState,
        *,
        chat_ctx: llm.ChatContext | None = None,
        resumed: bool = False,
        entry_instructions: str | None = None,
        turn_handling: TurnHandlingOptions | None = None,
        previous: PhaseAgent | None = None,
        on_entry_reply: Callable[[SpeechHandle], None] | None = None,
    ) -> None:
        kwargs: dict[str, Any] = {}
        # Time to answer asked for in the greeting: longer end-of-turn delays from the phase after it on.
        if self.phase != Phase.GREETING:
            turn_handling = candidate_asked.turn_handling(state.asked, state.settings, turn_handling)
        if turn_handling is not None:
            kwargs["turn_handling"] = turn_handling
        super().__init__(
            instructions=f"{base_instructions(state)}\n\n{phase_instructions(state, self.phase)}",
            chat_ctx=chat_ctx,
            tools=[*(SHARED_TOOLS[name] for name in self.tool_names), *language_switch.tools_for(state)],
            **kwargs,
        )
        self._interview = state
        self._resumed = resumed
        self._entry_instructions = entry_instructions
        # Agent.__init__ drops tool calls of tools this phase lacks (run_tests results in complexity, say).
        self._handoff_ctx = chat_ctx.copy() if chat_ctx is not None else None
        # The phase handing over, whose conversation goes on after ``chat_ctx`` was copied.
        self._previous = previous
        # Told of the speech of the entry reply (the time-up line's: agent.timekeeper has it cut off if the candidate
        # leaves before it has played out, agent.own_lines).
        self._on_entry_reply = on_entry_reply

    async def on_enter(self) -> None:
        """Enter (and record) the phase first, then take over the conversation and speak first. Taking over the
        conversation is a server round trip in realtime mode (up to 5 s, and it may time out): a phase recorded
        after it was recorded late, and not at all when it failed, which also cost the entry reply."""
        state = self._interview
        forward_dropped_turns(self, state)
        withhold_preemptive_over_budget(self, state)
        self._prepare_realtime_replies()
        self._apply_interruption_threshold()
        if state.ended:
            # The interview ended while this phase was handed over (the End button during the wrap_up tool's
            # handoff): it stays in END, recorded once, and the ending's goodbye stays the last thing said.
            await self._take_handoff_ctx()
            return
        if self._resumed:
            await state.enter_phase(self.phase, record=False)
            state.record("note", {"kind": "resumed", "phase": self.phase.value})
            instructions = render("resumed", phase=self.phase.value.replace("_", " "))
            if state.end_confirm_turn is not None:
                # "Shall we stop here?" was open when the job stopped: the line after a restart asks it again, so
                # that the candidate's next words answer that question and not "can you hear me?".
                instructions += "\n\n" + render("resumed_end_question")
        else:
            await state.enter_phase(self.phase)
            # Always instructed: an uninstructed reply after a thinking-aloud turn would be silenced in coding.
            instructions = self._entry_instructions or render(
                "phase_start", phase=self.phase.value.replace("_", " ")
            )
        await self._take_handoff_ctx()
        handle = self.session.generate_reply(instructions=instructions)
        if self._on_entry_reply is not None and not self._resumed:
            self._on_entry_reply(handle)
        if self._resumed:
            own_reply(self.session, handle)  # "we were interrupted": it answers nothing of the candidate's
        if self.phase == Phase.GREETING or self._resumed:
            # agent.ai_notice: after the greeting, or after a restart that came before the line was said
            notice_after(handle, self.session, self, state)

    async def _take_handoff_ctx(self) -> None:
        """The previous phase's conversation, tool results included, into this one. Our copy is merged at once;
        a realtime session's update that times out was sent all the same (RealtimeError: its acknowledgement is
        late), and the next reply's preparation (sync_realtime_context) sends the conversation again."""
        if self._handoff_ctx is None:
            return
        handed, self._handoff_ctx = self._handoff_ctx, None
        if self._previous is not None:
            # The phase change is a tool call, copied as it runs: the reply said beside it is added to the previous
            # phase's conversation only once played (a reply the notes guard cut, with its scripted line, among
            # them), and was missing from this phase's.
            handed.merge(self._previous.chat_ctx)
            if self._previous.phase == Phase.GREETING:
                self._interview.background_items.update(
                    i.id for i in handed.items if isinstance(i, llm.ChatMessage)
                )
            self._previous = None
        merged = handed.merge(self.chat_ctx)
        try:
            await self.update_chat_ctx(merged, exclude_invalid_function_calls=False)
        except llm.RealtimeError as e:
            logger.warning("the realtime session has not acknowledged the handed-over conversation: %s", e)

    def _apply_interruption_threshold(self) -> None:
        """The speech needed to interrupt the agent is a session option in 1.8 (an Agent's is ignored)."""
        s = self._interview.settings
        value = s.coding_interruption_min_s if self.phase == Phase.CODING else s.interruption_min_s
        try:
            self.session.options.interruption["min_duration"] = value
        except (KeyError, TypeError, AttributeError):  # pragma: no cover -- a framework change
            logger.warning("cannot set the interruption threshold")

    # -- turns ----------------------------------------------------------------------------------------

    async def on_user_turn_completed(self, turn_ctx: llm.ChatContext, new_message: llm.ChatMessage) -> None:
        """Decide whether this turn gets a reply; a silent turn stays in the conversation (StopResponse)."""
        state = self._interview
        state.turn_finished(new_message)  # recorded now, before the decision (InterviewState.turn_finished)
        if is_spoken(new_message) and not note_spoken_turn(state, new_message):
            # Over the speech budget (agent.speech_budget): kept and recorded, no model turn, no classifier call.
            decision = TurnDecision(False, "rate_limited")
            state.turn_decided(new_message.id, decision)
            keep_turn(self, new_message)
            raise StopResponse()
        decision = await decide(
            new_message.text_content or "",
            self.chat_ctx,
            quiet_phase=state.phase == Phase.CODING,
            ended=lambda: state.ended,
            languages=state.languages,
            classifier=state.classifier,
            nonce=state.nonce,
        )
        state.turn_decided(new_message.id, decision)
        if not decision.reply:
            keep_turn(self, new_message)
            raise StopResponse()
        heard = state.language_watch.check(new_message.text_content or "", _stt_language(new_message))
        if heard is not None:
            state.record("note", {"kind": "language_mismatch", "heard": heard})
            state.pending_notes.append(render("language_ask", heard=language_name(heard),
                                              language=language_name(state.interview_language)))  # fmt: skip
            await language_switch.offer(self, state)

    # -- what each model turn sees --------------------------------------------------------------------

    def status_note(self) -> str:
        state = self._interview
        editor = render("editor_connected" if state.editor.connected else "editor_missing")
        note = render(
            "turn_context",
            phase=state.phase.value.replace("_", " "),
            time_left=state.time_left() or "unknown",
            hints_given=state.hints_given,
            hints_total=len(state.question.hints),
            editor_status=editor,
        )
        # What the candidate already claimed (a coding-phase claim among it): recorded big-O notation only, never
        # their sentence (agent.complexity_claims).
        if state.phase == Phase.COMPLEXITY and (claimed := known_line(state)) is not None:
            note = f"{note}\n{claimed}"
        if state.phase != Phase.GREETING:  # the greeting's talk is left out from here (agent.candidate_asked)
            note = "\n".join([note, *asked_lines(state.asked)])
        return note

    def data_message(self) -> llm.ChatMessage | None:
        """Untrusted content for this turn, fenced, as a user-role message (never a system message): the background
        in the greeting; from then on the name the candidate asked to be called (agent.candidate_asked) and, in the
        code phases, their code."""
        state = self._interview
        if state.phase == Phase.GREETING:
            resume = resume_summary(state.resume_text, state.candidate_name)
            jd = job_excerpt(state.job_description)
            if not (resume or jd):
                return None
            text = render("background_data", resume=fence("resume summary", resume or "(none)", state.nonce),
                          job_description=fence("job description", jd or "(none)", state.nonce))  # fmt: skip
            return llm.ChatMessage(role="user", content=[text])
        parts = [p for p in (asked_name_block(state.asked, state.nonce), self._code_data()) if p is not None]
        return llm.ChatMessage(role="user", content=["\n".join(parts)]) if parts else None

    def _code_data(self) -> str | None:
        state = self._interview
        if state.phase not in CODE_PHASES:
            return None
        view = state.editor.view(state.settings.code_view_max_chars)
        snap = state.editor.snapshot
        if view is None or snap is None:
            return None
        state.pending_views.append(view)
        return render(
            "code_view",
            language=code_language_for_model(snap.language, state.nonce),
            version=snap.version,
            seconds_since_edit=round(max(0.0, state.clock.now() - snap.changed_at)),
            view=fence("code", view.text, state.nonce),
        )

    def with_turn_context(self, chat_ctx: llm.ChatContext) -> llm.ChatContext:
        state = self._interview
        ctx = chat_ctx.copy()
        notes = [self.status_note(), *shown_notes(state)]
        extra: list[llm.ChatItem] = [llm.ChatMessage(role="system", content=["\n".join(notes)])]
        if (data := self.data_message()) is not None:
            extra.append(data)
        at = len(ctx.items)
        answering = unanswered_user_message(ctx)
        if answering is not None:
            at = ctx.items.index(answering)
        else:
            while at > 0 and _is_message(ctx.items[at - 1], "system"):
                at -= 1  # keep a trailing instruction (generate_reply) last
            at = max(at, 1)
        ctx.items[at:at] = extra
        return ctx

    def _prepare_realtime_replies(self) -> None:
        """In realtime mode, this phase prepares every reply its session is asked for, whoever asks: our
        replies, the framework's after a tool call, the goodbye (agent.realtime), and guards what the model says
        against reading out the private notes, as ``llm_node`` does (agent.realtime_guard). A session may pass
        from one phase to the next, so each phase installs itself on entering."""
        if not isinstance(self.session.llm, llm.RealtimeModel):
            return
        rt = self.realtime_llm_session
        if isinstance(rt, PreparedRealtimeSession):
            rt.before_reply = self.sync_realtime_context
            state = self._interview
            rt.may_reply = lambda: may_ask_model(state)  # after the end, only the goodbye (agent.after_end)
            rt.guards.source = lambda guarded: (  # agent.realtime_guard
                protected_runs(
                    state,
                    candidate_texts(self.chat_ctx, state),
                    interviewer_texts(self.chat_ctx, leave_out=guarded),
                ),
                notes_why(state),
            )
            rt.guards.outcome = lambda: (  # agent.outcome_claims
                outcome_guard(state, lambda: candidate_turn(self.chat_ctx)),
                withheld_why(state),
            )
            # The line's going on, at the reply's end and only when it moves no phase, as llm_node's (agent.going_on).
            rt.guards.going_on = lambda: goes_on(state)
            rt.guards.on_cut = self.after_realtime_cut
            rt.guards.on_text = lambda message_id, text: hints.count(state, self.chat_ctx, message_id, text)
        else:  # pragma: no cover -- a session built without agent.providers
            logger.error("the realtime model is not a PreparedRealtimeModel: its replies are not bounded")

    async def sync_realtime_context(self) -> None:
        """A realtime model never calls llm_node: before it replies, bound its conversation as llm_node does
        (agent.history; the items left out are deleted from the realtime session, whose instructions are its
        own and stay) and give it the status (this phase's) and the current code."""
        if not isinstance(self.session.llm, llm.RealtimeModel):
            return
        ctx = self.chat_ctx.copy()
        ctx.items[:] = [i for i in ctx.items if not i.id.startswith("shadows_turn_")]
        # A cut reply withdrawn here too, as the phase it was said in may not have done.
        withdraw(ctx, self._interview.withheld_replies)
        # The greeting's talk is deleted from the realtime session too, the note in its place (agent.background).
        if self._interview.phase != Phase.GREETING:
            ctx = without_background(ctx, self._interview.background_items)
        ctx = shown_messages(bounded_history(ctx, self._interview.settings.context_max_chars))
        kept = {i.id for i in ctx.items}
        ctx = self.with_turn_context(ctx)  # placed as llm_node places them: before the turn being answered
        n = 0
        for at, item in enumerate(ctx.items):
            if item.id not in kept and isinstance(item, llm.ChatMessage):
                role: Literal["user", "system"] = "user" if item.role == "user" else "system"
                ctx.items[at] = llm.ChatMessage(id=f"shadows_turn_{n}", role=role, content=item.content)
                n += 1
        renew_changed_outputs(ctx, self.realtime_llm_session.chat_ctx)  # a hint taken back, agent.hints
        await self.update_chat_ctx(ctx, exclude_invalid_function_calls=False)

    async def after_realtime_cut(self, cut: CutReply) -> None:
        """A realtime reply the guard cut: the model keeps only what of it was said (here, at once, in our copy
        of the conversation and the provider's; and before every later reply), and, when it was speaking, is
        asked to say the scripted line (once: not again when that reply is cut too)."""
        state = self._interview
        state.withheld_replies[cut.message_id] = cut.said
        ctx = self.chat_ctx.copy()
        withdraw(ctx, state.withheld_replies)
        try:
            await self.update_chat_ctx(ctx, exclude_invalid_function_calls=False)
        except llm.RealtimeError as e:  # sent all the same; the next reply's preparation sends it again
            logger.warning("the realtime session has not acknowledged the withdrawn reply: %s", e)
        rt = self.realtime_llm_session
        if cut.spoken and not cut.line_reply and isinstance(rt, PreparedRealtimeSession):
            rt.guards.line_request = render("notes_withheld_say", line=cut.instead or withheld_line(state))
            await reply_after_handoff(
                self.session, ending=True, instructions=rt.guards.line_request, tool_choice="none"
            )

    async def llm_node(
        self, chat_ctx: llm.ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterable[llm.ChatChunk | str | FlushSentinel]:
        state = self._interview
        answering = unanswered_user_message(chat_ctx)
        if answering is not None and answering.id not in state.decisions:
            # A turn that came in without on_user_turn_completed (session.run, generate_reply(user_input=)):
            # the same decision still applies.
            decision = await decide(answering.text_content or "", _before(chat_ctx, answering),
                                    quiet_phase=state.phase == Phase.CODING, ended=lambda: state.ended,
                                    languages=state.languages,
                                    classifier=state.classifier, nonce=state.nonce)  # fmt: skip
            if not self._preemptive(answering):
                # A preemptive attempt's turn is decided again in on_user_turn_completed (as its own message);
                # recording it here put a decision in the log for every attempt, spoken or discarded.
                state.turn_decided(answering.id, decision)
            if not decision.reply:
                return
        if not may_ask_model(state):  # after the end, only the goodbye (agent.after_end)
            return
        taken = state.decisions.get(answering.id) if answering is not None else None
        speech = current_speech()
        if taken is None or taken.explicit or (speech is not None and answers_nothing(state, speech.id)):
            # Only a turn that may be thinking aloud can be answered with silence, and only by a reply to it.
            tools = [t for t in tools if getattr(t, "id", None) != "stay_silent"]
        seen = bounded_messages(chat_ctx)
        if state.phase != Phase.GREETING:
            seen = without_background(seen, state.background_items)
        ctx = self.with_turn_context(bounded_history(seen, state.settings.context_max_chars))
        stream = hints.tally(state, chat_ctx, guard_outcome(state, guard_disclosure(
            state,
            bounded_tool_calls(_aiter(Agent.default.llm_node(self, ctx, tools, model_settings))),
            candidate_texts(chat_ctx, state),
            interviewer_texts(chat_ctx),
        ), candidate_turn(chat_ctx)))  # fmt: skip
        if state.pending_checkin is not None:
            stage, state.pending_checkin = state.pending_checkin, None
            async for chunk in dedupe_checkin(state, stage, stream):
                yield chunk
            return
        async for chunk in _aiter(stream):
            yield chunk

    def _preemptive(self, message: llm.ChatMessage) -> bool:
        """Whether ``message`` is the one livekit made for a preemptive generation (started from the final
        transcript before ``on_user_turn_completed``; the turn's own message comes later, under another id)."""
        preemptive = getattr(getattr(self, "_activity", None), "_preemptive_generation", None)
        return preemptive is not None and getattr(preemptive, "user_message", None) is message

    def _next(self, cls: type[PhaseAgent], context: RunContext[InterviewState], **kwargs: Any) -> PhaseAgent:
        """The next phase's agent, or a ToolError the model talks around when no change is allowed now
        (InterviewState.claim_transition: the model chaining phases in one turn skips the candidate's part; nor in a
        reply of the interviewer's own but a time warning, agent.turns ``own_reply``: a check-in answers nothing the
        candidate said, and a comment in the code it is shown moved the interview on while they were quiet). A call
        executed after the end (a reply the end overtook) records and answers nothing (agent.after_end)."""
        state = self._interview
        ended_meanwhile(state)
        if state.own_replies.get(context.speech_handle.id) is False or not state.claim_transition():
            state.record(
                "note", {"kind": "phase_change_refused", "phase": state.phase.value, "to": cls.phase.value}
            )
            raise ToolError(render("phase_refused", phase=state.phase.value.replace("_", " ")))
        # The whole conversation, tool results included (this agent's context holds every earlier phase's).
        return cls(self._interview, chat_ctx=self.chat_ctx.copy(), previous=self, **kwargs)


async def _aiter(stream: Any) -> AsyncIterable[Any]:
    if hasattr(stream, "__aiter__"):
        async for chunk in stream:
            yield chunk
    else:  # a coroutine (never for the default LLM node; kept for the framework's wider contract)
        result = await stream
        if result is not None:
            yield result


def _before(ctx: llm.ChatContext, item: llm.ChatItem) -> llm.ChatContext:
    out = ctx.copy()
    out.items[:] = out.items[: out.items.index(item)] if item in out.items else out.items
    return out


def _stt_language(message: llm.ChatMessage) -> str | None:
    language = getattr(message, "language", None)
    return str(language) if isinstance(language, str) and language else None
