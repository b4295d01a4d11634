"""What the record counts as said to the candidate is what was said to them: a line of the silence ladder counts as
given once its words are recorded (not when it is noted: a job that died between the two left a check-in nobody
heard), and a line of the interviewer's own under way when the candidate leaves the room (a check-in, the time-up
line) is cut off, noted as unheard and said again on their return (agent.own_lines). Spells out of the room are the
room's events, never a poll's sample: a spell shorter than the ladder's 1 s poll counts too. The real AgentSession,
the interview's own silence and time loops and the presence watcher, wired as the worker wires them (the harness of
tests/agent/test_silence_presence.py). Each test failed before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from livekit.agents import APIConnectionError, llm

from agent.context import SessionEvent
from agent.resume import build_resume
from agent.state import Phase
from agent.turns import text_turn
from tests.agent.restart_support import Job, log, started_session
from tests.agent.test_silence_presence import CHECK_IN, TIME_UP, Call, _notes, _respond, _start
from tests.fakes.llm import FakeLLM, FakeResponse
from tests.fakes.session import instructed, settle, until


def _said(call: Call, words: str) -> list[llm.ChatMessage]:
    """The interviewer's messages in the conversation that carry ``words``."""
    return [
        i
        for i in call.session.history.items
        if isinstance(i, llm.ChatMessage) and i.role == "assistant" and words in (i.text_content or "")
    ]


def _heard(call: Call, words: str) -> int:
    """How many of the interviewer's messages carrying ``words`` were played out whole."""
    return sum(not m.interrupted for m in _said(call, words))


async def test_a_check_in_noted_but_never_said_before_a_restart_is_said_by_the_restarted_job() -> None:
    """The job died between noting the first check-in and saying it. Before: the restarted job took it as given
    (the ladder's stage came from the note), so the candidate, who never heard it, got no check-in and, three minutes
    later, the hint offer. It counts once its words are recorded: the restarted job says it."""
    context, started_at = started_session()
    first = Job(context, now=started_at)
    first.state.candidate_spoke = True
    async with first.running(FakeLLM(responder=_respond), phase=Phase.CODING, capture=True) as session:
        await (await text_turn(session, "Okay, I'll start with a hash map."))  # type: ignore[misc]
        await settle(session)
        await first.clock.advance(125, step=1)
        await settle(session)
    events = log(first.sink)
    [noted] = [i for i, e in enumerate(events) if e.type == "note" and e.payload["kind"] == "checkin"]
    assert any(e.type == "transcript" and e.payload["role"] == "assistant" for e in events[noted:])
    died = events[: noted + 1]  # the job died right after noting it: its words never recorded

    restart_at = started_at + timedelta(seconds=(events[noted].t or 0) + 20)
    second = Job(context, events=died, now=restart_at)
    model = FakeLLM(responder=_respond)
    async with second.running(model) as session:
        await second.wait(session, 25)  # past the spacing from the line after the restart
    assert [n["stage"] for n in _notes(second.sink, "checkin")] == [1]
    assert instructed(model, CHECK_IN) == 1


def _events(*specs: tuple[str, dict[str, Any]]) -> list[SessionEvent]:
    return [
        SessionEvent(seq=i, type=type_, t=float(i), idempotency_key=f"k{i}", payload=payload)
        for i, (type_, payload) in enumerate(specs, 1)
    ]


def _line(role: str, text: str, *, interrupted: bool = False) -> tuple[str, dict[str, Any]]:
    return "transcript", {"role": role, "text": text, "interrupted": interrupted, "item_id": f"{role}:{text}"}


