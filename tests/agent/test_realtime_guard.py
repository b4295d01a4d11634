"""Realtime mode (a speech-to-speech model that never calls llm_node) holds the same lines as the text pipeline:
spoken turns draw on the interview's budget of answered turns, and what the model says never reads out the
interviewer's private notes (agent.realtime_guard)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from livekit.agents import AgentSession, TurnHandlingOptions, llm

from agent.capture import attach_capture
from agent.disclosure import protected_runs, withheld_line
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.realtime import PreparedRealtimeModel
from agent.state import InterviewState, Phase
from agent.turn_budget import BURST, REFILL_S
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.realtime import CHARS_PER_S, FakeRealtimeModel, RealtimeReply, speech
from tests.fakes.voice import (
    FakeAudioInput,
    FakeAudioOutput,
    FakeSTT,
    FakeVAD,
    Timeline,
    TimelineClock,
    Utterance,
)

SPEED = 20.0


def voice_turns(speed: float = SPEED) -> TurnHandlingOptions:
    return TurnHandlingOptions(turn_detection="vad", endpointing={"min_delay": 0.5 / speed, "max_delay": 3.0 / speed},
                               interruption={"mode": "vad", "min_duration": 0.5 / speed},
                               preemptive_generation={"enabled": False})  # fmt: skip


async def test_a_flood_of_spoken_turns_in_realtime_mode_is_held_to_the_budget_of_answered_turns():
    """Every spoken turn the realtime model would answer is a paid response: past the interview's budget a turn is
    kept (its audio is in the server's conversation), unanswered, and its decision says `rate_limited`."""
    n = 30
    model = FakeRealtimeModel([RealtimeReply("Okay.")])
    utterances = [Utterance(2.0 + 1.5 * i, 2.5 + 1.5 * i, f"phrase number {i}") for i in range(n)]
    sink = FakeSink()

    def decisions() -> list[dict[str, Any]]:
        return [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] == "turn_decision"]

    # Utterance i waits for the greeting and for turn i-1's decision: 50 ms of real silence between two phrases
    # (1 s at SPEED) is shorter than a stall of a loaded CI box, which would otherwise join two phrases into one
    # turn. Held time stands still on the interview's clock too, so it refills no budget.
    timeline = Timeline(
        utterances, speed=SPEED, gate=lambda i: len(model.requests) >= 1 and len(decisions()) >= i
    )
    settings = test_settings(min_endpointing_delay_s=0.5 / SPEED, max_endpointing_delay_s=3.0 / SPEED)
    _, state = build_interview(make_context(minutes_left=40), api=None, recorder=sink,
                               clock=TimelineClock(timeline), channel=FakeChannel(), settings=settings,
                               classifier=None)  # fmt: skip
    state.candidate_spoke = True
    mic = FakeAudioInput()
    session = AgentSession[InterviewState](vad=FakeVAD(timeline), stt=FakeSTT(timeline),
                                           llm=PreparedRealtimeModel(model), userdata=state,
                                           turn_handling=voice_turns())  # fmt: skip
    session.input.audio = mic
    try:
        await session.start(make_phase_agent(Phase.PROBLEM, state))
        await timeline.until(utterances[-1].end + 4)
        for _ in range(6_000):  # must happen: up to a minute on a loaded box
            if len(decisions()) >= n:
                break
            await asyncio.sleep(0.01)
        rt = model.sessions[-1]
    finally:
        mic.close()
        await session.aclose()
    decided = decisions()
    answered = [p for p in decided if p["reply"]]
    allowed = BURST + int((utterances[-1].end - utterances[0].end) / REFILL_S) + 1
    assert len(decided) == n and rt.committed_audio == n
    assert len(answered) <= allowed, (len(answered), allowed)
    assert len(model.requests) <= allowed + 1  # the greeting, then at most one per answered turn
    assert any(p["reason"] == "rate_limited" for p in decided)


def _said(session: AgentSession[InterviewState]) -> list[str]:
    return [
        i.text_content or "" for i in session.history.items if i.type == "message" and i.role == "assistant"
    ]


