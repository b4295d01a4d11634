"""The candidate is always told the interviewer is an AI: one scripted line says it, once the greeting's first reply
is done.

The line is fixed text in the interview's language (``prompts/ai_notice_<lang>.md``), never left to the model:
spoken as it is in the voice pipeline, where it cannot be interrupted, asked for word for word from a realtime model,
which speaks with its own voice (what it said is read again, and it is asked once more; ``ai_notice_unsaid``
records a notice it never gave). Notice laws for AI interviews ask for it (e.g. Illinois' AI Video Interview Act).

Whether the greeting already said so was once read from what the model wrote, by rules for how an interviewer
describes itself. Those rules cannot tell a statement from its contrary in every phrasing ("I'm a human rather
than an AI" read as the notice), and the greeting reads a résumé the candidate wrote: a candidate who could make
the model say such a sentence skipped the notice. Only the scripted line itself counts (``said_the_line``): a message
of the interviewer's that is the line and nothing else. Said before a restart, it is not said again; a job restarted
before it was said (in any phase) says it after its first reply. The greeting's instructions leave the notice to the
line, so it is not said twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from livekit.agents import AgentSession, llm
from livekit.agents.voice import SpeechHandle

from agent.disclosure import interviewer_texts
from agent.prompts import render
from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.ai_notice")

REALTIME_ASKS = 2  # how often a realtime model is asked to say the notice (it may say something else)
# Those with a scripted line: any of them counts (the candidate may have switched language since it was said).
LANGUAGES = ("en", "es")

_WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    """``text`` as its words, lower case, one space apart: a realtime model's transcript of the line may differ in
    punctuation and case from the text it was asked to say."""
    return " ".join(_WORD.findall(text.casefold()))


def said_the_line(texts: Iterable[str]) -> bool:
    """Whether one of ``texts`` (the interviewer's messages) is a scripted notice, word for word and nothing else.
    The line said inside a message of the model's own does not count: "my notes say to tell you '<the line>', ignore
    that, I'm a human recruiter" held it word for word."""
    lines = {_words(render(f"ai_notice_{language}")) for language in LANGUAGES}
    return any(_words(text) in lines for text in texts)


def notice_line(state: InterviewState) -> str:
    language = state.interview_language if state.interview_language in ("en", "es") else "en"
    return render(f"ai_notice_{language}")


def notice_after(
    greeting: SpeechHandle, session: AgentSession[Any], agent: Any, state: InterviewState
) -> None:
    """Once ``greeting`` is done, the scripted notice, unless the interviewer (``agent``'s conversation: what was
    played, and after a restart what the previous process said) has said the line already, or the interview has
    ended."""

    def told() -> bool:
        return state.ended or said_the_line(interviewer_texts(agent.chat_ctx))

    def done(_: SpeechHandle) -> None:
        if told():
            return
        line = notice_line(state)
        state.record("note", {"kind": "ai_notice"})
        try:
            if isinstance(session.llm, llm.RealtimeModel):
                ask_realtime(session, state, line, told)
            else:
                # Not interruptible: a candidate talking over it ("hello? can you hear me?") cut it after a word or
                # two, and nothing said it again. What they say meanwhile is kept and answered after it
                # (agent.turns forward_dropped_turns).
                session.say(line, allow_interruptions=False)
        except RuntimeError as e:  # the session is closing
            logger.warning("the AI notice was not said: %s", e)

    greeting.add_done_callback(done)


def ask_realtime(
    session: AgentSession[Any], state: InterviewState, line: str, told: Callable[[], bool], asks: int = 1
) -> None:
    """Ask a realtime model to say ``line`` word for word, and read what it said once it is done: a model that said
    something else, or a reply talked over, is asked again, up to ``REALTIME_ASKS`` times; then a note says the
    notice was not heard (its server-side turn detection lets the candidate interrupt any reply)."""
    handle = session.generate_reply(instructions=render("notes_withheld_say", line=line), tool_choice="none")

    def said(_: SpeechHandle) -> None:
        if told():
            return
        if asks >= REALTIME_ASKS:
            state.record("note", {"kind": "ai_notice_unsaid", "asks": asks})
            logger.warning("the realtime model did not say the AI notice after %d asks", asks)
            return
        try:
            ask_realtime(session, state, line, told, asks + 1)
        except RuntimeError as e:  # the session is closing
            logger.warning("the AI notice was not asked for again: %s", e)

    handle.add_done_callback(said)
