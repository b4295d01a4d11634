"""A hint counts once the candidate has heard it: the reply that says it, as far as it was played.

``give_hint`` hands the model the next hint and counts it at once (one per turn; the private-notes guard lets the
reply that says it through), but the hint is only *given* (recorded as a ``hint`` event, shown on the candidate's
page, counted by the grader and the report) once its speech is done and enough of it was played. What the candidate
heard of it is what livekit keeps of the reply: of an interrupted reply, only the text played before the
interruption (the transcript synchronised with the audio). The hint is heard when the played part said most of it,
wherever in the reply it was: ``HEARD_SHARE`` of the hint's own words (``hint_words``: not common words) that the
reply said, when it said ``MIN_HINT_WORDS`` of them at least. A reply that opens with the hint and goes on with
filler, talked over once the hint was said, gave the hint (judged by the share of the whole reply played, it was
taken back: a hint for free, by cutting in after it); one that opens with filler and says the hint last, talked over
before the hint, did not (it was counted). A reply that says the hint in words of its own (fewer of the hint's) is
heard when ``HEARD_SHARE`` of its words were played. Not heard (none of it played: talked over before it began, or
the model followed the hint with a tool call only), the hint is taken back: not recorded, not counted, the next
``give_hint`` hands out the same one, and the tool's answer in the model's conversation says so (the model kept the
hint's text there, and would have said it later as if given, uncounted: the guard cut it as a private note).

What the reply generated is collected as the model's words pass ``PhaseAgent.llm_node`` (``tally``), and, for a
realtime model (whose replies pass no ``llm_node``), as its guard releases them (agent.realtime_guard ``on_text``,
``count``): both pipelines judge a hint the same way.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.checkins import chunk_text
from agent.notes_match import STOPWORDS, stem, words
from agent.pending_hint import PendingHint

if TYPE_CHECKING:
    from livekit.agents.voice import SpeechHandle

    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.hints")

HEARD_SHARE = 0.5
MIN_HINT_WORDS = 2  # a reply saying fewer of the hint's own words said it in words of its own
NOT_HEARD = (
    "Not given: the candidate spoke over this hint before it was said, so they have not heard it and it does not "
    "count. Do not say it unless you call give_hint again."
)


def pending(state: InterviewState, hint: PendingHint, handle: SpeechHandle) -> None:
    """``hint`` is being said in ``handle``'s reply; it is given or taken back once that speech is done.

    The attempt is noted first (``hint_started``): ``record`` writes it to the spool before it returns, and the reply
    that says the hint is made only after this tool answers, so the note is in the record before any of its speech.
    A process that dies mid-reply leaves the note without an outcome; a restarted job counts that hint as heard
    (agent.resume, ``presume``)."""
    state.record(
        "note",
        {"kind": "hint_started", "index": hint.index, "total": hint.total, "phase": hint.phase,
         "call_id": hint.call_id, "text": hint.text},
    )  # fmt: skip
    state.pending_hints.append(hint)
    handle.add_done_callback(lambda h: settle(state, hint, h))


def presume(state: InterviewState, index: int, phase: str, t: float | None = None) -> bool:
    """Hint ``index`` was being said when the job that gave it died (a ``hint_started`` note with no outcome): the
    candidate may have heard all of it, so it is recorded as given, marked ``unsettled``. Read as heard, never as
    taken back: the record never counts fewer hints than the candidate heard, a crash (which a candidate might
    provoke) is no way to a hint for free, and the restored conversation holds the hint as given, so the candidate
    can have it said again without a second one being counted. The event is the same whichever job records it (its
    ``t`` is the note's: when the hint began), so two jobs that both presume it store it once."""
    hints = state.question.hints
    if not 1 <= index <= len(hints):
        return False
    state.hints_given = max(state.hints_given, index)
    state.hint_heard.pop(index, None)
    if phase not in {p.value for p in type(state.phase)}:
        phase = state.phase.value
    payload = {
        "index": index,
        "total": len(hints),
        "phase": phase,
        "text": hints[index - 1],
        "unsettled": True,
    }
    state.recorder.record("hint", payload, key=f"agent:hint:{index}", t=state.elapsed_s() if t is None else t)
    return True


def owe(state: InterviewState, indices: Iterable[int]) -> None:
    """The page is to be told of the hints ``indices`` (recorded as given, ``unsettled``, with no ``hint_told`` note:
    the job that recorded them died before telling it, or this job presumed them), once the session runs."""
    state.hints_owed = sorted({i for i in indices if 1 <= i <= len(state.question.hints)})


def tell_owed(state: InterviewState) -> None:
    """Send the page each hint it is owed (``owe``), in order, and note each as told (``hint_told``): a job that
    restarts after this tells the page of it no more."""
    owed, state.hints_owed = state.hints_owed, []
    if owed:
        state.spawn(_tell(state, owed), "hint.told")


async def _tell(state: InterviewState, owed: list[int]) -> None:
    total = len(state.question.hints)
    for index in owed:
        await state.channel.send_event({"type": "hint", "index": index, "total": total, "unsettled": True})
        state.record("note", {"kind": "hint_told", "index": index})


def _answered(
    state: InterviewState, chat_ctx: llm.ChatContext, leave_out: str | None = None
) -> PendingHint | None:
    """The pending hint whose tool answer came since the interviewer last spoke in ``chat_ctx`` (the reply being made
    answers it); ``leave_out``: that reply's own message, when the conversation holds it already."""
    if not state.pending_hints:
        return None
    answers: set[str] = set()
    for item in reversed(chat_ctx.items):
        if isinstance(item, llm.ChatMessage) and item.role == "assistant" and item.id != leave_out:
            break
        if isinstance(item, llm.FunctionCallOutput):
            answers.add(item.call_id)
    return next((h for h in state.pending_hints if h.call_id in answers), None)


def _add(hint: PendingHint, text: str) -> None:
    hint.tallied = True
    hint.generated += len(words(text))
    hint.generated_text += text


async def tally(
    state: InterviewState, chat_ctx: llm.ChatContext, stream: AsyncIterable[Any]
) -> AsyncIterable[Any]:
    """``stream`` as it is; when it is the reply to a pending hint's tool answer (one since the interviewer last
    spoke), its words are collected."""
    hint = _answered(state, chat_ctx)
    async for chunk in stream:
        if hint is not None and (text := chunk_text(chunk)):
            _add(hint, text)
        yield chunk


def count(state: InterviewState, chat_ctx: llm.ChatContext, message_id: str | None, text: str) -> None:
    """A realtime reply's ``text`` (of its message ``message_id``), as its guard released it: collected as ``tally``
    collects a text reply's, when it answers a pending hint."""
    if text and (hint := _answered(state, chat_ctx, leave_out=message_id)) is not None:
        _add(hint, text)


def hint_words(text: str) -> set[str]:
    """The words that carry a hint (or a reply): stemmed, common words left out."""
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2}


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


