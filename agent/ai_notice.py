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
line, so it is not said twice. The line counts only when played out whole: cut off as the candidate leaves the room
(agent.own_lines ``line_unheard``), it is said again when they are back (``_Notice``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from livekit.agents import AgentSession, llm
from livekit.agents.voice import SpeechHandle

from agent.own_lines import for_candidate
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
    """Once ``greeting`` is done, the scripted notice, unless the interviewer (``agent``'s conversation, or the
    session's current agent's: what was played, and after a restart what the previous process said) has said the line
    already, whole, or the interview has ended."""

    def told() -> bool:
        # ``agent``'s conversation, and the one the interview has now: a notice owed to the candidate's return may be
        # said after the phase moved on (its words are then in that phase's conversation only). Before, only
        # ``agent``'s was read: a realtime model was asked once more for a line it had just said, and a note then
        # recorded the notice as never said.
        if state.ended or said_the_line(_heard_whole(agent.chat_ctx)):
            return True
        try:
            current = session.current_agent
        except RuntimeError:  # not started, or closing
            return False
        return current is not agent and said_the_line(_heard_whole(current.chat_ctx))

    notice = _Notice(session, state, told)
    greeting.add_done_callback(lambda _: notice.say())


def _heard_whole(ctx: llm.ChatContext | None) -> list[str]:
    """The interviewer's messages in ``ctx`` played out whole: a notice cut off (as the candidate left) or talked
    over was not heard, whatever of its text the transcript holds."""
    return [
        m.text_content or ""
        for m in (ctx.items if ctx else [])
        if isinstance(m, llm.ChatMessage) and m.role == "assistant" and not m.interrupted
    ]


class _Notice:
    """The notice of one job: said for the candidate to hear (agent.own_lines). Cut off as they leave the room
    (noted ``line_unheard``, its words in the transcript ``interrupted``), or due while they are out of it, it is owed
    and said when they are back (``InterviewState.return_listeners``), noted ``ai_notice`` again. Before, it was
    played whole into the empty room and counted as told: a candidate who left during it and came back may never have
    heard it."""

    def __init__(self, session: AgentSession[Any], state: InterviewState, told: Callable[[], bool]) -> None:
        self._session = session
        self._state = state
        self._told = told
        self.owed = False
        # Times said (or asked for): a realtime ask superseded by a later one is not asked again.
        self._asks = 0
        state.return_listeners.append(self._back)

    def say(self) -> None:
        state = self._state
        if self._told():
            return
        if state.candidate_left_at is not None:
            self.owed = True  # said when they are back
            return
        line = notice_line(state)
        state.record("note", {"kind": "ai_notice"})
        self._asks += 1
        asks = self._asks

        def cut() -> bool:
            # Cut off as the candidate left: owed to their return. Or back already, before the cut reply ended: the
            # ask their return made supersedes it. Before, that reply, ending after their return, found the line
            # owed no more and not yet said, and asked once more: two asks at once, the notice said twice in a row.
            return self.owed or self._asks != asks

        try:
            if isinstance(self._session.llm, llm.RealtimeModel):
                ask_realtime(self._session, state, line, self._told, on_unheard=self._unheard, cut=cut)
            else:
                # Not interruptible: a candidate talking over it ("hello? can you hear me?") cut it after a word or
                # two, and nothing said it again. What they say meanwhile is kept and answered after it
                # (agent.turns forward_dropped_turns). Their leaving the room cuts it (agent.own_lines).
                handle = self._session.say(line, allow_interruptions=False)
                for_candidate(state, handle, "ai_notice", on_unheard=self._unheard)
        except RuntimeError as e:  # the session is closing
            logger.warning("the AI notice was not said: %s", e)

    def _unheard(self) -> None:
        self.owed = True

    def _back(self, _left_at: float, _back_at: float) -> None:
        if self.owed:
            self.owed = False
            self.say()


def ask_realtime(
    session: AgentSession[Any],
    state: InterviewState,
    line: str,
    told: Callable[[], bool],
    asks: int = 1,
    *,
    on_unheard: Callable[[], None] | None = None,
    cut: Callable[[], bool] = lambda: False,
) -> None:
    """Ask a realtime model to say ``line`` word for word, and read what it said once it is done: a model that said
    something else, or a reply talked over, is asked again, up to ``REALTIME_ASKS`` times; then a note says the
    notice was not heard (its server-side turn detection lets the candidate interrupt any reply). A reply cut off as
    the candidate left (``on_unheard``; ``cut`` then holds) is not asked again now: it is owed to their return, and
    the ask their return makes supersedes it (``cut`` holds still)."""
    handle = session.generate_reply(instructions=render("notes_withheld_say", line=line), tool_choice="none")
    for_candidate(state, handle, "ai_notice", on_unheard=on_unheard)

    def said(_: SpeechHandle) -> None:
        if told() or cut():
            return
        if asks >= REALTIME_ASKS:
            state.record("note", {"kind": "ai_notice_unsaid", "asks": asks})
            logger.warning("the realtime model did not say the AI notice after %d asks", asks)
            return
        try:
            ask_realtime(session, state, line, told, asks + 1, on_unheard=on_unheard, cut=cut)
        except RuntimeError as e:  # the session is closing
            logger.warning("the AI notice was not asked for again: %s", e)

    handle.add_done_callback(said)
