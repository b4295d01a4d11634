"""One interview on the real AgentSession with a controllable clock, and the waits and reads its tests share."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from livekit.agents import AgentSession

from agent.interview import build_interview
from agent.resume import ResumePoint
from agent.state import InterviewState
from agent.turns import handoff_in_flight
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM


def make_interview(
    minutes_left: float = 40, *, resume: ResumePoint | None = None, **settings: Any
) -> tuple[InterviewState, FakeChannel, FakeSink, ManualClock]:
    """An interview's state with a fake channel, event sink and manual clock, built as the worker builds it."""
    clock, channel, sink = ManualClock(), FakeChannel(), FakeSink()
    _, state = build_interview(
        make_context(minutes_left=minutes_left),
        api=None,
        recorder=sink,
        clock=clock,
        channel=channel,
        settings=test_settings(**settings),
        resume=resume,
    )
    return state, channel, sink, clock


async def until(predicate: Callable[[], object], within_s: float = 60.0) -> None:
    """Return once `predicate()` is true (checked every 10 ms); fail after `within_s` (a loaded box is slow, so the
    bound is generous: only something that never happens reaches it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"never happened within {within_s} s")
        await asyncio.sleep(0.01)


async def settle(session: AgentSession[Any], timeout_s: float = 60.0) -> None:
    """Wait until the session is idle: no handoff in flight, no speech playing or scheduled, not thinking. Fails
    after `timeout_s` rather than returning with the session still busy, so that a test never reads a
    half-finished turn. A handoff counts (agent.turns.handoff_in_flight): ``update_agent`` makes the new agent
    current at once, but its phase is entered only after the old agent's activity has drained, and a session in
    between is idle with the old phase still in force."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        await asyncio.sleep(0.01)
        if (
            not handoff_in_flight(session)
            and session.current_speech is None
            and session.agent_state != "thinking"
        ):
            return
        assert loop.time() < deadline, (
            f"the session was still busy after {timeout_s:.0f} s (agent state {session.agent_state!r})"
        )


def instructed(fake: FakeLLM, text: str) -> int:
    """How many LLM requests carried `text` in a system message (the instructions of generate_reply)."""
    return sum(
        any(
            i.type == "message" and i.role == "system" and text in (i.text_content or "")
            for i in req["chat_ctx"].items
        )
        for req in fake.requests
    )
