"""A hint counts once the candidate has heard it (agent.hints): talked over before it was said, it is taken back."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from livekit.agents import AgentSession, llm

from agent.hints import NOT_HEARD, settle
from agent.pending_hint import PendingHint
from agent.phases import make_phase_agent
from agent.state import InterviewState, Phase
from tests.agent.test_tools import make
from tests.agent.test_voice_timing import voice_interview
from tests.fakes.llm import FakeLLM, call, say
from tests.fakes.realtime import FakeRealtimeModel, FakeRealtimeSession, RealtimeReply
from tests.fakes.session import settle as settle_session
from tests.fakes.session import until
from tests.fakes.voice import Utterance

HINT_REPLY = " ".join(
    [
        "Think about what smaller amount is left once you pick the last coin, and how its answer builds the whole."
    ]
    * 3
)


def _outputs(ctx: llm.ChatContext) -> list[str]:
    return [
        str(i.output) for i in ctx.items if isinstance(i, llm.FunctionCallOutput) and i.name == "give_hint"
    ]


async def test_a_hint_the_candidate_talks_over_before_it_is_said_is_not_given() -> None:
    """Before, give_hint recorded the hint (a `hint` event, the page's counter, the grader's count) when the tool
    ran: a candidate who cut in ("oh wait, I see it") after two words of it was charged a hint never heard, and the
    model kept its text as given."""
    run = await voice_interview(
        Phase.CODING,
        [
            Utterance(1.0, 3.0, "I'm stuck, can I get a hint please?"),
            Utterance(8.0, 14.0, "oh wait never mind, I think I see it now"),
        ],
        [say("Go ahead."), call("give_hint"), say(HINT_REPLY), say("Sure, go on.")],
        # The candidate's words must land while the hint plays, some words into it: the hint begins at about 4 s,
        # and the gate (once the hint began) holds the candidate only if it begins later. At speed 10 a loaded box
        # once kept no hint message at all: most likely it began late and the candidate cut in on its first frames.
        speed=5,
        gate=lambda run, i: len(run.speaker.playouts) >= (1 if i == 0 else 2),  # once the hint began
        synced_transcript=True,
    )
    try:
        await until(lambda: len(run.llm.requests) >= 4, within_s=60)
        await settle_session(run.session)
        hint_text = run.state.question.hints[0]
        said = [
            i for i in run.session.history.items if isinstance(i, llm.ChatMessage) and i.role == "assistant"
        ]
        assert said[1].interrupted is True and len(said[1].text_content or "") < len(HINT_REPLY) / 2, said
        assert run.sink.of_type("hint") == []
        assert run.state.hints_given == 0 and run.state.last_hint_turn is None
        assert [e["payload"]["kind"] for e in run.sink.of_type("note")].count("hint_unheard") == 1
        assert run.state.channel.of_type("hint") == []  # type: ignore[attr-defined]
        # The model's next request holds no hint text as given: the tool's answer says it was not.
        last = run.llm.requests[-1]["chat_ctx"]
        assert _outputs(last) == [NOT_HEARD] and not any(hint_text in o for o in _outputs(last))
    finally:
        await run.aclose()


async def test_a_hint_played_to_its_end_is_given() -> None:
    run = await voice_interview(
        Phase.CODING,
        [Utterance(1.0, 3.0, "I'm stuck, can I get a hint please?")],
        [say("Go ahead."), call("give_hint"), say("Think about the last coin you pick.")],
        speed=10,
        synced_transcript=True,
    )
    try:
        await until(lambda: len(run.sink.of_type("hint")) == 1, within_s=60)
        [event] = run.sink.of_type("hint")
        assert event["payload"]["index"] == 1 and "interrupted" not in event["payload"]
        assert run.state.hints_given == 1
        await until(lambda: len(run.state.channel.of_type("hint")) == 1)  # type: ignore[attr-defined]
    finally:
        await run.aclose()


async def test_a_hint_the_model_never_says_is_not_given_and_the_next_call_hands_it_out_again() -> None:
    """A model that calls give_hint and then says nothing (or calls another tool) gave no hint."""
    state, _, sink, _ = make()
    hints = state.question.hints
    fake = FakeLLM([say("Go ahead."), call("give_hint"), say(""), call("give_hint"), say("Think about it.")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        await session.run(user_input="Can I get a hint?")
        await settle_session(session)
        assert sink.of_type("hint") == [] and state.hints_given == 0
        result = await session.run(user_input="Can I get a hint now?")
        result.expect.next_event().is_function_call(name="give_hint")
        output = result.expect.next_event().is_function_call_output(is_error=False).event().item.output
        assert output.startswith(f"Hint 1 of {len(hints)}.")
        await settle_session(session)
        assert [e["payload"]["index"] for e in sink.of_type("hint")] == [1] and state.hints_given == 1
        assert _outputs(session.history)[0] == NOT_HEARD


def _handle(played: str, *, interrupted: bool, call_id: str = "c1") -> Any:
    out = llm.FunctionCallOutput(call_id=call_id, name="give_hint", output="Hint 1 of 4: ...", is_error=False)
    msg = llm.ChatMessage(role="assistant", content=[played], interrupted=interrupted)
    return SimpleNamespace(
        chat_items=[llm.FunctionCall(call_id=call_id, name="give_hint", arguments="{}"), out, msg]
    )


def _pending(generated: int) -> PendingHint:
    return PendingHint(1, 4, "the hint", "coding", 3, "c1", generated=generated, tallied=True)


async def test_a_hint_talked_over_after_most_of_it_was_played_is_given_and_marked_so() -> None:
    """Talking over the end of every hint must not make hints free: half of the reply's words heard is a hint."""
    for played, counted in [("one two three four five six", True), ("one two three four", False)]:
        state, _, sink, _ = make()
        state.hints_given, state.last_hint_turn = 1, 3
        hint = _pending(generated=10)
        state.pending_hints.append(hint)
        settle(state, hint, _handle(played, interrupted=True))
        assert state.pending_hints == []
        if counted:
            [event] = sink.of_type("hint")
            assert event["payload"]["interrupted"] is True and state.hints_given == 1
        else:
            assert sink.of_type("hint") == [] and state.hints_given == 0 and state.last_hint_turn is None


