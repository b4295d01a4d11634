"""Races between the candidate leaving, coming back and the model failing, against the real AgentSession: the no-show
end is not brought forward by a model failure long past (agent.silence ``_ends``), and an AI notice cut off as the
candidate drops is asked for once on their return, never twice (agent.ai_notice ``_Notice``). Each test failed
before."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from livekit.agents import AgentSession, APIConnectionError, llm

from agent.phases import make_phase_agent
from agent.prompts import render
from agent.realtime import PreparedRealtimeModel
from agent.state import InterviewState, Phase
from tests.agent.restart_support import Job, log, started_session
from tests.agent.test_phases import make
from tests.agent.test_silence_presence import _notes, _respond, _start
from tests.fakes.llm import FakeLLM, FakeResponse
from tests.fakes.realtime import FakeRealtimeModel, RealtimeReply, ReplyRequest
from tests.fakes.session import settle, until

PING = render("no_show_ping")[:40]


async def test_a_candidate_back_from_a_drop_is_not_ended_as_no_show_for_a_model_failure_long_past() -> None:
    """The no-show ping (20 s in) failed once, a blip of the model; the candidate's connection dropped before it was
    tried again, and they were back 3 minutes in, the model working. Before: the one failure counted as "the model
    is down" for good, so the no-show end came at once on their return, with no ping ever said to them. The ping is
    tried again on their return; said, the ladder goes on from it (the microphone hint, then the end, spaced)."""
    call = await _start(Phase.GREETING, spoke=False)
    blip = [True]

    def respond(ctx: llm.ChatContext, tools: list[str]) -> FakeResponse:
        if blip[0] and any(PING in (i.text_content or "") for i in ctx.items if i.type == "message"):
            blip[0] = False
            raise APIConnectionError("a blip of the model")
        return _respond(ctx, tools)

    call.fake._responder = respond
    for _ in range(22):  # each failure settled as it comes
        await call.wait(1, step=1)
    assert [n["line"] for n in _notes(call.sink, "line_unsaid")] == ["no_show_ping"]
    call.leave()  # before the ping's retry (15 s after the failure)
    await call.wait(170, step=5)  # 192 s in: past the no-show end's 3 minutes
    call.come_back()
    for _ in range(20):
        await call.wait(1, step=1)
    assert not call.state.ended and _notes(call.sink, "no_show") == []
    assert [n["waited_s"] for n in _notes(call.sink, "no_show_ping")][-1] >= 190
    await call.close()


def _drop_when_asked(state: InterviewState, line: str, *, back: bool) -> Callable[[ReplyRequest], None]:
    """A realtime model's hook: asked for the notice the first time, the candidate's connection drops and, `back`,
    is back at once: the room's events come before the cut reply has ended."""
    dropped: list[bool] = []

    def drop() -> None:
        state.candidate_left()
        if back:
            state.candidate_returned()

    def on_request(request: ReplyRequest) -> None:
        if not dropped and line in (request.instructions or ""):
            dropped.append(True)
            asyncio.get_running_loop().call_soon(drop)

    return on_request


async def test_a_realtime_notice_cut_by_a_drop_and_a_quick_return_is_asked_for_once_more_not_twice() -> None:
    """A realtime session; the candidate dropped as the notice was asked for and was back before the cut reply had
    ended. Before: the return asked for the notice again, and the cut reply, ending after it, found the line owed no
    more and not yet said, so it asked once more too: two asks at once, the notice said twice in a row. The ask cut
    off is superseded by the one their return made: one more ask, the line said whole once after the cut."""
    _, state, _, _, _ = make()
    line = render("ai_notice_en")
    model = FakeRealtimeModel(
        [RealtimeReply("Hi Ada! Ready to start?"), *[RealtimeReply(line)] * 3],
        text_up_front=False,
        on_request=_drop_when_asked(state, line, back=True),
    )
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.GREETING, state))
        await until(lambda: sum(line in (r.instructions or "") for r in model.requests) >= 2)
        await settle(session)
        await asyncio.sleep(0.2)  # a third ask, if any, is under way by now
        await settle(session)
        said = [
            (i.text_content or "", i.interrupted)
            for i in session.history.items
            if isinstance(i, llm.ChatMessage) and i.role == "assistant"
        ]
    asks = [r for r in model.requests if line in (r.instructions or "")]
    assert len(asks) == 2, said
    assert sum(text.strip() == line and not cut for text, cut in said) == 1, said
    kinds = [e["payload"]["kind"] for e in state.recorder.of_type("note")]
    assert kinds.count("ai_notice") == 2 and kinds.count("line_unheard") == 1, kinds


