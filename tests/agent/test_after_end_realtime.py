"""After the end, only the goodbye, on the realtime model path (agent/realtime.py, agent/after_end.py), through the
real AgentSession and tests/fakes/realtime.py. A realtime model never calls ``llm_node``, so its guard did not hold
there: a reply livekit asked for after the end (a deferred tool reply) was asked of the model and said, and so was a
reply the provider started on its own. Fail on the code before the fix."""

from __future__ import annotations

import asyncio

from livekit.agents import AgentSession, llm, utils

from agent.ending import conclude
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.realtime import PreparedRealtimeModel
from agent.state import InterviewState, Phase
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.realtime import FakeRealtimeModel, FakeRealtimeSession, RealtimeReply

RESULT = "One of the two examples passes."


def _state() -> InterviewState:
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    state.candidate_spoke = True
    return state


def _said(session: AgentSession[InterviewState]) -> list[str]:
    return [
        item.text_content or ""
        for item in session.history.items
        if item.type == "message" and item.role == "assistant"
    ]


class _Interrupts:
    def __init__(self, child: FakeRealtimeSession) -> None:
        self.count = 0
        child.interrupt = self  # type: ignore[method-assign]

    def __call__(self) -> None:
        self.count += 1


def _provider_starts(child: FakeRealtimeSession, text: str) -> None:
    """The provider starts a reply of its own (as server-side turn detection does): announced, not asked for."""
    messages = utils.aio.Chan[llm.MessageGeneration]()
    functions = utils.aio.Chan[llm.FunctionCall]()
    stream = utils.aio.Chan[str]()
    audio = utils.aio.Chan[object]()
    modalities: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
    modalities.set_result(["text"])
    messages.send_nowait(
        llm.MessageGeneration(message_id=utils.shortuuid("rt_msg_"), text_stream=stream,
                              audio_stream=audio, modalities=modalities)  # type: ignore[arg-type]
    )  # fmt: skip
    stream.send_nowait(text)
    for chan in (messages, functions, stream, audio):
        chan.close()
    child.emit("generation_created", llm.GenerationCreatedEvent(
        message_stream=messages, function_stream=functions, user_initiated=False))  # fmt: skip


async def _settle() -> None:
    for _ in range(100):
        await asyncio.sleep(0.01)


async def test_a_reply_livekit_asks_of_the_realtime_model_after_the_end_is_not_asked_and_says_nothing():
    """livekit asks for a reply to a tool's late result (its deferred tool reply) with ``generate_reply``: after the
    end the realtime model is not asked, and nothing is said; before the end the same request is answered."""
    state = _state()
    model = FakeRealtimeModel([RealtimeReply(RESULT)])
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        await session.generate_reply(instructions="Tell the candidate the result.").wait_for_playout()
        assert _said(session)[-1] == RESULT  # the path works: asked and said before the end
        assert await conclude(state, "time_up")
        requests, said = len(model.requests), len(_said(session))

        handle = session.generate_reply(instructions="The tool call run_tests has finished; tell the user.")
        await asyncio.wait_for(handle.wait_for_playout(), 30)
        await _settle()

        assert len(model.requests) == requests  # the model was asked nothing after the end
        assert _said(session)[said:] == []


async def test_a_reply_the_realtime_provider_starts_after_the_end_is_cancelled_and_never_said():
    """A reply the provider starts on its own (no one asked for it): said before the end; after it, cancelled at the
    provider and never handed to the framework, so nothing is said after the goodbye."""
    state = _state()
    model = FakeRealtimeModel([RealtimeReply("Let's code.")])
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        child = model.sessions[-1]
        interrupts = _Interrupts(child)
        _provider_starts(child, "Before the end.")
        for _ in range(300):
            if "Before the end." in _said(session):
                break
            await asyncio.sleep(0.01)
        assert "Before the end." in _said(session)  # the provider's own reply is played before the end
        assert await conclude(state, "time_up")
        said, cancelled = len(_said(session)), interrupts.count

        _provider_starts(child, RESULT)
        await _settle()

        assert _said(session)[said:] == []
        assert interrupts.count == cancelled + 1  # the provider's response was cancelled
