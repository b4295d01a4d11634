"""The realtime model as the interview drives it: every reply it is asked for is prepared by the phase first.

A realtime model never calls ``llm_node``, and the framework asks it for replies of its own: after a tool call (the
answer to ``run_tests``, the goodbye of ``end_interview``), besides the replies the agent starts. So the hook that
bounds the conversation and gives the model the status and the code (agent.phase_agent ``sync_realtime_context``) cannot
sit on our call sites: ``PreparedRealtimeModel`` wraps the provider's model, and each ``generate_reply`` of its
sessions first awaits ``before_reply``, which the current phase agent installs on entering. Every reply, whoever
asked for it, is passed through the private-notes guard (``guards``, agent.realtime_guard), whose source the phase
installs too. After the end only the goodbye (agent.after_end): ``may_reply``, which the phase installs too, is asked
before each reply; a reply it refuses is not asked of the model (an empty reply is handed to the framework, which
says nothing), and a reply the provider started itself is cancelled and never announced. Everything else is the
provider's session, events included (forwarded as the framework's own fallback adapter does).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import replace
from typing import Any, Literal

from livekit import rtc
from livekit.agents import llm, utils
from livekit.agents.types import NOT_GIVEN, NotGivenOr

from agent.realtime_guard import ReplyGuards
from agent.tool_args import bounded_function_calls

logger = logging.getLogger("shadows.agent.realtime")

ReplyHook = Callable[[], Awaitable[None]]


class PreparedRealtimeSession(llm.RealtimeSession[str]):
    """The provider's session; ``generate_reply`` awaits ``before_reply`` (when set) before asking the model."""

    def __init__(self, model: PreparedRealtimeModel, child: llm.RealtimeSession[Any]) -> None:
        super().__init__(model)
        self._child = child
        self.before_reply: ReplyHook | None = None
        self.guards = ReplyGuards()  # the private-notes guard on every reply (agent.realtime_guard)
        self.may_reply: Callable[[], bool] | None = None  # after the end, only the goodbye (agent.after_end)
        self._forwarders: dict[str, Callable[..., None]] = {}
        self._replies: set[asyncio.Task[None]] = set()
        self._agent_session: Any = None  # set by AgentActivity on every realtime session

    def on(self, event: Any, callback: Callable[..., Any] | None = None) -> Callable[..., Any]:
        if event not in self._forwarders:

            def _forward(*args: object) -> None:
                if event == "generation_created" and args and isinstance(args[0], llm.GenerationCreatedEvent):
                    started = self._started_by_provider(args[0])
                    if started is None:
                        return
                    args = (started, *args[1:])
                self.emit(event, *args)

            self._forwarders[event] = _forward
            self._child.on(event, _forward)
        return super().on(event, callback)

    def _started_by_provider(self, event: llm.GenerationCreatedEvent) -> llm.GenerationCreatedEvent | None:
        """A reply as the framework is told of it. The provider announces every reply, those asked for through
        ``generate_reply`` too (OpenAI's plugin resolves the request with the event, then emits it as
        ``generation_created``, ``user_initiated``): those are guarded where they are asked for, and the framework
        takes them from there, not from this event. Guarding them here as well put a second reader on the reply's one
        stream of messages, which took it, and the framework played nothing: the candidate heard silence while the
        model's conversation held the reply. Only a reply the provider started itself is guarded here. After the end
        (``may_reply`` refuses: no speech of the ending asked for it) it is cancelled and the framework is not told
        of it (``None``): the OpenAI model Shadows runs answers a tool's output only when asked, so no goodbye is
        a reply the provider started."""
        if event.user_initiated:
            return event
        if not self._may_reply():
            self._child.interrupt()
            return None
        bounded = replace(event, function_stream=bounded_function_calls(event.function_stream))
        return self.guards.guarded(bounded)

    @property
    def capabilities(self) -> llm.RealtimeCapabilities:
        return self._child.capabilities

    @property
    def chat_ctx(self) -> llm.ChatContext:
        return self._child.chat_ctx

    @property
    def tools(self) -> llm.ToolContext:
        return self._child.tools

    async def update_instructions(self, instructions: str) -> None:
        await self._child.update_instructions(instructions)

    async def update_chat_ctx(self, chat_ctx: llm.ChatContext) -> None:
        await self._child.update_chat_ctx(chat_ctx)

    async def update_tools(self, tools: list[llm.Tool]) -> None:
        await self._child.update_tools(tools)

    def update_options(self, *, tool_choice: NotGivenOr[llm.ToolChoice | None] = NOT_GIVEN) -> None:
        self._child.update_options(tool_choice=tool_choice)

    def push_audio(self, frame: rtc.AudioFrame) -> None:
        self._child.push_audio(frame)

    def push_video(self, frame: rtc.VideoFrame) -> None:
        self._child.push_video(frame)

    def generate_reply(
        self,
        *,
        instructions: NotGivenOr[str] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        tools: NotGivenOr[list[llm.Tool]] = NOT_GIVEN,
    ) -> asyncio.Future[llm.GenerationCreatedEvent]:
        done: asyncio.Future[llm.GenerationCreatedEvent] = asyncio.get_running_loop().create_future()
        # Asked in the speech's own context, so the ending's goodbye passes (agent.after_end).
        if not self._may_reply():
            done.set_result(_nothing())
            return done

        async def prepare_then_reply() -> None:
            try:
                await self._prepare()
                event = await self._child.generate_reply(
                    instructions=instructions, tool_choice=tool_choice, tools=tools
                )
            except asyncio.CancelledError:
                done.cancel()
                raise
            except Exception as e:  # the provider's failure is the caller's to handle (RealtimeError)
                if not done.done():
                    done.set_exception(e)
                return
            if not done.done():
                # Arguments nested past any tool's would break the framework's parsing (agent.tool_args).
                bounded = replace(event, function_stream=bounded_function_calls(event.function_stream))
                line = self.guards.line_request is not None and instructions == self.guards.line_request
                done.set_result(self.guards.guarded(bounded, line_reply=line))

        task = asyncio.create_task(prepare_then_reply(), name="realtime.prepared_reply")
        self._replies.add(task)
        task.add_done_callback(self._replies.discard)
        done.add_done_callback(lambda f: task.cancel() if f.cancelled() else None)  # the caller gave up
        return done

    def _may_reply(self) -> bool:
        return self.may_reply is None or self.may_reply()

    async def _prepare(self) -> None:
        if self.before_reply is None:
            return
        try:
            await self.before_reply()
        except llm.RealtimeError as e:  # the update was sent, its acknowledgement is late: reply all the same
            logger.warning("the reply goes out without its context update: %s", e)
        except Exception:
            # A reply without the refreshed context beats a silent interviewer; the failure is logged loudly.
            logger.exception("preparing the realtime reply failed")

    def commit_audio(self) -> None:
        self._child.commit_audio()

    def clear_audio(self) -> None:
        self._child.clear_audio()

    def interrupt(self) -> None:
        self._child.interrupt()

    def start_user_activity(self) -> None:
        self._child.start_user_activity()

    def say(self, text: str | AsyncIterable[str]) -> asyncio.Future[llm.GenerationCreatedEvent]:
        return self._child.say(text)

    def truncate(
        self,
        *,
        message_id: str,
        modalities: list[Literal["text", "audio"]],
        audio_end_ms: int,
        audio_transcript: NotGivenOr[str] = NOT_GIVEN,
    ) -> None:
        self._child.truncate(
            message_id=message_id, modalities=modalities, audio_end_ms=audio_end_ms,
            audio_transcript=audio_transcript,
        )  # fmt: skip

    async def aclose(self) -> None:
        for task in list(self._replies):
            task.cancel()
        await asyncio.gather(*self._replies, return_exceptions=True)
        await self.guards.aclose()
        await self._child.aclose()