async def _reads_the_rubric(audio: bool) -> tuple[list[str], float, str, InterviewState]:
    """A realtime interviewer whose first reply reads a rubric point aloud: (what the conversation says it said,
    seconds of audio the candidate's speaker received, the rubric point, the state)."""
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    rubric = str(state.question.rubric[2]["behaviour"])
    reply = f"Sure. {rubric} Anything else?"
    model = FakeRealtimeModel([RealtimeReply(reply, audio=audio)])
    timeline = Timeline([], speed=1.0)
    timeline.begin()
    speaker = FakeAudioOutput(timeline)
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        if audio:
            session.output.audio = speaker
        await session.start(make_phase_agent(Phase.APPROACH, state))
        # Settled: the reply is in the conversation, nothing is being said or played, and (with audio) the whole
        # reply would have finished playing by now, so audio of it that came late would have been heard. Up to a
        # minute on a loaded box.
        for _ in range(6_000):
            idle = session.current_speech is None and all(p.finished is not None for p in speaker.playouts)
            if _said(session) and idle and (not audio or timeline.now() > len(reply) / CHARS_PER_S + 1):
                break
            await asyncio.sleep(0.01)
        said = _said(session)
    return said, sum(p.duration for p in speaker.playouts), rubric, state


async def test_a_realtime_reply_reading_the_rubric_aloud_is_cut_before_any_audio_of_it_plays():
    """A realtime model speaks without llm_node, so the guard on the model's words (agent.disclosure) did not cover
    it: a candidate who asked for the interviewer's notes word for word heard them. Its audio arrives faster than
    it plays, with the transcript beside it; no audio of a protected run may reach the speaker, and the transcript
    the conversation keeps says only what was played."""
    said, played, rubric, _ = await _reads_the_rubric(audio=True)
    assert len(rubric.split()) >= 16 and "hash map from value" in rubric
    assert said and not any("hash map from value" in s for s in said), said
    assert played <= len("Sure. ") / CHARS_PER_S + 1e-6, played  # not one word of the rubric point


async def test_a_realtime_text_reply_reading_the_rubric_is_replaced_by_the_scripted_line():
    """With text output (spoken by a TTS, or in a text session) the cut is exact, as in the text pipeline: the
    words before the run, then the scripted line."""
    said, _, _, state = await _reads_the_rubric(audio=False)
    assert said and not any("hash map from value" in s for s in said), said
    assert said[-1].startswith("Sure.") and withheld_line(state) in said[-1]


async def test_a_realtime_reply_that_quotes_nothing_plays_all_its_audio():
    """The guard holds audio back only until the text covers it: a reply that quotes nothing is played whole."""
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    text = "Sure, a dictionary works well here. What would you use as its keys, and why?"
    model = FakeRealtimeModel([RealtimeReply(text, audio=True)])
    timeline = Timeline([], speed=1.0)
    timeline.begin()
    speaker = FakeAudioOutput(timeline)
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        session.output.audio = speaker
        await session.start(make_phase_agent(Phase.APPROACH, state))
        for _ in range(6_000):  # up to a minute on a loaded box
            if _said(session) and speaker.playouts and speaker.playouts[-1].finished:
                break
            await asyncio.sleep(0.01)
        said = _said(session)
    assert said and said[-1].strip() == text
    assert abs(sum(p.duration for p in speaker.playouts) - sum(f.duration for f in speech(text))) < 1e-6


async def test_a_reply_the_realtime_provider_starts_itself_is_guarded_too():
    """A provider may start a reply on its own (``generation_created`` with ``user_initiated`` false: server-side
    turn handling, a reply after a tool call): the session passes it to the framework through the same guard."""
    from livekit.agents import llm, utils
    from livekit.rtc import AudioFrame

    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    rubric = str(state.question.rubric[2]["behaviour"])
    prepared = PreparedRealtimeModel(FakeRealtimeModel([RealtimeReply("unused")]))
    rt = prepared.session()
    rt.guards.source = lambda _: (protected_runs(state), withheld_line(state))
    received: list[llm.GenerationCreatedEvent] = []
    rt.on("generation_created", received.append)
    text, audio = utils.aio.Chan[str](), utils.aio.Chan[AudioFrame]()
    modalities: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
    modalities.set_result(["text"])
    for word in f"Of course. {rubric}".split(" "):
        text.send_nowait(word + " ")
    text.close()
    audio.close()
    messages, functions = utils.aio.Chan[llm.MessageGeneration](), utils.aio.Chan[llm.FunctionCall]()
    messages.send_nowait(llm.MessageGeneration(message_id="m1", text_stream=text, audio_stream=audio,
                                               modalities=modalities))  # type: ignore[arg-type]  # fmt: skip
    messages.close()
    functions.close()
    rt._child.emit("generation_created", llm.GenerationCreatedEvent(  # type: ignore[attr-defined]
        message_stream=messages, function_stream=functions, user_initiated=False))  # fmt: skip
    assert len(received) == 1
    said = ""
    async for message in received[0].message_stream:
        said += "".join([t async for t in message.text_stream])
    await rt.aclose()
    assert "hash map from value" not in said and said.startswith("Of course.")
    assert withheld_line(state) in said


