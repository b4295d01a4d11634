"""A hint attempt cut by the job stopping mid-reply (a redispatch, a drain: the worker's shutdown) is taken back and
noted like one the candidate talked over (agent.hints ``settle``): closing the session ends the speech, whose done
callback records the ``hint_unheard`` note with what the attempt said and played, before the shutdown seals the log.
A restarted job reads it back (agent.resume). Not covered: a process that dies (killed, crashed) records nothing."""

from __future__ import annotations

import asyncio
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
from agent.worker import InterviewJob
from tests.agent.test_hints_resume import ASK, FIRST, CutIn
from tests.fakes.clock import ManualClock
from tests.fakes.interview import make_context, test_settings
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import settle


class Api:
    def __init__(self) -> None:
        self.events: list[EventIn] = []

    async def append_events(self, session_id: str, events: Sequence[EventIn]) -> list[StoredEvent]:
        self.events.extend(events)
        return [StoredEvent(idempotency_key=e.idempotency_key, seq=len(self.events)) for e in events]


async def test_a_hint_cut_by_the_job_stopping_mid_reply_is_noted_as_taken_back(tmp_path: Path) -> None:
    api = Api()
    recorder = EventRecorder(api, "ses", spool_path=tmp_path / "ses.jsonl", flush_interval=0.05)
    _, state = build_interview(
        make_context(), api=None, recorder=recorder, clock=ManualClock(), settings=test_settings()
    )
    state.candidate_spoke = True
    fake = FakeLLM([say("Go on."), call("give_hint"), say(FIRST)])
    cut = CutIn()
    agent = make_phase_agent(Phase.CODING, state)
    cut.install(agent)
    session = AgentSession[InterviewState](llm=fake, userdata=state)
    await session.start(agent)
    capture = attach_capture(session, recorder, state.elapsed_s)
    await settle(session)
    cut.cut_after("the simplest")
    handle = await text_turn(session, ASK)
    assert handle is not None
    await asyncio.wait_for(cut.reached.wait(), 30)
    await InterviewJob(api=None, state=state, session=session, recorder=recorder, capture=capture).shutdown(
        "x"
    )
    assert state.pending_hints == [] and recorder.stats.refused_sealed == 0
    assert [e for e in api.events if e.type == "hint"] == []
    [note] = [e.payload for e in api.events if e.type == "note" and e.payload["kind"] == "hint_unheard"]
    # "Start with the simplest" played before the stop: 2 of the hint's 6 own words.
    assert (note["index"], note["said"], note["heard"]) == (
        1,
        ["check", "cost", "pair", "simplest", "start", "work"],
        ["simplest", "start"],
    )
