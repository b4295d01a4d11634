"""The interview's phases as LiveKit agents handing off to each other, each with its prompt and tools."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, Coroutine
from typing import Any, ClassVar

from livekit.agents import Agent, ModelSettings, RunContext, function_tool, llm
from livekit.agents.types import FlushSentinel
from livekit.agents.voice.turn import TurnHandlingOptions

from agent.attention import is_addressed
from agent.prompts import render
from agent.state import InterviewState, Phase
from agent.tools import SHARED_TOOLS

logger = logging.getLogger("shadows.agent.phases")

_RESUME_CHARS = 1200
_JD_CHARS = 800


def _excerpt(text: str | None, limit: int) -> str:
    if not text or not text.strip():
        return "(none)"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."


def _is_message(item: llm.ChatItem, role: str) -> bool:
    return isinstance(item, llm.ChatMessage) and item.role == role


async def _no_reply() -> None:
    """An `llm_node` result that produces no reply at all (no LLM call, no speech)."""
    return None


def first_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[0] if parts else "the candidate"


def signature_text(signature: dict[str, Any]) -> str:
    params = ", ".join(f"{p.get('name')}: {p.get('type')}" for p in signature.get("params") or [])
    return f"{signature.get('function', 'solution')}({params}) -> {signature.get('returns', '?')}"


def base_instructions(state: InterviewState) -> str:
    q = state.question
    return render(
        "base",
        duration_minutes=state.duration_minutes,
        candidate_name=first_name(state.candidate_name),
        question_title=q.title,
        difficulty=q.difficulty,
        language=state.language,
        signature=signature_text(q.signature),
        statement=q.statement_md.strip(),
    )


def greeting_instructions(state: InterviewState) -> str:
    if (state.resume_text or "").strip() or (state.job_description or "").strip():
        background = render(
            "background",
            resume=_excerpt(state.resume_text, _RESUME_CHARS),
            job_description=_excerpt(state.job_description, _JD_CHARS),
        )
    else:
        background = render("no_background")
    return render(
        "greeting",
        candidate_name=first_name(state.candidate_name),
        recording_notice=render("notice_recorded" if state.recording else "notice_unrecorded"),
        duration_minutes=state.duration_minutes,
        background=background,
    )


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
    ) -> None:
        phase_text = (
            greeting_instructions(state) if self.phase == Phase.GREETING else render(self.phase.value)
        )
        kwargs: dict[str, Any] = {}
        if turn_handling is not None:
            kwargs["turn_handling"] = turn_handling
        super().__init__(
            instructions=f"{base_instructions(state)}\n\n{phase_text}",
            chat_ctx=chat_ctx,
            tools=[SHARED_TOOLS[name] for name in self.tool_names],
            **kwargs,
        )
        self._interview = state
        self._resumed = resumed
        self._entry_instructions = entry_instructions

    async def on_enter(self) -> None:
        state = self._interview
        if self._resumed:
            await state.enter_phase(self.phase, record=False)
            state.record("note", {"kind": "resumed", "phase": self.phase.value})
            self.session.generate_reply(
                instructions=render("resumed", phase=self.phase.value.replace("_", " "))
            )
            return
        await state.enter_phase(self.phase)
        # Always instructed: an uninstructed reply after a thinking-aloud turn would be silenced in coding.
        self.session.generate_reply(
            instructions=self._entry_instructions
            or render("phase_start", phase=self.phase.value.replace("_", " "))
        )

    def turn_notes(self) -> str:
        """The interview status and, when the code differs from what the model has seen, a bounded diff."""
        state = self._interview
        left = state.remaining_minutes()
        notes = [
            render(
                "turn_context",
                phase=state.phase.value.replace("_", " "),
                remaining_minutes="unknown" if left is None else left,
                hints_given=state.hints_given,
                hints_total=len(state.question.hints),
            )
        ]
        if state.phase in (Phase.APPROACH, Phase.CODING, Phase.TESTING, Phase.COMPLEXITY):
            diff = state.editor.diff_since_seen(state.settings.context_diff_max_chars)
            snap = state.editor.snapshot
            if diff and snap is not None:
                notes.append(
                    render(
                        "editor_diff",
                        language=snap.language,
                        version=snap.version,
                        seconds_since_edit=round(max(0.0, state.clock.now() - snap.changed_at)),
                        diff=diff,
                    )
                )
        return "\n\n".join(notes)

    def should_stay_silent(self, chat_ctx: llm.ChatContext) -> bool:
        """Whether this generation answers a turn that was not aimed at the interviewer (coding only)."""
        return False

    def llm_node(
        self, chat_ctx: llm.ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterable[llm.ChatChunk | str | FlushSentinel] | Coroutine[Any, Any, None]:
        """Every generation (voice turn, typed turn, tool follow-up, instructed reply) sees the current
        status and code diff as a system note just before the newest user message; nothing is stored."""
        if self.should_stay_silent(chat_ctx):
            return _no_reply()
        ctx = chat_ctx.copy()
        note = llm.ChatMessage(role="system", content=[self.turn_notes()])
        last_user = max((i for i, it in enumerate(ctx.items) if _is_message(it, "user")), default=None)
        ctx.items.insert(len(ctx.items) if last_user is None else last_user, note)
        return Agent.default.llm_node(self, ctx, tools, model_settings)

    def _next(self, cls: type[PhaseAgent], **kwargs: Any) -> PhaseAgent:
        return make_phase_agent(cls.phase, self._interview, chat_ctx=self.chat_ctx, **kwargs)


class GreetingAgent(PhaseAgent):
    phase = Phase.GREETING

    @function_tool
    async def begin_problem(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to presenting the coding problem. Call it once the greeting (and any background
        questions) is done and the candidate is ready."""
        return self._next(ProblemAgent)


