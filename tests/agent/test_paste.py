"""A large paste while coding gives the interviewer one neutral note (size and time only), through a real
AgentSession with a scripted model: once per interview (resumes included), only above the configured threshold,
only while the candidate writes code, only from the candidate, never the pasted text, never a verdict."""

from __future__ import annotations

import asyncio
import re
from types import SimpleNamespace
from typing import Any

import pytest
from livekit.agents import AgentSession

from agent.context import SessionEvent
from agent.interview import build_interview
from agent.paste import PasteWatch
from agent.phases import make_phase_agent
from agent.prompts import render
from agent.resume import build_resume
from agent.state import InterviewState, Phase
from tests.agent.test_tools import CODE, REPORT
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeRunClient, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, call, say

CANDIDATE = "candidate-ada"
NOTE_MARK = "was pasted into the editor"
# Words that would turn an observation into an accusation or a verdict.
ACCUSING = re.compile(
    r"cheat|suspic|plagiar|copied|dishonest|integrity|violat|flag|penal|score|fail|AI tool", re.I
)


def make(phase: Phase = Phase.CODING, *, threshold: int = 300, resume: Any = None):
    clock = ManualClock()
    sink = FakeSink()
    _, state = build_interview(
        make_context(), api=None, recorder=sink, clock=clock, channel=FakeChannel(), resume=resume,
        settings=test_settings(paste_note_min_chars=threshold),
    )  # fmt: skip
    state.phase = phase
    return state, sink, clock, PasteWatch(state, lambda: CANDIDATE)


async def session_for(state: InterviewState, phase: Phase) -> tuple[AgentSession[InterviewState], FakeLLM]:
    fake = FakeLLM([say("Go ahead.")])
    session = AgentSession[InterviewState](llm=fake, userdata=state)
    await session.start(make_phase_agent(phase, state))
    return session, fake


def notes_in(fake: FakeLLM, index: int) -> list[str]:
    return [t for t in fake.texts(index) if NOTE_MARK in t]


def system_texts(fake: FakeLLM, index: int) -> list[str]:
    return [
        i.text_content or ""
        for i in fake.requests[index]["chat_ctx"].items
        if i.type == "message" and i.role == "system"
    ]


async def test_a_large_paste_while_coding_gives_the_next_turn_one_neutral_note_and_only_once():
    state, sink, clock, watch = make(Phase.CODING)
    session, fake = await session_for(state, Phase.CODING)
    await clock.advance(7 * 60)
    assert watch.observe(1200, 31) is True

    await session.run(user_input="Can you run my tests?")  # an explicit request: always answered
    notes = notes_in(fake, -1)
    assert len(notes) == 1
    note = notes[0]
    # Our own words in our own system note: sizes and the time, nothing the candidate wrote.
    assert any(NOTE_MARK in t for t in system_texts(fake, -1))
    assert (
        "1200 characters" in note and "31 lines" in note and f"minute {int(state.elapsed_s() // 60)}" in note
    )
    assert "walk you through" in note and "never suggest that anything is wrong" in note
    assert not ACCUSING.search(note), note
    recorded = [e for e in sink.of_type("note") if e["payload"]["kind"] == "paste_noted"]
    assert [e["payload"] for e in recorded] == [
        {"kind": "paste_noted", "chars": 1200, "lines": 31, "phase": "coding", "threshold": 300}
    ]

    # Further pastes, however large, and the following turns: no note again.
    assert watch.observe(5000, 120) is False
    await session.run(user_input="What do you think of my loop?")
    assert notes_in(fake, -1) == []
    assert sum(len(notes_in(fake, i)) for i in range(len(fake.requests))) == 1
    assert len([e for e in sink.of_type("note") if e["payload"]["kind"] == "paste_noted"]) == 1
    await session.aclose()


@pytest.mark.parametrize(("threshold", "chars", "noted"), [(300, 299, False), (300, 300, True), (50, 60, True),
                                                           (2000, 1999, False)])  # fmt: skip
async def test_only_pastes_at_or_above_the_configured_threshold_are_noted(
    threshold: int, chars: int, noted: bool
):
    state, sink, _, watch = make(Phase.CODING, threshold=threshold)
    session, fake = await session_for(state, Phase.CODING)
    assert watch.observe(chars, 3) is noted
    await session.run(user_input="Can you run my tests?")
    assert len(notes_in(fake, -1)) == (1 if noted else 0)
    assert bool([e for e in sink.of_type("note") if e["payload"]["kind"] == "paste_noted"]) is noted
    await session.aclose()