# What of the hint was heard, wherever the reply says it (agent.hints ``heard``): a reply is the hint and filler.
HINT = "The bracket to match is always the most recently opened one that is still open."
FILLER = (
    "Take your time with it, there is really no rush at all, and feel free to think out loud while you work "
    "through the next few lines, I'm happy to listen and help whenever you want."
)


def _said_hint(generated: str, played: str) -> bool:
    """Whether the candidate is charged the hint, the reply ``generated`` talked over after ``played``."""
    state, _, sink, _ = make()
    state.hints_given, state.last_hint_turn = 1, 3
    hint = PendingHint(1, 4, HINT, "coding", 3, "c1", generated=len(generated.split()), tallied=True,
                       generated_text=generated)  # fmt: skip
    state.pending_hints.append(hint)
    settle(state, hint, _handle(played, interrupted=True))
    return len(sink.of_type("hint")) == 1 and state.hints_given == 1


async def test_a_hint_said_first_and_talked_over_in_the_filler_after_it_is_given() -> None:
    """The candidate heard the whole hint and cut in over the filler: judged by the share of the reply played, the
    hint was taken back (a hint for free, by interrupting right after it)."""
    reply = f"Here's a nudge: {HINT} {FILLER}"
    assert _said_hint(reply, f"Here's a nudge: {HINT} Take your time")


async def test_a_hint_said_last_and_talked_over_in_the_filler_before_it_is_not_given() -> None:
    """Most of the reply played, none of the hint: the candidate never heard it, and was charged it."""
    reply = f"{FILLER} Here's a nudge: {HINT}"
    assert not _said_hint(reply, f"{FILLER} Here's a")


