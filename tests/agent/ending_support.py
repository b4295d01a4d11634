"""Driving the end of an interview through the real AgentSession and tool: a candidate's turn, and the ask-to-end
then answer exchange the ending tests share (tests/agent/test_end_question_closed.py, test_spoken_forms.py,
test_transcript_forms.py)."""

from __future__ import annotations

from livekit.agents import AgentSession

from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_resume_restart import Job, _notes
from tests.fakes.interview import make_context
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.session import settle


async def turn(session: AgentSession[InterviewState], text: str) -> None:
    """The candidate says `text`; returns once the interviewer's reply (if any) is done and the session is idle."""
    handle = await text_turn(session, text)
    if handle is not None:
        await handle
    await settle(session)


def end_then_yes_model() -> FakeLLM:
    """An interviewer that calls `end_interview` on the candidate's first turn (the tool asks "shall we stop here?"),
    and again, as the candidate's request, on their answer."""
    return FakeLLM([
        say("Go on."), call("end_interview"), say("Shall we stop here?"),
        call("end_interview", reason="candidate_request"), say("Thanks, goodbye!"),
    ])  # fmt: skip


async def ask_to_end_then_answer(request: str, answer: str) -> Job:
    """A coding-phase interview where the candidate says `request`, which must be asked to confirm (no
    `end_refused`, one `end_confirm`), then `answer` to "shall we stop here?". Returns the job to read its state."""
    job = Job(make_context())
    job.state.candidate_spoke = True
    async with AgentSession[InterviewState](llm=end_then_yes_model(), userdata=job.state) as session:
        await session.start(make_phase_agent(Phase.CODING, job.state))
        await settle(session)
        await turn(session, request)
        assert _notes(job.sink, "end_refused") == []
        assert len(_notes(job.sink, "end_confirm")) == 1
        await turn(session, answer)
    return job
