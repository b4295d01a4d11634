"""The private-notes guard (agent.disclosure) on a realtime model's replies, which never pass through ``llm_node``.

A realtime reply is a stream of messages, each with its text (the words, or the transcript of its audio) and, when
the model speaks, its audio. Each message is passed on through the same ``DisclosureGuard`` as the text pipeline:

- **Text:** released as the guard releases it (held until a sentence ends or enough words follow to rule out a
  protected run). A message without audio (spoken by a TTS, or a text session) is cut exactly as ``llm_node``'s
  reply is: the words before the run, then the scripted line.
- **Audio:** the model's audio comes with no word timings, so a frame is played only once the text released so far
  covers it even if the model speaks at ``MAX_CHARS_PER_S``, faster than anyone speaks: audio lasting ``d``
  seconds says at most ``d * MAX_CHARS_PER_S`` characters. Audio and its transcript come faster than real time,
  so the audio waits only while the first sentence is checked. Once the transcript has ended unquoted, the rest
  plays. When the guard stops, the audio held back is dropped, and nothing more of that message is played or
  shown. The rest of the reply is read and dropped: its tool calls still run, as they do after a cut in
  ``llm_node``.
- **The scripted line** is said as ``llm_node`` says it: its why (the source's line) at once, its going on
  (``going_on``, agent.going_on) once the reply has ended, and only when none of its tool calls moves the interview
  to another phase (``PHASE_TOOLS``: the next phase opens itself). A reply's tool calls are read as they come, on
  our own reader (the framework reads its copy), so a cut message waits for them only until the provider ends the
  reply, whoever else reads them.
- **After a cut** (``CutReply``, once the provider has finished the reply): the provider's copy of the
  conversation, and the framework's own (it keeps a placeholder for every item the provider adds, holding the
  provider's full text, and replaces it only when something of the message was played), hold the uncut reply,
  which the model was given back next turn. ``on_cut`` (the phase's ``after_realtime_cut``) replaces it by what
  was played or shown (``withdraw``), in both copies, and before every later reply too; and, since in audio the
  model's voice is the only voice, asks the model to say the scripted line (``line_request``), once: a line
  reply that is itself cut is not asked again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from livekit import rtc
from livekit.agents import llm, utils

from agent.disclosure import DisclosureGuard
from agent.notes_match import ProtectedNotes
from agent.outcome_claims import OutcomeGuard
from agent.state import PHASE_TOOLS

logger = logging.getLogger("shadows.agent.realtime_guard")

MAX_CHARS_PER_S = 30.0  # about 300 words a minute; people speak at about 150, and the realtime voices alike

# What a reply's message is guarded with: the protected runs (agent.disclosure.protected_runs) and the scripted
# line said instead (its why: agent.disclosure.notes_why; its going on is ``ReplyGuards.going_on``). The argument is
# the id of the message to be guarded (None: the reply before its messages come): the conversation may already hold
# that message (a server adds its reply's item as the reply starts, and the fake with its whole text), and it must
# not count as said before itself.
GuardSource = Callable[[str | None], tuple[ProtectedNotes, str]]
# A message's outcome guard (agent.outcome_claims) and the scripted line said instead of a claim (its why).
OutcomeSource = Callable[[], tuple[OutcomeGuard, str]]


@dataclass(frozen=True)
class CutReply:
    """A realtime message the guard cut, once the provider has finished the reply it belongs to."""

    message_id: str
    said: str  # what of it was played or shown: the text released, and the scripted line when it is text
    spoken: bool  # it was audio: the scripted line was not said
    line_reply: bool  # it was itself the reply asked to say the scripted line (``line_request``)
    instead: str = ""  # the scripted line said, or to be said, instead (its going on too, when it goes on)


CutHook = Callable[[CutReply], Awaitable[None]]
# Told each piece of a message's text as the guard releases it (its message id, the text): what the reply says, as
# ``llm_node``'s ``hints.tally`` is told a text reply's (a hint counts by what of it was heard, agent.hints).
TextHook = Callable[[str, str], None]


def withdraw(ctx: llm.ChatContext, said: Mapping[str, str]) -> bool:
    """In ``ctx`` (in place), each cut message of ``said`` (by id) holds only what of it was said, and is gone when
    nothing was; whether anything changed. A new message replaces the old one: the framework's placeholder shares
    its content with the provider plugin's mirror of the conversation, which must not be changed from here."""
    changed = False
    for at in range(len(ctx.items) - 1, -1, -1):
        item = ctx.items[at]
        if not isinstance(item, llm.ChatMessage) or item.id not in said:
            continue
        text = said[item.id]
        if not text.strip():
            del ctx.items[at]
            changed = True
        elif item.text_content != text:
            ctx.items[at] = item.model_copy(update={"content": [text]})
            changed = True
    return changed


