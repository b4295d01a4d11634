""" "Shall we stop here?" is answered by the candidate's next words only while it is the last thing the interviewer
said: a check-in, a time warning or a no-show ping of the interviewer's own accord closes it, so that a "yes" to
"are you still there?" never ends the interview. A restarted job whose log holds the question open asks it again
in its first line, so the candidate's answer is to that question and not to "we got disconnected"."""

from __future__ import annotations

from livekit.agents import AgentSession

from agent.capture import attach_capture
from agent.phases import make_phase_agent
from agent.prompts import render
from agent.resume import build_resume
from agent.state import InterviewState, Phase
from agent.turns import reply_after_handoff
from tests.agent.ending_support import ask_to_end_then_answer, turn
from tests.agent.test_resume_restart import STOP, YES, Job, _first_job, _log, _notes
from tests.fakes.interview import make_context
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import instructed, settle

RE_ASK = render("resumed_end_question")


async def test_a_yes_after_the_interviewers_own_check_in_does_not_answer_the_end_question():
    job = Job(make_context())
    job.state.candidate_spoke = True
    model = FakeLLM([
        say("Go on."), call("end_interview"), say("Shall we stop here?"),
        say("Are you still there? Can you hear me?"),  # the check-in, of the interviewer's own accord
        call("end_interview", reason="candidate_request"), say("Do you want to stop here?"),
    ])  # fmt: skip
    async with AgentSession[InterviewState](llm=model, userdata=job.state) as session:
        await session.start(make_phase_agent(Phase.CODING, job.state))
        capture = attach_capture(session, job.sink, job.state.elapsed_s)
        await settle(session)
        await turn(session, STOP)
        assert job.state.end_confirm_turn is not None
        handle = await reply_after_handoff(session, instructions="Ask whether the candidate is still there.")
        assert handle is not None
        await handle
        await settle(session)
        await turn(session, YES)  # "Yes, let's stop here." to "can you hear me?"
        capture.detach()
    assert not job.state.ended  # asked again instead
    assert len(_notes(job.sink, "end_confirm")) == 2
    assert len(_notes(job.sink, "end_question_closed")) == 1
    # A job that stopped right after the check-in does not reopen the question when it restarts.
    log = _log(job.sink)
    [closed_at] = [e.seq for e in log if e.payload.get("kind") == "end_question_closed"]
    point = build_resume([e for e in log if e.seq <= closed_at])
    assert point is not None and point.end_confirm_turn is None
    point = build_resume([e for e in log if e.seq < closed_at])  # before it, the question was open
    assert point is not None and point.end_confirm_turn is not None


async def test_a_reply_to_the_candidates_turn_keeps_the_question_open():
    """Only a reply of the interviewer's own accord closes it: the candidate's "yes" to the question still ends."""
    job = await ask_to_end_then_answer(STOP, YES)
    assert job.state.ended and job.state.end_reason == "candidate_request"
    assert _notes(job.sink, "end_question_closed") == []


async def test_a_restarted_job_asks_an_open_end_question_again_in_its_first_line():
    context = make_context()
    events = await _first_job(
        context, Phase.CODING, [STOP], [call("end_interview"), say("Shall we stop here?")]
    )
    job = Job(context, events=events)
    model = FakeLLM([say("Sorry, the line dropped. Do you still want to stop here?")])
    async with AgentSession[InterviewState](llm=model, userdata=job.state) as session:
        await session.start(job.agent)
        await settle(session)
    assert instructed(model, RE_ASK) == 1
    # With no question open, the line after a restart does not ask it.
    quiet = Job(context, events=await _first_job(context, Phase.CODING, ["Let me think."], [say("Sure.")]))
    model = FakeLLM([say("Sorry, the line dropped.")])
    async with AgentSession[InterviewState](llm=model, userdata=quiet.state) as session:
        await session.start(quiet.agent)
        await settle(session)
    assert instructed(model, RE_ASK) == 0
