"""FakeRealtimeModel: a `livekit.agents.llm.RealtimeModel` in text mode with scripted replies.

It records what the framework pushes to the session (instructions, chat context, tools) at each reply, so a test
can check what a realtime model would have known. Capabilities mirror the OpenAI plugin as Shadows configures it:
no server-side turn handling (`turn_detection=False`: the server never answers a turn by itself).

Like the server, the session's own conversation grows by itself: committed audio becomes a user item (with no
transcript, so no text: the plugin's conversion of an ``input_audio`` item) and each reply an assistant item, both
announced with ``remote_item_added``. Only ``update_chat_ctx`` removes items. A reply's item is announced with its
text (``text_up_front``, the default) or, as OpenAI's server announces it (``conversation.item.added``), as the reply
begins, its transcript not streamed yet (``text_up_front=False``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from livekit import rtc
from livekit.agents import llm, utils
from livekit.agents.types import NOT_GIVEN, NotGivenOr

SAMPLE_RATE = 24_000
CHARS_PER_S = (
    15.0  # how fast the fake speaks: each word's audio lasts its characters (and a space) at this rate
)


@dataclass
class RealtimeReply:
    text: str = ""
    calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)  # a str: raw arguments
    audio: bool = False  # spoken as the OpenAI model speaks: audio, with its transcript as the text stream


def speech(text: str) -> list[rtc.AudioFrame]:
    """The fake's audio of ``text``: word after word, each as long as its characters take at ``CHARS_PER_S``."""
    frames = []
    for word in text.split(" "):
        samples = max(1, round((len(word) + 1) / CHARS_PER_S * SAMPLE_RATE))
        frames.append(rtc.AudioFrame(b"\x00\x00" * samples, SAMPLE_RATE, 1, samples))
    return frames


@dataclass
class ReplyRequest:
    instructions: str | None
    chat_ctx: llm.ChatContext
    tools: list[str]


