"""Realtime mode in text mode, with a fake implementing the realtime model interface: the agent, not the server,
decides replies, and the model gets the status and the current code before it answers."""

from __future__ import annotations

import asyncio

from livekit.agents import AgentSession, TurnHandlingOptions, llm

from agent.history import UNSEEN_ITEM_CHARS, item_chars
from agent.interview import build_interview
from agent.phases import make_phase_agent
from agent.realtime import PreparedRealtimeModel
from agent.state import InterviewState, Phase
from agent.turns import text_turn, typed_message
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, call
from tests.fakes.realtime import FakeRealtimeModel, RealtimeReply
from tests.fakes.voice import FakeAudioInput, FakeSTT, FakeVAD, Timeline, TimelineClock, Utterance

CODE = "def two_sum(nums, target):\n    seen = {}\n    return []\n"


def texts(ctx) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(i.role, i.text_content or "") for i in ctx.items if i.type == "message"]


async def test_realtime_model_is_silent_while_thinking_aloud_and_sees_code_and_time_when_it_answers():
    sink = FakeSink()
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=sink, clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(),
                               classifier=FakeLLM([call("stay_silent")]))  # fmt: skip
    state.candidate_spoke = True
    model = FakeRealtimeModel([RealtimeReply("Go ahead."), RealtimeReply("Yes, a dict is fine.")])
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        state.editor.ingest(CODE, {"version": "4"})
        before = len(model.requests)
        assert await text_turn(session, "so first the map then the loop") is None
        assert len(model.requests) == before  # silence: the realtime model was never asked
        handle = await text_turn(session, "Can I use a dictionary here?")
        assert handle is not None
        await handle
    request = model.requests[-1]
    items = texts(request.chat_ctx)
    data = [t for role, t in items if role == "user" and "<<<BEGIN CODE" in t]
    assert data and "2|     seen = {}" in data[-1]  # the current code, fenced, as user content
    assert any(role == "system" and "Time left: about " in t and "Phase: coding" in t for role, t in items)
    assert not any(role == "system" and "seen = {}" in t for role, t in items)
    said = [i.text_content for i in session.history.items if i.type == "message" and i.role == "assistant"]
    assert said[-1] == "Yes, a dict is fine."
    decisions = [
        e["payload"]["reply"] for e in sink.of_type("note") if e["payload"]["kind"] == "turn_decision"
    ]
    assert decisions == [False, True]


def chars(ctx) -> int:  # type: ignore[no-untyped-def]
    return sum(len(i.text_content or "") for i in ctx.items if i.type == "message")


async def test_realtime_session_context_stays_within_the_budget_and_keeps_instructions_status_code_and_latest():
    """A realtime model never calls llm_node, so the bound on what the model sees is applied to the realtime
    session itself (update_chat_ctx deletes the oldest items remotely). A candidate typing 4,000-character
    messages all interview, and long replies, must not grow the session past the budget."""
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(context_max_chars=10_000),
                               classifier=None)  # fmt: skip
    state.candidate_spoke = True
    model = FakeRealtimeModel([RealtimeReply("Noted, " + "z" * 1_500)])
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state), capture_run=True)
        state.editor.ingest(CODE, {"version": "7"})
        held: list[int] = []
        for i in range(14):
            handle = await text_turn(session, typed_message(f"message {i} " + "y" * 3_990, chat=True))
            assert handle is not None
            await handle
            held.append(chars(model.sessions[-1].chat_ctx))
        handle = await text_turn(session, "What do you think of a dict?")
        assert handle is not None
        await handle
        rt = model.sessions[-1]
        said = [i.text_content for i in session.history.items if i.type == "message" and i.role == "user"]
    # Every later turn: the bound, plus this turn's status and fenced code, plus the reply it got.
    assert max(held) <= 10_000 + 4_000 + 1_600, held
    request = model.requests[-1]
    items = texts(request.chat_ctx)
    users = [t for role, t in items if role == "user"]
    assert users[-1] == "What do you think of a dict?"
    assert any(t.startswith("message 13 ") for t in users)
    assert not any(t.startswith(("message 0 ", "message 1 ")) for t in users)
    assert any("<<<BEGIN CODE" in t and "2|     seen = {}" in t for t in users)  # the current code
    assert any(role == "system" and "Phase: approach" in t for role, t in items)  # the phase state
    assert "Shadows interviewer" in rt.instructions  # the instructions are the session's, never cut
    assert chars(rt.chat_ctx) <= 10_000 + 4_000 + 1_600
    # The session's history and the event stream keep everything.
    assert sum(1 for t in said if (t or "").startswith("message ")) == 14