def test_a_restarted_job_counts_a_step_of_the_ladder_only_once_its_words_were_recorded_whole() -> None:
    """Noted and said: given. Noted only (the job died), cut off as the candidate left, or talked over: not heard,
    due again. Before, each of them counted from its note. Noted as having made no words (``line_unsaid``: its model
    call failed): not given, and the interviewer's next words (a time warning) are not its words."""
    start = (_line("user", "I'll use a hash map."),)
    checkin = ("note", {"kind": "checkin", "stage": 1, "phase": "coding", "quiet_s": 120})
    unheard = ("note", {"kind": "line_unheard", "line": "checkin", "phase": "coding", "stage": 1})
    unsaid = ("note", {"kind": "line_unsaid", "line": "checkin", "phase": "coding", "stage": 1})
    cases = {
        "said": ((*start, checkin, _line("assistant", "How is it going?")), (1, 1, 2.0)),
        "noted only": ((*start, checkin), (0, 0, None)),
        "cut off": ((*start, checkin, unheard, _line("assistant", "How is", interrupted=True)), (0, 1, None)),
        "talked over": ((*start, checkin, _line("assistant", "How", interrupted=True)), (0, 1, None)),
        "no words": ((*start, checkin, unsaid, _line("assistant", "Five minutes remain.")), (0, 0, None)),
    }
    for name, (specs, (stage, words, step_t)) in cases.items():
        point = build_resume(_events(*specs))
        assert point is not None
        found = (point.quiet_stage, len(point.checkins_said), point.quiet_step_t)
        assert found == (stage, words, step_t), name
    ping = ("note", {"kind": "no_show_ping", "waited_s": 20})
    greeting = _line("assistant", "Hi, I'm an AI interviewer.")
    for specs, stage in (
        ((greeting, ping), 0),
        ((greeting, ping, _line("assistant", "Can you hear me?")), 1),
    ):
        point = build_resume(_events(*specs))
        assert point is not None and point.no_show_stage == stage


async def test_the_time_up_line_begun_as_the_candidate_drops_is_cut_off_and_said_when_they_are_back() -> None:
    """Time was up with the candidate in the room, and they dropped while the line was being made. Before: it was said
    to the empty room, recorded whole as said to them, and they came back to a wrap-up nobody had announced. It is
    cut off, noted as not heard, and said when they are back."""
    call = await _start(Phase.CODING, minutes_left=0.2)
    call.fake.ttft_s = 1.0  # the line takes a second (wall time) to come: they drop meanwhile
    await call.clock.advance(13, step=1)  # time is up 12 s in
    await until(lambda: call.state.phase is Phase.WRAP_UP and call.session.agent_state == "thinking")
    call.leave()
    await settle(call.session)
    assert _notes(call.sink, "line_unheard") == [
        {"kind": "line_unheard", "line": "time_up", "phase": "wrap_up"}
    ]
    assert _heard(call, "Time is up") == 0
    await call.wait(30, step=1)
    assert _heard(call, "Time is up") == 0  # not said to the empty room
    call.come_back()
    await call.wait(2, step=1)
    assert instructed(call.fake, TIME_UP) == 2 and _heard(call, "Time is up") == 1
    assert not call.state.ended and call.state.phase is Phase.WRAP_UP
    await call.close()


async def test_a_check_in_begun_in_a_moments_presence_is_cut_off_when_the_candidate_drops_again() -> None:
    """Out of the room past the first check-in, the candidate was back for a moment (the ladder saw them and asked for
    the check-in) and dropped again before it was said. Before: it went to the empty room and counted as given, so
    back for good they never had it, and the hint offer came next. It is cut off, taken back, and said on their
    return."""
    call = await _start(Phase.CODING)
    call.leave()
    await call.wait(160, step=5)
    call.fake.ttft_s = 1.0
    call.come_back()
    await call.clock.advance(2, step=1)
    await until(lambda: call.session.agent_state == "thinking")
    assert instructed(call.fake, CHECK_IN) == 1
    call.leave()
    await settle(call.session)
    [cut] = _notes(call.sink, "line_unheard")
    assert (cut["line"], cut["stage"]) == ("checkin", 1)
    assert call.tasks.silence.checkins == 0 and _heard(call, "has been quiet") == 0
    await call.wait(30, step=5)
    call.come_back()
    await call.wait(20, step=1)  # said again, keeping the ladder's spacing from the cut
    assert [n["stage"] for n in _notes(call.sink, "checkin")] == [1, 1]
    assert call.tasks.silence.checkins == 1 and _heard(call, "has been quiet") == 1
    await call.close()


async def test_spells_out_of_the_room_shorter_than_the_ladders_poll_are_not_counted_as_quiet() -> None:
    """Twenty drops of 0.75 s, each between two of the ladder's 1 s polls. Before: the ladder sampled the room once a
    second and never saw them gone, so the check-in's note counted the 15 s away as their quiet."""
    call = await _start(Phase.CODING)
    await call.wait(30, step=1)
    for _ in range(20):
        await call.clock.advance(0.125, step=0.125)  # binary fractions: the polls stay on whole seconds
        call.leave()
        await call.clock.advance(0.75, step=0.75)
        call.come_back()
        await call.clock.advance(0.125, step=0.125)
    await call.wait(80, step=1)
    [note] = _notes(call.sink, "checkin")
    assert (note["quiet_s"], note["away_s"]) == (105, 15)
    await call.close()


