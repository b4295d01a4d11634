"""A hint counts once the candidate has heard it: the reply that says it, as far as it was played.

``give_hint`` hands the model the next hint and counts it at once (one per turn; the private-notes guard lets the
reply that says it through), but the hint is only *given* (recorded as a ``hint`` event, shown on the candidate's
page, counted by the grader and the report) once its speech is done and enough of it was played. A candidate who
talked over the hint ("oh wait, I see it") heard what was played of it and no more: livekit keeps of an
interrupted reply only the text played before the interruption (the transcript synchronised with the audio). When
less than ``HEARD_SHARE`` of the reply's words were played, or none of it (talked over before it began, the model
followed the hint with a tool call only), the hint is taken back: not recorded, not counted, the next
``give_hint`` hands out the same one, and the tool's answer in the model's conversation says so (the model kept the
hint's text there, and would have said it later as if given, uncounted: the guard cut it as a private note). Before,
every hint was counted when the tool ran, heard or not.

What the reply generated is counted as the model's words pass ``PhaseAgent.llm_node`` (``tally``); a reply that
passes no ``llm_node`` (a realtime model's) is heard when any of it was played.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.checkins import chunk_text
from agent.notes_match import words

if TYPE_CHECKING:
    from livekit.agents.voice import SpeechHandle

    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.hints")

HEARD_SHARE = 0.5
NOT_HEARD = (
    "Not given: the candidate spoke over this hint before it was said, so they have not heard it and it does not "
    "count. Do not say it unless you call give_hint again."
)


@dataclass
class PendingHint:
    index: int
    total: int
    text: str
    phase: str
    turn: int
    call_id: str
    generated: int = 0  # the words of the reply that says it, as the model generated them
    tallied: bool = False


def pending(state: InterviewState, hint: PendingHint, handle: SpeechHandle) -> None:
    """``hint`` is being said in ``handle``'s reply; it is given or taken back once that speech is done."""
    state.pending_hints.append(hint)
    handle.add_done_callback(lambda h: settle(state, hint, h))


async def tally(
    state: InterviewState, chat_ctx: llm.ChatContext, stream: AsyncIterable[Any]
) -> AsyncIterable[Any]:
    """``stream`` as it is; when it is the reply to a pending hint's tool answer (one since the interviewer last
    spoke), its words are counted."""
    answers: set[str] = set()
    for item in reversed(chat_ctx.items):
        if isinstance(item, llm.ChatMessage) and item.role == "assistant":
            break
        if isinstance(item, llm.FunctionCallOutput):
            answers.add(item.call_id)
    hint = next((h for h in state.pending_hints if h.call_id in answers), None)
    async for chunk in stream:
        if hint is not None and (text := chunk_text(chunk)):
            hint.tallied = True
            hint.generated += len(words(text))
        yield chunk


def played_after(items: list[llm.ChatItem], call_id: str) -> tuple[str, bool]:
    """What the interviewer's messages after the tool answer ``call_id`` played, and whether one was cut short."""
    after = False
    said: list[str] = []
    cut = False
    for item in items:
        if isinstance(item, llm.FunctionCallOutput) and item.call_id == call_id:
            after = True
        elif after and isinstance(item, llm.ChatMessage) and item.role == "assistant":
            said.append(item.text_content or "")
            cut = cut or item.interrupted
    return " ".join(said), cut


def heard(hint: PendingHint, played: str, cut: bool) -> bool:
    n = len(words(played))
    if n == 0:
        return False
    if not cut or not hint.tallied:
        return True
    return n >= HEARD_SHARE * hint.generated


def settle(state: InterviewState, hint: PendingHint, handle: SpeechHandle) -> None:
    if hint in state.pending_hints:
        state.pending_hints.remove(hint)
    played, cut = played_after(handle.chat_items, hint.call_id)
    if heard(hint, played, cut):
        payload: dict[str, Any] = {
            "index": hint.index,
            "total": hint.total,
            "phase": hint.phase,
            "text": hint.text,
        }
        if cut:
            payload["interrupted"] = True
        state.record("hint", payload, key=f"agent:hint:{hint.index}")
        state.spawn(
            state.channel.send_event({"type": "hint", "index": hint.index, "total": hint.total}), "hint.event"
        )
        return
    logger.info("hint %d was talked over before it was said: taken back", hint.index)
    if state.hints_given == hint.index:
        state.hints_given = hint.index - 1
    if state.last_hint_turn == hint.turn:
        state.last_hint_turn = None
    state.record("note", {"kind": "hint_unheard", "index": hint.index, "phase": hint.phase})
    for item in handle.chat_items:
        if isinstance(item, llm.FunctionCallOutput) and item.call_id == hint.call_id:
            item.output = NOT_HEARD  # the same item the agent's conversation holds (livekit inserts it as is)