def renew_changed_outputs(ctx: llm.ChatContext, provider: llm.ChatContext) -> None:
    """Give a new id, in ``ctx``, to each tool output whose content differs from the provider's copy of it
    (``provider``: the realtime session's conversation), so that the update deletes the provider's and creates ours.

    livekit-agents 1.8 updates a realtime conversation by a diff of ids (``llm.utils.compute_chat_ctx_diff``) that
    compares the content of messages only: a tool's output changed on our side keeps its old content on the
    provider's. Left so, a hint taken back (agent.hints: its output replaced by "not given") stays there as given,
    hint text and all, for the model to say when the candidate asks it to go on: a hint heard and never counted. The
    item with its new id is the conversation the agent holds from this update on, so it is renewed once."""
    held = {item.id: item for item in provider.items}
    for at, item in enumerate(ctx.items):
        theirs = held.get(item.id)
        if (
            isinstance(item, llm.FunctionCallOutput)
            and isinstance(theirs, llm.FunctionCallOutput)
            and theirs.output != item.output
        ):
            ctx.items[at] = item.model_copy(update={"id": utils.shortuuid("shadows_renewed_")})


def _nothing() -> llm.GenerationCreatedEvent:
    """A reply with no message and no tool call: the framework plays nothing and asks nothing more for it."""
    messages = utils.aio.Chan[llm.MessageGeneration]()
    functions = utils.aio.Chan[llm.FunctionCall]()
    messages.close()
    functions.close()
    return llm.GenerationCreatedEvent(message_stream=messages, function_stream=functions, user_initiated=True)


class PreparedRealtimeModel(llm.RealtimeModel):
    """Wraps a provider's realtime model; its sessions are ``PreparedRealtimeSession``s."""

    def __init__(self, model: llm.RealtimeModel) -> None:
        super().__init__(capabilities=model.capabilities)
        self._model = model
        self._label = model.label

    @property
    def wrapped(self) -> llm.RealtimeModel:
        return self._model

    @property
    def model(self) -> str:
        return self._model.model

    @property
    def provider(self) -> str:
        return self._model.provider

    @property
    def capabilities(self) -> llm.RealtimeCapabilities:
        return self._model.capabilities

    def session(self, *, turn_detection_disabled: bool = False) -> PreparedRealtimeSession:
        return PreparedRealtimeSession(
            self, self._model.session(turn_detection_disabled=turn_detection_disabled)
        )

    async def aclose(self) -> None:
        await self._model.aclose()
