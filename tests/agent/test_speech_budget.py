"""Spoken turns reach the model bounded the way typed ones are (agent.speech_budget): a monologue's length in
the model's context, and how many turns start a paid model request. The record keeps every word."""

from __future__ import annotations

import asyncio

import pytest

from agent.capture import attach_capture
from agent.speech_budget import MAX_SPOKEN_CHARS
from agent.state import Phase
from agent.turn_budget import BURST, REFILL_S
from tests.agent.test_voice_timing import VoiceRun, decisions, voice_interview
from tests.fakes.llm import say
from tests.fakes.voice import Utterance


def _user_texts(request: dict[str, object]) -> list[str]:
    ctx = request["chat_ctx"]
    return [i.text_content or "" for i in ctx.items if getattr(i, "role", None) == "user"]  # type: ignore[attr-defined]  # a ChatContext


async def test_a_monologue_reaches_the_model_bounded_with_its_end_and_is_recorded_whole():
    """STT's final transcripts of one turn are joined into one message with no limit: a candidate (or a recording
    played into the microphone) talking for an hour without a pause put all of it into every later model request.
    The model gets the turn's start and end (where a question is) and is told how much was left out; the
    transcript in the event log keeps every word."""
    body = " ".join(f"word{i}" for i in range(5_000))
    text = f"Let me start from the beginning. {body} So what do you think about that?"
    run = await voice_interview(Phase.PROBLEM, [Utterance(2.0, 40.0, text)], [say("Good question.")])
    capture = attach_capture(run.session, run.sink, run.state.elapsed_s)
    try:
        await run.tl.until(45.0)
        for _ in range(6_000):  # must happen: up to a minute on a loaded box
            if decisions(run.sink) and len(run.llm.requests) >= 2:
                break
            await asyncio.sleep(0.01)
        transcripts = [
            e["payload"]["text"] for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"
        ]
        seen = _user_texts(run.llm.requests[-1])
        notes = [e["payload"] for e in run.sink.of_type("note") if e["payload"]["kind"] == "speech_truncated"]
    finally:
        capture.detach()
        await run.aclose()
    assert transcripts == [text]  # the record: every word, once
    spoken = [t for t in seen if "Let me start" in t]
    assert len(spoken) == 1 and len(spoken[0]) <= MAX_SPOKEN_CHARS
    assert spoken[0].endswith("So what do you think about that?")
    assert "characters not shown" in spoken[0]
    assert notes and notes[0]["chars"] == len(text)


@pytest.mark.parametrize("production_turns", [False, True], ids=["vad", "production"])
async def test_a_flood_of_spoken_turns_starts_no_more_model_requests_than_the_budget_and_all_are_recorded(
    production_turns: bool,
) -> None:
    """Outside coding every finished spoken turn got a reply: a recording of short phrases a second apart started
    one paid model request each (each interrupting the reply before). Typed chat had a budget; speech now has the
    same: past it a turn is kept in the conversation and the transcript, unanswered, and the next answered turn
    sees it. With production's turn handling, livekit's preemptive generation (a paid request started from the
    final transcript, before the turn is decided) is not started for a turn the budget would not answer."""
    n = 30  # 0.6 s phrases 2 s apart
    utterances = [Utterance(2.0 + 2.0 * i, 2.6 + 2.0 * i, f"phrase number {i}") for i in range(n)]

    def turn_recorded(run: VoiceRun, i: int) -> bool:
        # A phrase starts once the one before it is recorded as a turn of its own: 1.4 s of silence is 70 ms of
        # real time at the timeline's speed, which a loaded box could take to end a turn (two phrases then made one).
        return len([e for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"]) >= i

    run = await voice_interview(
        Phase.PROBLEM, utterances, [say("Okay.")], production_turns=production_turns, gate=turn_recorded
    )
    capture = attach_capture(run.session, run.sink, run.state.elapsed_s)
    try:
        await run.tl.until(utterances[-1].end + 6)
        for _ in range(6_000):  # must happen: up to a minute on a loaded box
            if len([e for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"]) >= n:
                break
            await asyncio.sleep(0.01)
        said = [
            e["payload"]["text"] for e in run.sink.of_type("transcript") if e["payload"]["role"] == "user"
        ]
        answered = [r for _, r in decisions(run.sink) if r]
        limited = [e for e in run.sink.of_type("note") if e["payload"]["kind"] == "speech_rate_limited"]
        requests = len(run.llm.requests)
        last = _user_texts(run.llm.requests[-1])
    finally:
        capture.detach()
        await run.aclose()
    assert said == [u.text for u in utterances]  # every turn recorded, in order
    allowed = BURST + int((utterances[-1].end - utterances[0].end) / REFILL_S) + 1
    assert len(answered) <= allowed, (len(answered), allowed)
    assert requests <= allowed + 1  # the greeting, then at most one per answered turn
    assert limited
    if production_turns:
        assert run.state.turn_budget.withheld > 0
    assert "phrase number 28" in " ".join(last) or "phrase number 29" in " ".join(last)
