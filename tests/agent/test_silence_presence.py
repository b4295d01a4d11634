"""A candidate out of the room (a reload, a dropped connection) hears nothing: the silence ladder and the time
warnings wait for them, and their leaving and return are noted. The silence is counted per interview, never per
connection: coming back is no activity, so the ladder goes on where it stood and the no-show wait goes on counting.
The real AgentSession, the interview's own silence and time loops, and the presence watcher on a room's participant
events, wired as the worker wires them. The check-in, quiet-check and warning tests failed before (each was said to
the empty room and recorded as asked of the candidate); so did the reload tests (a return started the check-ins from
their first step and the no-show wait from zero, so reloading within the rejoin grace dodged the no-show ending)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from livekit import rtc
from livekit.agents import AgentSession, llm

from agent.interview import InterviewTasks, attach_interview
from agent.phases import make_phase_agent
from agent.presence import CandidatePresence
from agent.state import MAX_ABSENCES_NOTED, InterviewState, Phase
from agent.turns import text_turn
from tests.agent.restart_support import Job, log, started_session
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeSink
from tests.fakes.llm import FakeLLM, FakeResponse, say
from tests.fakes.room import FakeParticipant
from tests.fakes.session import instructed, make_interview, settle, until

CANDIDATE = "candidate-ses_test"
CHECK_IN = "Check in with one short, friendly question"
OFFER = "offer to talk it through"
QUIET_CHECK = "ask whether they are still there"
WARNING = "minutes remain"
TIME_UP = "Time is up. In one or two sentences"


def _respond(ctx: llm.ChatContext, _tools: list[str]) -> FakeResponse:
    """Says which instruction it answered: the latest system instruction's first words."""
    last = [i.text_content or "" for i in ctx.items if i.type == "message" and i.role == "system"]
    return say(f"Answering: {last[-1][:60]}" if last else "Hello.")


def _presence(state: InterviewState, clock: ManualClock) -> tuple[rtc.EventEmitter[str], CandidatePresence]:
    """The presence watcher as agent.worker builds it: leaving and coming back are the interview's to note."""

    async def gone() -> None:
        raise AssertionError("the grace period is longer than these tests")

    room: rtc.EventEmitter[str] = rtc.EventEmitter()
    presence = CandidatePresence(
        room,  # type: ignore[arg-type]  # the emitter stands in for rtc.Room: presence only listens to its events
        clock,
        grace_s=3600,
        on_gone=gone,
        on_rejoin=lambda _identity: state.candidate_returned(),
        expected=CANDIDATE,
        on_leave=state.candidate_left,
    )
    return room, presence


def _notes(sink: FakeSink, *kinds: str) -> list[dict[str, Any]]:
    return [e["payload"] for e in sink.of_type("note") if e["payload"]["kind"] in kinds]


@dataclass
class Call:
    """One interview running in ``phase``, its silence and time loops attached, its candidate in the room."""

    state: InterviewState
    sink: FakeSink
    clock: ManualClock
    fake: FakeLLM
    session: AgentSession[InterviewState]
    room: rtc.EventEmitter[str]
    presence: CandidatePresence
    tasks: InterviewTasks

    def leave(self) -> None:
        self.room.emit("participant_disconnected", FakeParticipant(CANDIDATE))

    def come_back(self, *, code: str | None = None) -> None:
        """Back in the room (the same identity: a reload); with ``code``, their page sends its editor as it does on
        every connect (web/src/call.ts ``pushSnapshot(true)``)."""
        self.room.emit("participant_connected", FakeParticipant(CANDIDATE))
        if code is not None:
            self.state.editor.ingest(code, {"version": "1"})

    async def wait(self, seconds: float, step: float) -> None:
        await self.clock.advance(seconds, step=step)
        await settle(self.session)

    async def close(self) -> None:
        await self.presence.aclose()
        await self.tasks.aclose()
        await self.session.aclose()


