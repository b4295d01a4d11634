"""The candidate's answer to the language question: the interview goes on in the supported language they chose.

A candidate heard speaking another language is asked once, in English and Spanish, which to use (agent.language
``LanguageWatch``), and the prompts let the model go on in the one they choose. Only the model's words followed that
choice: the speech-to-text kept the session's language, so a candidate who chose Spanish in an English interview was
transcribed by an English model, and the record (what the grader reads and quotes) held a mistranscription of what
they said; the scripted lines (the notes-withheld line, the check-in fallbacks) stayed in the other language too.

``set_language`` is offered from the moment the question is asked (``offer``), and only then: it switches the
interview's language (state, speech-to-text, the phases' instructions) once, to a supported language, and only when
answering a candidate's own turn. Which language they chose is the model's reading of their answer (any wording, any
language), as for every turn; content (code, a résumé) cannot switch it, since nothing asks the question there.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

from livekit.agents import RunContext, ToolError, function_tool, llm

from agent.instructions import base_instructions, phase_instructions
from agent.language import SUPPORTED
from agent.state import InterviewState, Phase  # at run time: the tool's schema is read from its annotations

if TYPE_CHECKING:
    from livekit.agents import Agent

logger = logging.getLogger("shadows.agent.language_switch")

NOT_ASKED = "The candidate was not asked which language to use; keep the interview's language."
NOT_THEIRS = "Only the candidate's own answer to the language question can change the language."


def _answering_candidate(context: RunContext[InterviewState]) -> bool:
    """Whether this reply answers a candidate's turn (nothing of the interviewer's after their newest words)."""
    for item in reversed(context.session.current_agent.chat_ctx.items):
        if isinstance(item, llm.ChatMessage):
            return item.role == "user"
    return False


@function_tool
async def set_language(context: RunContext[InterviewState], language: Literal["en", "es"]) -> str:
    """Switch the interview to the language the candidate chose when you asked which one to use (en: English, es:
    Spanish). Call it once, right after their answer, only if they chose the other language; then go on in it.

    Args:
        language: en for English, es for Spanish
    """
    state = context.userdata
    watch = state.language_watch
    if state.ended or not watch.asked or watch.switched:
        raise ToolError(NOT_ASKED)
    if not _answering_candidate(context):
        raise ToolError(NOT_THEIRS)
    if language not in SUPPORTED or language == state.interview_language:
        return f"The interview is in {SUPPORTED.get(state.interview_language, 'English')}; go on."
    previous = state.interview_language
    watch.switched = True
    state.interview_language = watch.language = language
    state.record("note", {"kind": "language_switched", "from": previous, "to": language})
    stt = context.session.stt
    if stt is not None and hasattr(stt, "update_options"):
        try:
            stt.update_options(language=language)  # its open streams too (the Deepgram and OpenAI plugins)
        except (TypeError, ValueError) as e:  # a provider without a language option: said, never fatal
            logger.warning("the speech-to-text language could not be changed: %s", type(e).__name__)
    agent = context.session.current_agent
    phase = getattr(agent, "phase", None)  # a phase agent (agent/phase_agent.py offers this tool)
    if isinstance(phase, Phase):  # its language rule; the phases after it are built with the new one
        await agent.update_instructions(f"{base_instructions(state)}\n\n{phase_instructions(state, phase)}")
    return f"The interview now continues in {SUPPORTED[language]}."


async def offer(agent: Agent, state: InterviewState) -> None:
    """Once the language question is asked, the current phase offers ``set_language`` (the next phases do too, from
    ``tools_for``)."""
    if any(getattr(t, "id", None) == "set_language" for t in agent.tools):
        return
    await agent.update_tools([*agent.tools, set_language])


def tools_for(state: InterviewState) -> list[Any]:
    """``set_language`` while the candidate's answer to the language question may still switch it."""
    watch = state.language_watch
    return [set_language] if watch.asked and not watch.switched else []