async def test_a_long_spoken_realtime_interview_is_bounded_though_its_audio_turns_have_no_text():
    """Spoken turns in realtime mode are audio the server keeps; our copy of each is a message without text. They
    count against the bound all the same: a long spoken interview drops its oldest turns, keeps the latest."""
    turns = 24  # twice what the budget holds
    model = FakeRealtimeModel([RealtimeReply("Mm-hm, go on.")])
    # The candidate speaks again only once the reply to what came before was asked for (the greeting is the first
    # request): at 20 times real speed the 4 s pause between turns is 0.2 s, which a loaded box can spend before
    # the reply is asked for, and the scripted candidate then barged in on it (livekit drops a reply interrupted
    # before it began; the next one answers both turns).
    timeline = Timeline(
        [Utterance(2.0 + 5 * i, 3.0 + 5 * i, f"spoken turn {i}") for i in range(turns)], speed=20,
        gate=lambda i: len(model.requests) > i,
    )  # fmt: skip
    settings = test_settings(context_max_chars=10_000, min_endpointing_delay_s=0.5 / 20,
                             max_endpointing_delay_s=3.0 / 20)  # fmt: skip
    _, state = build_interview(make_context(minutes_left=40), api=None, recorder=FakeSink(),
                               clock=TimelineClock(timeline), channel=FakeChannel(), settings=settings,
                               classifier=None)  # fmt: skip
    state.candidate_spoke = True
    mic = FakeAudioInput()
    session = AgentSession[InterviewState](
        vad=FakeVAD(timeline), stt=FakeSTT(timeline), llm=PreparedRealtimeModel(model), userdata=state,
        turn_handling=TurnHandlingOptions(turn_detection="vad",
                                          endpointing={"min_delay": 0.5 / 20, "max_delay": 3.0 / 20},
                                          interruption={"mode": "vad", "min_duration": 0.5 / 20},
                                          preemptive_generation={"enabled": False}),
    )  # fmt: skip
    session.input.audio = mic
    try:
        await session.start(make_phase_agent(Phase.APPROACH, state))
        rt = model.sessions[-1]
        update, starved = rt.update_chat_ctx, []

        async def starved_once(chat_ctx: llm.ChatContext) -> None:
            # Preparing the sixth turn's reply takes 0.4 s, as on a loaded box: longer than the pause after it.
            if len(model.requests) == 6 and not starved:
                starved.append(True)
                await asyncio.sleep(0.4)
            await update(chat_ctx)

        rt.update_chat_ctx = starved_once  # type: ignore[method-assign]
        await timeline.until(5.0 * turns + 2)
        for _ in range(1_200):  # a loaded box may lag the timeline: wait (up to a minute) for the last reply
            if rt.committed_audio >= turns and len(model.requests) > turns:
                break
            await asyncio.sleep(0.05)
        held = rt.chat_ctx
    finally:
        mic.close()
        await session.aclose()
    # The greeting, then one reply per spoken turn.
    assert rt.committed_audio == turns and len(model.requests) == turns + 1
    audio = [i.id for i in held.items if i.type == "message" and i.role == "user" and not i.text_content]
    assert audio and len(audio) <= 10_000 // UNSEEN_ITEM_CHARS + 1, len(audio)
    # The newest spoken turn and every request's view stay within the budget (status and code on top).
    last = model.requests[-1].chat_ctx.items
    last_audio = [i for i in last if i.type == "message" and i.role == "user" and not i.text_content]
    assert last_audio and last_audio[-1].id == audio[-1]
    for request in model.requests:
        assert sum(item_chars(i) for i in request.chat_ctx.items) <= 10_000 + 4_000 + UNSEEN_ITEM_CHARS


