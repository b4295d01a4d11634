"""How a scripted line said in place of a withheld reply goes on: from where the interview stands, in its language.

A reply the interviewer may not say (one stating an outcome, agent.outcome_claims; one reading out its private notes,
agent.disclosure) is replaced by a line that says why, then goes on as the phase does: back to the greeting's chat,
the problem's clarifications or the approach before any code is written; back to the work from the coding to the
complexity talk; in the wrap-up, on to the candidate's questions; once the interview has ended (its goodbye), a
goodbye that asks nothing (prompts/goodbye.md: nothing is answered after the end). One set of lines
(``prompts/withheld_then_<step>_<lang>.md``) for both, so neither asks "where are you now?" before there is any work.
A reply whose tool calls move the interview on (``moves_on``: start_coding, wrap_up, end_interview, ...) has its
line say only why: the phase being left is no longer where the interview stands, and the next phase opens itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.prompts import render
from agent.state import PHASE_TOOLS, Phase

if TYPE_CHECKING:
    from agent.state import InterviewState

LINE_LANGUAGES = ("en", "es")

_THEN: dict[Phase, str] = {
    Phase.GREETING: "greeting",
    Phase.PROBLEM: "problem",
    Phase.APPROACH: "approach",
    Phase.CODING: "work",
    Phase.TESTING: "work",
    Phase.COMPLEXITY: "work",
    Phase.WRAP_UP: "wrap_up",
    Phase.END: "end",
}


def line_language(state: InterviewState) -> str:
    """The language the scripted lines are said in: the interview's, English for any other."""
    return state.interview_language if state.interview_language in LINE_LANGUAGES else "en"


def goes_on(state: InterviewState) -> str:
    """The sentence that goes on from where the interview stands (an ended interview: its goodbye)."""
    phase = Phase.END if state.ended else state.phase
    return render(f"withheld_then_{_THEN[phase]}_{line_language(state)}")


def moves_on(chunk: Any) -> bool:
    """Whether a chunk of a model reply calls a tool that moves the interview to another phase (``PHASE_TOOLS``)."""
    delta = chunk.delta if isinstance(chunk, llm.ChatChunk) else None
    return delta is not None and any(call.name in PHASE_TOOLS for call in delta.tool_calls)
