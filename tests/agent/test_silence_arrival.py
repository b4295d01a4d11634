"""A candidate who arrives as the no-show end is under way is not ended (agent.silence ``_end_no_show``), and a
restarted job counts the candidate's quiet from when they were last heard (the end of their last turn, a
``candidate_heard`` note: agent.resume), on the real AgentSession with the interview's own silence loop. Each test
failed before: the no-show goodbye went on and ended a candidate who had just spoken up or typed, and a job
restarted after a long answer, or while the speech-to-text was down, checked in on a candidate who had just been
talking."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from livekit.agents import llm

from agent.context import SessionEvent
from agent.prompts import render
from agent.resume import build_resume
from agent.state import Phase
from agent.turns import text_turn
from tests.agent.restart_support import Job, log, started_session
from tests.agent.test_silence_presence import _notes, _respond, _start
from tests.fakes.llm import FakeLLM, FakeResponse

GOODBYE = render("no_show_end")[:40]


@pytest.mark.parametrize("arrival", ["voice", "chat", "code"])
async def test_a_candidate_who_arrives_as_the_no_show_goodbye_is_made_is_not_ended(arrival: str) -> None:
    """Three minutes without a word: the no-show end is decided and its goodbye asked for; as the model makes it,
    the candidate speaks up (the VAD hears them), types in the chat or changes the code. Before: the goodbye was said
    whole (it could not be interrupted, their words not even transcribed) and the interview ended as ``no_show`` with
    them there. Now the goodbye is cut, nothing ends, the withdrawal is noted, and what they say is answered."""
    call = await _start(Phase.GREETING, spoke=False)
    arrived: list[str] = []
    typed: list[asyncio.Future[Any]] = []

    def respond(ctx: llm.ChatContext, tools: list[str]) -> FakeResponse:
        if not arrived and any(GOODBYE in (i.text_content or "") for i in ctx.items if i.type == "message"):
            arrived.append(arrival)
            if arrival == "voice":
                call.session._update_user_state("speaking")
            elif arrival == "chat":
                typed.append(asyncio.ensure_future(text_turn(call.session, "Hello? I'm here, sorry!")))
            else:
                call.state.editor.ingest((call.state.editor.seen_code or "") + "x = 1\n", {"version": "1"})
        return _respond(ctx, tools)

    call.fake._responder = respond
    await call.wait(200, step=5)  # past the no-show end's 3 minutes
    if arrival == "voice":
        call.session._update_user_state("listening")
    await call.wait(5, step=5)
    await asyncio.gather(*typed)
    assert arrived == [arrival]
    assert not call.state.ended and call.state.end_reason is None
    kinds = [n["kind"] for n in _notes(call.sink, "no_show", "no_show_withdrawn")]
    assert kinds == ["no_show", "no_show_withdrawn"]
    goodbyes = [
        i
        for i in call.session.history.items
        if isinstance(i, llm.ChatMessage) and i.role == "assistant" and GOODBYE in (i.text_content or "")
    ]
    assert all(i.interrupted for i in goodbyes), [i.text_content for i in goodbyes]
    await call.wait(200, step=5)  # nothing brings the end back
    assert not call.state.ended and len(_notes(call.sink, "no_show")) == 1
    handle = await text_turn(call.session, "Sorry, I'm here, my microphone was muted.")
    assert handle is not None
    await handle.wait_for_playout()
    assert "my microphone was muted" in "".join(call.fake.texts(len(call.fake.requests) - 1))
    await call.close()


def test_a_restarted_job_does_not_read_an_end_after_a_withdrawn_no_show_as_a_no_show() -> None:
    """The candidate arrived as the no-show end was under way, then the interview ended as completed and the job
    died before completing it. Before: the ``no_show`` note alone made the restarted job complete it as a no-show."""

    def note(seq: int, t: float, **payload: object) -> SessionEvent:
        return SessionEvent(seq=seq, type="note", t=t, idempotency_key=f"k{seq}", payload=dict(payload))

    def said(seq: int, t: float, role: str, text: str) -> SessionEvent:
        payload = {"role": role, "text": text, "start": t, "end": t + 2, "item_id": f"i{seq}"}
        return SessionEvent(seq=seq, type="transcript", t=t, idempotency_key=f"k{seq}", payload=payload)

    events = [
        said(1, 1.0, "assistant", "Hi Ada, can you hear me?"),
        note(2, 180.0, kind="no_show", waited_s=180),
        note(3, 181.0, kind="no_show_withdrawn", phase="greeting"),
        said(4, 182.0, "user", "Sorry, I'm here now."),
        SessionEvent(seq=5, type="phase_change", t=900.0, idempotency_key="k5", payload={"to": "end"}),
    ]
    point = build_resume(events)
    assert point is not None and point.end_reason == "completed"
    unwithdrawn = build_resume([e for e in events if e.seq != 3])
    assert unwithdrawn is not None and unwithdrawn.end_reason == "no_show"  # a no-show not withdrawn reads so


def _long_turn(text: str, seconds: float) -> llm.ChatMessage:
    """A spoken turn that lasted ``seconds`` and has just ended, as livekit stamps it."""
    now = time.time()
    return llm.ChatMessage(
        role="user",
        content=[text],
        metrics={"started_speaking_at": now - seconds, "stopped_speaking_at": now},
    )


async def test_a_restarted_job_counts_the_quiet_from_the_end_of_the_candidates_long_answer() -> None:
    """The candidate talked their approach through for 90 s while coding (100 s in), and the job restarted 40 s
    later. Before: the restarted job counted their quiet from the start of that answer (the transcript's ``t``),
    130 s, and checked in at once ("quiet for about 2 minutes"). It counts from its end: the check-in comes 2 minutes
    after it, as in the live job."""
    context, started_at = started_session()
    first = Job(context, now=started_at)
    first.state.candidate_spoke = True  # heard before coding; no VAD here: the turn's record is what is read
    async with first.running(FakeLLM(responder=_respond), phase=Phase.CODING, capture=True) as session:
        await first.wait(session, 100, every=10, step=5)
        await text_turn(session, _long_turn("So my plan is a hash map from value to index, " * 20, 90))
        await first.wait(session, 5)
    assert _notes(first.sink, "checkin") == []
    second = Job(context, events=log(first.sink), now=started_at + timedelta(seconds=140))
    async with second.running(FakeLLM(responder=_respond)) as session:
        await second.wait(session, 40, every=5, step=5)
        assert _notes(second.sink, "checkin") == []
        await second.wait(session, 50, every=5, step=5)
        [checkin] = _notes(second.sink, "checkin")
        assert checkin["stage"] == 1 and 118 <= checkin["quiet_s"] <= 126, checkin


async def test_a_restarted_job_counts_the_quiet_from_when_an_untranscribed_candidate_was_last_heard() -> None:
    """While coding, the candidate's turn was transcribed 10 s in; then the speech-to-text went down, and they were
    heard talking (the VAD) from 100 s to 130 s, never transcribed; the job restarted at 150 s. Before: only the first
    sound of an interview was noted, so the restarted job counted their quiet from the turn 140 s earlier and checked
    in at once. Their being heard is noted whenever the record has no sign of them from the last 15 s, and read back."""
    context, started_at = started_session()
    first = Job(context, now=started_at)
    async with first.running(FakeLLM(responder=_respond), phase=Phase.CODING, capture=True) as session:
        await first.wait(session, 10)
        await text_turn(session, _long_turn("I'll start with the brute force.", 2))
        await first.wait(session, 90, every=10, step=5)
        session._update_user_state("speaking")  # their voice, never transcribed
        await first.wait(session, 30, every=10, step=5)
        session._update_user_state("listening")
        await first.wait(session, 20, every=10, step=5)
    heard = [e.t for e in log(first.sink) if e.type == "note" and e.payload["kind"] == "candidate_heard"]
    assert len(heard) == 2 and heard[-1] is not None and 130 <= heard[-1] <= 136, (
        heard
    )  # noted at the next poll
    assert _notes(first.sink, "checkin") == []
    second = Job(context, events=log(first.sink), now=started_at + timedelta(seconds=150))
    async with second.running(FakeLLM(responder=_respond)) as session:
        await second.wait(session, 60, every=5, step=5)
        assert _notes(second.sink, "checkin") == []
        await second.wait(session, 50, every=5, step=5)
        assert [n["stage"] for n in _notes(second.sink, "checkin")] == [1]
