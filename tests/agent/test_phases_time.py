"""Time warnings, the time-up wrap-up and the overtime end, on a controllable clock (silence: test_silence)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from livekit.agents import AgentSession, llm
from livekit.agents.voice.agent_activity import AgentActivity

from agent.ending import conclude
from agent.interview import attach_interview
from agent.phases import WrapUpAgent, make_phase_agent
from agent.prompts import render
from agent.resume import ResumePoint
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import instructed, make_interview, settle, until


def make(minutes_left: float, resume: ResumePoint | None = None, **settings: Any):
    state, channel, sink, clock = make_interview(minutes_left, resume=resume, **settings)
    state.candidate_spoke = True  # these tests are about time; a silent candidate is a no-show (test_silence)
    return state, channel, sink, clock


async def test_time_warnings_at_ten_and_five_minutes_then_wrap_up_and_overtime_end():
    state, channel, sink, clock = make(minutes_left=11, overtime_s=60)
    ended: list[str] = []

    async def on_end(reason: str) -> None:
        ended.append(reason)

    state.on_end = on_end
    fake = FakeLLM([say("Okay.")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.TESTING, state), capture_run=True)
        tasks = attach_interview(session, state)
        ten = render("time_warning", minutes=10)
        five = render("time_warning", minutes=5)
        await clock.advance(50, step=5)
        await settle(session)
        assert sink.of_type("time_warning") == [] and instructed(fake, ten) == 0
        await clock.advance(15, step=5)  # crosses 10:00 left
        await settle(session)
        assert [e["payload"]["minutes_left"] for e in sink.of_type("time_warning")] == [10]
        assert instructed(fake, ten) == 1
        await clock.advance(300, step=10)  # crosses 5:00 left
        await settle(session)
        assert [e["key"] for e in sink.of_type("time_warning")] == [
            "agent:time_warning:10",
            "agent:time_warning:5",
        ]
        assert instructed(fake, five) == 1
        assert [e["minutes_left"] for e in channel.of_type("time_warning")] == [10, 5]
        await clock.advance(300, step=10)  # time is up
        await settle(session)
        assert isinstance(session.current_agent, WrapUpAgent) and state.phase == Phase.WRAP_UP
        assert instructed(fake, render("time_up")) >= 1
        assert channel.of_type("time_up") and not ended
        await clock.advance(61, step=5)  # overtime grace is over
        await settle(session)
        assert ended == ["time_up"] and state.phase == Phase.END and state.end_reason == "time_up"
        await tasks.aclose()


async def test_resumed_late_session_does_not_repeat_past_warnings():
    state, _, sink, clock = make(minutes_left=3.5)
    fake = FakeLLM([say("Okay.")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        tasks = attach_interview(session, state)
        await clock.advance(30, step=5)
        await settle(session)
        assert sink.of_type("time_warning") == []  # both marks passed over a minute before this job started
        await tasks.aclose()
    state, _, sink, clock = make(minutes_left=5.5)
    async with AgentSession[InterviewState](llm=FakeLLM([say("Ok.")]), userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        tasks = attach_interview(session, state)
        await clock.advance(40, step=5)
        await settle(session)
        assert [e["payload"]["minutes_left"] for e in sink.of_type("time_warning")] == [5]
        await tasks.aclose()


async def test_a_job_resumed_within_a_minute_of_a_warning_it_gave_does_not_give_it_again():
    # The warning at five minutes was given (the log holds it) seconds before the job died; the new job starts
    # inside the minute in which an unlogged warning would still be given.
    given = ResumePoint(
        chat_ctx=llm.ChatContext(), phase="coding", hints_given=0, last_t=None, transcript_items=0,
        warned_minutes=frozenset({10, 5}),
    )  # fmt: skip
    state, channel, sink, clock = make(minutes_left=4.5, resume=given)
    async with AgentSession[InterviewState](llm=FakeLLM([say("Ok.")]), userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        tasks = attach_interview(session, state)
        await clock.advance(40, step=5)
        await settle(session)
        assert sink.of_type("time_warning") == []
        assert channel.of_type("time_warning") == []
        await tasks.aclose()


async def _hold_handoff_to_wrap_up(
    monkeypatch: pytest.MonkeyPatch, session: AgentSession[InterviewState], turn: str
) -> asyncio.Event:
    """Say `turn` (the agent answers it with the wrap_up tool) and return once the wrap-up agent is current while
    the complexity agent is still draining, as it can on a loaded box or while its last words play. Its drain waits
    for the returned event (20 s at most, so a failing test still ends), so the handoff is in flight for as long as
    the test needs, however slow the box."""
    release = asyncio.Event()
    drain = AgentActivity.drain

    async def held_drain(self: AgentActivity, **kwargs: Any) -> Any:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(release.wait(), 20)
        return await drain(self, **kwargs)

    monkeypatch.setattr(AgentActivity, "drain", held_drain)
    await text_turn(session, turn)
    await until(lambda: isinstance(session.current_agent, WrapUpAgent))
    return release


async def test_time_up_during_a_handoff_to_the_wrap_up_hands_off_once(monkeypatch: pytest.MonkeyPatch):
    # The wrap_up tool has handed off (the wrap-up agent is current) but the complexity agent is still draining
    # when time runs out: the phase is still complexity.
    state, _, sink, clock = make(minutes_left=0.5, overtime_s=600)
    fake = FakeLLM([say("Hi."), call("wrap_up"), say("Thanks for your time.")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.COMPLEXITY, state), capture_run=True)
        tasks = attach_interview(session, state)
        await settle(session)
        release = await _hold_handoff_to_wrap_up(monkeypatch, session, "That's my answer on complexity.")
        assert state.phase == Phase.COMPLEXITY
        await clock.advance(31, step=5)  # time is up while the handoff is in flight
        await asyncio.sleep(
            0.3
        )  # time for the time-up to act on the phase it reads (it must wait for the handoff)
        release.set()
        await settle(session)
        assert [e["payload"]["to"] for e in sink.of_type("phase_change")] == ["complexity", "wrap_up"]
        await tasks.aclose()


async def test_an_interview_ended_during_a_handoff_stays_ended(monkeypatch: pytest.MonkeyPatch):
    # The End button is pressed while the wrap_up tool's handoff is in flight: the interview is over (END recorded,
    # the goodbye said); the wrap-up agent that takes over after does not enter its phase nor speak its opening.
    state, channel, sink, _ = make(minutes_left=20)
    fake = FakeLLM([say("Hi."), call("wrap_up"), say("Let's wrap up.")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.COMPLEXITY, state), capture_run=True)
        await settle(session)
        release = await _hold_handoff_to_wrap_up(monkeypatch, session, "That's my answer on complexity.")
        asked = len(fake.requests)
        ending = asyncio.create_task(conclude(state, "candidate_request"))
        await until(lambda: state.phase == Phase.END)  # entered at once; the goodbye may wait for the handoff
        release.set()
        assert await ending
        await settle(session)
        assert [e["payload"]["to"] for e in sink.of_type("phase_change")] == ["complexity", "end"]
        assert state.phase == Phase.END and channel.attributes.get("interview.phase") == "end"
        assert len(fake.requests) == asked  # no opening of a wrap-up after the end


@pytest.mark.parametrize(
    ("seconds_left", "said"),
    [
        (20, "less than a minute"),  # was "about 0 minutes"
        (40, "less than a minute"),
        (50, "about a minute"),
        (85, "about a minute"),
        (100, "about 2 minutes"),
        (12 * 60, "about 12 minutes"),
    ],
)
def test_the_time_left_is_said_in_words_that_fit_it_never_about_0_minutes(
    seconds_left: int, said: str
) -> None:
    """ "Shall we stop here?" and the status the model sees each turn say the time left: rounded to whole minutes,
    under 30 s it read "about 0 minutes" (and "about 1 minutes")."""
    state, *_ = make(minutes_left=seconds_left / 60)
    assert state.time_left() == said
    asked = render("end_confirm", time_left=state.time_left() or "some time")
    assert f"you still have {said}, shall we stop here?" in asked
    assert (
        make_phase_agent(Phase.GREETING, state)
        .status_note()
        .startswith(f"[interview status] Phase: greeting. Time left: {said}.")
    )