async def test_small_pastes_send_nothing_and_do_not_use_up_the_note():
    state, _, _, watch = make(Phase.CODING)
    session, fake = await session_for(state, Phase.CODING)
    for _ in range(20):
        assert watch.observe(40, 1) is False
    await session.run(user_input="Can you run my tests?")
    assert all(notes_in(fake, i) == [] for i in range(len(fake.requests)))
    assert state.pending_notes == [] and not state.paste_noted
    assert watch.observe(900, 20) is True  # a later large paste still counts
    await session.aclose()


@pytest.mark.parametrize(
    "phase", [Phase.GREETING, Phase.PROBLEM, Phase.APPROACH, Phase.COMPLEXITY, Phase.WRAP_UP]
)
async def test_pastes_outside_coding_and_testing_are_not_noted_and_do_not_use_up_the_note(phase: Phase):
    state, _, _, watch = make(phase)
    assert watch.observe(5000, 100) is False
    assert state.pending_notes == [] and not state.paste_noted
    state.phase = Phase.TESTING
    assert watch.observe(5000, 100) is True


async def test_a_thinking_aloud_turn_keeps_the_note_for_the_next_reply():
    state, _, _, watch = make(Phase.CODING)
    session, fake = await session_for(state, Phase.CODING)
    watch.observe(800, 20)
    requests = len(fake.requests)
    await session.run(user_input="")  # an empty turn is decided silent: no generation, the note waits
    assert len(fake.requests) == requests and state.pending_notes
    await session.run(user_input="Can you give me a hint?")
    assert len(notes_in(fake, -1)) == 1 and state.pending_notes == []
    await session.aclose()


def test_after_a_resume_with_the_note_given_no_second_note():
    events = [
        SessionEvent(seq=1, type="transcript", t=1.0, idempotency_key="a", payload={"role": "assistant", "text": "Hi"}),
        SessionEvent(seq=2, type="phase_change", t=2.0, idempotency_key="b", payload={"from": None, "to": "coding"}),
        SessionEvent(seq=3, type="note", t=3.0, idempotency_key="agent:paste_noted",
                     payload={"kind": "paste_noted", "chars": 900, "lines": 20, "phase": "coding"}),
    ]  # fmt: skip
    resume = build_resume(events)
    assert resume is not None and resume.paste_noted
    state, _, _, watch = make(Phase.CODING, resume=resume)
    assert state.paste_noted and watch.observe(5000, 100) is False
    fresh = build_resume(events[:2])
    assert fresh is not None and not fresh.paste_noted


class _Reader:
    """A text stream whose body must never be read: only its attributes count."""

    def __init__(self, attributes: dict[str, str] | None) -> None:
        self.info = SimpleNamespace(attributes=attributes)

    async def read_all(self) -> str:
        raise AssertionError("the paste stream's body was read")


def test_the_paste_stream_counts_only_the_candidates_well_formed_sizes():
    state, _, _, watch = make(Phase.CODING)
    bad: list[dict[str, str] | None] = [
        None, {}, {"chars": "900"}, {"chars": "-900", "lines": "3"}, {"chars": "9e9", "lines": "3"},
        {"chars": "900.5", "lines": "3"}, {"chars": " 900", "lines": "3"},
        {"chars": "\uff11\uff12\uff13", "lines": "3"},  # fullwidth digits: str.isdigit() but not ASCII
        {"chars": "99999999999999999999", "lines": "3"}, {"chars": "900", "lines": "x" * 10_000},
        {"chars": "def f(): pass", "lines": "1"},
    ]  # fmt: skip
    for attributes in bad:
        watch.on_text_stream(_Reader(attributes), CANDIDATE)  # type: ignore[arg-type]  # duck-typed reader
    assert not state.paste_noted and state.pending_notes == []
    watch.on_text_stream(_Reader({"chars": "900", "lines": "20"}), "someone-else")  # type: ignore[arg-type]
    assert not state.paste_noted
    watch.on_text_stream(_Reader({"chars": "900", "lines": "20"}), CANDIDATE)  # type: ignore[arg-type]
    assert state.paste_noted and len(state.pending_notes) == 1
    assert "900 characters" in state.pending_notes[0]


def test_no_note_once_the_interview_has_ended():
    state, _, _, watch = make(Phase.CODING)
    state.ended = True
    assert watch.observe(5000, 100) is False


def test_the_paste_stream_is_closed_unread_whoever_sent_it():
    """The body is never read, and a reader neither read to its end nor closed keeps its chunks and its FFI
    subscription for the life of the job (livekit rtc's TextStreamReader): one per paste, a large body included."""
    from tests.fakes.room import FakeTextStreamReader

    _, _, _, watch = make(Phase.CODING)
    for sender in (CANDIDATE, "someone-else"):
        reader = FakeTextStreamReader(
            "editor.paste", "x" * 100_000, attributes={"chars": "900", "lines": "20"}
        )
        watch.on_text_stream(reader, sender)  # type: ignore[arg-type]  # duck-typed reader
        assert reader.closed and reader.chunks_read == 0


