"""How spoken turns reach the model: bounded as typed ones are (agent.chat_budget, agent.chat).

The time it takes to say something does not bound it enough. livekit joins a turn's final transcripts into one
message with no limit, so a monologue (or a recording played into the microphone) without a pause would go whole
into that turn's request and every later one. And outside coding every finished spoken turn gets a reply: short
phrases a second apart would start one paid model request each.

- **Length:** a spoken message reaches a model request (the interviewer's, the turn classifier's) as at most
  ``MAX_SPOKEN_CHARS`` characters: its start and its end (where a question is), with how much was left out
  between them (``bounded_spoken``). The conversation and the transcript in the event log keep every word; the
  first cut is noted (``speech_truncated``, sizes only).
- **Rate:** a spoken turn starts a model turn (the decision, with its classifier call while coding, and the reply)
  only within the interview's one budget of answered turns, which typed messages draw on too (agent.turn_budget).
  Past it the turn is kept in the conversation and the transcript, unanswered (decision ``rate_limited``), and
  the next answered turn sees it. Nor is livekit's preemptive generation started for it, nor for a turn said
  while a reply is still queued, playing or ending (talked over): that reply reaches the conversation only as it
  ends, after the attempt copied the conversation, so the attempt would be discarded at the end of the turn and
  asked again, two paid requests for one answered turn. Such a turn is answered once it is decided, as without
  preemptive generation; a turn said after the interviewer finished keeps it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.invisible import shown
from agent.spoken_text import MAX_SPOKEN_CHARS, bounded_spoken

if TYPE_CHECKING:
    from agent.state import InterviewState

TYPED = "typed"  # ChatMessage.extra["input"] of a message typed into the chat (`lk.chat`), not said aloud

__all__ = ["MAX_SPOKEN_CHARS", "bounded_spoken", "note_spoken_turn", "shown_messages"]


def bounded_messages(ctx: llm.ChatContext, limit: int = MAX_SPOKEN_CHARS) -> llm.ChatContext:
    """``ctx`` itself when no candidate message in it is longer than ``limit`` or hides text (``shown_messages``),
    else a copy in which those are cut (``bounded_spoken``) and shown. What a model request gets; the conversation
    itself (and the event log) keeps every word as it came."""
    ctx = shown_messages(ctx)
    long = [
        i
        for i, item in enumerate(ctx.items)
        if isinstance(item, llm.ChatMessage) and item.role == "user" and len(item.text_content or "") > limit
    ]
    if not long:
        return ctx
    out = ctx.copy()
    for i in long:
        item = out.items[i]
        assert isinstance(item, llm.ChatMessage)  # the same items, copied
        out.items[i] = item.model_copy(update={"content": [bounded_spoken(item.text_content or "", limit)]})
    return out


def shown_messages(ctx: llm.ChatContext) -> llm.ChatContext:
    """``ctx`` itself when no candidate message in it hides text in invisible characters, else a copy in which each
    such run is shown as "[hidden text]" (agent.invisible: typed "😀" then a run of variation selectors spelling an
    instruction reaches the model as "😀[hidden text]"). Only the model's view: the message keeps its id and the
    conversation keeps the original."""
    out: llm.ChatContext | None = None
    for i, item in enumerate(ctx.items):
        if not (isinstance(item, llm.ChatMessage) and item.role == "user"):
            continue
        content = [shown(c) if isinstance(c, str) else c for c in item.content]
        if content == item.content:
            continue
        if out is None:
            out = ctx.copy()
        out.items[i] = item.model_copy(update={"content": content})
    return ctx if out is None else out


def is_spoken(message: llm.ChatMessage) -> bool:
    """Whether a candidate's turn was said (or stands for speech: a console or `simulate` line), not typed into the
    page's chat (whose budget is taken as it arrives, agent.room ``chat_input``)."""
    return (message.extra or {}).get("input") != TYPED


def note_spoken_turn(state: InterviewState, message: llm.ChatMessage) -> bool:
    """Count a finished spoken turn against the interview's budget of answered turns (noting its cut, if any):
    whether it may start a model turn. Past the budget a note says so, once per stretch (agent.turn_budget)."""
    chars = len(message.text_content or "")
    if chars > MAX_SPOKEN_CHARS:
        state.speech_truncated += 1
        if state.speech_truncated == 1:
            state.record("note", {"kind": "speech_truncated", "chars": chars, "kept": MAX_SPOKEN_CHARS})
    return state.claim_turn("speech")


def withhold_preemptive_over_budget(agent: Any, state: InterviewState) -> None:
    """No preemptive generation for a turn the budget would not answer. livekit starts one from the final
    transcript, before ``on_user_turn_completed`` decides (a paid request either way).

    No public call: like agent.turns ``forward_dropped_turns``, this wraps the activity's hook on the instance
    (``on_preemptive_generation``, what its AudioRecognition calls). Called from ``on_enter``."""
    activity = getattr(agent, "_activity", None)
    hook = getattr(activity, "on_preemptive_generation", None)
    if activity is None or hook is None or getattr(hook, "withholds_over_budget", False):
        return

    def on_preemptive_generation(info: Any) -> None:
        if _reply_pending(activity):
            activity._cancel_preemptive_generation()  # an earlier attempt of this same turn, if any
            return
        if state.turn_budget.available(state.clock.now()):
            hook(info)
            return
        state.turn_budget.withheld += 1
        activity._cancel_preemptive_generation()  # an earlier attempt of this same turn, if any

    on_preemptive_generation.withholds_over_budget = True  # type: ignore[attr-defined]  # marks the wrapper
    activity.on_preemptive_generation = on_preemptive_generation


def _reply_pending(activity: Any) -> bool:
    """Whether a reply is queued, playing or ending (livekit's own rule skips only one playing uninterrupted)."""
    speech = getattr(activity, "_current_speech", None)
    return (speech is not None and not speech.done()) or bool(getattr(activity, "_speech_q", None))
