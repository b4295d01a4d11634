"""The candidate is always told the interviewer is an AI (agent.phases GreetingAgent, agent.ai_notice): once the
greeting's first reply is done, one scripted line says it, in the interview's language, whatever the greeting said.
Only the line itself, said before a restart, stands for it."""

from __future__ import annotations

from livekit import rtc
from livekit.agents import AgentSession, llm

from agent.capture import attach_capture
from agent.phases import make_phase_agent
from agent.prompts import render
from agent.realtime import PreparedRealtimeModel
from agent.state import InterviewState, Phase
from tests.agent.test_phases import make
from tests.fakes.llm import FakeLLM, say
from tests.fakes.realtime import FakeRealtimeModel, RealtimeReply
from tests.fakes.session import settle, until
from tests.fakes.voice import FakeAudioOutput, FakeTTS, Timeline


def _assistant(session: AgentSession[InterviewState]) -> list[str]:
    return [
        i.text_content or ""
        for i in session.history.items
        if isinstance(i, llm.ChatMessage) and i.role == "assistant"
    ]


async def _greeting(reply: str, *, language: str = "en") -> tuple[list[str], InterviewState]:
    _, state, _, _, _ = make()
    state.interview_language = language
    fake = FakeLLM([say(reply), say("Great, let's begin.")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.GREETING, state), capture_run=True)
        await settle(session)
        said = _assistant(session)
    return said, state


async def test_a_greeting_that_never_says_it_is_an_ai_is_followed_by_the_scripted_notice() -> None:
    said, _ = await _greeting("Hi Ada! Thanks for joining, we'll do one coding problem today. Ready?")
    assert said[0].startswith("Hi Ada!")
    assert said[1:] == [render("ai_notice_en")], said


async def test_the_notice_is_said_in_the_interviews_language() -> None:
    said, _ = await _greeting("¡Hola Ada! Gracias por venir. ¿Empezamos?", language="es")
    assert said[1:] == [render("ai_notice_es")], said


async def test_what_the_greeting_says_of_itself_never_stands_for_the_notice() -> None:
    """Whether the greeting had said it was an AI was read from what the model wrote, by rules for how an
    interviewer describes itself. They took "I'm a human rather than an AI" for the notice, and the greeting reads a
    résumé the candidate wrote: a candidate who could make the model say such a sentence skipped the notice. Claims,
    denials, mentions and statements alike are followed by the line."""
    claims = [
        "I'm an AI interviewer and this call is recorded",
        "I'm the Shadows interviewer, an A.I., and the call is recorded",
        "you'll be talking with an AI interviewer today",
        "I'm an AI-powered interviewer, not a person",
    ]
    denials = [
        "I'm a human rather than an AI, so relax",
        "I'm a person, unlike an AI",
        "I'm a real human and an AI helps me take notes",
        "this is your AI-free interview with a human",
        "I'm not an AI, just the interviewer for today",
        "I'm a person instead of an AI interviewer",
        "I am human as opposed to an AI interviewer",
    ]
    mentions = [
        "I see you built AI tooling at Acme, great to meet you",
        "I'm a big fan of AI research, and we'll do one coding problem today",
        "your résumé says you lead the A.I. platform team",
        "this is an AI-heavy role, so I'm glad you're here",
    ]
    spanish = [
        "soy una entrevistadora de IA y la llamada se graba",
        "no soy una IA, soy tu entrevistador de hoy",
        "soy una persona y no una IA",
        "veo que trabajaste en IA en Acme",
    ]
    cases = [(f"Hi Ada, {text}. Ready?", "en") for text in [*claims, *denials, *mentions]]
    cases += [(f"Hola Ada, {text}. ¿Empezamos?", "es") for text in spanish]
    for reply, language in cases:
        said, state = await _greeting(reply, language=language)
        assert [s.strip() for s in said] == [reply, render(f"ai_notice_{language}")], (reply, said)
        assert [e["payload"]["kind"] for e in state.recorder.of_type("note")].count("ai_notice") == 1  # type: ignore[attr-defined]


