"""Typed messages on LiveKit's `lk.chat` topic, read by us in bounded chunks instead of RoomIO's ``read_all``.

RoomIO's own text input reads a chat stream whole before any callback sees it, so a client streaming a gigabyte as
one message put a gigabyte into the job's memory. The worker turns RoomIO's text input off and registers this
intake on the topic: it takes streams only from the candidate (agent.senders), holds at most
``MAX_TYPED_CHARS`` characters of a message, counts what follows up to ``MAX_COUNTED_CHARS`` and then stops reading
(the reader is closed). The bounded text goes to the same callback RoomIO would call (agent.room.chat_input), so
the chat budget, the turn decision and the transcript are unchanged. A cut message says so in its text, and the
first one is noted in the event log (sizes only).

The bound on streams read at once (agent.stream_reads) covers reading only: once read, a message is handed to the
callback in a task of its own. A turn waits for the turns before it and for its decision (a classifier call while
coding), and the read bound dropping the oldest read cancelled a message already read, mid-turn: five typed
messages in a moment lost the first one from the conversation and the transcript.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from livekit import rtc
from livekit.agents import AgentSession
from livekit.agents.types import TOPIC_CHAT
from livekit.agents.voice.room_io import TextInputEvent

from agent.senders import CandidateSenders, Recorder, close_reader
from agent.stream_reads import StreamReads
from agent.turns import MAX_TYPED_CHARS

logger = logging.getLogger("shadows.agent.chat")

MAX_COUNTED_CHARS = 1_000_000  # past this much of one message we stop reading (and say "more than")
MARKER_ROOM = 64  # a cut message keeps MAX_TYPED_CHARS - MARKER_ROOM characters and says how much it left out

ChatCallback = Callable[[AgentSession[Any], TextInputEvent], Awaitable[None] | None]


def cut_message(prefix: str, total: int, complete: bool, limit: int = MAX_TYPED_CHARS) -> str:
    """The message as the conversation keeps it: whole when it fits, else its start and how much was left out,
    within ``limit`` characters altogether."""
    if total <= limit:
        return prefix
    kept = limit - MARKER_ROOM
    left = f"{total - kept} more" if complete else f"more than {total - kept}"
    return f"{prefix[:kept]} … [{left} characters not shown]"


class ChatIntake:
    """The `lk.chat` stream handler: bounded reads, candidate only, then ``callback`` with the bounded text."""

    def __init__(
        self,
        session: AgentSession[Any],
        callback: ChatCallback,
        senders: CandidateSenders,
        recorder: Recorder,
        participant: Callable[[str], rtc.RemoteParticipant | None] = lambda identity: None,
        *,
        truncated_noted: bool = False,
    ) -> None:
        self._session = session
        self._callback = callback
        self._senders = senders
        self._recorder = recorder
        self._participant = participant
        self._reads = StreamReads(TOPIC_CHAT)  # messages read at once, bounded (agent.stream_reads)
        self._turns: set[asyncio.Task[None]] = (
            set()
        )  # messages read, in their turn (bounded by the chat budget)
        self.truncated = 0  # messages cut so far by this job
        self._truncated_noted = (
            truncated_noted  # the first cut of the interview is noted (a previous job's counts)
        )

    def on_text_stream(self, reader: rtc.TextStreamReader, participant_identity: str) -> None:
        """`room.register_text_stream_handler("lk.chat", intake.on_text_stream)`."""
        if not self._senders.admits(TOPIC_CHAT, participant_identity):
            close_reader(reader)
            return
        self._reads.start(reader, self._handle(reader, participant_identity))

    async def _handle(self, reader: rtc.TextStreamReader, identity: str) -> None:
        read = await self._read(reader)
        if read is None:
            return
        prefix, total, complete = read
        if total > MAX_TYPED_CHARS:
            self.truncated += 1
            logger.info("typed message of %s%d characters cut", "" if complete else "more than ", total)
            if not self._truncated_noted:
                self._truncated_noted = True
                self._recorder.record(
                    "note",
                    {
                        "kind": "chat_truncated",
                        "chars": total,
                        "complete": complete,
                        "kept": MAX_TYPED_CHARS - MARKER_ROOM,
                    },
                )  # once per interview, under a key of its own (a fixed one was a restarted job's note refused)
        event = TextInputEvent(
            text=cut_message(prefix, total, complete),
            info=reader.info,
            participant=self._participant(identity),
        )
        turn = asyncio.create_task(self._turn(event), name="lk.chat.turn")  # started in the order read
        self._turns.add(turn)
        turn.add_done_callback(self._turns.discard)

    async def _turn(self, event: TextInputEvent) -> None:
        try:
            result = self._callback(self._session, event)
            if result is not None:
                await result
        except Exception as e:  # one message must not kill the job (RoomIO logs and carries on the same way)
            logger.warning("typed message not handled: %s", type(e).__name__)

    async def _read(self, reader: rtc.TextStreamReader) -> tuple[str, int, bool] | None:
        """(the first ``MAX_TYPED_CHARS`` characters, characters read, whether the stream was read to its end)."""
        parts: list[str] = []
        held = total = 0
        try:
            async for chunk in reader:
                total += len(chunk)
                if held < MAX_TYPED_CHARS:
                    parts.append(chunk[: MAX_TYPED_CHARS - held])
                    held += len(parts[-1])
                if total > MAX_COUNTED_CHARS:
                    close_reader(reader)  # the rest is never read: this much is already far past the cap
                    return "".join(parts), total, False
        except Exception as e:  # a broken stream is a message that never arrived
            logger.warning("lk.chat stream failed: %s", type(e).__name__)
            return None
        return "".join(parts), total, True

    async def aclose(self) -> None:
        await self._reads.aclose()
        turns = list(self._turns)
        for turn in turns:
            turn.cancel()
        await asyncio.gather(*turns, return_exceptions=True)