async def test_a_hint_said_in_other_words_is_judged_by_the_share_of_the_reply_played() -> None:
    reply = "Think about which open paren has to close next, and what keeps them in that order for you."
    ws = reply.split()
    assert _said_hint(reply, " ".join(ws[: len(ws) // 2 + 1]))
    assert not _said_hint(reply, " ".join(ws[:4]))


async def test_a_realtime_reply_saying_a_hint_is_collected_as_a_text_reply_is() -> None:
    """A realtime model's reply passes no llm_node, so ``tally`` never saw it: the hint counted once any word of
    the reply was played, however little of the hint was (the text pipeline judges what of the hint was heard).
    Its guard now hands the reply's text to the same count (agent.realtime_guard ``on_text``)."""
    import agent.hints as hints_module
    from agent.realtime import PreparedRealtimeModel
    from agent.turns import text_turn

    state, _, sink, _ = make()
    state.candidate_spoke = True
    settled: list[PendingHint] = []
    original = hints_module.settle

    def spy(state: InterviewState, hint: PendingHint, handle: Any) -> None:
        settled.append(hint)
        original(state, hint, handle)

    reply = f"Here's a nudge: {HINT} {FILLER}"
    model = FakeRealtimeModel([RealtimeReply("Hello."), RealtimeReply(calls=[("give_hint", {})]),
                               RealtimeReply(reply)])  # fmt: skip
    hints_module.settle = spy  # type: ignore[assignment]
    try:
        async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
            await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
            await (await text_turn(session, "I'm stuck, can I have a hint?"))  # type: ignore[misc]
            await until(lambda: len(settled) == 1, within_s=60)
    finally:
        hints_module.settle = original  # type: ignore[assignment]
    [hint] = settled
    assert hint.tallied and hint.generated_text == reply
    assert [e["payload"]["index"] for e in sink.of_type("hint")] == [1]


class _ProviderHeldSession(FakeRealtimeSession):
    """Holds the conversation as OpenAI's realtime server does: its own copies of what it was sent, updated by the
    ops livekit-agents sends (livekit/agents/llm/_realtime/openai.py ``_create_update_chat_ctx_events``): items
    deleted and created by id (``llm.utils.compute_chat_ctx_diff``), a message re-created when its text changed, and
    no other content compared. The shared fake holds our own items, so a change made to one in place reached it; each
    item is copied here as it is sent (its fields: what is assigned to ours later is not the provider's)."""

    async def update_chat_ctx(self, chat_ctx: llm.ChatContext) -> None:
        diff = llm.utils.compute_chat_ctx_diff(self._chat_ctx, chat_ctx)
        held = {i.id: i for i in self._chat_ctx.items}
        replaced = set(diff.to_remove) | {item_id for _, item_id in [*diff.to_create, *diff.to_update]}
        self._chat_ctx = llm.ChatContext(
            [held[i.id] if i.id in held and i.id not in replaced else i.model_copy() for i in chat_ctx.items]
        )


class _ProviderHeldModel(FakeRealtimeModel):
    def session(self, *, turn_detection_disabled: bool = False) -> FakeRealtimeSession:
        s = _ProviderHeldSession(self)
        self.sessions.append(s)
        return s


async def test_a_hint_taken_back_is_taken_back_from_a_realtime_providers_conversation_too() -> None:
    """livekit's update of a realtime conversation compares only messages' text: the tool output of a hint taken back
    (its text replaced by "not given") stayed on the provider's side as it was sent, the hint in it, and the model,
    asked to go on, said the hint in its own words: heard, never counted."""
    from agent.realtime import PreparedRealtimeModel
    from agent.turns import text_turn

    state, _, sink, _ = make()
    state.candidate_spoke = True
    hint_text = state.question.hints[0]
    model = _ProviderHeldModel([RealtimeReply("Hello."), RealtimeReply(calls=[("give_hint", {})]),
                                RealtimeReply(""), RealtimeReply("Sure.")])  # fmt: skip
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state), capture_run=True)
        await (await text_turn(session, "I'm stuck, can I have a hint?"))  # type: ignore[misc]
        await settle_session(session)
        assert sink.of_type("hint") == [] and state.hints_given == 0
        asked = len(model.requests)
        await (await text_turn(session, "Sorry, can I have that hint now?"))  # type: ignore[misc]
        await until(lambda: len(model.requests) > asked, within_s=60)
    held = model.requests[-1].chat_ctx
    assert _outputs(held) == [NOT_HEARD], _outputs(held)
    assert not any(hint_text in str(i.output) for i in held.items if isinstance(i, llm.FunctionCallOutput))