def _texts(items: list[Any]) -> list[str]:
    return [i.text_content or "" for i in items if isinstance(i, llm.ChatMessage)]


async def _cut_realtime_reply(lead: str, *, audio: bool, obeys: bool = True) -> dict[str, Any]:
    """A realtime interviewer whose first reply reads a rubric point after ``lead``; the fake model says the
    scripted line when it is asked for next (or, not ``obeys``, reads the rubric point again). What the candidate,
    the conversation, the model and the record hold once it is all played."""
    sink = FakeSink()
    clock = ManualClock()
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=sink, clock=clock,
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    rubric = str(state.question.rubric[2]["behaviour"])
    state.phase = Phase.APPROACH  # the phase the session starts in: the line goes on as it does
    line = withheld_line(state)
    second = line if obeys else f"{rubric} There."
    model = FakeRealtimeModel([RealtimeReply(f"{lead}{rubric} Anything else?", audio=audio),
                               RealtimeReply(second, audio=audio), RealtimeReply("Okay.", audio=audio)])  # fmt: skip
    timeline = Timeline([], speed=1.0)
    timeline.begin()
    speaker = FakeAudioOutput(timeline)
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        attach_capture(session, sink, clock.now)
        if audio:
            session.output.audio = speaker
        await session.start(make_phase_agent(Phase.APPROACH, state))
        for _ in range(6_000):  # up to a minute (a loaded box); the cut reply and the line play in 9 s
            if obeys:
                played = not audio or bool(speaker.playouts and speaker.playouts[-1].finished)
                done = played and any(line in s for s in _said(session))
            else:  # the second reply cut and withdrawn (nothing of either is played)
                done = len(model.requests) == 2 and _holds_no_quote(_texts(model.sessions[-1].chat_ctx.items))
            if done:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # anything still to come after the line (a second ask) would start now
        out = {
            "rubric": rubric,
            "line": line,
            "said": _said(session),
            "agent_ctx": _texts(session.current_agent.chat_ctx.items),
            "provider": _texts(model.sessions[-1].chat_ctx.items),
            "requests": list(model.requests),
            "transcript": [e["payload"]["text"] for e in sink.of_type("transcript")],
            "played": sum(p.duration for p in speaker.playouts),
        }
    return out


def _holds_no_quote(texts: list[str]) -> bool:
    return not any("hash map from value" in t or "looks up target" in t for t in texts)


@pytest.mark.parametrize("lead", ["", "Sure. "])
async def test_a_cut_realtime_spoken_reply_is_followed_by_the_scripted_line_and_the_model_keeps_only_what_played(
    lead: str,
) -> None:
    """A spoken realtime reply cut by the guard just stopped: the scripted line was not said (it was text, and the
    model's voice is the only voice), and the provider's copy of the conversation, and the agent's own (a
    placeholder the framework keeps for a reply it never heard of again), kept the uncut reply, which the model
    was given back next turn. Now the model is asked to say the line, and both copies hold only what was played."""
    got = await _cut_realtime_reply(lead, audio=True)
    line = got["line"]
    for name in ("said", "agent_ctx", "provider", "transcript"):
        assert _holds_no_quote(got[name]), (name, got[name])
        assert sum(t.count(line) for t in got[name]) == 1, (name, got[name])
    assert all(_holds_no_quote(_texts(r.chat_ctx.items)) for r in got["requests"][1:])
    asked = got["requests"][1].instructions or ""
    assert line in asked and len(got["requests"]) == 2  # asked once, and nothing after it
    if lead:
        assert got["said"][0] == lead and got["transcript"][0] == lead
        assert any(t.strip() == lead.strip() for t in got["provider"])
    # The line was heard whole (of the lead, only audio its released text covers at MAX_CHARS_PER_S may play).
    assert got["played"] >= sum(f.duration for f in speech(line)) - 1e-6


async def test_a_cut_realtime_text_reply_keeps_the_line_once_and_the_model_keeps_only_what_was_shown() -> (
    None
):
    """Text output (a TTS speaks it, or a text session): the scripted line is part of the cut message itself, so
    nothing more is asked of the model; the provider's copy holds the message as shown, never the quote."""
    got = await _cut_realtime_reply("Sure. ", audio=False)
    line = got["line"]
    for name in ("said", "agent_ctx", "provider", "transcript"):
        assert _holds_no_quote(got[name]), (name, got[name])
        assert sum(t.count(line) for t in got[name]) == 1, (name, got[name])
    assert len(got["requests"]) == 1