Heard = tuple[frozenset[str], frozenset[str]]  # a hint's own words its replies said, and those of them played


def _heard_words(hint: PendingHint, played: str, before: Heard | None) -> Heard:
    """The hint's own words this reply said and played, with what earlier attempts at it (taken back) did."""
    said = frozenset(hint_words(hint.text) & hint_words(hint.generated_text))
    got = said & frozenset(hint_words(played))
    if before is not None:
        said, got = said | before[0], got | before[1]
    return said, got


def heard(hint: PendingHint, played: str, cut: bool, before: Heard | None = None) -> bool:
    """Whether the candidate heard ``hint`` in the reply that played ``played``; ``before``: what replies taken back
    played of the same hint. A candidate who cut in before half of it each time, and asked for it again in another
    order ("the second half first this time"), heard all of it over a few attempts, none of them counted."""
    n = len(words(played))
    if n == 0:
        return False
    if not cut or not hint.tallied:
        return True
    said, got = _heard_words(hint, played, None)
    if len(said) >= MIN_HINT_WORDS:
        if len(got) >= HEARD_SHARE * len(said):
            return True
    elif n >= HEARD_SHARE * hint.generated:
        return True
    if before is None:
        return False
    said, got = _heard_words(hint, played, before)
    return len(said) >= MIN_HINT_WORDS and len(got) >= HEARD_SHARE * len(said)


MAX_RECORDED_WORDS = 200  # of one hint's own words, as a restarted job reads them back (``restored``)


def restored(hint_text: str, said: object, heard: object) -> Heard | None:
    """What a ``hint_unheard`` note in the record says the attempts at the hint ``hint_text`` said and played, as
    ``heard`` takes it; only the hint's own words count (the record is read back, not trusted to name others)."""
    if not isinstance(said, list) or not isinstance(heard, list):
        return None
    own = hint_words(hint_text)
    said_words = frozenset(w for w in said[:MAX_RECORDED_WORDS] if isinstance(w, str) and w in own)
    heard_words = frozenset(w for w in heard[:MAX_RECORDED_WORDS] if isinstance(w, str) and w in said_words)
    return said_words, heard_words


def settle(state: InterviewState, hint: PendingHint, handle: SpeechHandle) -> None:
    if hint in state.pending_hints:
        state.pending_hints.remove(hint)
    played, cut = played_after(handle.chat_items, hint.call_id)
    before = state.hint_heard.get(hint.index)
    if heard(hint, played, cut, before):
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
    if hint.tallied:
        state.hint_heard[hint.index] = _heard_words(hint, played, before)
    if state.hints_given == hint.index:
        state.hints_given = hint.index - 1
    if state.last_hint_turn == hint.turn:
        state.last_hint_turn = None
    note: dict[str, Any] = {
        "kind": "hint_unheard",
        "index": hint.index,
        "phase": hint.phase,
        "call_id": hint.call_id,
    }
    if (so_far := state.hint_heard.get(hint.index)) is not None:
        # What of the hint all attempts so far said and played: a restarted job goes on from it (agent.resume).
        note["said"], note["heard"] = sorted(so_far[0]), sorted(so_far[1])
    state.record("note", note)
    for item in handle.chat_items:
        if isinstance(item, llm.FunctionCallOutput) and item.call_id == hint.call_id:
            # The same item the agent's conversation holds (livekit inserts it as is); a realtime provider's copy is
            # replaced before its next reply (agent.realtime ``renew_changed_outputs``).
            item.output = NOT_HEARD
