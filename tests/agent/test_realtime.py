"""Realtime mode in text mode, with a fake implementing the realtime model interface: the agent, not the server,
decides replies, and the model gets the status and the current code before it answers."""

from __future__ import annotations

from livekit.agents import AgentSession

from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, call
from tests.fakes.realtime import FakeRealtimeModel, RealtimeReply

CODE = "def two_sum(nums, target):\n    seen = {}\n    return []\n"


def texts(ctx) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(i.role, i.text_content or "") for i in ctx.items if i.type == "message"]


async def test_realtime_model_is_silent_while_thinking_aloud_and_sees_code_and_time_when_it_answers():
    sink = FakeSink()
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=sink, clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(),
                               classifier=FakeLLM([call("stay_silent")]))  # fmt: skip
    state.candidate_spoke = True
    model = FakeRealtimeModel([RealtimeReply("Go ahead."), RealtimeReply("Yes, a dict is fine.")])
    async with AgentSession[InterviewState](llm=model, userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        state.editor.ingest(CODE, {"version": "4"})
        before = len(model.requests)
        assert await text_turn(session, "so first the map then the loop") is None
        assert len(model.requests) == before  # silence: the realtime model was never asked
        handle = await text_turn(session, "Can I use a dictionary here?")
        assert handle is not None
        await handle
    request = model.requests[-1]
    items = texts(request.chat_ctx)
    data = [t for role, t in items if role == "user" and "<<<BEGIN CODE" in t]
    assert data and "2|     seen = {}" in data[-1]  # the current code, fenced, as user content
    assert any(role == "system" and "minutes left" in t and "Phase: coding" in t for role, t in items)
    assert not any(role == "system" and "seen = {}" in t for role, t in items)
    said = [i.text_content for i in session.history.items if i.type == "message" and i.role == "assistant"]
    assert said[-1] == "Yes, a dict is fine."
    decisions = [
        e["payload"]["reply"] for e in sink.of_type("note") if e["payload"]["kind"] == "turn_decision"
    ]
    assert decisions == [False, True]