async def test_a_check_in_the_candidate_talked_over_is_not_noted_unheard_when_they_then_leave() -> None:
    """The candidate talked over the check-in and their connection dropped before its speech had stopped.
    Before: the leave found it not yet done, noted it ``line_unheard`` and took it back, as if they had never heard
    any of it. Cut off by them, not by their leaving, it stays given."""
    call = await _start(Phase.CODING)
    call.fake.ttft_s = 1.0
    await call.clock.advance(125, step=1)
    await until(lambda: call.session.agent_state == "thinking")
    assert instructed(call.fake, CHECK_IN) == 1
    [own] = call.state.own_lines.values()
    own.handle.interrupt(source="audio_activity")  # as the session does when they talk over it
    call.leave()
    await settle(call.session)
    assert _notes(call.sink, "line_unheard") == []
    assert call.tasks.silence.checkins == 1
    await call.close()


async def test_a_check_in_whose_model_call_fails_is_not_counted_and_is_tried_again_later() -> None:
    """The model was down when the first check-in was asked for: no words at all. Before: it counted as given (the
    ladder went on to the hint offer three minutes later, the candidate never asked how it was going), and the record
    held a check-in nobody said. It is noted ``line_unsaid``, taken back and tried again: not at the next poll, but
    after the ladder's spacing (15 s), then twice that while the model stays down; said once the model is back."""
    call = await _start(Phase.CODING)
    down = [True]

    def respond(ctx: llm.ChatContext, tools: list[str]) -> FakeResponse:
        if down[0] and any(CHECK_IN in (i.text_content or "") for i in ctx.items if i.type == "message"):
            raise APIConnectionError("the model is down")
        return _respond(ctx, tools)

    call.fake._responder = respond  # the session's own fake model goes down
    await call.wait(121, step=1)
    assert instructed(call.fake, CHECK_IN) == 1
    assert call.tasks.silence.checkins == 0 and _heard(call, "has been quiet") == 0
    assert _notes(call.sink, "line_unsaid") == [
        {"kind": "line_unsaid", "line": "checkin", "phase": "coding", "stage": 1}
    ]
    await call.wait(13, step=1)
    assert instructed(call.fake, CHECK_IN) == 1  # not every poll
    await call.wait(3, step=1)
    assert instructed(call.fake, CHECK_IN) == 2 and call.tasks.silence.checkins == 0
    await call.wait(28, step=1)
    assert instructed(call.fake, CHECK_IN) == 2  # twice the spacing after a second failure in a row
    down[0] = False
    await call.wait(3, step=1)
    assert instructed(call.fake, CHECK_IN) == 3
    assert call.tasks.silence.checkins == 1 and _heard(call, "has been quiet") == 1
    assert [n["stage"] for n in _notes(call.sink, "checkin")] == [1, 1, 1]
    assert len(_notes(call.sink, "line_unsaid")) == 2
    await call.close()


async def _restarted_past_time_up(events: list[SessionEvent]) -> tuple[Job, FakeLLM]:
    """A job restarted from ``events`` 20 s after time was up, its candidate in the room, run for 15 s."""
    context, started_at = started_session()
    job = Job(context, events=events, now=started_at + timedelta(minutes=45, seconds=20))
    model = FakeLLM(responder=_respond)
    async with job.running(model) as session:
        await job.wait(session, 15, every=1)
    return job, model


async def test_a_restarted_job_owes_the_time_up_line_cut_off_as_the_candidate_left_and_says_it_once() -> None:
    """The time-up line was cut off as the candidate left, and the job restarted. Before: the restarted job read the
    phase (wrap-up) and not the ``line_unheard`` note, so the candidate, back, was in the wrap-up and never told time
    was up. It owes the line as the live job did; said whole after the cut (``time_up_again``, then its words), it
    is not said twice."""
    cut = _events(
        _line("user", "I think I'm done with the loop."),
        ("phase_change", {"from": "coding", "to": "wrap_up"}),
        ("note", {"kind": "line_unheard", "line": "time_up", "phase": "wrap_up"}),
        _line("assistant", "Time is", interrupted=True),
    )
    job, model = await _restarted_past_time_up(cut)
    assert instructed(model, TIME_UP) == 1
    assert _notes(job.sink, "time_up_again") == [{"kind": "time_up_again", "phase": "wrap_up"}]
    said = _events(
        *[(e.type, e.payload) for e in cut],
        ("note", {"kind": "time_up_again", "phase": "wrap_up"}),
        _line("assistant", "Time is up, thank you for your work today."),
    )
    job, model = await _restarted_past_time_up(said)
    assert instructed(model, TIME_UP) == 0 and _notes(job.sink, "time_up_again") == []