class ProblemAgent(PhaseAgent):
    phase = Phase.PROBLEM

    @function_tool
    async def discuss_approach(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to discussing the candidate's approach. Call it once they understand the problem and
        their clarifying questions are answered."""
        return self._next(ApproachAgent)


class ApproachAgent(PhaseAgent):
    phase = Phase.APPROACH
    tool_names = ("give_hint", "get_editor_snapshot", "end_interview")

    @function_tool
    async def start_coding(self, context: RunContext[InterviewState]) -> Agent:
        """Let the candidate start coding. Call it when they have a workable plan or want to start typing."""
        return self._next(CodingAgent)


class CodingAgent(PhaseAgent):
    phase = Phase.CODING
    tool_names = ("get_editor_snapshot", "run_tests", "give_hint", "end_interview")

    def __init__(self, state: InterviewState, **kwargs: Any) -> None:
        s = state.settings
        # Longer endpointing while coding so that pauses in thinking aloud do not end the user's turn, and a
        # longer stretch of speech before the agent's (rare) speech is cut off by a murmur.
        kwargs.setdefault(
            "turn_handling",
            TurnHandlingOptions(
                endpointing={
                    "min_delay": s.coding_min_endpointing_delay_s,
                    "max_delay": s.coding_max_endpointing_delay_s,
                },
                interruption={"min_duration": s.coding_interruption_min_s},
            ),
        )
        super().__init__(state, **kwargs)

    def should_stay_silent(self, chat_ctx: llm.ChatContext) -> bool:
        items = chat_ctx.items
        if not items or not _is_message(items[-1], "user"):
            return False  # an instructed reply (check-in, time warning) or a tool follow-up
        last = items[-1]
        previous = next((it for it in reversed(items[:-1]) if isinstance(it, llm.ChatMessage)), None)
        if previous is not None and previous.role == "assistant" and "?" in (previous.text_content or ""):
            return False  # answering the interviewer's question
        # Thinking aloud: the turn stays in the conversation and the transcript, without a reply.
        return isinstance(last, llm.ChatMessage) and not is_addressed(last.text_content or "")

    @function_tool
    async def start_testing(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to testing and debugging. Call it when the candidate says they are done or wants to test."""
        return self._next(TestingAgent)


class TestingAgent(PhaseAgent):
    __test__ = False  # not a pytest class
    phase = Phase.TESTING
    tool_names = ("get_editor_snapshot", "run_tests", "give_hint", "end_interview")

    @function_tool
    async def resume_coding(self, context: RunContext[InterviewState]) -> Agent:
        """Go back to coding mode (you stay quiet) when the candidate goes back to editing to fix a bug."""
        return self._next(CodingAgent)

    @function_tool
    async def discuss_complexity(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to complexity and a follow-up question. Call it once the visible tests pass, or when
        time is short."""
        return self._next(ComplexityAgent)


class ComplexityAgent(PhaseAgent):
    phase = Phase.COMPLEXITY
    tool_names = ("get_editor_snapshot", "end_interview")

    @function_tool
    async def wrap_up(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to the wrap-up and the candidate's questions. Call it after the follow-up question."""
        return self._next(WrapUpAgent)


class WrapUpAgent(PhaseAgent):
    phase = Phase.WRAP_UP


PHASE_AGENTS: dict[Phase, type[PhaseAgent]] = {
    Phase.GREETING: GreetingAgent,
    Phase.PROBLEM: ProblemAgent,
    Phase.APPROACH: ApproachAgent,
    Phase.CODING: CodingAgent,
    Phase.TESTING: TestingAgent,
    Phase.COMPLEXITY: ComplexityAgent,
    Phase.WRAP_UP: WrapUpAgent,
    Phase.END: WrapUpAgent,
}


def make_phase_agent(phase: Phase, state: InterviewState, **kwargs: Any) -> PhaseAgent:
    """The agent for `phase`. A session that stopped at END resumes in wrap-up to say goodbye."""
    return PHASE_AGENTS[phase](state, **kwargs)