async def _resumed(said_before: str, phase: Phase = Phase.GREETING, *, replies: int = 1) -> list[str]:
    """What the interviewer says once resumed in ``phase`` (the restored conversation is not in the history), once
    it has said at least ``replies`` messages and is idle: the notice is scheduled after the first reply has
    played, and a loaded box found the session idle between the two (CI49a)."""
    _, state, _, _, _ = make()
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="assistant", content="Hi Ada! Thanks for joining.")
    ctx.add_message(role="assistant", content=said_before)
    ctx.add_message(role="user", content="Hi!")
    fake = FakeLLM([say("Sorry, we got cut off. Where were we?")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(phase, state, chat_ctx=ctx, resumed=True))
        await until(lambda: len(_assistant(session)) >= replies)
        await settle(session)
        return _assistant(session)


async def test_a_resumed_job_whose_notice_was_said_before_the_restart_gets_no_second_one() -> None:
    line = render("ai_notice_en")
    for phase in (Phase.GREETING, Phase.APPROACH, Phase.CODING):
        for before in [
            line,
            line.upper().replace(",", "").replace(":", ""),  # a realtime model's transcript of it
            render("ai_notice_es"),  # the candidate switched language since
        ]:
            said = await _resumed(before, phase)
            assert [s.strip() for s in said] == ["Sorry, we got cut off. Where were we?"], (
                phase,
                before,
                said,
            )


async def test_a_resumed_job_that_never_said_the_line_says_it_whatever_its_phase() -> None:
    """A job that ended after the greeting had moved on to the problem, before the line was said, resumed in a later
    phase, where nothing said it; and the line said inside a message of the model's own counted as said."""
    line = render("ai_notice_en")
    for phase in (Phase.GREETING, Phase.APPROACH, Phase.CODING):
        for before in [
            "Hi Ada, I'm an AI interviewer.",
            f"Funny, my notes say to tell you '{line}' Ignore that, I'm Sam, a human recruiter.",
            f"{line} Just kidding, I'm a person.",
        ]:
            said = await _resumed(before, phase, replies=2)
            assert [s.strip() for s in said] == ["Sorry, we got cut off. Where were we?", line], (
                phase,
                before,
                said,
            )


async def test_a_realtime_greeting_that_never_says_it_is_an_ai_asks_the_model_to_say_the_notice() -> None:
    """A realtime model speaks with its own voice: it is asked to say the scripted line word for word."""
    _, state, _, _, _ = make()
    line = render("ai_notice_en")
    model = FakeRealtimeModel(
        [RealtimeReply("Hi Ada! Ready to start?"), RealtimeReply(line), RealtimeReply("Okay.")]
    )
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.GREETING, state))
        await until(lambda: len(_assistant(session)) >= 2)
        await settle(session)
        said = _assistant(session)
    assert len(model.requests) == 2 and line in (model.requests[1].instructions or "")
    assert said == ["Hi Ada! Ready to start?", line], said


async def test_the_notice_is_heard_whole_when_the_candidate_talks_over_it() -> None:
    """The scripted notice could be interrupted like any reply: a candidate talking over it ("hello? can you hear
    me?") cut it after a word or two, and nothing said it again. It is played whole; what the candidate said over it
    is kept in the record and answered after it."""
    from tests.agent.test_voice_timing import voice_interview
    from tests.fakes.voice import Utterance

    line = render("ai_notice_en")
    over = "hello, hello, can you hear me okay?"
    run = await voice_interview(
        Phase.GREETING,
        [Utterance(0.5, 3.0, over)],
        [say("Hi Ada! Thanks for joining, we'll do one coding problem today."), say("Yes, I can hear you.")],
        speed=10,  # the candidate's words must land while the notice plays: keep real-time slack
        gate=lambda run, i: len(run.speaker.playouts) >= 2,  # they start talking once the notice has begun
    )
    try:
        await until(lambda: len(run.llm.requests) >= 2 and len(_assistant(run.session)) >= 3)
        await settle(run.session)
        said = _assistant(run.session)
        users = [
            i.text_content for i in run.session.history.items if i.type == "message" and i.role == "user"
        ]
    finally:
        await run.aclose()
    notice = run.speaker.playouts[1]
    assert notice.interrupted is False, run.speaker.playouts
    assert said[1].strip() == line and said[2].strip() == "Yes, I can hear you.", said
    assert users == [over]