async def test_a_realtime_phase_change_starts_from_the_bounded_conversation_with_the_new_phase_status():
    """A phase hands its conversation to the next; in realtime mode the next phase's first reply must see the
    conversation within the budget and the new phase's status (not the last phase's) with the current code."""
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(context_max_chars=10_000),
                               classifier=None)  # fmt: skip
    state.candidate_spoke = True
    replies = [RealtimeReply("Noted.")] * 9 + [
        RealtimeReply(calls=[("start_coding", {})]),
        RealtimeReply("Go on."),
    ]
    model = FakeRealtimeModel(replies)
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state), capture_run=True)
        state.editor.ingest(CODE, {"version": "3"})
        for i in range(8):
            await (await text_turn(session, typed_message(f"message {i} " + "y" * 3_990, chat=True)))  # type: ignore[misc]
        await (await text_turn(session, "Let's code it."))  # type: ignore[misc]
        for _ in range(3_000):  # must happen: up to a minute on a loaded box
            if state.phase == Phase.CODING and len(model.requests) >= 11:  # greeting, 9 turns, entry
                break
            await asyncio.sleep(0.02)
    entry = model.requests[-1]
    assert state.phase == Phase.CODING and entry.instructions and "coding" in entry.instructions.lower()
    items = texts(entry.chat_ctx)
    statuses = [t for role, t in items if role == "system" and "Phase:" in t]
    assert statuses and all("Phase: coding" in t for t in statuses), statuses
    assert any(role == "user" and "<<<BEGIN CODE" in t for role, t in items)
    assert sum(item_chars(i) for i in entry.chat_ctx.items) <= 10_000 + 4_000 + 1_000
    assert not any(t.startswith("message 0 ") for _, t in items)


async def test_a_phase_change_is_recorded_at_once_though_the_realtime_context_update_stalls_then_fails():
    """On entering, a phase hands its conversation to the realtime session: a server round trip, up to 5 s, that
    may time out (RealtimeError). The phase is entered and recorded first, not after it, and a failed update
    does not cost the phase's entry reply (the reply's own preparation updates the context again)."""
    sink = FakeSink()
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=sink, clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(), classifier=None)  # fmt: skip
    state.candidate_spoke = True
    model = FakeRealtimeModel([RealtimeReply("Hello."), RealtimeReply(calls=[("start_coding", {})]),
                               RealtimeReply("Go on.")])  # fmt: skip
    release = asyncio.Event()
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state), capture_run=True)
        rt = model.sessions[-1]
        update = rt.update_chat_ctx

        async def stalls_once_the_handoff_is_asked(chat_ctx: llm.ChatContext) -> None:
            # Stalled: the coding phase taking over the conversation with the call that moved to it (and later
            # updates). livekit's own updates (the call's result; the new activity's start, without the call of a
            # tool the coding phase lacks) go through: they are logged and passed over when they time out.
            if not any(i.type == "function_call" and i.name == "start_coding" for i in chat_ctx.items):
                return await update(chat_ctx)
            await release.wait()
            raise llm.RealtimeError("update_chat_ctx timed out.")

        rt.update_chat_ctx = stalls_once_the_handoff_is_asked  # type: ignore[method-assign]

        def changes() -> list[str]:
            return [e["payload"]["to"] for e in sink.of_type("phase_change")]

        try:
            assert await text_turn(session, "Let's code it.") is not None  # its speech ends after the handoff
            for _ in range(3000):  # must happen: up to a minute on a loaded box
                if "coding" in changes():
                    break
                await asyncio.sleep(0.02)
            stalled = changes()  # while the update stalls
        finally:
            release.set()
        assert stalled == ["approach", "coding"] and state.phase == Phase.CODING
        for _ in range(3000):  # must happen: up to a minute on a loaded box
            if len(model.requests) >= 3:
                break
            await asyncio.sleep(0.02)
    entry = model.requests[-1]
    assert len(model.requests) == 3 and entry.instructions and "coding" in entry.instructions.lower()


