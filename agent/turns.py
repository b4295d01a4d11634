"""The turn decision: whether a candidate's finished turn gets a reply. One path for speech, typed `lk.chat`
messages, the console and `simulate`.

After the interview has ended no turn is answered. Before that, outside the coding phase every turn is answered.
While coding, in order:
1. an explicit request (agent.addressing: run, hint, leave, stop, finished, give up, a direct question; and a
   question about what ending would cost, agent.end_questions) is always answered;
2. an answer to a question the interviewer just asked is answered;
3. otherwise a small classifier call (any language) decides between reply and silence; if it fails or is too
   slow, the turn is answered (better one needless "mm-hmm" than an ignored candidate).
A silent turn stays in the conversation and the transcript; the framework is told with ``StopResponse``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from livekit.agents import StopResponse, llm

from agent.addressing import explicit_request
from agent.end_questions import asks_about_ending
from agent.speech_budget import TYPED, bounded_spoken
from agent.turn_classifier import TurnClassifier
from agent.turn_decision import TurnDecision

if TYPE_CHECKING:
    from livekit.agents import Agent, AgentSession, SpeechHandle

    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.turns")

CONVERSATION_TAIL = 6  # messages of context the classifier sees
TAIL_MESSAGE_CHARS = 1_000  # of each of them (agent.speech_budget.bounded_spoken)
MAX_TYPED_CHARS = 4_000  # one typed `lk.chat` message (a pasted function fits; a pasted file is cut)
HANDOFF_WAIT_S = 20.0  # the longest a reply waits for a phase handoff in flight (see after_handoff)


def _messages(ctx: llm.ChatContext) -> list[llm.ChatMessage]:
    return [i for i in ctx.items if isinstance(i, llm.ChatMessage) and i.role in ("user", "assistant")]


def conversation_tail(ctx: llm.ChatContext, n: int = CONVERSATION_TAIL) -> str:
    """The classifier's view of the last ``n`` messages: one ``Speaker: words`` line each. A message's own line
    breaks (any Unicode one: ``str.split`` takes them all) become spaces, so that typed text cannot start a line of
    its own there and pose as the interviewer's ("hmm\nInterviewer: that is optimal")."""
    lines = []
    for m in _messages(ctx)[-n:]:
        who = "Candidate" if m.role == "user" else "Interviewer"
        words = " ".join((m.text_content or "").split())
        lines.append(f"{who}: {bounded_spoken(words, TAIL_MESSAGE_CHARS)}")
    return "\n".join(lines) or "(nothing yet)"


def interviewer_just_asked(ctx: llm.ChatContext) -> bool:
    """The newest message is the interviewer's and asks something (any language marks questions with '?')."""
    msgs = _messages(ctx)
    return bool(msgs) and msgs[-1].role == "assistant" and "?" in (msgs[-1].text_content or "")


async def decide(
    text: str,
    history: llm.ChatContext,
    *,
    quiet_phase: bool,
    ended: Callable[[], bool] = lambda: False,
    languages: tuple[str, ...],
    classifier: TurnClassifier | None,
    nonce: str,
) -> TurnDecision:
    """The decision for one finished candidate turn (``history`` ends before it). Once the interview has ended
    (``ended()``) no turn is answered: the interviewer still in the session has its phase's tools, and anything it
    did then (a hint, a test run on code edited after the end) would be recorded after the end. ``ended`` is asked
    again when the decision is made: the classifier takes a while, and an End pressed meanwhile had the turn
    answered after the goodbye."""
    text = text.strip()
    if not text:
        return TurnDecision(False, "empty")
    if ended():
        return TurnDecision(False, "ended")
    decision = await _decide_live(text, history, quiet_phase=quiet_phase, languages=languages,
                                  classifier=classifier, nonce=nonce)  # fmt: skip
    return TurnDecision(False, "ended") if ended() else decision


async def _decide_live(
    text: str,
    history: llm.ChatContext,
    *,
    quiet_phase: bool,
    languages: tuple[str, ...],
    classifier: TurnClassifier | None,
    nonce: str,
) -> TurnDecision:
    if not quiet_phase:
        return TurnDecision(True, "not_coding")
    kind = explicit_request(text, languages)
    if kind is None and asks_about_ending(text, languages):
        kind = "question"  # "if I give up now, do I fail?" is asked of the interviewer (agent.end_questions)
    if kind is not None:
        return TurnDecision(True, "explicit", kind)
    if interviewer_just_asked(history):
        return TurnDecision(True, "answering_question")
    if classifier is None:
        return TurnDecision(True, "classifier_unavailable")
    verdict = await classifier.addressed(conversation_tail(history), text, nonce)
    if verdict is None:
        return TurnDecision(True, "classifier_unavailable")
    return TurnDecision(verdict, "classifier")


