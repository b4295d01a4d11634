"""The interview's phases, greeting to wrap-up: each one's tools and handoff, and the table a session starts from.

Each phase is a PhaseAgent (agent.phase_agent) with the tool that hands over to the next; a session starts or resumes
in the phase ``make_phase_agent`` builds.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from livekit.agents import Agent, RunContext, ToolError, function_tool, llm
from livekit.agents.voice.turn import TurnHandlingOptions

from agent import candidate_asked
from agent.phase_agent import PhaseAgent
from agent.prompts import render
from agent.state import PHASE_TOOLS, InterviewState, Phase
from agent.tools import SHARED_TOOLS

# The candidate's latest greeting turns whose words a name to call them by is checked against (agent.candidate_asked).
MAX_HEARD = 200


class GreetingAgent(PhaseAgent):
    phase = Phase.GREETING

    def __init__(self, state: InterviewState, **kwargs: Any) -> None:
        super().__init__(state, **kwargs)
        # The candidate's turns with the words their transcript records: in realtime mode the conversation's copy of a
        # spoken turn is the provider's audio, without text.
        self._heard: deque[str] = deque(maxlen=MAX_HEARD)

    async def on_user_turn_completed(self, turn_ctx: llm.ChatContext, new_message: llm.ChatMessage) -> None:
        self._heard.append(new_message.text_content or "")
        await super().on_user_turn_completed(turn_ctx, new_message)

    @function_tool
    async def begin_problem(
        self,
        context: RunContext[InterviewState],
        asked: list[str] | None = None,
        call_them: str | None = None,
    ) -> Agent:
        """Move on to presenting the coding problem. Call it once the greeting (and any background
        questions) is done and the candidate is ready. The greeting's talk is not shown to you after this: pass on
        what the candidate asked of how you talk with them, and nothing else.

        Args:
            asked: what they asked of how you talk with them, any of "speak_slowly", "time_to_answer" (let them
                finish, wait through pauses: a stutter, thinking), "repeat_or_rephrase"; [] if nothing
            call_them: the name they asked to be called, in their words; "" if they asked for none
        """
        if len(context.function_call.arguments) > candidate_asked.MAX_ARGUMENTS_CHARS:
            raise ToolError(render("asked_too_long"))
        said = [
            *(
                i.text_content or ""
                for i in self.chat_ctx.items
                if isinstance(i, llm.ChatMessage) and i.role == "user"
            ),
            *self._heard,
        ]
        # Kept before the next agent is built: its end-of-turn delays follow it (agent.candidate_asked). A refused
        # call passes on nothing, as a restarted job reads it (agent.resume).
        state, before = self._interview, self._interview.asked
        state.asked = candidate_asked.asked(asked or [], call_them, said)
        try:
            return self._next(ProblemAgent, context)
        except BaseException:
            state.asked = before
            raise


class ProblemAgent(PhaseAgent):
    phase = Phase.PROBLEM

    @function_tool
    async def discuss_approach(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to discussing the candidate's approach. Call it once they understand the problem and
        their clarifying questions are answered."""
        return self._next(ApproachAgent, context)


class ApproachAgent(PhaseAgent):
    phase = Phase.APPROACH
    tool_names = ("give_hint", "get_editor_snapshot", "end_interview")

    @function_tool
    async def start_coding(self, context: RunContext[InterviewState]) -> Agent:
        """Let the candidate start coding. Call it when they have a workable plan or want to start typing."""
        return self._next(CodingAgent, context)


class CodingAgent(PhaseAgent):
    phase = Phase.CODING
    # record_complexity: a complexity the candidate states in their own words while coding is recorded then (the
    # tool checks the words being answered say it), and not asked for again from scratch in the complexity phase.
    tool_names = (
        "get_editor_snapshot",
        "run_tests",
        "give_hint",
        "stay_silent",
        "record_complexity",
        "end_interview",
    )

    def __init__(self, state: InterviewState, **kwargs: Any) -> None:
        s = state.settings
        # Longer endpointing so that pauses in thinking aloud do not end the turn. No preemptive generation:
        # most coding turns are thinking aloud, and a reply started before the decision would be wasted.
        kwargs.setdefault(
            "turn_handling",
            TurnHandlingOptions(
                endpointing={
                    "min_delay": s.coding_min_endpointing_delay_s,
                    "max_delay": s.coding_max_endpointing_delay_s,
                },
                preemptive_generation={"enabled": False},
            ),
        )
        super().__init__(state, **kwargs)

    @function_tool
    async def start_testing(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to testing and debugging. Call it when the candidate says they are done or wants to test."""
        return self._next(TestingAgent, context)


class TestingAgent(PhaseAgent):
    __test__ = False  # not a pytest class
    phase = Phase.TESTING
    tool_names = ("get_editor_snapshot", "run_tests", "give_hint", "end_interview")

    @function_tool
    async def resume_coding(self, context: RunContext[InterviewState]) -> Agent:
        """Go back to coding mode (you stay quiet) when the candidate goes back to editing to fix a bug."""
        return self._next(CodingAgent, context)

    @function_tool
    async def discuss_complexity(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to complexity and a follow-up question. Call it once the visible tests pass, or when
        time is short."""
        return self._next(ComplexityAgent, context)


class ComplexityAgent(PhaseAgent):
    phase = Phase.COMPLEXITY
    tool_names = ("get_editor_snapshot", "record_complexity", "end_interview")

    @function_tool
    async def wrap_up(self, context: RunContext[InterviewState]) -> Agent:
        """Move on to the wrap-up and the candidate's questions. Call it after the follow-up question."""
        return self._next(WrapUpAgent, context)


class WrapUpAgent(PhaseAgent):
    phase = Phase.WRAP_UP


# Every tool an interviewer has (docs/protocol.md, "Tools"): the names the event log's `tool_call` events may carry.
# The phase tools (agent.state.PHASE_TOOLS) are the handoffs defined above, and end_interview.
INTERVIEWER_TOOLS = frozenset({*SHARED_TOOLS, "set_language", *PHASE_TOOLS})

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