async def _start(phase: Phase, minutes_left: float = 40, *, spoke: bool = True) -> Call:
    state, _, sink, clock = make_interview(minutes_left)
    state.candidate_spoke = spoke
    fake = FakeLLM(responder=_respond)
    session = AgentSession[InterviewState](llm=fake, userdata=state)
    await session.start(make_phase_agent(phase, state), capture_run=True)
    await settle(session)
    room, presence = _presence(state, clock)
    tasks = attach_interview(session, state)
    return Call(state, sink, clock, fake, session, room, presence, tasks)


async def test_no_check_in_is_said_to_a_candidate_out_of_the_room_and_the_one_due_is_said_on_their_return():
    """Before: 2 and 5 minutes after their last keystroke the check-in and the hint offer were said to the empty
    room; back after 6 minutes, the candidate had heard neither, and no offer came again. Now the check-in due is
    said when they are back (quiet for 7.5 minutes: their return is no activity), and the offer keeps its distance
    from it (3 minutes, as on the ladder), never right on its heels."""
    call = await _start(Phase.CODING)
    await call.wait(60, step=2)
    call.leave()  # their connection drops
    await call.wait(400, step=10)
    assert call.tasks.silence.checkins == 0 and instructed(call.fake, CHECK_IN) == 0
    assert _notes(call.sink, "checkin") == []
    assert _notes(call.sink, "candidate_left") == [{"kind": "candidate_left", "phase": "coding"}]
    call.come_back()
    assert _notes(call.sink, "candidate_returned") == [
        {"kind": "candidate_returned", "phase": "coding", "away_s": 400}
    ]
    await call.wait(2, step=1)
    assert call.tasks.silence.checkins == 1 and instructed(call.fake, CHECK_IN) == 1
    # Due through the time away, but said and noted as the minute they were there to be quiet, not seven and a half.
    [note] = _notes(call.sink, "checkin")
    # Out of the room from 60 s to 460 s (the room's events, not the next poll), asked at 461 s.
    assert (note["stage"], note["quiet_s"], note["away_s"]) == (1, 61, 400)
    assert instructed(call.fake, "quiet and has not typed for about 1 minutes") == 1
    await call.wait(170, step=5)
    assert call.tasks.silence.checkins == 1 and instructed(call.fake, OFFER) == 0
    await call.wait(15, step=5)
    assert call.tasks.silence.checkins == 2 and instructed(call.fake, OFFER) == 1
    assert [n["stage"] for n in _notes(call.sink, "checkin")] == [1, 2]
    kinds = [n["kind"] for n in _notes(call.sink, "candidate_left", "candidate_returned", "checkin")]
    assert kinds == ["candidate_left", "candidate_returned", "checkin", "checkin"]
    await call.close()


async def test_a_return_to_the_room_does_not_start_the_check_ins_again_from_the_first():
    """Before: the check-in at 2 minutes, a reload at 2.5, and at 5 minutes the first check-in again (the ladder
    restarted at the return), the hint offer pushed back to 7.5 minutes, and so on with every reload. The offer comes
    at 5 minutes of the candidate's silence, whatever their connection did."""
    call = await _start(Phase.CODING)
    await call.wait(124, step=2)
    assert [n["stage"] for n in _notes(call.sink, "checkin")] == [1]
    call.leave()
    await call.wait(26, step=2)
    call.come_back(code=call.state.editor.seen_code or "")  # the page sends the code as it was: no change
    await call.wait(146, step=2)  # 4 minutes 56 of silence
    assert [n["stage"] for n in _notes(call.sink, "checkin")] == [1]
    await call.wait(10, step=2)
    assert [n["stage"] for n in _notes(call.sink, "checkin")] == [1, 2]
    assert instructed(call.fake, CHECK_IN) == 1 and instructed(call.fake, OFFER) == 1
    await call.wait(600, step=30)  # nothing more: two per quiet stretch, reloads or not
    assert call.tasks.silence.checkins == 2
    await call.close()


