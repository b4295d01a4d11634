"""Interview state carried as session userdata: phase, hints, timing, and the services the tools use."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from agent.candidate_asked import Asked
from agent.chat_budget import ChatBudget
from agent.complexity_words import Part
from agent.context import QuestionInfo
from agent.fence import new_nonce
from agent.language import DEFAULT, LanguageWatch
from agent.settings import AgentSettings
from agent.turn_budget import TurnBudget

if TYPE_CHECKING:
    from livekit.agents import SpeechHandle, llm

    from agent.channel import ClientChannel
    from agent.clock import Clock
    from agent.editor import CodeView, EditorBridge, SnapshotRecorder
    from agent.own_line import OwnLine
    from agent.pending_hint import PendingHint
    from agent.turn_budget import Channel
    from agent.turn_classifier import TurnClassifier
    from agent.turn_decision import TurnDecision

logger = logging.getLogger("shadows.agent.state")


class Phase(StrEnum):
    GREETING = "greeting"
    PROBLEM = "problem"
    APPROACH = "approach"
    CODING = "coding"
    TESTING = "testing"
    COMPLEXITY = "complexity"
    WRAP_UP = "wrap_up"
    END = "end"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

# The tools that move the interview to another phase (the handoffs of agent.phases) or to its end (agent.tools'
# end_interview): the one table agent.phases builds the interviewer's tools from and agent.going_on reads a reply's
# calls by. It lives here, below both, because agent.going_on sits under the phase agents that import it.
PHASE_TOOLS = frozenset(
    {
        "begin_problem",
        "discuss_approach",
        "start_coding",
        "start_testing",
        "resume_coding",
        "discuss_complexity",
        "wrap_up",
        "end_interview",
    }
)


class SessionKind(StrEnum):
    """Who the interview is for, which decides what the interviewer may say of what follows it (the notice, the
    wrap-up's next steps, the line said in place of a withheld outcome): a company's hiring team reviews it
    (``HIRING``); the candidate's own practice report, with no hiring team (``PRACTICE``); nobody, a practice run
    nothing is kept of (``UNRECORDED``)."""

    HIRING = "hiring"
    PRACTICE = "practice"
    UNRECORDED = "unrecorded"


# Spells out of the room noted per job (`candidate_left` and its `candidate_returned`): a connection that drops and
# comes back every few seconds for an hour noted thousands of pairs that say nothing more than the first ones.
MAX_ABSENCES_NOTED = 50


class EventSink(Protocol):
    """What the interview needs of the event recorder (agent.recorder.EventRecorder)."""

    def record(
        self, type: str, payload: dict[str, Any], *, key: str | None = None, t: float | None = None
    ) -> str: ...

    async def flush(self, max_wait: float | None = 10.0) -> bool:
        """Deliver what was recorded so far; True when all of it reached the API within ``max_wait`` s."""
        ...


class RunClient(Protocol):
    """What the tools need of the API client (agent.api_client.ApiClient)."""

    async def run_tests(
        self, session_id: str, language: str, code: str, mode: str = "run", t: float | None = None
    ) -> dict[str, Any]: ...


class NullSink:
    """Records nothing: console sessions with no API behind them."""

    def record(
        self, type: str, payload: dict[str, Any], *, key: str | None = None, t: float | None = None
    ) -> str:
        return key or ""

    async def flush(self, max_wait: float | None = 10.0) -> bool:
        return True


EndCallback = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class SilenceResume:
    """Where the silence ladder (agent.silence) stood when the previous job stopped, on the interview clock (the
    events' ``t``): the candidate's last speech, turn or edit, the interviewer's last words, the check-ins given
    since the candidate was last active, when the latest of them was noted, the spells out of the room since then
    (left, back), and the no-show stage. A restarted job goes on from there."""

    candidate_active_t: float | None = None
    interviewer_t: float | None = None
    stage: int = 0
    no_show_stage: int = 0
    step_t: float | None = None
    spells: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class SeenRun:
    """A visible-test run the interviewer's ``run_tests`` saw (this job's, or an earlier job's restored by agent.resume
    when it ran the code the log's last snapshot holds): its results, and the code and language it ran."""

    passed: int
    total: int
    sha256: str  # of the code run (``EditorSnapshot.sha256``)
    language: str


@dataclass
class InterviewState:
    """Everything the phases and tools share for one interview (`AgentSession.userdata`)."""

    session_id: str | None
    question: QuestionInfo
    language: str
    candidate_name: str
    duration_minutes: int
    settings: AgentSettings
    clock: Clock
    editor: EditorBridge
    channel: ClientChannel
    recorder: EventSink = field(default_factory=NullSink)
    api: RunClient | None = None
    recording: bool = True
    job_description: str | None = None
    resume_text: str | None = None
    phase: Phase = Phase.GREETING
    phase_entered: bool = False
    hints_given: int = 0
    # Time: remaining seconds when the clock read `t0`; None when the session has no end time.
    t0: float = 0.0
    elapsed_at_t0: float = 0.0
    remaining_at_t0: float | None = None
    ends_at: str | None = None  # ISO 8601 UTC, for the client's countdown
    warned_minutes: set[int] = field(default_factory=set)
    resumed_from: Phase | None = None
    resumed_silence: SilenceResume | None = None
    resumed_ending: bool = False  # the log shows the interview ended: attach_interview completes that ending
    # The log has the time-up line cut off as the candidate left, not said since: owed (agent.timekeeper).
    resumed_time_up_owed: bool = False
    ended: bool = False
    end_reason: str | None = None
    on_end: EndCallback | None = None
    test_runs: int = 0
    # The last visible-test run this job's run_tests saw, with the code it ran on (a restarted job: the one an earlier
    # job saw, agent.resume ``seen_run``): ``last_run`` reads it.
    seen_run: SeenRun | None = None
    # A run_tests call of this job is waiting for the judge: the API runs one run of a session at a time.
    run_in_flight: bool = False
    # A run_tests call cancelled while it waited (its reply interrupted): the API may still be running it until
    # this time on `clock` (its request's bound), so a 429 run_in_progress before then is this job's own run.
    run_abandoned_until: float = 0.0
    snapshots: SnapshotRecorder | None = None
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    practice: bool = False
    interview_language: str = DEFAULT
    classifier: TurnClassifier | None = None
    nonce: str = field(default_factory=new_nonce)  # fences untrusted content (agent.fence)
    # Turns: every candidate turn gets a decision (agent.turns); hints are limited to one per turn.
    decisions: dict[str, TurnDecision] = field(default_factory=dict)
    user_turns: int = 0
    candidate_spoke: bool = False
    last_hint_turn: int | None = None
    # Replies the interviewer makes on its own (a check-in, a time warning, the line after a restart), by speech id:
    # they answer nothing the candidate said, so no hint is given in them (agent.tools give_hint), and whether the
    # phase may change in one (only in a time warning's, when time is short; agent.phase_agent ``_next``).
    own_replies: dict[str, bool] = field(default_factory=dict)
    pending_hints: list[PendingHint] = field(default_factory=list)  # counted, not yet heard (agent.hints)
    # Per hint taken back as unheard, its own words the replies said and those played, all attempts together: a hint
    # heard half by half over several attempts is heard (agent.hints ``heard``).
    hint_heard: dict[int, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    # Hints the record counts as given, unsettled, that the candidate's page was not told of: told once the session
    # runs (agent.hints ``owe`` and ``tell_owed``).
    hints_owed: list[int] = field(default_factory=list)
    end_confirm_turn: int | None = None  # the user turn at which ending early was put to the candidate
    phase_entered_turn: int = (
        0  # `user_turns` when the current phase began (the candidate spoke in it if more)
    )
    transition_turn: int | None = None  # the user turn whose reply changed phase (one change per turn)
    # Code views shown to generations that have not committed yet (agent.phase_agent marks them seen on commit).
    pending_views: list[CodeView] = field(default_factory=list)
    checkins_said: list[str] = field(default_factory=list)
    pending_checkin: int | None = None  # the stage of the check-in being generated
    # One-shot notes for the model (a large paste, the language question): shown to every generation until a reply
    # shown them is said (agent.pending_notes).
    pending_notes: list[str] = field(default_factory=list)
    # A pending note shown to a reply still under way, and that reply's speech id: no other reply is shown it
    # meanwhile (two replies in flight, both shown it, both asked its question).
    notes_held: dict[str, str] = field(default_factory=dict)
    # Realtime messages the private-notes guard cut, by id: what of each was said (agent.realtime_guard withdraw).
    withheld_replies: dict[str, str] = field(default_factory=dict)
    # The greeting's messages (its background questions and answers): left out of what the model sees in every later
    # phase (agent.background ``without_background``), whose lines are graded blind to employers and schools.
    background_items: set[str] = field(default_factory=set)
    # What the candidate asked there of how they are talked with, passed on by begin_problem: every later phase's
    # status note states it (agent.candidate_asked).
    asked: Asked = field(default_factory=Asked)
    language_watch: LanguageWatch = field(default_factory=LanguageWatch)
    paste_noted: bool = False  # the one large-paste note was given (agent.paste)
    # The complexity the candidate claimed so far, as recorded (agent.complexity_claims): big-O notation only.
    complexity_claims: dict[Part, tuple[str, str]] = field(default_factory=dict)
    # Answered turns, spoken and typed together (agent.turn_budget); what typed messages may keep (agent.chat_budget);
    # spoken messages cut for the model so far (agent.speech_budget; the first is noted).
    turn_budget: TurnBudget = field(default_factory=TurnBudget)
    chat_budget: ChatBudget = field(default_factory=ChatBudget)
    speech_truncated: int = 0
    # Notes a restarted job must not give again (agent.resume): a typed message cut (agent.chat), and refusals of
    # streams from others than the candidate, by topic (agent.senders, at most a few per topic and interview).
    chat_truncated_noted: bool = False
    sender_refusals_noted: dict[str, int] = field(default_factory=dict)
    # Told of each candidate turn the moment it is finished (agent.capture records it then; see turn_finished).
    turn_listeners: list[Callable[[llm.ChatMessage], None]] = field(default_factory=list)
    # The candidate's participant left the room at this time on `clock` and is not back (agent.presence): nothing
    # said meanwhile reaches them, so the silence ladder says nothing to an empty room (agent.silence).
    candidate_left_at: float | None = None
    absences_noted: int = 0  # `candidate_left` notes recorded by this job (at most MAX_ABSENCES_NOTED)
    absence_noted: bool = False  # the current spell out of the room was noted: its return is noted too
    # A time line (a warning, the time-up line) is recorded and not yet said, or the warning's speech not yet played
    # out (agent.timekeeper): the silence ladder takes no step meanwhile (agent.silence ``time_line_waits``), so a
    # candidate back in the room hears the time first, never a check-in on its heels.
    time_line_pending: bool = False
    time_line_speech: SpeechHandle | None = None
    # Lines of the interviewer's own under way, by speech id: cut off when the candidate leaves (agent.own_lines).
    own_lines: dict[str, OwnLine] = field(default_factory=dict)
    # Told of each spell out of the room as the candidate comes back, (left, back) on `clock` (agent.silence): the
    # room's events, never a poll that a spell shorter than its period passes between.
    return_listeners: list[Callable[[float, float], None]] = field(default_factory=list)

    @property
    def time_line_waits(self) -> bool:
        """Whether a time line is still to be said or played out (``time_line_pending``, ``time_line_speech``)."""
        speech = self.time_line_speech
        return self.time_line_pending or (speech is not None and not speech.done())

    @property
    def session_kind(self) -> SessionKind:
        """The session's kind, decided here only: unrecorded before anything else (nothing is kept, so no report and
        no hiring team, whatever the session says), then practice or hiring."""
        if not self.recording:
            return SessionKind.UNRECORDED
        return SessionKind.PRACTICE if self.practice else SessionKind.HIRING

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages the deterministic rules check: the interview's first, then the other supported ones."""
        return tuple(dict.fromkeys((self.interview_language, "en", "es")))

    @property
    def last_run(self) -> tuple[int, int] | None:
        """(tests passed, tests run) of the last visible-test run this job's ``run_tests`` saw, while the editor still
        holds the code it ran: the only results the interviewer may state (agent.outcome_claims). None before a run,
        and once the candidate has changed the code or its language since (that run says nothing of the code now, and
        one it is waiting for says nothing of the code typed meanwhile); a run the candidate starts on the page is not
        shown to it."""
        run, snap = self.seen_run, self.editor.snapshot
        if run is None or snap is None or (snap.sha256, snap.language) != (run.sha256, run.language):
            return None
        return run.passed, run.total

    # --- time -------------------------------------------------------------------------------------
    def elapsed_s(self) -> float:
        """Seconds since the session started (the `t` of recorded events)."""
        return self.elapsed_at_t0 + (self.clock.now() - self.t0)

    def remaining_s(self) -> float | None:
        if self.remaining_at_t0 is None:
            return None
        return self.remaining_at_t0 - (self.clock.now() - self.t0)

    def time_left(self) -> str | None:
        """The time left as the interviewer may say it: "about 12 minutes", "about a minute", "less than a minute"
        (whole minutes from 90 s; never "about 0 minutes"); None when the interview keeps no time."""
        left = self.remaining_s()
        if left is None:
            return None
        if left < 45:
            return "less than a minute"
        return "about a minute" if left < 90 else f"about {round(left / 60)} minutes"

    # --- events -----------------------------------------------------------------------------------
    def record(self, type: str, payload: dict[str, Any], *, key: str | None = None) -> str:
        return self.recorder.record(type, payload, key=key, t=self.elapsed_s())

    def turn_finished(self, message: llm.ChatMessage) -> None:
        """The candidate has just finished this turn (spoken: its end of turn; typed: its arrival). Its transcript
        is recorded now, not when the conversation takes it: that waits for the turn decision (a classifier call
        while coding) and for the typed turns before it, and the log's order is the order things happened in
        (what the grader and the replay read). Telling twice is harmless (the capture keeps the first). A snapshot
        held back (agent.editor.SnapshotRecorder) is the code as it was before this turn: it is recorded first, not
        seconds later after the turn (words about code that would read as coming before the code)."""
        if self.snapshots is not None:
            self.snapshots.flush()
        for listener in list(self.turn_listeners):
            listener(message)

    def turn_decided(self, message_id: str, decision: TurnDecision) -> None:
        """The candidate's turn `message_id` is decided (a reply or silence): counted as a turn of theirs, and the
        decision recorded as a note."""
        self.decisions[message_id] = decision
        self.user_turns += 1
        self.candidate_spoke = True
        self.record("note", decision.payload(message_id))

    def claim_turn(self, channel: Channel) -> bool:
        """Count a finished turn of ``channel`` against the interview's budget of answered turns (agent.turn_budget):
        whether it may start a model turn. The first turn of a stretch past the budget is noted
        (``speech_rate_limited`` or ``chat_rate_limited``, by the channel of that turn)."""
        budget = self.turn_budget
        if budget.take(self.clock.now()):
            return True
        if not budget.limited:
            budget.limited = True
            self.record("note", {"kind": f"{channel}_rate_limited", "phase": self.phase.value})
            logger.warning("candidate turns over the budget (%s): kept, unanswered", channel)
        return False

    def candidate_left(self) -> None:
        """The candidate's participant left the room (a reload, a dropped connection): noted, with the phase."""
        if self.candidate_left_at is not None or self.ended:
            return
        self.candidate_left_at = self.clock.now()
        self.absence_noted = self.absences_noted < MAX_ABSENCES_NOTED
        if self.absence_noted:
            self.absences_noted += 1
            self.record("note", {"kind": "candidate_left", "phase": self.phase.value})
        for own in list(self.own_lines.values()):
            self.cut_own_line(own)  # a line of the interviewer's own under way reaches no one now

    def cut_own_line(self, own: OwnLine) -> None:
        """``own`` reaches no one (the candidate is out of the room): cut off if still under way, noted
        (``line_unheard``) and its caller told (``on_unheard``), which takes it back (agent.own_lines)."""
        self.own_lines.pop(own.handle.id, None)
        if not own.cut():
            return
        if not self.ended:
            self.record(
                "note", {"kind": "line_unheard", "line": own.line, "phase": self.phase.value, **own.note}
            )
        if own.on_unheard is not None:
            own.on_unheard()

    def candidate_returned(self) -> None:
        """The candidate is back in the room after ``candidate_left``: noted, with how long they were gone. An
        observation only: nothing of the silence ladder or the no-show wait starts again from it (agent.silence)."""
        if self.candidate_left_at is None:
            return
        left_at, back_at = self.candidate_left_at, self.clock.now()
        away = max(0.0, back_at - left_at)
        self.candidate_left_at = None
        for listener in list(self.return_listeners):
            listener(left_at, back_at)
        if self.absence_noted and not self.ended:
            self.record(
                "note", {"kind": "candidate_returned", "phase": self.phase.value, "away_s": round(away)}
            )

    async def enter_phase(self, phase: Phase, *, record: bool = True) -> None:
        """Make `phase` current: record it, publish it to the client as an event and an attribute."""
        previous = self.phase.value if self.phase_entered else None
        self.phase = phase
        self.phase_entered = True
        if record:
            # A resumed job re-enters its phase unrecorded, and keeps the turn it was entered at (agent.resume).
            self.phase_entered_turn = self.user_turns
            self.record("phase_change", {"from": previous, "to": phase.value})
        logger.info("phase %s -> %s", previous, phase.value)
        attributes = {"interview.phase": phase.value}
        if self.ends_at is not None:
            attributes["interview.ends_at"] = self.ends_at
        await self.channel.set_attributes(attributes)
        await self.channel.send_event({"type": "phase", "phase": phase.value, "previous": previous})

    def claim_transition(self) -> bool:
        """Whether a phase tool may change phase now, claiming this turn's one change if so.

        A phase ends on the candidate's words, never on the model's alone: at most one change per candidate turn
        (the next phase's entry reply cannot hand off again, nor can parallel calls in one reply), none before
        the candidate has said something in the current phase, and none once the interview has ended.
        """
        if (
            self.ended
            or self.user_turns <= self.phase_entered_turn
            or self.transition_turn == self.user_turns
        ):
            return False
        self.transition_turn = self.user_turns
        return True

    # --- lifecycle --------------------------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Start a task owned by the interview; `aclose()` cancels what is still running."""
        task = asyncio.create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def finish(self, reason: str) -> None:
        """Run the end-of-interview callback once (flush, complete the session, leave the room)."""
        if self.on_end is None:
            return
        on_end, self.on_end = self.on_end, None
        await on_end(reason)

    async def aclose(self) -> None:
        current = asyncio.current_task()
        pending = [t for t in self.tasks if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
