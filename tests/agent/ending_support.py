"""Driving the end of an interview through the real AgentSession and tool: a candidate's turn, and the ask-to-end
then answer exchange the ending tests share (tests/agent/test_end_question_closed.py, test_spoken_forms.py,
test_transcript_forms.py); an interview whose interviewer waits for a run the judge holds (test_record_timing.py,
test_end_goodbye_prompt.py, test_after_end.py, test_end_last.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.agents import AgentSession, ConversationItemAddedEvent, llm
from livekit.agents.voice import SpeechHandle

from agent.ending import EndRequests
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_ending import Interview
from tests.agent.test_resume_restart import Job, _notes
from tests.agent.test_tools import CODE, REPORT
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeRunClient, make_context, test_settings
from tests.fakes.llm import FakeLLM, FakeResponse, FakeToolCall, call, say
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


class HeldRun(FakeRunClient):
    """A run the judge is still at until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__(REPORT)
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def run_tests(
        self, session_id: str, language: str, code: str, mode: str = "run", t: float | None = None
    ) -> dict[str, Any]:
        self.started.set()
        await self.release.wait()
        return await super().run_tests(session_id, language, code, mode, t)


class RunningInterview(Interview):
    """``Interview`` (tests/agent/test_ending.py) with a run client, so that ``run_tests`` reaches the API, in
    ``phase`` (coding), with ``model`` in place of one that says ``script``."""

    def __init__(
        self,
        script: list[Any],
        api: FakeRunClient | None,
        *,
        phase: Phase = Phase.CODING,
        model: FakeLLM | None = None,
    ) -> None:
        super().__init__(phase, script)
        self.llm = model or self.llm
        _, self.state = build_interview(
            make_context(), api=api, recorder=self.sink, clock=ManualClock(), channel=self.channel,
            settings=test_settings(),
        )  # fmt: skip

        async def on_end(reason: str) -> None:
            self.finished.append(reason)

        self.state.on_end = on_end
        self.session = AgentSession[InterviewState](llm=self.llm, userdata=self.state)
        self.ends = EndRequests(self.session, self.state, lambda: self.identity, goodbye_timeout_s=30)

        def on_item(ev: ConversationItemAddedEvent) -> None:
            if isinstance(ev.item, llm.ChatMessage) and ev.item.role == "assistant":
                self.timeline.append(f"said:{(ev.item.text_content or '').strip()}")

        self.session.on("conversation_item_added", on_item)


RUNNING = "Sure, running it now."


async def run_in_flight(*after: FakeResponse) -> tuple[HeldRun, RunningInterview, SpeechHandle]:
    """A coding interview, started, whose interviewer was asked to run the code: it says "Sure, running it now."
    and waits for the run the judge holds (until ``api.release`` is set). ``after``: the model's next replies (the
    goodbye first). Returns the run client, the interview and the reply waiting for the run."""
    api = HeldRun()
    iv = RunningInterview(
        [say("Let's code."), FakeResponse(RUNNING, [FakeToolCall("run_tests")]), *after], api
    )
    await iv.start()
    iv.state.editor.ingest(CODE, {"version": "2", "language": "python"})
    running = iv.session.generate_reply(user_input="Please run my code.")
    await asyncio.wait_for(api.started.wait(), 30)
    return api, iv, running