async def test_outside_coding_no_quiet_check_is_said_while_the_candidate_is_out_of_the_room():
    """Said on their return (quiet for 4 minutes by then), the microphone hint as long after it as ever."""
    call = await _start(Phase.APPROACH)
    call.leave()
    await call.wait(240, step=5)
    assert _notes(call.sink, "quiet_checkin") == [] and instructed(call.fake, QUIET_CHECK) == 0
    call.come_back()
    await call.wait(2, step=1)
    assert [n["stage"] for n in _notes(call.sink, "quiet_checkin")] == [1]
    assert instructed(call.fake, QUIET_CHECK) == 1
    await call.wait(80, step=5)
    assert [n["stage"] for n in _notes(call.sink, "quiet_checkin")] == [1]
    await call.wait(15, step=5)
    assert [n["stage"] for n in _notes(call.sink, "quiet_checkin")] == [1, 2]
    await call.close()


async def test_a_time_warning_waits_for_a_candidate_out_of_the_room_and_is_not_said_to_it():
    """Recorded (the page reads it when back), never said into the empty room, where its reply may also move the
    phase on; with them back, the next one is said."""
    call = await _start(Phase.CODING, minutes_left=10.2)
    call.state.editor.ingest("def two_sum(nums, target):\n    pass\n", {"version": "1"})
    call.leave()
    await call.wait(60, step=1)  # the 10-minute mark passes while they are gone
    assert [e["payload"]["minutes_left"] for e in call.sink.of_type("time_warning")] == [10]
    assert instructed(call.fake, WARNING) == 0
    call.come_back()
    await call.wait(290, step=1)  # the 5-minute mark, with them here: said
    assert [e["payload"]["minutes_left"] for e in call.sink.of_type("time_warning")] == [10, 5]
    assert instructed(call.fake, WARNING) == 1
    await call.close()


async def test_a_candidate_not_heard_yet_is_pinged_on_their_return_not_while_gone():
    """The ping due while they were gone is said when they are back; the microphone hint keeps its distance from it."""
    call = await _start(Phase.GREETING, spoke=False)
    call.leave()
    await call.wait(100, step=5)
    assert _notes(call.sink, "no_show_ping", "no_show_microphone", "no_show") == []
    call.come_back()
    await call.wait(2, step=1)
    assert _notes(call.sink, "no_show_ping") == [{"kind": "no_show_ping", "waited_s": 101}]
    await call.wait(35, step=1)
    assert _notes(call.sink, "no_show_microphone") == []
    await call.wait(6, step=1)  # 40 s after the ping, as on the ladder (20 s, 60 s)
    kinds = [n["kind"] for n in _notes(call.sink, "no_show_ping", "no_show_microphone", "no_show")]
    assert kinds == ["no_show_ping", "no_show_microphone"] and not call.state.ended
    await call.close()


async def test_a_candidate_never_heard_who_reloads_again_and_again_within_the_grace_is_still_a_no_show():
    """Before: every return started the no-show wait again, so a candidate who reloaded the page every minute and a
    quarter (the rejoin grace is 2 minutes) was never asked, never ended, and the session read as a long silent
    interview until time ran out. Each spell out of the room is noted; the wait is the interview's."""
    call = await _start(Phase.GREETING, spoke=False)
    starter = call.state.editor.seen_code or ""
    for _ in range(8):
        await call.wait(15, step=1)  # in the room for 15 s
        if call.state.ended:
            break
        call.leave()
        await call.wait(60, step=5)
        call.come_back(code=starter)  # the page sends its editor, unchanged, on every connect
    await call.wait(5, step=1)
    assert call.state.ended and call.state.end_reason == "no_show"
    kinds = [n["kind"] for n in _notes(call.sink, "no_show_ping", "no_show_microphone", "no_show")]
    assert kinds == ["no_show_ping", "no_show_microphone", "no_show"]
    assert 2 <= len(_notes(call.sink, "candidate_returned")) <= 8
    await call.close()


async def test_the_page_sending_the_starter_code_on_connect_is_not_typing():
    """Before: the first snapshot the agent got counted as a change whatever it held, and a candidate who only
    joined (their page sends its editor on connect) was taken for one typing: pinged, told about the microphone,
    never ended. Code that differs from the starter is typing, and keeps the interview going."""
    for typed in (False, True):
        call = await _start(Phase.GREETING, spoke=False)
        starter = call.state.editor.seen_code or ""
        call.state.editor.ingest(starter + ("x = 1\n" if typed else ""), {"version": "1"})
        for _ in range(38):  # 190 s, each line played out as it is asked for (the ladder keeps its distances)
            await call.wait(5, step=5)
        kinds = [n["kind"] for n in _notes(call.sink, "no_show_ping", "no_show_microphone", "no_show")]
        if typed:
            assert kinds == ["no_show_ping", "no_show_microphone"] and not call.state.ended
        else:
            assert kinds == ["no_show_ping", "no_show_microphone", "no_show"]
            assert call.state.ended and call.state.end_reason == "no_show"
        await call.close()


