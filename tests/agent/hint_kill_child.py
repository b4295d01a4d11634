"""A job process for tests/agent/test_hints_killed.py: the real AgentSession and recorder (its spool in argv[1]); the
candidate asks for a hint and, once the reply saying it has begun to go out, the process prints ``REACHED`` and waits
to be killed. The API never answers, so everything recorded stays in the spool, as when it was unreachable."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from livekit.agents import AgentSession

from agent.capture import attach_capture
from agent.context import EventIn, StoredEvent
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.recorder import EventRecorder
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_hints_resume import ASK, FIRST, CutIn
from tests.fakes.clock import ManualClock
from tests.fakes.interview import make_context, test_settings
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import settle


class Unreachable:
    async def append_events(self, session_id: str, events: Sequence[EventIn]) -> list[StoredEvent]:
        await asyncio.Event().wait()
        raise AssertionError("never answers")


async def main(spool: Path) -> None:
    recorder = EventRecorder(Unreachable(), "ses", spool_path=spool, flush_interval=0.05)
    _, state = build_interview(
        make_context(), api=None, recorder=recorder, clock=ManualClock(), settings=test_settings()
    )
    state.candidate_spoke = True
    cut = CutIn()
    agent = make_phase_agent(Phase.CODING, state)
    cut.install(agent)
    session = AgentSession[InterviewState](
        llm=FakeLLM([say("Go on."), call("give_hint"), say(FIRST)]), userdata=state
    )
    await session.start(agent)
    attach_capture(session, recorder, state.elapsed_s)
    await settle(session)
    cut.cut_after("the simplest")
    await text_turn(session, ASK)
    await asyncio.wait_for(cut.reached.wait(), 60)
    print("REACHED", flush=True)
    await asyncio.Event().wait()  # mid-reply until killed


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