async def test_a_no_show_ends_at_its_time_while_the_model_is_down() -> None:
    """Nobody joined and the model was down: every no-show line made no words. Before: each was noted ``line_unsaid``,
    taken back and tried again (15 s, 30 s, 60 s, 2 minutes apart), so the ladder never reached its end and only the
    session's time limit ended an interview nobody joined. The end comes at its time (3 minutes) whether or not the
    interviewer could speak, and nothing recorded holds a line said that was not: each try is noted unsaid, the
    end's goodbye too, and no words of the interviewer's follow the greeting's."""
    call = await _start(Phase.GREETING, spoke=False)
    spoken = len(_said(call, ""))

    def down(_ctx: llm.ChatContext, _tools: list[str]) -> FakeResponse:
        raise APIConnectionError("the model is down")

    call.fake._responder = down
    for _ in range(185):  # each failure settled as it comes: the retries' times are exact
        await call.wait(1, step=1)
    assert call.state.ended and call.state.end_reason == "no_show"
    assert _notes(call.sink, "no_show") == [{"kind": "no_show", "waited_s": 180}]
    asked = [n["waited_s"] for n in _notes(call.sink, "no_show_ping")]
    assert asked == [20, 35, 65, 125]  # never given, so never the microphone hint
    unsaid = [n["line"] for n in _notes(call.sink, "line_unsaid")]
    assert unsaid == ["no_show_ping"] * 4 + ["no_show_end"]
    assert _notes(call.sink, "no_show_microphone") == [] and len(_said(call, "")) == spoken
    await call.close()


async def test_a_time_up_line_whose_model_call_fails_is_said_once_the_model_is_back_and_never_twice() -> None:
    """Time was up with the candidate in the room and the model down: the time-up line made no words. Before: it was
    neither noted nor owed, and the candidate was never told time was up (the wrap-up went on in silence until the
    overtime ended it). It is noted ``line_unsaid`` and tried again, 10 s after, then twice as long after each failure
    in a row; said once the model is back, and never again."""
    call = await _start(Phase.CODING, minutes_left=0.2)
    down = [True]

    def respond(ctx: llm.ChatContext, tools: list[str]) -> FakeResponse:
        if down[0] and any(TIME_UP in (i.text_content or "") for i in ctx.items if i.type == "message"):
            raise APIConnectionError("the model is down")
        return _respond(ctx, tools)

    call.fake._responder = respond

    async def tick(seconds: int) -> None:
        for _ in range(seconds):  # each failure settled as it comes: the retries' times are exact
            await call.wait(1, step=1)

    await tick(13)  # time is up 12 s in
    assert instructed(call.fake, TIME_UP) == 1 and call.state.phase is Phase.WRAP_UP
    assert _notes(call.sink, "line_unsaid") == [
        {"kind": "line_unsaid", "line": "time_up", "phase": "wrap_up"}
    ]
    await tick(8)
    assert instructed(call.fake, TIME_UP) == 1  # not at every poll
    await tick(2)
    assert instructed(call.fake, TIME_UP) == 2 and _heard(call, "Time is up") == 0
    await tick(18)
    assert instructed(call.fake, TIME_UP) == 2  # twice the wait after a second failure in a row
    down[0] = False
    await tick(3)
    assert instructed(call.fake, TIME_UP) == 3 and _heard(call, "Time is up") == 1
    await tick(60)
    assert instructed(call.fake, TIME_UP) == 3 and _heard(call, "Time is up") == 1  # never twice
    assert [n["line"] for n in _notes(call.sink, "line_unsaid")] == ["time_up", "time_up"]
    assert len(_notes(call.sink, "time_up_again")) == 2 and not call.state.ended
    await call.close()
