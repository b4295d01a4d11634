"""One budget of answered turns per interview, spoken and typed together (agent.turn_budget): a candidate who
alternates speaking and typing gets no more model turns than one who only speaks or only types."""

from __future__ import annotations

import asyncio

from livekit.agents.voice.room_io import TextInputEvent

from agent.capture import attach_capture
from agent.room import chat_input
from agent.state import Phase
from agent.turn_budget import BURST, REFILL_S
from tests.agent.test_voice_timing import VoiceRun, voice_interview
from tests.fakes.llm import say
from tests.fakes.voice import Utterance


async def test_alternating_speech_and_typed_chat_shares_one_budget_of_answered_turns():
    """Speech and typed chat each had a budget of their own (a burst of 8, then one every 4 s), so a candidate (or a
    script) alternating a spoken phrase and a typed message got twice the answered turns, each one a paid model
    request. Every turn is still recorded; past the one budget a turn of either kind is kept unanswered, its
    decision recorded as `rate_limited`."""
    n = 16  # spoken phrases 2 s apart, each followed by a typed message
    utterances = [Utterance(2.0 + 2.0 * i, 2.6 + 2.0 * i, f"spoken phrase {i}") for i in range(n)]

    def spoken_recorded(run: VoiceRun, i: int) -> bool:
        # A phrase starts once the phrase before it is recorded as a turn of its own: 1.4 s of silence is 70 ms of
        # real time at the timeline's speed, which a loaded box could take to end a turn (two phrases then made
        # one, and the transcript and the decisions were a turn short).
        said = [
            e["payload"]["text"] for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"
        ]
        return len([t for t in said if t.startswith("spoken phrase")]) >= i

    run = await voice_interview(Phase.PROBLEM, utterances, [say("Okay.")], gate=spoken_recorded)
    capture = attach_capture(run.session, run.sink, run.state.elapsed_s)
    on_text = chat_input().text_input_cb
    typing: list[asyncio.Task[None]] = []
    try:
        for i, u in enumerate(utterances):
            await run.tl.until(u.end + 0.9)  # after the spoken turn has ended
            result = on_text(run.session, TextInputEvent(text=f"typed message {i}"))
            assert result is not None
            typing.append(asyncio.ensure_future(result))
        await run.tl.until(utterances[-1].end + 6)
        await asyncio.wait_for(asyncio.gather(*typing), 60)
        for _ in range(6_000):  # must happen: up to a minute on a loaded box
            if len([e for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"]) >= 2 * n:
                break
            await asyncio.sleep(0.01)
        said = [
            e["payload"]["text"] for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"
        ]
        notes = [e["payload"] for e in run.sink.of_type("note")]
        requests = len(run.llm.requests)
    finally:
        capture.detach()
        await run.aclose()
    decided = [p for p in notes if p["kind"] == "turn_decision"]
    answered = [p for p in decided if p["reply"]]
    allowed = BURST + int((utterances[-1].end + 0.9 - utterances[0].end) / REFILL_S) + 1
    assert sorted(said) == sorted([u.text for u in utterances] + [f"typed message {i}" for i in range(n)])
    assert len(answered) <= allowed, (len(answered), allowed)
    assert requests <= allowed + 1  # the greeting, then at most one per answered turn
    # Every turn has a decision, and those past the budget say so, typed ones included.
    assert len(decided) == 2 * n
    limited = [p for p in decided if p["reason"] == "rate_limited"]
    assert len(limited) == 2 * n - len(answered)
    assert any(p["kind"] in ("speech_rate_limited", "chat_rate_limited") for p in notes)
