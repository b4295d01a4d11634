"""A candidate who asked in the greeting for time to answer is given it (agent.candidate_asked): a pause
mid-sentence is not the end of their turn, and the quiet before "are you still there?" is longer; live from
``begin_problem`` and after a restart, from the recorded call. The interview's other clocks keep theirs."""

from __future__ import annotations

from livekit.agents import Agent, AgentSession, TurnHandlingOptions
from livekit.agents.utils import is_given

from agent.candidate_asked import Asked
from agent.context import SessionEvent
from agent.interview import attach_interview, build_interview
from agent.phases import CodingAgent, GreetingAgent, ProblemAgent
from agent.resume import build_resume
from agent.state import InterviewState, Phase
from tests.agent.test_greeting_asks_kept import ASKED
from tests.agent.test_phases import make
from tests.agent.test_voice_timing import voice_interview
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, FakeResponse, FakeToolCall, say
from tests.fakes.session import instructed, settle, until
from tests.fakes.voice import Utterance

GIVE_TIME = {"asked": ["time_to_answer"], "call_them": ""}


def _delays(agent: Agent, session: AgentSession[InterviewState] | None = None) -> tuple[float, float]:
    """The end-of-turn delays ``agent`` waits with: its own, else the session's (livekit-agents 1.8 reads an Agent's
    endpointing over the session's)."""
    low, high = agent.min_endpointing_delay, agent.max_endpointing_delay
    if session is not None and not is_given(low) and not is_given(high):
        return session.options.endpointing["min_delay"], session.options.endpointing["max_delay"]
    assert is_given(low) and is_given(high)
    return low, high


async def test_begin_problem_with_time_to_answer_lengthens_the_next_phases_end_of_turn_delays():
    """Asked as the greeting ends: the problem phase the call hands over to already waits longer (it was built
    before the request was kept, with the usual delays); coding's own longer delays are lengthened the same way;
    the greeting itself and a candidate who asked nothing keep the usual ones."""
    for arguments, factor in ((GIVE_TIME, 2.0), ({"asked": ["speak_slowly"]}, 1.0)):
        agent, state, *_ = make()
        s = state.settings
        assert s.time_to_answer_factor == 2.0
        fake = FakeLLM(
            [
                say("Hi Ada! Anything I should know before we start?"),
                FakeResponse("Of course.", [FakeToolCall("begin_problem", arguments)]),
                say("The problem is Two Sum."),
            ]
        )
        usual = (s.min_endpointing_delay_s, s.max_endpointing_delay_s)
        endpointing = TurnHandlingOptions(endpointing={"min_delay": usual[0], "max_delay": usual[1]})
        async with AgentSession[InterviewState](
            llm=fake, userdata=state, turn_handling=endpointing
        ) as session:
            await session.start(agent)
            assert isinstance(agent, GreetingAgent) and _delays(agent, session) == usual
            result = await session.run(user_input=ASKED)
            result.expect.contains_agent_handoff(new_agent_type=ProblemAgent)
            problem = session.current_agent
            assert isinstance(problem, ProblemAgent)
            assert _delays(problem, session) == (usual[0] * factor, usual[1] * factor), arguments
            coding = (s.coding_min_endpointing_delay_s * factor, s.coding_max_endpointing_delay_s * factor)
            assert _delays(CodingAgent(state)) == coding, arguments


def _restarted(phase: str) -> tuple[object, InterviewState, ManualClock]:
    """A job restarted in ``phase`` after a greeting whose recorded ``begin_problem`` asked for time to answer."""
    events = [
        ("phase_change", {"from": None, "to": "greeting"}),
        ("transcript", {"role": "assistant", "text": "Hi Ada! Anything I should know?", "item_id": "a1"}),
        ("transcript", {"role": "user", "text": ASKED, "item_id": "u1"}),
        ("tool_call", {"name": "begin_problem", "call_id": "c1", "arguments": GIVE_TIME, "is_error": False}),
        ("phase_change", {"from": "greeting", "to": phase}),
        ("transcript", {"role": "assistant", "text": "The problem is Two Sum.", "item_id": "a2"}),
    ]
    log = [
        SessionEvent(seq=n, type=kind, t=float(n), idempotency_key=f"k{n}", payload=payload)
        for n, (kind, payload) in enumerate(events)
    ]
    point = build_resume(log)
    assert point is not None and point.asked == Asked(("time_to_answer",))
    clock = ManualClock()
    agent, state = build_interview(make_context(), api=None, recorder=FakeSink(), clock=clock,
                                   channel=FakeChannel(), settings=test_settings(), resume=point)  # fmt: skip
    return agent, state, clock


async def test_a_restarted_job_waits_longer_before_asking_whether_they_are_still_there():
    """Restored from the record: the longer end-of-turn delays, and "are you still there?" after twice the usual
    quiet (180 s, not 90), the microphone hint as long again after it; nothing ends the interview meanwhile."""
    agent, state, clock = _restarted("approach")
    s = state.settings
    assert _delays(agent) == (s.min_endpointing_delay_s * 2, s.max_endpointing_delay_s * 2)
    mic = "I can't hear you; check your microphone, or type in the chat."
    fake = FakeLLM([say("Where were we? Your approach."), say("Are you still with me?"), say(mic)])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(agent, capture_run=True)
        tasks = attach_interview(session, state)
        await settle(session)
        await clock.advance(170, step=10)  # past the usual 90 s
        await settle(session)
        assert instructed(fake, "still there") == 0
        await clock.advance(20, step=10)
        await settle(session)
        assert instructed(fake, "still there") == 1 and instructed(fake, "microphone") == 0
        await clock.advance(170, step=10)
        await settle(session)
        assert instructed(fake, "microphone") == 0
        await clock.advance(20, step=10)
        await settle(session)
        assert instructed(fake, "microphone") == 1 and not state.ended
        await tasks.aclose()


async def test_a_pause_mid_sentence_of_a_candidate_given_time_does_not_end_their_turn():
    """The usual end-of-turn delay outside coding is 0.5 s: a 1 s pause split the sentence into two turns, and the
    interviewer answered its first half. With time to answer asked for (here three times the usual wait, 1.5 s) it
    is one turn, answered once it ends."""
    utterances = [
        Utterance(4.0, 6.0, "so my first idea would be"),
        Utterance(7.0, 9.0, "to sort the array and walk in from both ends"),
    ]
    script = [say("Let's talk about your approach."), say("That works."), say("And then?")]

    # The pause is 0.5 timeline seconds from either delay: 250 real ms at this speed (as the coding pause test).
    run = await voice_interview(
        Phase.APPROACH, utterances, script, speed=2, time_to_answer_factor=3.0,
        asked=Asked(("time_to_answer",)),
    )  # fmt: skip
    try:
        await run.tl.until(14)
        await until(lambda: len(run.tts.requests) >= 2)  # must happen: up to a minute on a loaded box
        users = [
            i.text_content for i in run.session.history.items if i.type == "message" and i.role == "user"
        ]
        assert len(users) == 1, users
        assert "first idea" in (users[0] or "") and "both ends" in (users[0] or "")
        assert [r.text.strip() for r in run.tts.requests][:2] == [
            "Let's talk about your approach.",
            "That works.",
        ]
        assert run.tts.requests[1].t > 9.0
    finally:
        await run.aclose()