class ReplyGuards:
    """Guards the realtime replies of one session; owns the tasks that pass their streams on."""

    def __init__(self) -> None:
        self.source: GuardSource | None = None
        self.outcome: OutcomeSource | None = None
        self.on_cut: CutHook | None = None
        self.line_request: str | None = None  # the instructions asking the model to say the scripted line
        self.on_text: TextHook | None = None
        # The sentence that goes on from where the interview stands (agent.going_on), said after the line at the
        # reply's end unless the reply moves the interview on; None: the line is said as the sources give it.
        self.going_on: Callable[[], str] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def guarded(
        self, event: llm.GenerationCreatedEvent, *, line_reply: bool = False
    ) -> llm.GenerationCreatedEvent:
        """``event`` with each of its messages passed through a guard (``event`` itself when nothing is
        protected). ``line_reply``: the reply was asked to say the scripted line."""
        if self.source is None:
            return event
        source = self.source
        protected, instead = source(None)
        outcome = self.outcome
        if not protected and outcome is None:
            return event
        messages = utils.aio.Chan[llm.MessageGeneration]()
        calls = utils.aio.Chan[llm.FunctionCall]()
        moving = asyncio.get_running_loop().create_future()  # whether a tool call moves the interview on
        going_on = self.going_on

        async def pass_calls() -> None:
            moves = False
            try:
                async for call in event.function_stream:
                    moves = moves or call.name in PHASE_TOOLS
                    calls.send_nowait(call)
            except Exception as e:  # the provider's stream broke: the reply's calls end here
                logger.warning("a realtime reply's tool calls ended with %s", type(e).__name__)
            finally:
                calls.close()
                if not moving.done():
                    moving.set_result(moves)

        async def then() -> str:
            """The going on said after the line: none when the reply moves the interview on (once it has ended)."""
            if going_on is None or await asyncio.shield(moving):
                return ""
            return going_on()

        async def pass_messages() -> None:
            passed: list[tuple[_GuardedMessage, asyncio.Task[None]]] = []
            try:
                async for message in event.message_stream:
                    mine, _ = source(message.message_id)  # what was said before, without this message
                    checks = ReplyChecks(DisclosureGuard(mine), instead, outcome() if outcome else None)
                    guarded = _GuardedMessage(message, checks, self.on_text, then)
                    passed.append((guarded, self._spawn(guarded.run(), "realtime_guard.message")))
                    messages.send_nowait(guarded.generation)
            except Exception as e:  # the provider's stream broke: the reply ends here, as it would unguarded
                logger.warning("a realtime reply's messages ended with %s", type(e).__name__)
            finally:
                messages.close()
            # The provider has finished the reply (its mirror of the conversation holds the whole of it): only now
            # can its copy be replaced by what was said.
            await asyncio.gather(*(task for _, task in passed), return_exceptions=True)
            for guarded, _ in passed:
                if guarded.cut is not None and self.on_cut is not None:
                    try:
                        await self.on_cut(replace(guarded.cut, line_reply=line_reply))
                    except (
                        Exception
                    ):  # the cut stands; what the model keeps of it is corrected before its next reply
                        logger.exception("withdrawing a cut realtime reply failed")

        reading = self._spawn(pass_calls(), "realtime_guard.calls")
        # Cancelled before it ran (the session closing), it never settled ``moving``: no message waits on it.
        reading.add_done_callback(lambda _: None if moving.done() else moving.set_result(False))
        self._spawn(pass_messages(), "realtime_guard.messages")
        return replace(event, message_stream=messages, function_stream=calls)

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def aclose(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class ReplyChecks:
    """A message's text through the private-notes guard, then the outcome guard (when there is one): what passes
    both is said; the first to stop decides the scripted line (``instead``)."""

    def __init__(
        self, notes: DisclosureGuard, notes_line: str, outcome: tuple[OutcomeGuard, str] | None = None
    ) -> None:
        self._notes = notes
        self._notes_line = notes_line
        self._outcome: OutcomeGuard | None = outcome[0] if outcome is not None else None
        self._outcome_line = outcome[1] if outcome is not None else ""
        self._broken = False

    @property
    def stopped(self) -> bool:
        return self._broken or self._notes.stopped or (self._outcome is not None and self._outcome.stopped)

    @stopped.setter
    def stopped(self, value: bool) -> None:  # the provider's stream broke: nothing more is passed on
        self._broken = value

    @property
    def instead(self) -> str:
        return self._outcome_line if self._outcome is not None and self._outcome.stopped else self._notes_line

    def feed(self, text: str) -> str:
        out = self._notes.feed(text)
        if self._outcome is None:
            return out
        if self._notes.stopped:  # what the outcome guard holds was read clean of notes: read it for outcomes
            return self._outcome.feed(out) + self._outcome.flush()
        return self._outcome.feed(out)

    def flush(self) -> str:
        out = self._notes.flush()
        if self._outcome is None:
            return out
        out = self._outcome.feed(out)
        return out + self._outcome.flush()


class _GuardedMessage:
    def __init__(
        self,
        message: llm.MessageGeneration,
        guard: ReplyChecks,
        on_text: TextHook | None = None,
        then: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        self._source = message
        self._on_text = on_text
        self._then = then
        self._guard = guard
        self._text = utils.aio.Chan[str]()
        self._audio = utils.aio.Chan[rtc.AudioFrame]()
        self._held: deque[rtc.AudioFrame] = deque()
        self._released: list[str] = []
        self._released_chars = 0
        self._released_s = 0.0
        self._text_clean = False  # the text ended and nothing of it was protected: all the audio may play
        self._audio_ended = False
        self.generation = replace(message, text_stream=self._text, audio_stream=self._audio)
        self.cut: CutReply | None = None

    async def run(self) -> None:
        try:
            await asyncio.gather(self._pass_text(), self._pass_audio())
        except Exception as e:  # the provider's stream broke: what was released stays, the rest is not played
            self._guard.stopped = True  # the other stream, still read, passes nothing on
            logger.warning("a realtime message ended with %s", type(e).__name__)
        finally:
            self._text.close()
            self._audio.close()

    def _release_text(self, text: str) -> None:
        if text:
            self._released.append(text)
            self._released_chars += len(text)
            self._text.send_nowait(text)
            if self._on_text is not None:
                try:
                    self._on_text(self._source.message_id, text)
                except Exception:  # counting must not stop the reply
                    logger.exception("a realtime reply's text hook failed")
        self._release_audio()

    async def _pass_text(self) -> None:
        async for delta in self._source.text_stream:
            if not self._guard.stopped:
                self._release_text(self._guard.feed(delta))
                if self._guard.stopped:
                    await self._stop()
        if self._guard.stopped:
            return  # the rest was read and dropped
        self._release_text(self._guard.flush())
        if self._guard.stopped:
            await self._stop()
            return
        self._text_clean = True
        self._text.close()
        self._release_audio()

    async def _pass_audio(self) -> None:
        async for frame in self._source.audio_stream:
            if not self._guard.stopped:
                self._held.append(frame)
                self._release_audio()
        self._audio_ended = True
        self._release_audio()

    def _release_audio(self) -> None:
        if self._guard.stopped:
            return
        covered_s = self._released_chars / MAX_CHARS_PER_S
        while self._held:
            frame = self._held[0]
            if not self._text_clean and self._released_s + frame.duration > covered_s:
                break
            self._held.popleft()
            self._released_s += frame.duration
            self._audio.send_nowait(frame)
        if self._audio_ended and not self._held and self._text_clean:
            self._audio.close()

    async def _stop(self) -> None:
        """Nothing more of this message is played; a message without audio says the scripted line instead (one
        with audio cannot: ``CutReply.spoken``): its why at once, its going on once the reply has ended and
        unless it moves the interview on (``then``)."""
        self._held.clear()
        self._audio.close()
        modalities = await self._source.modalities
        said = "".join(self._released)
        spoken = "audio" in modalities
        instead = self._guard.instead
        if spoken:
            self._text.close()
        else:
            self._text.send_nowait(instead)
            said += instead
        then = await self._then() if self._then is not None else ""
        if then:
            instead = f"{instead} {then}"
            if not spoken:
                self._text.send_nowait(f" {then}")
                said += f" {then}"
        self._text.close()
        self.cut = CutReply(self._source.message_id, said, spoken=spoken, line_reply=False, instead=instead)
