"""The candidate is always told the interviewer is an AI: when the greeting as played did not say so, one line does.

The greeting's instructions ask the model to say it (prompts/greeting.md), but only the model decided whether it
did: a greeting that left it out, one the candidate asked to skip ("no intro please, let's start"), or one they
talked over before that part played, went on to the problem with the candidate never told (notice laws for AI
interviews ask for it, e.g. Illinois' AI Video Interview Act). Once the greeting's first reply is done, what the
interviewer has said in the conversation (what was played; after a restart, what the previous process said) is
read for it, and if nothing says so, the scripted line in the interview's language follows
(``prompts/ai_notice_<lang>.md``): spoken as it is in the voice pipeline, where it cannot be interrupted, asked for
word for word from a realtime model, which speaks with its own voice (what it said is read again, and it is asked
once more; ``ai_notice_unsaid`` records a notice it never gave). "Says so" is the interviewer describing itself
(``_SAYS_AI``), not the letters AI anywhere: the greeting's topic is often the candidate's own AI work, from a résumé
they wrote.
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

# What names an AI: "AI", "A.I.", Spanish "IA" / "I.A.", or the words spelled out.
_AI = r"(?:ai|ia|a\.\s?i\.?|i\.\s?a\.?|artificial intelligence|inteligencia artificial)(?!\w)"
# What an AI said of itself is followed by: the end of a clause, or a word naming what it is ("an AI interviewer",
# "an AI-powered one"), never another noun ("a big AI fan").
_ROLE = (
    r"(?=\s*(?:[,.;:!?)(\u2014\u2013]|$)|[\s-]*(?:interviewer|interview|assistant|agent|system|model|bot|program|"
    r"screener|powered|led|run|driven|based|and|that|here|today|conducting|running|not|y|que|aqu[ií]|hoy)\b)"
)
# A few words between a self-description's start and the AI word, none of them a preposition, a relative pronoun or a
# negation: "I'm the Shadows interviewer, an AI", never "I'm a fan of AI" nor "I'm not an AI".
_GAP = r"(?:(?!(?:of|about|in|on|at|for|from|with|to|into|like|not|never|no|who|that|which)\b)[\w'.-]+,?\s+){0,4}?"
_ARTICLE = r"(?:just\s+|only\s+)?(?:an?|your|the)\s+"
_NAMED = r"(?:[\w-]+,\s+)?"  # an appositive name: "I'm Shadows, your AI interviewer"
_ES_NOUN = (
    r"(?:(?:entrevistador[a]?|asistente|sistema|agente|programa)\s+)?(?:(?:virtual|automatizad[oa])\s+)?"
    r"(?:(?:de|con)\s+)?"
)
# The interviewer saying that it is an AI, in English or Spanish. A mention of AI is not that: the candidate's résumé
# (theirs to write, and most now mention AI) is the greeting's topic, and "I see you built AI tooling" said nothing of
# what the interviewer is.
_SAYS_AI = re.compile(
    "|".join(
        [
            # I'm an AI / I am your AI interviewer / I'm Shadows, an AI interviewer / this is Shadows, an AI
            rf"\b(?:i'?m|i am|this is)\s+{_NAMED}{_ARTICLE}{_GAP}{_AI}{_ROLE}",
            # you're talking with an AI / you'll be speaking to an AI interviewer
            rf"\byou(?:'re| are|'ll be| will be)?\s+(?:talking|speaking|chatting)\s+(?:to|with)\s+{_ARTICLE}{_GAP}"
            rf"{_AI}{_ROLE}",
            # this interview is run by an AI / your AI interviewer / as an AI interviewer
            rf"\b(?:this|the|today's)\s+(?:interview|call|screen|conversation)\s+(?:is|will be)\s+"
            rf"(?:run|conducted|led|held|done|powered|hosted)\s+by\s+(?:an?\s+)?{_AI}{_ROLE}",
            rf"\b(?:your|this|as an?)\s+{_AI}[\s-]+(?:interviewer|interview|screen|assistant)\b",
            # soy una IA / soy tu entrevistador virtual de IA / no: soy un apasionado de la IA, no soy una IA
            rf"(?<!\bno )\bsoy\s+(?:solo\s+)?(?:un|una|tu|el|la)\s+{_ES_NOUN}{_AI}{_ROLE}",
            # estás hablando con una IA / hablas con un entrevistador de IA
            rf"\b(?:hablas|hablando|hablar[aá]s|conversas|conversando)\s+con\s+(?:un|una|tu)\s+{_ES_NOUN}{_AI}{_ROLE}",
            # esta entrevista la realiza una IA / tu entrevistador(a) de IA
            rf"\besta entrevista\s+(?:la\s+)?(?:realiza|conduce|lleva|dirige|hace)\s+(?:un|una)\s+{_ES_NOUN}{_AI}",
            rf"\btu\s+entrevistador[a]?\s+(?:virtual\s+)?de\s+{_AI}",
        ]
    ),
    re.IGNORECASE,
)


def says_it_is_an_ai(texts: Iterable[str]) -> bool:
    """Whether one of ``texts`` (the interviewer's) says the interviewer is an AI (``_SAYS_AI``). A way of saying it
    that is not recognised costs a second, scripted sentence; a mention taken for it cost the notice."""
    return any(_SAYS_AI.search(" ".join(t.replace("\u2019", "'").split())) for t in texts)


def notice_line(state: InterviewState) -> str:
    language = state.interview_language if state.interview_language in ("en", "es") else "en"
    return render(f"ai_notice_{language}")


def notice_after(
    greeting: SpeechHandle, session: AgentSession[Any], agent: Any, state: InterviewState
) -> None:
    """Once ``greeting`` is done, the scripted notice unless the interviewer (``agent``'s conversation) has said it
    is an AI, or the interview has ended."""

    def told() -> bool:
        return state.ended or says_it_is_an_ai(interviewer_texts(agent.chat_ctx))

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