def conversation_chars(ctx) -> int:  # type: ignore[no-untyped-def]
    """What the bound governs: everything but this turn's status and code (ours, added on top)."""
    return sum(item_chars(i) for i in ctx.items if not i.id.startswith("shadows_turn_"))


def statuses(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    return [t for role, t in texts(ctx) if role == "system" and "[interview status]" in t]


async def test_realtime_replies_after_a_tool_call_are_bounded_and_see_the_status_the_tool_left():
    """The framework itself asks a realtime model for the reply after a tool call: that reply must be bounded like
    every other (a long interview read its code into the conversation turn after turn and went past the budget
    there) and see the status as the tool left it (a hint given)."""
    big = "def two_sum(nums, target):\n" + "".join(f"    x{i} = {i}  # step\n" for i in range(260))
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(context_max_chars=10_000),
                               classifier=None)  # fmt: skip
    state.candidate_spoke = True
    turns = 8
    replies = [RealtimeReply("Hello.")]
    for _ in range(turns):
        replies += [RealtimeReply(calls=[("get_editor_snapshot", {})]), RealtimeReply("I see your code.")]
    replies += [RealtimeReply(calls=[("give_hint", {})]), RealtimeReply("Think about a map.")]
    model = FakeRealtimeModel(replies)
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.APPROACH, state), capture_run=True)
        state.editor.ingest(big, {"version": "1"})
        for i in range(turns):
            state.editor.ingest(big + f"# v{i}\n", {"version": str(i + 2)})
            await (await text_turn(session, typed_message(f"message {i} " + "y" * 3_990, chat=True)))  # type: ignore[misc]
        await (await text_turn(session, "I'm stuck, can I have a hint?"))  # type: ignore[misc]
        for _ in range(3_000):  # must happen: up to a minute on a loaded box
            if len(model.requests) >= len(replies):
                break
            await asyncio.sleep(0.02)
    assert len(model.requests) == len(replies)
    assert len(big) > 5_000  # each snapshot's output alone is half the budget
    for n, request in enumerate(model.requests):
        assert conversation_chars(request.chat_ctx) <= 10_000, (n, conversation_chars(request.chat_ctx))
    after_hint = model.requests[-1]
    assert after_hint.chat_ctx.items[-1].type == "function_call_output"
    assert statuses(after_hint.chat_ctx) and all(
        "Hints given: 1 of" in t for t in statuses(after_hint.chat_ctx)
    )


async def test_the_realtime_goodbye_after_end_interview_sees_the_end_phase_within_the_budget():
    """end_interview's goodbye is the framework's reply to the tool: it must see the interview as ended, not the
    wrap-up status of the turn before, and stay within the budget."""
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings(context_max_chars=10_000),
                               classifier=None)  # fmt: skip
    state.candidate_spoke = True
    replies = [RealtimeReply("Any questions for me?")] * 7 + [
        RealtimeReply(calls=[("end_interview", {"reason": "completed"})]),
        RealtimeReply("Thanks, goodbye!"),
    ]
    model = FakeRealtimeModel(replies)
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.WRAP_UP, state), capture_run=True)
        for i in range(6):
            await (await text_turn(session, f"question {i} " + "q" * 3_990))  # type: ignore[misc]
        await (await text_turn(session, "No more questions, thank you. " + "n" * 3_000))  # type: ignore[misc]
        for _ in range(3_000):  # must happen: up to a minute on a loaded box
            if len(model.requests) >= len(replies):
                break
            await asyncio.sleep(0.02)
    assert state.ended and state.phase == Phase.END
    goodbye = model.requests[-1]
    assert goodbye.chat_ctx.items[-1].type == "function_call_output"
    assert statuses(goodbye.chat_ctx) and all("Phase: end" in t for t in statuses(goodbye.chat_ctx))
    for request in model.requests:
        assert conversation_chars(request.chat_ctx) <= 10_000
