"""FakeRoom: the parts of `rtc.Room` the agent's intake uses, driven the way LiveKit's room drives them.

`rtc.Room` needs a LiveKit server through its native FFI; the agent only registers text-stream handlers, reads
`remote_participants` and listens to participant events. `FakeRoom.open_stream` does what
`rtc.Room._handle_text_stream_opened` does: it hands a reader and the sender's identity to the topic's handler
(or drops the stream when there is none). `FakeTextStreamReader` is read the two ways a `rtc.TextStreamReader` is
(`async for`, `read_all`) and closed with `close()`; it counts what was read, and produces its chunks lazily, so a
test can stream gigabytes without holding them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc


@dataclass
class FakeParticipant:
    identity: str
    kind: int = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD
    attributes: dict[str, str] = field(default_factory=dict)
    track_publications: dict[str, Any] = field(default_factory=dict)  # no media: text-only tests
    sid: str = "PA_fake"


class FakeTextStreamReader:
    """``chunks`` chunks of ``chunk`` on ``topic``; ``close()`` ends it early, as `rtc.TextStreamReader.close` does.
    With ``stall``, the stream stays open after its chunks (a sender that never finishes it) until closed."""

    def __init__(
        self,
        topic: str,
        chunk: str,
        chunks: int = 1,
        attributes: dict[str, str] | None = None,
        error: Exception | None = None,  # raised after the chunks, as a reset or aborted stream raises
        stall: bool = False,
    ) -> None:
        self.info = rtc.TextStreamInfo(
            stream_id=f"stream-{id(self)}", mime_type="text/plain", topic=topic, timestamp=0,
            size=len(chunk.encode()) * chunks, attributes=dict(attributes or {}), attachments=[],
        )  # fmt: skip
        self._chunk = chunk
        self._chunks = chunks
        self._error = error
        self.chunks_read = 0
        self.closed = False
        self._stall = stall
        self._closing: asyncio.Event | None = None

    def close(self) -> None:
        self.closed = True
        if self._closing is not None:
            self._closing.set()  # a read parked on the stream ends, as the real reader's close wakes it

    async def __aiter__(self) -> AsyncIterator[str]:
        while self.chunks_read < self._chunks and not self.closed:
            await asyncio.sleep(0)
            self.chunks_read += 1
            yield "".join((self._chunk[:1], self._chunk[1:]))  # a new string per chunk, as the FFI delivers
        if self._stall and not self.closed:
            self._closing = asyncio.Event()
            await self._closing.wait()
        self.closed = True
        if self._error is not None:
            raise self._error

    async def read_all(self) -> str:
        return "".join([part async for part in self])


Handler = Callable[[rtc.TextStreamReader, str], None]


class FakeLocalParticipant:
    """The agent's own participant: keeps what it sent and set; `editor.get` has no client to answer it."""

    identity = "agent-interviewer"

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.attributes: dict[str, str] = {}

    async def send_text(self, text: str, **kwargs: Any) -> None:
        self.sent.append({"text": text, **kwargs})

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        self.attributes.update(attributes)

    async def perform_rpc(self, **kwargs: Any) -> str:
        raise rtc.RpcError(rtc.RpcError.ErrorCode.UNSUPPORTED_METHOD, "no editor here")


class FakeRoom(rtc.EventEmitter[str]):
    """A connected room holding ``participants``; `join`/`leave` emit LiveKit's participant events."""

    def __init__(self, *participants: FakeParticipant) -> None:
        super().__init__()
        self.remote_participants: dict[str, FakeParticipant] = {p.identity: p for p in participants}
        self.handlers: dict[str, Handler] = {}
        self.dropped: list[str] = []  # topics of streams no handler took
        self.local_participant = FakeLocalParticipant()
        self.byte_handlers: dict[str, Callable[..., None]] = {}
        self.name = "fake-room"

    def isconnected(self) -> bool:
        return True

    def register_text_stream_handler(self, topic: str, handler: Handler) -> None:
        if topic in self.handlers:
            raise ValueError(f"text stream handler for topic '{topic}' already set")
        self.handlers[topic] = handler

    def unregister_text_stream_handler(self, topic: str) -> None:
        self.handlers.pop(topic, None)

    def register_byte_stream_handler(self, topic: str, handler: Callable[..., None]) -> None:
        if topic in self.byte_handlers:
            raise ValueError(f"byte stream handler for topic '{topic}' already set")
        self.byte_handlers[topic] = handler

    def unregister_byte_stream_handler(self, topic: str) -> None:
        self.byte_handlers.pop(topic, None)

    def join(self, participant: FakeParticipant) -> None:
        self.remote_participants[participant.identity] = participant
        self.emit("participant_connected", participant)

    def leave(self, identity: str) -> None:
        participant = self.remote_participants.pop(identity)
        self.emit("participant_disconnected", participant)

    def open_stream(self, reader: FakeTextStreamReader, sender: str) -> None:
        handler = self.handlers.get(reader.info.topic)
        if handler is None:
            self.dropped.append(reader.info.topic)
            return
        handler(reader, sender)  # type: ignore[arg-type]  # duck-typed rtc.TextStreamReader
