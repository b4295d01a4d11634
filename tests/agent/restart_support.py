"""The restarted-job tests' scaffold (tests/agent/test_resume_restart.py, test_own_lines.py,
test_silence_presence.py): an interview's job built as the worker builds it, from the record a job before it left
(``Job``); that record as the stored log (``log``); the job run on the real AgentSession, its record captured and its
silence and time loops attached (``Job.running``); and the interview clock moved on with the session settled
(``Job.wait``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from livekit.agents import AgentSession, llm

from agent.capture import attach_capture
from agent.context import SessionContext, SessionEvent
from agent.interview import attach_interview, build_interview
from agent.phases import make_phase_agent
from agent.resume import build_resume
from agent.state import InterviewState, Phase
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.session import settle


def log(sink: FakeSink) -> list[SessionEvent]:
    """What ``sink`` recorded, as the API stores it and a restarted job reads it."""
    return [
        SessionEvent(seq=i, type=e["type"], t=e["t"], idempotency_key=e["key"], payload=e["payload"])
        for i, e in enumerate(sink.events, 1)
    ]


def started_session() -> tuple[SessionContext, datetime]:
    """A 45-minute session and when it started (a job at a later time restarts into it)."""
    context = make_context(minutes_left=45.0, duration_minutes=45)
    assert context.session.started_at is not None
    return context, context.session.started_at


class Job:
    """One job of an interview: its state, its record and its end callback's calls."""

    def __init__(
        self,
        context: SessionContext,
        *,
        events: list[SessionEvent] | None = None,
        now: datetime | None = None,
    ) -> None:
        self.sink = FakeSink()
        self.clock = ManualClock()
        self.channel = FakeChannel()
        self.finished: list[str] = []
        resume = build_resume(events) if events is not None else None
        if events is not None:
            assert resume is not None
        self.agent, self.state = build_interview(
            context, api=None, recorder=self.sink, clock=self.clock, channel=self.channel,
            settings=test_settings(), resume=resume, now=now, on_end=self._on_end,
        )  # fmt: skip

    async def _on_end(self, reason: str) -> None:
        self.finished.append(reason)

    @asynccontextmanager
    async def running(
        self, model: llm.LLM[Any], *, phase: Phase | None = None, capture: bool = False, loops: bool = True
    ) -> AsyncIterator[AgentSession[InterviewState]]:
        """This job on the real AgentSession with ``model``: started in ``phase`` (a first job) or as its build left
        it (a restarted job), its record captured as it goes (``capture``), its silence and time loops attached
        (``loops``), settled; on the way out the capture is detached and the loops closed, inside the session."""
        async with AgentSession[InterviewState](llm=model, userdata=self.state) as session:
            await session.start(self.agent if phase is None else make_phase_agent(phase, self.state))
            capturing = attach_capture(session, self.sink, self.state.elapsed_s) if capture else None
            tasks = attach_interview(session, self.state) if loops else None
            await settle(session)
            try:
                yield session
            finally:
                if capturing is not None:
                    capturing.detach()
                if tasks is not None:
                    await tasks.aclose()

    async def wait(
        self, session: AgentSession[InterviewState], seconds: float, *, every: float = 5, step: float = 1
    ) -> None:
        """Move the interview clock on ``seconds``, ``every`` seconds at a time (in steps of ``step``), the session
        settled after each."""
        for _ in range(round(seconds / every)):
            await self.clock.advance(every, step=step)
            await settle(session)
