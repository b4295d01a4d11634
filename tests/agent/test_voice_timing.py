"""Voice turn-taking on a scripted audio timeline (fake VAD/STT/TTS, the real AgentSession pipeline).

Timeline seconds run `SPEED` times faster than real time; the interview's clock runs on the same timeline,
so the 2-minute coding check-in and the framework's endpointing and interruption delays stay in proportion.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from livekit.agents import AgentSession, TurnHandlingOptions
from livekit.agents.voice.transcription import TranscriptSynchronizer

from agent.candidate_asked import Asked
from agent.interview import attach_interview, build_interview
from agent.phases import make_phase_agent
from agent.providers import turn_handling
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, FakeResponse, call, say
from tests.fakes.session import until
from tests.fakes.voice import (
    FakeAudioInput,
    FakeAudioOutput,
    FakeSTT,
    FakeTTS,
    FakeVAD,
    Timeline,
    TimelineClock,
    Utterance,
)

SPEED = 20.0


def scaled_settings(speed: float = SPEED, **overrides: Any) -> Any:
    """Production turn-taking delays (in timeline seconds) converted to real seconds for the fakes."""
    return test_settings(
        min_endpointing_delay_s=0.5 / speed,
        max_endpointing_delay_s=3.0 / speed,
        coding_min_endpointing_delay_s=1.5 / speed,
        coding_max_endpointing_delay_s=6.0 / speed,
        interruption_min_s=0.5 / speed,
        coding_interruption_min_s=0.8 / speed,
        **overrides,
    )


@dataclass
class VoiceRun:
    session: AgentSession[InterviewState]
    state: InterviewState
    tl: Timeline
    llm: FakeLLM
    tts: FakeTTS
    speaker: FakeAudioOutput
    mic: FakeAudioInput
    tasks: Any
    sink: FakeSink

    async def aclose(self) -> None:
        await self.tasks.aclose()
        self.mic.close()
        await self.session.aclose()


async def voice_interview(
    phase: Phase,
    utterances: list[Utterance],
    script: list[FakeResponse],
    *,
    speed: float = SPEED,
    production_turns: bool = False,
    classifier: FakeLLM | None = None,
    spoke: bool = True,
    slow: dict[int, float] | None = None,
    gate: Callable[[VoiceRun, int], bool] | None = None,
    synced_transcript: bool = False,
    asked: Asked | None = None,
    **settings: Any,
) -> VoiceRun:
    """An interview on the scripted `utterances`. The candidate speaks first only once the greeting plays, and
    utterance i only once `gate(run, i)` also holds; until then the timeline, and the interview's clock on it, stand
    still (Timeline.hold). Timeline seconds are `speed` times shorter than real ones and the agent's own work is not:
    on a loaded box the scripted candidate spoke over a greeting not yet begun (livekit drops a speech interrupted
    before it began) or before the turn it follows was decided. `slow` delays the script's model calls it names
    (call index -> real seconds), as a loaded box would. `synced_transcript`: the agent's text goes out as
    RoomIO sends it in production, synchronised with the audio played (livekit's TranscriptSynchronizer), so an
    interrupted reply keeps only the text played before the interruption; without it, all the text generated.
    `asked`: what the candidate asked in the greeting (agent.candidate_asked), as a restarted job reads it."""
    built: list[VoiceRun] = []

    def ready(i: int) -> bool:
        if not built or (i == 0 and not built[0].speaker.playouts):
            return False
        return gate is None or gate(built[0], i)

    timeline = Timeline(utterances, speed=speed, gate=ready)
    agent_settings = scaled_settings(speed, **settings)
    sink = FakeSink()
    _, state = build_interview(make_context(minutes_left=40), api=None, recorder=sink,
                               clock=TimelineClock(timeline), channel=FakeChannel(),
                               settings=agent_settings, classifier=classifier)  # fmt: skip
    state.candidate_spoke = spoke  # the no-show path has its own tests (test_silence)
    if asked is not None:
        state.asked = asked
    llm = FakeLLM(script, slow=slow)
    tts = FakeTTS(timeline)
    mic = FakeAudioInput()
    speaker = FakeAudioOutput(timeline)
    session = AgentSession[InterviewState](
        vad=FakeVAD(timeline), stt=FakeSTT(timeline), llm=llm, tts=tts, userdata=state,
        aec_warmup_duration=3.0 / speed,  # echo guard: no interruptions in the first 3 s of agent speech
        turn_handling=(
            # What production uses (local v1-mini turn detector, VAD interruptions), delays scaled.
            turn_handling(agent_settings)
            if production_turns
            else TurnHandlingOptions(
                turn_detection="vad",
                endpointing={"min_delay": 0.5 / speed, "max_delay": 3.0 / speed},
                interruption={"mode": "vad", "min_duration": 0.5 / speed, "resume_false_interruption": False,
                              "false_interruption_timeout": None},
                preemptive_generation={"enabled": False},
            )
        ),
    )  # fmt: skip
    session.input.audio = mic
    session.output.audio = speaker
    if synced_transcript:
        sync = TranscriptSynchronizer(next_in_chain_audio=speaker, next_in_chain_text=None)
        session.output.audio, session.output.transcription = sync.audio_output, sync.text_output
    await session.start(make_phase_agent(phase, state))
    tasks = attach_interview(session, state)
    built.append(VoiceRun(session, state, timeline, llm, tts, speaker, mic, tasks, sink))
    return built[0]


async def test_the_interview_clock_stands_still_with_the_scripted_candidate():
    """While the script waits for the agent (Timeline.hold) the interview's clock reads the same time, and a timer on
    it waits too: it woke on real time, a 1 s timer firing with no time gone by on the clock it was set on."""
    polls = iter(range(1_000))
    timeline = Timeline([Utterance(1.0, 2.0, "hello")], speed=20, gate=lambda i: next(polls) >= 10)  # ~0.1 s
    clock = TimelineClock(timeline)
    timeline.begin()
    held = asyncio.create_task(timeline.hold(0))
    start = clock.now()
    await clock.sleep(1.0)  # 0.05 s real, inside the hold
    assert held.done() and clock.now() - start >= 1.0
    await held


async def test_a_minute_and_a_half_of_coding_silence_produce_no_speech_and_two_minutes_one_check_in():
    run = await voice_interview(
        Phase.CODING,
        [],
        [say("Go ahead, I'll stay quiet while you code."), say("How is it going so far?")],
        # The check-in is due at 120 s and asked for within 127 s: 0.7 real seconds for the agent's own work at
        # this speed, which a loaded box needs (0.35 s at the default speed was once missed by a loaded CI box).
        speed=10,
    )
    try:
        await run.tl.until(100)
        assert [r.text.strip() for r in run.tts.requests] == ["Go ahead, I'll stay quiet while you code."]
        assert len(run.speaker.playouts) == 1 and len(run.llm.requests) == 1
        await run.tl.until(130)
        assert len(run.tts.requests) == 2, [r.text for r in run.tts.requests]
        assert run.tts.requests[1].text.strip() == "How is it going so far?"
        assert 119 <= run.tts.requests[1].t <= 127
        assert run.state.phase == Phase.CODING
    finally:
        await run.aclose()


async def test_thinking_aloud_mid_coding_gets_no_reply_but_addressing_the_agent_does():
    utterances = [
        Utterance(4.0, 8.0, "okay so I'll loop over the array and keep a map of what I've seen"),
        Utterance(16.0, 18.0, "Is it okay to use a dictionary here?"),
    ]
    run = await voice_interview(
        Phase.CODING,
        utterances,
        [say("Go ahead."), say("Yes, a dictionary is fine.")],
        # Deciding the thinking aloud takes 0.4 s (2 timeline seconds), as on a loaded box: the question waits for
        # the decision (else the turn was still undecided, and unrecorded, at 14 s).
        classifier=FakeLLM([call("stay_silent")], slow={0: 0.4}),
        gate=lambda run, i: len(decisions(run.sink)) >= i,
        # "Promptly" below leaves 3.5 timeline seconds past the coding endpointing delay: 0.7 real seconds for the
        # agent's own work at this speed (a loaded CI box once took 0.31 s, more than the 0.18 s at speed 20).
        speed=5,
    )
    try:
        await run.tl.until(14)
        assert [r.text.strip() for r in run.tts.requests] == ["Go ahead."]
        users = [
            i.text_content for i in run.session.history.items if i.type == "message" and i.role == "user"
        ]
        assert users == ["okay so I'll loop over the array and keep a map of what I've seen"]
        await run.tl.until(30)
        assert [r.text.strip() for r in run.tts.requests] == ["Go ahead.", "Yes, a dictionary is fine."]
        assert 18 < run.tts.requests[1].t < 23  # answered promptly once the question ended
        assert len(run.speaker.playouts) == 2 and run.speaker.playouts[1].interrupted is False
    finally:
        await run.aclose()


async def test_candidate_interruption_stops_agent_speech():
    long_reply = " ".join(["Let me describe the problem in some detail so that everything is clear."] * 4)
    run = await voice_interview(
        Phase.APPROACH,
        [Utterance(3.0, 9.0, "Sorry, can I ask a question about the input?")],
        [say(long_reply), say("Of course, go ahead.")],
        # The interruption must land inside the 6 s the candidate speaks, 0.5 s of speech after it began: 5.5
        # timeline seconds, 1.1 real seconds at this speed for the agent's own work on a loaded box (the 2 s the
        # candidate spoke at speed 10 left 0.15 s).
        speed=5,
        # The candidate cuts in 3 s into the reply, past the echo guard. The reply comes 0.3 s (1.5 timeline
        # seconds) late, as on a loaded box: the echo guard covered the start of what the candidate said had the
        # timeline not waited.
        slow={0: 0.3},
    )
    try:
        await run.tl.until(9.0)
        # The answer to the question is said: up to a minute on a loaded box.
        await until(lambda: "Of course, go ahead." in [(i.text_content or "").strip() for i in run.session.history.items
                                                       if i.type == "message" and i.role == "assistant"])  # fmt: skip
        first = run.speaker.playouts[0]
        assert first.duration > 10 / run.tl.speed  # about 14 s of speech was queued
        assert first.interrupted is True
        assert first.finished is not None and 3.0 <= first.finished < 9.0
        assert first.position is not None and first.position < first.duration / 2
        said = [i for i in run.session.history.items if i.type == "message" and i.role == "assistant"]
        assert said[0].interrupted is True
        assert said[-1].text_content.strip() == "Of course, go ahead."
    finally:
        await run.aclose()


async def test_a_pause_inside_a_coding_utterance_does_not_end_the_turn():
    utterances = [
        Utterance(4.0, 6.0, "so if I keep a map of seen values"),
        Utterance(
            7.0, 9.0, "can you tell me whether that is enough?"
        ),  # a 1 s pause, under coding endpointing
    ]
    # The pause is 0.5 timeline seconds short of the coding endpointing (1.5 s): 25 real ms at the default speed,
    # which a loaded CI box once overran and split the turn in two; 250 ms at this speed.
    run = await voice_interview(
        Phase.CODING, utterances, [say("Go ahead."), say("Yes, that is enough.")], speed=2
    )
    try:
        await run.tl.until(20)
        # The answer must come: up to a minute on a loaded box (20 timeline seconds are 10 real seconds).
        await until(lambda: len(run.tts.requests) >= 2)
        users = [
            i.text_content for i in run.session.history.items if i.type == "message" and i.role == "user"
        ]
        assert len(users) == 1, users
        assert "seen values" in users[0] and "whether that is enough" in users[0]
        assert [r.text.strip() for r in run.tts.requests] == ["Go ahead.", "Yes, that is enough."]
        assert run.tts.requests[1].t > 9.0
    finally:
        await run.aclose()


async def test_production_turn_handling_with_the_local_turn_detector_answers_a_question():
    run = await voice_interview(
        Phase.CODING,
        [Utterance(4.0, 6.0, "Is it okay to use a dictionary here?")],
        [say("Go ahead."), say("Yes, that works.")],
        # The reply is bounded below: 2 timeline seconds past the longest the framework waits, 0.4 real seconds at
        # this speed for the agent's own work when the turn detector does not predict the end of the turn, and
        # 1.3 s when it does (0.65 s at speed 10). The detector's inference itself takes real time.
        speed=5,
        production_turns=True,
    )
    try:
        assert (
            run.session.turn_detection is not None
            and run.session.turn_detection.model == "turn-detector-v1-mini"
        )
        await run.tl.until(6.0)
        await until(lambda: len(run.tts.requests) >= 2)  # must happen: up to a minute on a loaded box
        assert [r.text.strip() for r in run.tts.requests] == ["Go ahead.", "Yes, that works."]
        # Within the coding max endpointing delay (6 s) of the end of the question, whatever the model predicted.
        assert 6.0 < run.tts.requests[1].t < 6.0 + 0.4 + 6.0 + 2.0
    finally:
        await run.aclose()


# The same utterances, spoken (scripted audio) and typed/simulated, must get the same decisions.
COMPARED = [
    "okay so I loop over the array and keep a map of what I've seen",
    "can you run the tests",
    "hmm what if the array is empty",
    "so the complement is target minus x right",
    "I'm stuck, can I get a hint?",
    "entonces guardo el índice en el diccionario",
    "¿me das una pista?",
    "let me just rename this variable",
]


def classifier_by_question_mark() -> FakeLLM:
    """A stand-in for the small decision model: addressed when the words end in '?'."""

    def respond(ctx: Any, tools: list[str]) -> FakeResponse:
        latest = (ctx.items[-1].text_content or "").split("latest words:", 1)[-1]
        return call(
            "reply" if latest.strip().rstrip(">").split("<<<END")[0].strip().endswith("?") else "stay_silent"
        )

    return FakeLLM(responder=respond)


def decisions(sink: FakeSink) -> list[tuple[str, bool]]:
    return [(e["payload"]["reason"], e["payload"]["reply"]) for e in sink.of_type("note")
            if e["payload"]["kind"] == "turn_decision"]  # fmt: skip


async def test_voice_and_text_turns_take_the_same_decisions():
    utterances = [Utterance(4.0 + 9 * i, 6.5 + 9 * i, text) for i, text in enumerate(COMPARED)]
    run = await voice_interview(
        Phase.CODING,
        utterances,
        [say("Go ahead."), say("Sure.")],
        classifier=classifier_by_question_mark(),
        # Each utterance starts once the one before it is decided: the 2.5 s between them are 0.125 real seconds
        # at this speed, which a loaded box could take to end a turn (two utterances then made one decision).
        gate=lambda run, i: len(decisions(run.sink)) >= i,
    )
    try:
        await run.tl.until(utterances[-1].end + 8)
        # What is compared is the decisions, not their timing: on a loaded host the last turn may still be in
        # flight 8 timeline seconds (0.4 s) on, and closing the session then would drop it.
        for _ in range(1200):  # must happen: up to a minute on a loaded box
            if len(decisions(run.sink)) >= len(COMPARED):
                break
            await asyncio.sleep(0.05)
        voice = decisions(run.sink)
    finally:
        await run.aclose()

    sink = FakeSink()
    _, state = build_interview(make_context(minutes_left=40), api=None, recorder=sink, clock=TimelineClock(
        Timeline([])), channel=FakeChannel(), settings=test_settings(),
        classifier=classifier_by_question_mark())  # fmt: skip
    async with AgentSession[InterviewState](
        llm=FakeLLM([say("Go ahead."), say("Sure.")]), userdata=state
    ) as s:
        await s.start(make_phase_agent(Phase.CODING, state))
        for text in COMPARED:
            handle = await text_turn(s, text)
            if handle is not None:
                await handle
    text_path = decisions(sink)
    assert len(voice) == len(COMPARED) and voice == text_path
    assert [reply for _, reply in voice] == [False, True, False, False, True, False, True, False]


async def test_the_coding_interruption_threshold_is_set_on_the_session_where_1_8_reads_it():
    """Regression: the threshold was set on the Agent, which livekit-agents 1.8 ignores for min_duration."""
    run = await voice_interview(Phase.CODING, [], [say("Go ahead."), call("start_testing"), say("Run it?")])
    try:
        assert (
            run.session.options.interruption["min_duration"] == run.state.settings.coding_interruption_min_s
        )
        await text_turn(run.session, "I'm done")
        for _ in range(6000):  # must happen: up to a minute on a loaded box
            if run.state.phase == Phase.TESTING:
                break
            await asyncio.sleep(0.01)
        assert run.state.phase == Phase.TESTING
        assert run.session.options.interruption["min_duration"] == run.state.settings.interruption_min_s
    finally:
        await run.aclose()


async def test_the_log_keeps_turns_in_the_order_they_were_finished_while_a_spoken_turn_is_decided():
    """A spoken turn waits for its decision (the classifier, while coding) before the conversation takes it. It was
    recorded then: after a code snapshot and a typed message that came in meanwhile, with its time right and its
    place in the log (what the grader and the replay read in order) wrong. Each is recorded when it happened."""
    from livekit.agents.voice.room_io import TextInputEvent

    from agent.capture import attach_capture
    from agent.room import chat_input

    spoken = "okay so I loop over the array and keep a map of what I have seen"
    typed = "How much time do I have left?"  # an explicit request: decided at once, no classifier call
    classifier = FakeLLM([call("stay_silent")], ttft_s=0.4)  # 8 timeline seconds
    run = await voice_interview(Phase.CODING, [Utterance(2.0, 4.0, spoken)], [say("Plenty.")],
                                classifier=classifier, turn_classifier_timeout_s=5.0)  # fmt: skip
    capture = attach_capture(run.session, run.sink, run.state.elapsed_s)
    try:
        for _ in range(6000):  # the spoken turn is finished and being decided: up to a minute on a loaded box
            if classifier.requests:
                break
            await asyncio.sleep(0.01)
        assert classifier.requests
        run.state.editor.ingest("def two_sum(nums, target):\n    seen = {}\n", {"version": "7"})
        await chat_input().text_input_cb(run.session, TextInputEvent(text=typed))  # type: ignore[misc]
        for _ in range(6000):  # must happen: up to a minute on a loaded box
            if len(decisions(run.sink)) == 2:
                break
            await asyncio.sleep(0.01)
        order = [
            e["payload"].get("text") if e["type"] == "transcript" else e["type"]
            for e in run.sink.events
            if e["type"] in ("transcript", "editor_snapshot") and e["payload"].get("role", "user") == "user"
        ]
    finally:
        capture.detach()
        await run.aclose()
    assert order == [spoken, "editor_snapshot", typed]
    assert sorted(reply for _, reply in decisions(run.sink)) == [False, True]


async def test_words_spoken_over_the_goodbye_stay_in_the_record_unanswered():
    """The End button's goodbye cannot be interrupted, and livekit drops a turn finished while such a speech plays
    (or while the phase hands over): what the candidate said over the goodbye was in no transcript. It is kept,
    recorded and decided like every turn after the end: not answered."""
    from livekit import rtc

    from agent.capture import attach_capture
    from agent.ending import EndRequests

    goodbye = " ".join(["Thank you for your time today, it was a pleasure to talk with you."] * 3)
    said = "wait, I just found the bug on line three"
    run = await voice_interview(Phase.CODING, [Utterance(3.0, 5.0, said)], [say("Go ahead."), say(goodbye)])
    capture = attach_capture(run.session, run.sink, run.state.elapsed_s)
    ends = EndRequests(run.session, run.state, lambda: "cand")
    try:
        await run.tl.until(1.0)
        await ends.handle(rtc.RpcInvocationData("r1", "cand", "{}", 5.0))
        await run.tl.until(14)
        assert ends.task is not None
        # It must end: a bound of 5 real seconds was a deadline a loaded box could miss.
        await asyncio.wait_for(ends.task, 60)
        users = [
            i.text_content for i in run.session.history.items if i.type == "message" and i.role == "user"
        ]
    finally:
        capture.detach()
        await run.aclose()
    assert users == [said]
    assert [
        e["payload"]["text"] for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"
    ] == [said]
    assert decisions(run.sink) == [("ended", False)]
    assert len(run.llm.requests) == 2 and goodbye.endswith(run.tts.requests[-1].text.strip())  # nothing after


async def test_a_turn_answered_by_a_preemptive_generation_is_recorded_once():
    """Outside coding livekit generates preemptively, and the conversation takes the preemptive attempt's copy of
    the turn (another id) rather than the message the turn was recorded with when it finished: recorded twice."""
    from agent.capture import attach_capture

    asked = "Is it okay to use a dictionary here?"
    script = [say("Go ahead."), say("Yes, that works.")]
    run = await voice_interview(
        Phase.APPROACH, [Utterance(4.0, 6.0, asked)], script, speed=10, production_turns=True
    )
    capture = attach_capture(run.session, run.sink, run.state.elapsed_s)
    try:
        await run.tl.until(14)
        # The turn is answered, however long a loaded box takes (14 timeline seconds are 1.4 real ones): a second
        # copy of it would have been recorded by then.
        await until(lambda: len(run.tts.requests) >= 2 and len(run.speaker.playouts) >= 2)
        users = [
            i.text_content for i in run.session.history.items if i.type == "message" and i.role == "user"
        ]
    finally:
        capture.detach()
        await run.aclose()
    assert users == [asked]
    assert [
        e["payload"]["text"] for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"
    ] == [asked]