async def test_time_up_while_the_candidate_is_out_of_the_room_is_said_when_they_are_back():
    """Before: 20 s after time was up the interviewer said "we need to stop here" to the empty room and moved to
    wrap-up; back from a reload, the candidate found the interview wrapping up with nothing said to them. The line
    waits for them; the overtime still counts from time up."""
    call = await _start(Phase.CODING, minutes_left=0.2)
    call.leave()
    await call.wait(60, step=1)  # time is up 12 s in, with them gone
    assert instructed(call.fake, TIME_UP) == 0 and call.state.phase is Phase.CODING and not call.state.ended
    call.come_back()
    await call.wait(2, step=1)
    assert instructed(call.fake, TIME_UP) == 1 and call.state.phase is Phase.WRAP_UP
    await call.wait(120, step=5)  # 170 s after time up
    assert not call.state.ended
    await call.wait(20, step=5)  # 180 s of overtime from time up (not from their return, 140 s ago): ended
    assert call.state.ended and instructed(call.fake, TIME_UP) == 1
    await call.close()


async def test_a_connection_that_drops_again_and_again_is_noted_a_bounded_number_of_times():
    """Before: every drop and return was a pair of notes, without end (a reload loop, a flaky network: thousands
    an hour). Past the bound the spells still hold the ladder; they are no longer noted."""
    call = await _start(Phase.CODING)
    for _ in range(MAX_ABSENCES_NOTED + 30):
        call.leave()
        await call.clock.advance(2, step=2)
        call.come_back()
    assert len(_notes(call.sink, "candidate_left")) == MAX_ABSENCES_NOTED
    assert len(_notes(call.sink, "candidate_returned")) == MAX_ABSENCES_NOTED
    call.leave()  # not noted, and still out of the room for the ladder and the time warnings
    assert call.state.candidate_left_at is not None
    assert len(_notes(call.sink, "candidate_left")) == MAX_ABSENCES_NOTED
    await call.close()


async def test_a_check_in_due_at_the_return_never_follows_a_time_line_on_its_heels():
    """Back after a drop of minutes, with a time line waiting for them (a warning due a few seconds before, or time
    up) and a check-in fallen due meanwhile. Before: both were said at the return, one after the other ("five
    minutes left" then "how is it going?"; "we need to stop here" then a check-in). The time line goes first; a
    check-in still due keeps its distance from the interviewer's last words."""
    call = await _start(Phase.CODING, minutes_left=7)  # the 5-minute warning is due 120 s in
    call.leave()
    await call.wait(125, step=5)
    call.come_back()
    await call.wait(10, step=1)
    assert instructed(call.fake, WARNING) == 1 and instructed(call.fake, CHECK_IN) == 0
    await call.wait(15, step=1)
    assert instructed(call.fake, CHECK_IN) == 1
    await call.close()

    call = await _start(Phase.CODING, minutes_left=0.2)  # time is up 12 s in
    call.leave()
    await call.wait(150, step=5)
    call.come_back()
    await call.wait(30, step=1)
    assert instructed(call.fake, TIME_UP) == 1 and instructed(call.fake, CHECK_IN) == 0
    assert call.state.phase is Phase.WRAP_UP and _notes(call.sink, "checkin") == []
    await call.close()