async def test_a_realtime_notice_owed_across_a_phase_change_is_asked_for_once_and_counted_as_said() -> None:
    """A realtime session; the notice was cut off as the candidate dropped, and the interview moved on to the
    problem while they were out (the model answering what they had said before they dropped). Back, the notice was
    asked for and said whole, in the problem's conversation. Before: whether it was said was read from the greeting's
    conversation only, which never got it: the model was asked once more (the line said twice in a row), and then a
    note recorded the notice as never said (``ai_notice_unsaid``). It is read from the conversation the interview has
    now too: one ask after the return, no such note."""
    _, state, _, _, _ = make()
    line = render("ai_notice_en")
    model = FakeRealtimeModel(
        [RealtimeReply("Hi Ada! Ready to start?"), RealtimeReply(line), RealtimeReply("Here is the problem.")]
        + [RealtimeReply(line)] * 2,
        text_up_front=False,
        on_request=_drop_when_asked(state, line, back=False),
    )
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.GREETING, state))
        await until(lambda: state.candidate_left_at is not None)
        await settle(session)
        ctx = session.current_agent.chat_ctx.copy()
        session.update_agent(make_phase_agent(Phase.PROBLEM, state, chat_ctx=ctx))
        await until(lambda: state.phase is Phase.PROBLEM)
        await settle(session)
        state.candidate_returned()
        await until(lambda: sum(line in (r.instructions or "") for r in model.requests) >= 2)
        await settle(session)
        await asyncio.sleep(0.2)  # a third ask, if any, is under way by now
        await settle(session)
    asks = [r for r in model.requests if line in (r.instructions or "")]
    assert len(asks) == 2, [r.instructions for r in model.requests]
    kinds = [e["payload"]["kind"] for e in state.recorder.of_type("note")]
    assert kinds.count("ai_notice") == 2 and "ai_notice_unsaid" not in kinds, kinds


async def test_a_restarted_job_does_not_end_as_no_show_a_candidate_heard_but_never_transcribed() -> None:
    """The candidate was heard (their voice: the VAD's speech) but nothing of it was transcribed (a speech-to-text
    outage, say), and the agent's job restarted. The live job knew they were there: no no-show. Before: the
    restarted job read only turns and transcripts, found none, and ended them as ``no_show`` while they were talking
    to it. Their being heard is noted once (``candidate_heard``) and read back."""
    context, started_at = started_session()
    first = Job(context, now=started_at)
    async with first.running(FakeLLM(responder=_respond), phase=Phase.GREETING, capture=True) as session:
        await first.wait(session, 10)
        session._update_user_state("speaking")  # their voice, never transcribed
        session._update_user_state("listening")
        await first.wait(session, 20)
    events = log(first.sink)
    second = Job(context, events=events, now=started_at + timedelta(seconds=40))
    async with second.running(FakeLLM(responder=_respond)) as session:
        await second.wait(session, 240, every=10, step=5)  # past the no-show end
        assert not second.state.ended and _notes(second.sink, "no_show", "no_show_ping") == []
    assert [e.payload for e in events if e.type == "note" and e.payload["kind"] == "candidate_heard"] == [
        {"kind": "candidate_heard", "phase": "greeting"}
    ]