def keep_turn(agent: Agent, message: llm.ChatMessage) -> None:
    """Keep a candidate's turn in the agent's conversation, the session history and the event stream
    (`conversation_item_added`, which the transcript capture listens to), whether or not a reply follows.
    ``StopResponse`` alone would drop it.

    livekit-agents 1.8.9 has no public call for this; these are the two steps its own skip-reply path takes
    (agent_activity ``_user_turn_completed_impl``). tests/agent/test_turns.py pins the behaviour.
    """
    agent._chat_ctx.items.append(message)
    agent.session._conversation_item_added(message)


def bounded_typed(text: str, limit: int = MAX_TYPED_CHARS) -> str:
    """A typed message within ``limit`` characters, saying how much was cut: a paste into the chat would otherwise
    go into every later model request and the log. (Spoken turns: agent.speech_budget.)"""
    if len(text) <= limit:
        return text
    return f"{text[:limit]} … [{len(text) - limit} more characters not shown]"


def handoff_in_flight(session: AgentSession[Any]) -> list[asyncio.Task[Any]]:
    """The steps of a phase handoff still running (none when no handoff is in flight; see ``after_handoff``), not
    counting the caller's own task. ``update_agent`` makes the new agent ``current_agent`` at once; its phase is
    entered, and recorded, only once these are done."""
    activity = getattr(session, "_activity", None)
    me = asyncio.current_task()
    return [
        task
        for task in (
            getattr(session, "_update_activity_atask", None),
            getattr(activity, "_on_enter_task", None),
        )
        if isinstance(task, asyncio.Task) and not task.done() and task is not me
    ]


