"""A restarted job (a crash, a redispatch) goes on from the record without giving anything twice or losing what the
candidate said: the first job runs through the real AgentSession and capture, its record is the stored log, and the
second job is built from that log (agent.resume ``build_resume``, agent.interview ``build_interview``) as the worker
builds it, then runs through a real AgentSession too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from livekit.agents import llm
from livekit.agents.voice.room_io import TextInputEvent

from agent.context import SessionContext, SessionEvent
from agent.room import chat_input
from agent.speech_budget import MAX_SPOKEN_CHARS
from agent.state import Phase
from agent.turns import text_turn
from tests.agent.restart_support import Job, log, started_session
from tests.fakes.interview import FakeSink, make_context
from tests.fakes.llm import FakeLLM, FakeResponse, call, say
from tests.fakes.session import instructed, settle

STOP = "I'd like to stop the interview now, please."
YES = "Yes, let's stop here."
LONG = "Let me explain my approach. " + "x" * (MAX_SPOKEN_CHARS + 500) + " Does that make sense?"


def _spoken(text: str) -> llm.ChatMessage:
    """A spoken turn (a typed one is cut on arrival)."""
    return llm.ChatMessage(role="user", content=[text])


_log = log  # the name the tests importing it from here use


def _notes(sink: FakeSink, kind: str) -> list[dict[str, Any]]:
    return [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] == kind]


async def _first_job(
    context: SessionContext,
    phase: Phase,
    turns: list[str],
    replies: list[FakeResponse],
    *,
    until: Callable[[list[SessionEvent]], list[SessionEvent]] = lambda events: events,
) -> list[SessionEvent]:
    """The log a job left behind when it stopped: ``turns`` said in ``phase`` (cut by ``until``: the crash)."""
    job = Job(context)
    job.state.candidate_spoke = True
    async with job.running(
        FakeLLM([say("Go on."), *replies]), phase=phase, capture=True, loops=False
    ) as session:
        for text in turns:
            handle = await text_turn(session, text)
            if handle is not None:
                await handle
            await settle(session)
    return until(_log(job.sink))


async def test_once_per_interview_notes_are_not_given_again_by_a_restarted_job():
    """``speech_truncated`` is noted once per interview and ``chat_dropped`` once per stretch of dropped messages, at
    most 5 times: a restarted job started counting again, and the record held the notes twice (five more drop
    notes per restart)."""
    context = make_context()
    first = Job(context)
    first.state.candidate_spoke = True
    on_text = chat_input().text_input_cb
    async with first.running(
        FakeLLM([say("Sure.")]), phase=Phase.APPROACH, capture=True, loops=False
    ) as session:
        await (await text_turn(session, _spoken(LONG)))  # type: ignore[misc]
        for i in range(12):  # past the keep budget: the last ones are dropped, one note for the stretch
            await on_text(session, TextInputEvent(text=f"{i:05d}" + "y" * 3_995))  # type: ignore[misc]
        await settle(session)
    assert len(_notes(first.sink, "speech_truncated")) == 1
    assert len(_notes(first.sink, "chat_dropped")) == 1

    second = Job(context, events=_log(first.sink))
    async with second.running(FakeLLM([say("Sure.")]), loops=False) as session:
        await (await text_turn(session, _spoken(LONG)))  # type: ignore[misc]
        for i in range(12):  # the stretch of dropped messages goes on after the restart
            await on_text(session, TextInputEvent(text=f"{i:05d}" + "z" * 3_995))  # type: ignore[misc]
        await settle(session)
    assert _notes(second.sink, "speech_truncated") == []
    # A new stretch of dropped messages (the restarted job's keep budget is full again) is noted, counted on from
    # the record's count and as the interview's second note, not its first.
    assert _notes(second.sink, "chat_dropped") == [
        {"kind": "chat_dropped", "phase": "approach", "dropped": 2}
    ]
    assert second.state.chat_budget.drop_notes == 2


async def test_the_drop_notes_cap_holds_across_restarts():
    """At most 5 ``chat_dropped`` notes per interview: a job restarted after five gives none."""
    events = [
        SessionEvent(seq=1, type="transcript", t=1.0, idempotency_key="k1",
                     payload={"role": "assistant", "text": "Hi.", "item_id": "a1"}),
    ]  # fmt: skip
    for n in range(5):
        dropped = {"kind": "chat_dropped", "phase": "approach", "dropped": n + 1}
        kept = {"role": "user", "text": "ok", "typed": True, "item_id": f"u{n}"}
        events.append(
            SessionEvent(seq=2 + 2 * n, type="note", t=2.0 + n, idempotency_key=f"d{n}", payload=dropped)
        )
        events.append(
            SessionEvent(seq=3 + 2 * n, type="transcript", t=2.5 + n, idempotency_key=f"u{n}", payload=kept)
        )
    job = Job(make_context(), events=events)
    on_text = chat_input().text_input_cb
    async with job.running(FakeLLM([say("Sure.")]), loops=False) as session:
        for i in range(12):
            await on_text(session, TextInputEvent(text=f"{i:05d}" + "z" * 3_995))  # type: ignore[misc]
        await settle(session)
    assert job.state.chat_budget.dropped >= 1
    assert _notes(job.sink, "chat_dropped") == []


async def test_an_end_question_asked_before_the_restart_is_answered_after_it():
    """The job stopped after "shall we stop here?" and before the answer: the restarted job took the candidate's
    yes for a new request, asked again (a second ``end_confirm``) and kept the interview going."""
    context = make_context()
    events = await _first_job(
        context, Phase.CODING, [STOP], [call("end_interview"), say("Shall we stop here?")]
    )
    assert len([e for e in events if e.payload.get("kind") == "end_confirm"]) == 1

    job = Job(context, events=events)
    model = FakeLLM([say("Sorry, the line dropped."), call("end_interview", reason="candidate_request"),
                     say("Thanks, goodbye!")])  # fmt: skip
    async with job.running(model, loops=False) as session:
        handle = await text_turn(session, YES)
        if handle is not None:
            await handle
        await settle(session)
    assert _notes(job.sink, "end_confirm") == []
    assert job.state.ended and job.state.end_reason == "candidate_request"
    assert [e["payload"]["to"] for e in job.sink.of_type("phase_change")] == ["end"]


async def test_the_candidates_yes_recorded_before_the_restart_still_ends_the_interview():
    """The candidate said yes and the job stopped before acting on it: the restarted job forgot the question had
    been asked, so its end_interview took the recorded yes for a new request and asked again."""
    context = make_context()

    def crash_after_the_yes(events: list[SessionEvent]) -> list[SessionEvent]:
        [decided] = [e.seq for e in events if e.payload.get("kind") == "turn_decision"][1:]
        return [e for e in events if e.seq <= decided]

    events = await _first_job(
        context, Phase.CODING, [STOP, YES],
        [call("end_interview"), say("Shall we stop here?"), say("Alright.")], until=crash_after_the_yes,
    )  # fmt: skip
    job = Job(context, events=events)
    model = FakeLLM([call("end_interview", reason="candidate_request"), say("Thanks, goodbye!")])
    async with job.running(model, loops=False):
        pass
    assert (
        _notes(job.sink, "turn_decision") == []
    )  # decided before the restart: not decided (and counted) again
    assert _notes(job.sink, "end_confirm") == []
    assert job.state.ended and job.state.end_reason == "candidate_request"


async def test_an_interview_that_ended_before_the_restart_is_not_reopened():
    """The job stopped after the interview ended (END recorded) and before the session was completed: the
    restarted job reopened it in wrap-up ("we got disconnected, let's continue") and answered the candidate."""
    context = make_context()
    events = await _first_job(
        context, Phase.CODING, [STOP, YES],
        [call("end_interview"), say("Shall we stop here?"), call("end_interview"), say("Goodbye!")],
    )  # fmt: skip
    assert [e.payload["to"] for e in events if e.type == "phase_change"][-1] == "end"

    job = Job(context, events=events)
    model = FakeLLM([say("Goodbye, and thanks again.")])
    async with job.running(model) as session:
        for _ in range(200):
            if job.finished:
                break
            await job.clock.advance(0.1)
        await text_turn(session, "Actually, can we keep going?")
        await settle(session)
    assert job.finished == ["candidate_request"]
    assert job.state.ended and job.state.phase == Phase.END
    assert _notes(job.sink, "resumed") == []
    assert job.channel.of_type("ended") == [{"type": "ended", "reason": "candidate_request"}]
    assert [d["reply"] for d in _notes(job.sink, "turn_decision")] == [
        False
    ]  # nothing answered after the end
    assert instructed(model, "continue where you left off") == 0


async def test_the_end_button_pressed_before_the_restart_still_ends_the_interview():
    """``end_requested`` recorded, the job gone before END: the restarted job records END and completes it."""
    events = [
        SessionEvent(seq=1, type="transcript", t=1.0, idempotency_key="k1",
                     payload={"role": "assistant", "text": "Hi.", "item_id": "a1"}),
        SessionEvent(seq=2, type="phase_change", t=2.0, idempotency_key="k2",
                     payload={"from": "approach", "to": "coding"}),
        SessionEvent(seq=3, type="note", t=3.0, idempotency_key="k3",
                     payload={"kind": "end_requested", "via": "end_button", "phase": "coding"}),
    ]  # fmt: skip
    job = Job(make_context(), events=events)
    async with job.running(FakeLLM([say("Goodbye!")])):
        for _ in range(200):
            if job.finished:
                break
            await job.clock.advance(0.1)
    assert job.finished == ["candidate_request"]
    assert [e["payload"] for e in job.sink.of_type("phase_change")] == [{"from": "coding", "to": "end"}]


async def test_the_coding_check_ins_go_on_from_their_stage_after_a_restart():
    """The first check-in was given, then the job restarted: the ladder started over (the same first check-in two
    minutes after the restart, the offer of help three minutes late) and the check-in's words could be said again.
    It goes on on the interview clock: the offer five minutes after the candidate's last turn, in new words."""
    context, started_at = started_session()
    first = Job(context, now=started_at)
    first.state.candidate_spoke = True
    asked = "How is it going so far?"
    model = FakeLLM([say("Go ahead."), say("Sure."), say(asked)])
    async with first.running(model, phase=Phase.CODING, capture=True) as session:
        await (await text_turn(session, "Can you tell me when I'm halfway through?"))  # type: ignore[misc]
        await settle(session)
        await first.clock.advance(125, step=2)
        await settle(session)
        await first.clock.advance(5, step=1)
    assert [n["stage"] for n in _notes(first.sink, "checkin")] == [1]
    events = _log(first.sink)
    last_turn = max(
        e.t for e in events if e.type == "transcript" and e.payload["role"] == "user" and e.t is not None
    )

    restart_at = started_at + timedelta(seconds=(first.state.elapsed_s() + 30))
    second = Job(context, events=events, now=restart_at)
    model = FakeLLM([say("Sorry, the line dropped."), say(asked), say("Anything I can help with?")])
    async with second.running(model) as session:
        offer_in = last_turn + 300 - second.state.elapsed_s()
        await second.clock.advance(offer_in - 10, step=2)
        await settle(session)
        assert _notes(second.sink, "checkin") == []  # no first check-in again
        await second.clock.advance(14, step=1)
        await settle(session)
    assert [n["stage"] for n in _notes(second.sink, "checkin")] == [2]
    assert _notes(second.sink, "checkin_reworded") == [{"kind": "checkin_reworded", "stage": 2}]
    said = [i.text_content for i in session.history.items if i.type == "message" and i.role == "assistant"]
    assert asked not in said  # said before the restart, never again