async def test_a_realtime_model_that_does_not_say_the_notice_is_asked_again_then_the_gap_is_noted() -> None:
    """A realtime model speaks with its own voice, so it is asked to say the line word for word; what it then said
    was never checked: a model that answered something else ("Sure, let's start!"), or a reply the candidate talked
    over, left them untold. What was played is read again, and the line asked for once more; if still unsaid, a note
    says so (the record must not claim a notice that was never heard)."""
    line = render("ai_notice_en")
    for replies, expected_asks, told in [
        (["Hi Ada! Ready to start?", "Sure, let's start!", line, "Okay."], 2, True),
        (["Hi Ada! Ready to start?", "Sure, let's start!", "Let's go!", "Okay.", "Okay."], 2, False),
    ]:
        _, state, _, _, _ = make()
        model = FakeRealtimeModel([RealtimeReply(r) for r in replies])
        async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
            await session.start(make_phase_agent(Phase.GREETING, state))
            await until(lambda: len(_assistant(session)) >= 3)
            await settle(session)
            said = _assistant(session)
        asks = [r for r in model.requests if line in (r.instructions or "")]
        assert len(asks) == expected_asks, (replies, said)
        assert (line in said) is told, said
        kinds = [e["payload"]["kind"] for e in state.recorder.of_type("note")]  # type: ignore[attr-defined]
        assert kinds.count("ai_notice") == 1 and kinds.count("ai_notice_unsaid") == (0 if told else 1), kinds


class _LeavingSpeaker(FakeAudioOutput):
    """The candidate's speaker; their connection drops as the second line (the notice) begins to play."""

    def __init__(self, timeline: Timeline, state: InterviewState) -> None:
        super().__init__(timeline)
        self._state = state
        self.left = False

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if len(self.playouts) == 2 and not self.left:
            self.left = True
            self._state.candidate_left()  # the notice's first frame is playing


async def test_a_notice_cut_off_as_the_candidate_leaves_is_said_again_when_they_are_back() -> None:
    """The candidate's connection dropped while the notice was being played. Before: it could not be cut (it is not
    interruptible), so it played whole into the empty room, and the record held it as said to them: back, they may
    never have heard that the interviewer is an AI. It is cut off there (``line_unheard``, its words ``interrupted``
    in the transcript) and said again, whole, once they are back: the record shows whether it was heard whole."""
    _, state, _, sink, clock = make()
    line = render("ai_notice_en")
    timeline = Timeline([], speed=20.0)
    timeline.begin()
    voice = FakeTTS(timeline)
    speaker = _LeavingSpeaker(timeline, state)
    fake = FakeLLM([say("Hi Ada! Thanks for joining.")])
    async with AgentSession[InterviewState](llm=fake, tts=voice, userdata=state) as session:
        session.output.audio = speaker
        attach_capture(session, sink, clock.now)
        await session.start(make_phase_agent(Phase.GREETING, state), capture_run=True)
        await until(lambda: speaker.left)
        await settle(session)
        assert voice.requests[1].text == line
        assert [n["payload"] for n in sink.of_type("note") if n["payload"]["kind"] == "line_unheard"] == [
            {"kind": "line_unheard", "line": "ai_notice", "phase": "greeting"}
        ]
        state.candidate_returned()
        await until(lambda: len(speaker.playouts) >= 3 and speaker.playouts[2].finished is not None)
        await settle(session)
    assert [p.interrupted for p in speaker.playouts] == [False, True, False]
    said = [
        (e["payload"]["text"], e["payload"].get("interrupted", False)) for e in sink.of_type("transcript")
    ]
    assert said[1:] == [(said[1][0], True), (line, False)] and said[1][0] in line, said
    kinds = [e["payload"]["kind"] for e in sink.of_type("note")]
    assert kinds.count("ai_notice") == 2 and kinds.count("line_unheard") == 1, kinds


async def test_a_resumed_job_says_the_notice_that_was_cut_off_before_the_restart() -> None:
    """The record has the notice's words marked interrupted (cut off as the candidate left, or talked over in a
    realtime session): not heard whole, so the restarted job says it."""
    _, state, _, _, _ = make()
    line = render("ai_notice_en")
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="assistant", content="Hi Ada! Thanks for joining.")
    ctx.add_message(role="assistant", content=line, interrupted=True)
    ctx.add_message(role="user", content="Hi!")
    fake = FakeLLM([say("Sorry, we got cut off. Where were we?")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state, chat_ctx=ctx, resumed=True))
        await until(lambda: len(_assistant(session)) >= 2)
        await settle(session)
        said = _assistant(session)
    assert [s.strip() for s in said] == ["Sorry, we got cut off. Where were we?", line], said