async def test_a_resumed_job_does_not_end_as_no_show_a_candidate_who_typed_before_the_restart():
    """A candidate who never spoke but wrote code, pinged and told about the microphone; then the agent's job
    restarted. Before: the new job held their code from the log, their page's next snapshot was the same code, so
    nothing counted as typing, and three minutes of reading later they were ended as ``no_show``. Code that is not
    the starter code is typing, whichever job saw it typed."""
    context, started_at = started_session()
    first = Job(context, now=started_at)
    async with first.running(FakeLLM(responder=_respond), phase=Phase.GREETING, capture=True) as session:
        code = (first.state.editor.seen_code or "") + "seen = {}\n"
        first.state.editor.ingest(code, {"version": "1"})
        await first.wait(session, 100, step=5)  # the ping and the microphone hint, no end (they typed)
    events = log(first.sink)
    assert [e.payload["kind"] for e in events if e.type == "note" and "no_show" in e.payload["kind"]] == [
        "no_show_ping",
        "no_show_microphone",
    ]
    second = Job(context, events=events, now=started_at + timedelta(seconds=130))
    assert not second.state.candidate_spoke
    async with second.running(FakeLLM(responder=_respond)) as session:
        second.state.editor.ingest(code, {"version": "2"})  # the page's editor, as it was
        await second.wait(session, 250, step=5)  # reading, past the no-show end
        assert not second.state.ended and _notes(second.sink, "no_show") == []


async def test_a_restarted_job_keeps_the_hint_offer_its_distance_from_a_check_in_said_late():
    """The first check-in fell due while the candidate was out of the room and was said at their return, 7 minutes
    into their silence; the agent's job restarted 20 s later. Before: the new job knew the stage, not when the step
    was said, so the hint offer (due at 5 minutes of silence) came right after it, 35 s after the check-in, not the
    ladder's 3 minutes; and it was said as 8 minutes of quiet, the 7 out of the room with them."""
    context, started_at = started_session()
    first = Job(context, now=started_at)
    first.state.candidate_spoke = True
    async with first.running(FakeLLM(responder=_respond), phase=Phase.CODING, capture=True) as session:
        handle = await text_turn(session, "Okay, I'll start with a hash map.")
        assert handle is not None
        await handle
        await settle(session)
        first.state.candidate_left()
        await first.clock.advance(420, step=10)
        first.state.candidate_returned()
        await first.clock.advance(2, step=1)
        await settle(session)
    [checkin] = [e for e in log(first.sink) if e.type == "note" and e.payload["kind"] == "checkin"]
    assert checkin.payload["stage"] == 1 and checkin.t is not None

    second = Job(context, events=log(first.sink), now=started_at + timedelta(seconds=checkin.t + 20))
    async with second.running(FakeLLM(responder=_respond)) as session:
        await second.wait(session, 150)  # 170 s after the check-in
        assert _notes(second.sink, "checkin") == []
        await second.wait(session, 30)  # 3 minutes after it, the offer
        [offer] = _notes(second.sink, "checkin")
    # Said and noted as the time they were in the room to be quiet, the spell out of it restored from the record.
    assert offer["stage"] == 2 and offer["quiet_s"] < 200 and offer["away_s"] >= 420


async def test_time_up_waits_again_for_a_candidate_back_and_gone_before_its_line_was_said():
    """Back after time was up, the candidate typed a message and dropped again while it was answered (the time-up line
    waits for a quiet moment); back 30 s later. Before: the line was dropped for good when they were gone at the end
    of that wait, and they went on coding past time up, never told, until the overtime ended the interview."""
    call = await _start(Phase.CODING, minutes_left=0.2)
    call.fake.ttft_s = 1.0  # the answer to their message takes a second (wall time): not quiet meanwhile
    call.leave()
    await call.wait(40, step=1)  # time is up 12 s in, with them gone
    call.come_back()
    handle = await text_turn(call.session, "Sorry, my connection dropped.")
    await until(lambda: call.session.agent_state == "thinking")
    await call.clock.advance(1, step=0.5)  # back, and the interviewer is answering them
    call.leave()
    await call.wait(30, step=0.5)  # gone past the line's quiet wait (20 s of its 0.5 s polls)
    assert instructed(call.fake, TIME_UP) == 0 and call.state.phase is Phase.CODING
    call.come_back()
    await call.wait(5, step=1)
    assert instructed(call.fake, TIME_UP) == 1 and call.state.phase is Phase.WRAP_UP
    assert not call.state.ended
    if handle is not None:
        await handle
    await call.close()