async def test_a_scripted_line_reply_that_reads_the_notes_again_is_cut_and_not_asked_for_again() -> None:
    """The model asked to say the line reads the rubric point instead: that reply is cut too, and withdrawn, but the
    line is not asked for a second time (no loop of requests)."""
    got = await _cut_realtime_reply("", audio=True, obeys=False)
    for name in ("said", "agent_ctx", "provider", "transcript"):
        assert _holds_no_quote(got[name]), (name, got[name])
    assert len(got["requests"]) == 2 and got["line"] in (got["requests"][1].instructions or "")


def _generation(text: str, *, audio: bool, calls: list[str]) -> tuple[llm.GenerationCreatedEvent, Any, Any]:
    """A provider's reply of one message saying ``text`` (in audio too, when ``audio``) and calling ``calls``; its
    tool calls are still to come (the provider sends them, and ends the reply, when the test says: the channels)."""
    from livekit.agents import utils
    from livekit.rtc import AudioFrame

    words, frames = text.split(" "), speech(text)
    said, sound = utils.aio.Chan[str](), utils.aio.Chan[AudioFrame]()
    modalities: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
    modalities.set_result(["audio", "text"] if audio else ["text"])
    for i, word in enumerate(words):
        said.send_nowait(word if i == len(words) - 1 else word + " ")
        if audio:
            sound.send_nowait(frames[i])
    said.close()
    sound.close()
    messages, functions = utils.aio.Chan[llm.MessageGeneration](), utils.aio.Chan[llm.FunctionCall]()
    messages.send_nowait(llm.MessageGeneration(message_id="m1", text_stream=said, audio_stream=sound,
                                               modalities=modalities))  # type: ignore[arg-type]  # fmt: skip
    messages.close()
    for name in calls:
        functions.send_nowait(llm.FunctionCall(call_id=f"c_{name}", name=name, arguments="{}"))
    event = llm.GenerationCreatedEvent(
        message_stream=messages, function_stream=functions, user_initiated=True
    )
    return event, functions, sound


@pytest.mark.parametrize("audio", [False, True], ids=["text", "audio"])
@pytest.mark.parametrize(
    ("claim", "calls"),
    [
        ("notes", []),
        ("notes", ["give_hint"]),
        ("notes", ["start_coding"]),
        ("outcome", []),
        ("outcome", ["end_interview"]),
    ],
)
async def test_a_cut_realtime_reply_goes_on_at_its_end_only_when_it_moves_no_phase(
    claim: str, calls: list[str], audio: bool
) -> None:
    """As ``llm_node``'s (agent.going_on): the line's why at once, its going on once the reply has ended, and none
    beside a tool call that moves the interview on (the next phase opens itself). Realtime had the whole line, going
    on included, up front: "let's get back to your approach" said beside ``start_coding``."""
    from agent.disclosure import notes_why
    from agent.going_on import goes_on
    from agent.outcome_claims import outcome_guard, withheld_why
    from agent.realtime_guard import CutReply, ReplyGuards
    from agent.state import PHASE_TOOLS

    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    state.phase = Phase.APPROACH
    rubric = str(state.question.rubric[2]["behaviour"])
    said = f"Sure. {rubric} Anything else?" if claim == "notes" else "Sure. You passed every hidden test."
    why = notes_why(state) if claim == "notes" else withheld_why(state)
    guards = ReplyGuards()
    guards.source = lambda _: (protected_runs(state), notes_why(state))
    guards.outcome = lambda: (outcome_guard(state), withheld_why(state))
    guards.going_on = lambda: goes_on(state)
    cuts: list[CutReply] = []

    async def on_cut(cut: CutReply) -> None:
        cuts.append(cut)

    guards.on_cut = on_cut
    event, functions, _ = _generation(said, audio=audio, calls=calls)
    guarded = guards.guarded(event)
    message = await guarded.message_stream.__anext__()
    text = message.text_stream.__aiter__()
    shown = ""
    while not shown.endswith(why) and not (audio and shown.startswith("Sure.")):
        shown += await asyncio.wait_for(text.__anext__(), 5)
    assert "hash map from value" not in shown and "passed" not in shown, shown
    functions.close()  # the provider ends the reply
    shown += "".join([t async for t in text])
    assert [c.name async for c in guarded.function_stream] == calls  # the framework still gets every call
    for _ in range(500):
        if cuts:
            break
        await asyncio.sleep(0.01)
    await guards.aclose()
    line = why if any(name in PHASE_TOOLS for name in calls) else f"{why} {goes_on(state)}"
    assert len(cuts) == 1 and cuts[0].instead == line, cuts
    assert shown == ("Sure. " if audio else f"Sure. {line}"), shown