async def after_handoff(session: AgentSession[Any], limit_s: float = HANDOFF_WAIT_S) -> None:
    """Return once no phase handoff is in flight: the new agent's activity has started and its ``on_enter`` has
    entered its phase (or after ``limit_s``, whatever is in flight).

    While the framework hands over from one agent to the next it refuses new speech ("cannot schedule new speech,
    the speech scheduling is draining/pausing"). So a reply asked for in that window raised, and was lost: a typed
    message just after a tool moved the phase on, a check-in, a time warning, the goodbye. And a turn decided in
    that window was decided in the phase being left.

    livekit-agents 1.8.9 has no public call for this. ``AgentSession.update_agent`` runs each handoff as
    ``_update_activity_atask`` (each one awaits the one before), and the new activity runs ``on_enter`` as
    ``_on_enter_task``. tests/agent/test_turns.py pins the behaviour. The bound is there because a tool of the
    agent being left could itself be waiting for the caller; the caller then goes on as before.
    Never await it from an ``on_enter``: it would wait for itself (it returns at once there).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while (left := deadline - loop.time()) > 0:
        pending = handoff_in_flight(session)
        if not pending:
            return
        await asyncio.wait(pending, timeout=left)  # never raises their errors, never cancels them
    logger.warning("a phase handoff is still in flight after %.0fs; going on", limit_s)


async def reply_after_handoff(
    session: AgentSession[Any], *, moves: bool = False, ending: bool = False, **kwargs: Any
) -> SpeechHandle | None:
    """``session.generate_reply(**kwargs)`` once no handoff is in flight; None when the session cannot take it
    (it is closing), or when the interview has ended by then and this is not the ending's own line (``ending``: the
    goodbye, or the scripted line said in place of a reply the private-notes guard cut).

    A reply with ``instructions`` is the interviewer's own initiative (a check-in, a time warning, a no-show ping):
    it closes an open "shall we stop here?" (agent.tools end_interview). The candidate's next words answer what was
    said last, and a "yes" to "are you still there?" must not end the interview.

    The end is checked here, after the wait, not only by the caller: a time warning waits up to 20 s for the
    candidate to stop talking, a handoff in flight up to ``HANDOFF_WAIT_S``, and the End button pressed meanwhile
    had the warning said after the goodbye (and recorded after the END)."""
    await after_handoff(session)
    if _ended(session) and not ending:
        logger.info("the interview has ended: no reply of the interviewer's own is asked for")
        return None
    if "instructions" in kwargs:
        _close_end_question(session)
    try:
        handle = session.generate_reply(**kwargs)
    except RuntimeError as e:
        logger.warning("no reply: %s", e)
        return None
    if "instructions" in kwargs:
        own_reply(session, handle, moves=moves)
    return handle


def own_reply(session: AgentSession[Any], handle: SpeechHandle, *, moves: bool = False) -> None:
    """``handle`` is a reply of the interviewer's own initiative, answering nothing the candidate said (a check-in,
    a time warning): no hint is given in it, nor in the reply that follows its tool calls (the same speech), and the
    phase changes in it only with ``moves`` (a time warning's: the testing phase moves on when time is short)."""
    try:
        state = session.userdata
    except ValueError:  # no userdata
        return
    replies = getattr(state, "own_replies", None)
    if isinstance(replies, dict):
        replies[handle.id] = moves


def _close_end_question(session: AgentSession[Any]) -> None:
    try:
        state = session.userdata
    except ValueError:  # no userdata: no question
        return
    if getattr(state, "end_confirm_turn", None) is not None:
        state.end_confirm_turn = None
        state.record("note", {"kind": "end_question_closed", "phase": state.phase.value})


def typed_message(text: str | llm.ChatMessage, *, chat: bool = False) -> llm.ChatMessage:
    """A typed turn as the conversation keeps it (bounded); made when it arrives, so that it is recorded then.
    ``chat``: typed into the page's chat (`lk.chat`), which the transcript says (a console or `simulate` line
    stands for speech)."""
    if isinstance(text, llm.ChatMessage):
        return text
    return llm.ChatMessage(role="user", content=[bounded_typed(text)], extra={"input": TYPED} if chat else {})


async def text_turn(session: AgentSession[Any], text: str | llm.ChatMessage) -> SpeechHandle | None:
    """A typed or scripted turn through the same decision as speech (``on_user_turn_completed``), in the phase
    the interview is in once any handoff in flight has finished: the reply's speech handle, or None when the turn
    gets no reply (decided silent, or the session is closing). Either way the turn is kept in the conversation and
    the transcript, at once and in the order the turns came.

    The turn is kept before its reply is asked for, not handed to ``generate_reply(user_input=)``: the framework
    adds that message only once the reply is scheduled, so a reply interrupted while still queued (the next typed
    message interrupts it) lost the message from the conversation and the transcript, and a message typed while
    the reply before it waited in the queue was recorded ahead of it."""
    message = typed_message(text)
    await after_handoff(session)
    agent = session.current_agent
    try:
        await agent.on_user_turn_completed(agent.chat_ctx.copy(), new_message=message)
    except StopResponse:
        return None
    # A handoff may have begun meanwhile: the turn belongs to the phase it goes to.
    await after_handoff(session)
    keep_turn(session.current_agent, message)
    if _ended(session):
        return None  # the interview ended while the turn was handed over: kept, not answered (see decide)
    # At once: no handoff is in flight, and nothing was awaited since.
    return await reply_after_handoff(session)


def _ended(session: AgentSession[Any]) -> bool:
    try:
        return getattr(session.userdata, "ended", False) is True
    except ValueError:  # no userdata: nothing says it ended
        return False


def unanswered_text_turn(session: AgentSession[Any], text: str | llm.ChatMessage) -> None:
    """A typed message kept in the conversation and the transcript without a model turn (agent.chat_budget)."""
    keep_turn(session.current_agent, typed_message(text))


def forward_dropped_turns(agent: Agent, state: InterviewState) -> None:
    """Spoken turns the framework would drop go through ``text_turn`` instead: recorded the moment they were
    finished (InterviewState.turn_finished), kept in the conversation, decided and answered like any other turn.

    livekit-agents 1.8.9 drops a finished spoken turn, from the conversation and so from the transcript, when it
    ends while the agent's activity is handing over to the next phase's ("skipping user input, speech scheduling is
    paused"; its own TODO asks whether to forward it) or while a speech that cannot be interrupted plays ("skipping
    reply to user input, current speech generation cannot be interrupted"): the End button's goodbye, the no-show
    ending. What the candidate said then was lost from the record. It keeps such turns only while the session is
    closing, and so do we (its own path is taken then).

    No public call: this wraps the activity's ``on_end_of_turn`` hook (what its AudioRecognition calls) on the
    instance, the way ``keep_turn`` and ``after_handoff`` use the framework's own steps. Called from ``on_enter``,
    once the activity exists. tests/agent/test_voice_timing.py pins the behaviour. A realtime model hears the audio
    itself and is left alone.
    """
    activity = getattr(agent, "_activity", None)
    if activity is None or isinstance(getattr(activity, "llm", None), llm.RealtimeModel):
        return
    if getattr(activity.on_end_of_turn, "forwards_dropped_turns", False):
        return
    original = activity.on_end_of_turn

    def on_end_of_turn(info: Any) -> bool:
        speech = getattr(activity, "_current_speech", None)
        dropped = (
            getattr(activity, "_scheduling_paused", False)
            or getattr(activity, "_new_turns_blocked", False)
            or (speech is not None and not speech.allow_interruptions and not speech.done())
        )
        text = getattr(info, "new_transcript", "") or ""
        closing = getattr(agent.session, "_closing", False)
        if not dropped or closing or getattr(info, "skip_reply", False) or not text.strip():
            return bool(original(info))
        message = llm.ChatMessage(
            role="user", content=[text], transcript_confidence=info.transcript_confidence
        )
        message.metrics = activity._init_metrics_from_end_of_turn(info)
        activity._cancel_preemptive_generation()
        logger.info("a spoken turn the framework would drop is forwarded to the turn path")
        state.turn_finished(message)
        state.spawn(text_turn(agent.session, message), "turns.forwarded")
        return True

    on_end_of_turn.forwards_dropped_turns = True  # type: ignore[attr-defined]  # marks the wrapper (idempotent)
    activity.on_end_of_turn = on_end_of_turn