class FakeRealtimeSession(llm.RealtimeSession):
    def __init__(self, model: FakeRealtimeModel) -> None:
        super().__init__(model)
        self._fake = model
        self._chat_ctx = llm.ChatContext.empty()
        self._tools = llm.ToolContext.empty()
        self.instructions = ""
        self.committed_audio = 0

    @property
    def chat_ctx(self) -> llm.ChatContext:
        return self._chat_ctx.copy()

    @property
    def tools(self) -> llm.ToolContext:
        return self._tools.copy()

    async def update_instructions(self, instructions: str) -> None:
        self.instructions = instructions

    async def update_chat_ctx(self, chat_ctx: llm.ChatContext) -> None:
        self._chat_ctx = chat_ctx.copy()

    def _server_adds(self, item: llm.ChatItem) -> None:
        previous = self._chat_ctx.items[-1].id if self._chat_ctx.items else None
        self._chat_ctx.items.append(item)
        announced = item.model_copy()
        if not self._fake.text_up_front and isinstance(item, llm.ChatMessage) and item.role == "assistant":
            announced = llm.ChatMessage(id=item.id, role="assistant", content=[])
        self.emit("remote_item_added", llm.RemoteItemAddedEvent(previous_item_id=previous, item=announced))

    async def update_tools(self, tools: list[llm.Tool]) -> None:
        self._tools = llm.ToolContext(tools)

    def update_options(self, *, tool_choice: NotGivenOr[llm.ToolChoice | None] = NOT_GIVEN) -> None:
        return None

    def push_audio(self, frame: rtc.AudioFrame) -> None:
        return None

    def push_video(self, frame: rtc.VideoFrame) -> None:
        return None

    def generate_reply(
        self,
        *,
        instructions: NotGivenOr[str] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        tools: NotGivenOr[list[llm.Tool]] = NOT_GIVEN,
    ) -> asyncio.Future[llm.GenerationCreatedEvent]:
        fake = self._fake
        request = ReplyRequest(
            instructions if isinstance(instructions, str) else None,
            self._chat_ctx.copy(),
            list(self._tools.function_tools),
        )
        fake.requests.append(request)
        if fake.on_request is not None:
            fake.on_request(request)
        reply = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
        messages = utils.aio.Chan[llm.MessageGeneration]()
        functions = utils.aio.Chan[llm.FunctionCall]()
        text = utils.aio.Chan[str]()
        audio = utils.aio.Chan[rtc.AudioFrame]()
        modalities: asyncio.Future[list[Literal["text", "audio"]]] = (
            asyncio.get_running_loop().create_future()
        )
        modalities.set_result(["audio", "text"] if reply.audio else ["text"])
        message_id = utils.shortuuid("rt_msg_")
        messages.send_nowait(llm.MessageGeneration(message_id=message_id, text_stream=text,
                                                   audio_stream=audio, modalities=modalities))  # fmt: skip
        if reply.text:
            self._server_adds(llm.ChatMessage(id=message_id, role="assistant", content=[reply.text]))
        messages.close()
        if reply.text:  # word by word, as a model streams; spoken: each word's audio after it
            words = reply.text.split(" ")
            frames = speech(reply.text) if reply.audio else [None] * len(words)
            for i, (word, frame) in enumerate(zip(words, frames, strict=True)):
                text.send_nowait(word if i == len(words) - 1 else word + " ")
                if frame is not None:
                    audio.send_nowait(frame)
        text.close()
        audio.close()
        for name, args in reply.calls:
            raw = args if isinstance(args, str) else json.dumps(args)
            functions.send_nowait(
                llm.FunctionCall(call_id=utils.shortuuid("rt_call_"), name=name, arguments=raw)
            )
        functions.close()
        fut: asyncio.Future[llm.GenerationCreatedEvent] = asyncio.get_running_loop().create_future()
        created = llm.GenerationCreatedEvent(
            message_stream=messages, function_stream=functions, user_initiated=True
        )
        fut.set_result(created)
        # As OpenAI's plugin does (livekit/agents/llm/_realtime/openai.py, _handle_response_created): the request is
        # answered with the event, and the same event is then announced to every listener.
        self.emit("generation_created", created)
        return fut

    def commit_audio(self) -> None:
        self.committed_audio += 1
        self._server_adds(llm.ChatMessage(id=utils.shortuuid("rt_audio_"), role="user", content=[]))

    def clear_audio(self) -> None:
        return None

    def interrupt(self) -> None:
        return None

    def truncate(
        self,
        *,
        message_id: str,
        modalities: list[Literal["text", "audio"]],
        audio_end_ms: int,
        audio_transcript: NotGivenOr[str] = NOT_GIVEN,
    ) -> None:
        return None

    async def aclose(self) -> None:
        return None


class FakeRealtimeModel(llm.RealtimeModel):
    def __init__(
        self,
        replies: list[RealtimeReply],
        *,
        text_up_front: bool = True,
        on_request: Callable[[ReplyRequest], None] | None = None,
    ) -> None:
        """`on_request` is called as each reply is asked for, before it is generated: a test's hook on what the
        model is asked (to make the room change at that moment, say)."""
        super().__init__(
            capabilities=llm.RealtimeCapabilities(
                message_truncation=True, turn_detection=False, user_transcription=False,
                auto_tool_reply_generation=False, audio_output=False, manual_function_calls=True,
                mutable_chat_context=True, mutable_instructions=True, mutable_tools=True,
                per_response_tool_choice=True,
            )
        )  # fmt: skip
        self.replies = list(replies)
        self.text_up_front = text_up_front
        self.on_request = on_request
        self.requests: list[ReplyRequest] = []
        self.sessions: list[FakeRealtimeSession] = []

    @property
    def model(self) -> str:
        return "fake-realtime"

    @property
    def provider(self) -> str:
        return "fake"

    def session(self, *, turn_detection_disabled: bool = False) -> FakeRealtimeSession:
        s = FakeRealtimeSession(self)
        self.sessions.append(s)
        return s

    async def aclose(self) -> None:
        return None