async def test_the_note_reaches_the_reply_after_a_run_and_stays_until_a_reply_is_said():
    """The note asks for a walk-through "when they finish or run the code": a reply that runs the tests is a tool
    call, and the words come in the step after it, with the run's result. The note was consumed by the tool call's
    step, so the reply about the run never had it; and a reply cut off before it was said used it up unheard."""
    state, _, _, watch = make(Phase.CODING)
    state.api = FakeRunClient(REPORT)
    state.editor.ingest(CODE, {"version": "3", "language": "python"})
    fake = FakeLLM([say("Go ahead."), call("run_tests"), say("One of the two failed; walk me through it?")])
    session = AgentSession[InterviewState](llm=fake, userdata=state)
    await session.start(make_phase_agent(Phase.CODING, state))
    watch.observe(1200, 31)
    await session.run(user_input="Can you run my tests?")
    run_step, reply_step = len(fake.requests) - 2, len(fake.requests) - 1
    assert fake.requests[run_step]["tools"] and "run_tests" in fake.requests[run_step]["tools"]
    assert len(notes_in(fake, run_step)) == 1 and len(notes_in(fake, reply_step)) == 1
    assert state.pending_notes == []  # said: given
    await session.run(user_input="Sure, what about my loop?")
    assert notes_in(fake, -1) == []
    await session.aclose()


async def test_a_reply_cut_off_before_it_was_said_leaves_the_note_for_the_next_one():
    state, _, _, watch = make(Phase.CODING)
    fake = FakeLLM([say("Go ahead."), say("Sure, walk me through it."), say("Walk me through the loop?")])
    fake.slow = {1: 30.0}  # the first answer is still being generated when the candidate talks over it
    session = AgentSession[InterviewState](llm=fake, userdata=state)
    await session.start(make_phase_agent(Phase.CODING, state))
    watch.observe(1200, 31)
    handle = session.generate_reply(user_input="Can you look at my code?")
    for _ in range(200):
        if len(fake.requests) >= 2:
            break
        await asyncio.sleep(0.01)
    assert len(notes_in(fake, 1)) == 1
    await handle.interrupt(force=True)
    assert state.pending_notes  # never said: not given
    await session.run(user_input="Sorry, go on. Can you look at my code?")
    assert len(notes_in(fake, -1)) == 1 and state.pending_notes == []
    await session.aclose()


async def test_two_replies_under_way_are_not_both_shown_the_note():
    """livekit generates a reply as soon as it is asked for, while the one ahead of it is still being generated or
    said (a check-in or a time warning asked for meanwhile): both were shown the note and both asked for the
    walk-through. The first holds it; the second is shown it only if the first ends unsaid."""
    state, _, _, watch = make(Phase.CODING)
    fake = FakeLLM([say("Go ahead."), say("Sure, walk me through it?"), say("Five minutes left.")])
    fake.slow = {1: 0.3}  # the answer is still being generated when the second reply is asked for
    session = AgentSession[InterviewState](llm=fake, userdata=state)
    await session.start(make_phase_agent(Phase.CODING, state))
    watch.observe(1200, 31)
    first = session.generate_reply(user_input="Can you look at my code?")
    second = session.generate_reply(instructions="Say that five minutes are left.")
    await first
    await second
    assert len(fake.requests) == 3 and not first.interrupted and not second.interrupted
    assert len(notes_in(fake, 1)) == 1 and notes_in(fake, 2) == []  # shown once, to the reply that holds it
    assert state.pending_notes == [] and state.notes_held == {}
    await session.aclose()


async def test_the_goodbye_after_end_interview_is_not_shown_the_note():
    """The goodbye is the step after the end_interview call, in the reply that called it: a note held by that reply
    reached the goodbye ("before you go, walk me through what you added?"). The first step used it up before."""
    state, _, _, _ = make(Phase.WRAP_UP)
    fake = FakeLLM([say("Any questions?"), call("end_interview", reason="completed"), say("Goodbye!")])
    session = AgentSession[InterviewState](llm=fake, userdata=state)
    await session.start(make_phase_agent(Phase.WRAP_UP, state), capture_run=True)
    # a paste at the last minute: its note pending as the candidate answers
    state.pending_notes.append(render("paste_note", chars=1200, lines=31, minute=40))
    await session.run(user_input="No questions, thanks!")
    assert state.ended, [r["tools"] for r in fake.requests]
    ending, goodbye = len(fake.requests) - 2, len(fake.requests) - 1
    assert "end_interview" in fake.requests[ending]["tools"] and len(notes_in(fake, ending)) == 1
    assert notes_in(fake, goodbye) == []
    await session.aclose()
