"""Silence, on the interview clock (so that `simulate`'s simulated time drives it exactly like real time).

- No-show: while the candidate has said nothing at all, ask whether they can hear us after ``no_show_ping_s``
  (20 s), give a microphone hint after ``no_show_mic_s`` (60 s), and end the interview as ``no_show`` after
  ``no_show_end_s`` (3 minutes). Typing in the editor means they are there: no end, but the hints still come. A
  line the model could not say is not given (``line_unsaid``, tried again later), but the end does not wait for it:
  while the interviewer cannot speak, the end comes at its time (``_ends``).
- Coding check-ins: after ``coding_checkin_s`` (about 2 minutes) with neither speech nor typing from the
  candidate, one short question; after ``coding_checkin_offer_s`` (about 5), an offer to talk it through or
  of a hint. The ladder restarts when the candidate speaks or types; the words never repeat (agent.checkins).
- Quiet outside coding: a candidate heard before (a word, or any sound the VAD took for speech) who then neither
  speaks nor types is asked whether they are still there once ``quiet_checkin_s`` (90 s) have passed since both
  they and the interviewer last spoke (the interviewer's own words, a problem read out say, are not their silence),
  and given the microphone hint after as long again; speaking or typing restarts it. Before, nothing was said at all: a
  microphone that died or was muted after the candidate's first sound left them in dead air until time was up. It
  never ends the interview (a candidate may be thinking, or reading; the time limit ends it). A candidate who asked
  in the greeting for time to answer (agent.candidate_asked) gets ``time_to_answer_factor`` times that quiet.
- The framework's user-away state is used as a signal, never as activity: an ``away`` transition is recorded
  and does not reset anything; editor changes call ``session.reset_away_timer()`` so a typing candidate is
  never "away".
- A candidate out of the room (a reload, a dropped connection: ``InterviewState.candidate_left``, from
  agent.presence) hears nothing: no check-in, quiet check or no-show line is said or noted meanwhile. Before, the
  ladder went on into the empty room, so they came back to a hint offer they never heard (and no second one), and
  the record showed questions "unanswered" while they were gone.
- The no-show end gives way to the candidate until it is claimed: heard (or typing) while its goodbye is asked for,
  generated or played, the goodbye is cut, nothing ends, and the withdrawal is noted (``no_show_withdrawn``). Before,
  the decision taken at the poll held through the goodbye (not interruptible, their words not even transcribed),
  and a candidate who spoke up as it began heard it out and was ended as ``no_show`` while talking.
- A restarted job reads when the candidate was last heard: besides their turns (read to their end) and code, their
  being heard is noted (``candidate_heard``) the first time, and then whenever they were heard ``HEARD_NOTE_S`` or
  more after the record's latest sign of them (a turn of theirs, this note): during a long answer, or speech never
  transcribed. Before, only the first sound was noted, so a job restarted during a long answer or a speech-to-text
  outage counted the candidate quiet since their last transcribed turn and checked in on them early.
- All of it is per interview, never per room connection: the waits count from the candidate's last speech, typed
  message or code change (or, for a candidate not heard yet, from the start), and leaving and coming back changes
  none of it (the return is noted, agent.state ``candidate_returned``: an observation, not activity). A step that
  fell due while they were out of the room is taken at their return, and the next step keeps its distance from it
  (``_due``). Before, a return restarted the ladder from its first step and the no-show wait from zero: a candidate
  never heard who reloaded within the rejoin grace, again and again, was never ended as ``no_show`` and the session
  read as a long silent interview. A snapshot is activity only when its code differs from what the agent last had
  (the starter code of its language before any): the page sends its editor on every (re)connect, and that alone
  counted as typing, which kept a silent candidate from the no-show ending for good. Typing is the interview's too:
  code the agent holds when the monitor starts (a resumed job's last recorded code) that is not the starter code was
  typed. Before, a restarted job took the page's next snapshot, the same code, for no typing, and ended a candidate
  who had written code without a word as ``no_show`` three minutes later.
- A line of the ladder never follows another line of the interviewer's on its heels: none while a time line (a
  warning, the time-up line) waits to be said or played (``InterviewState.time_line_waits``), none within
  ``SPACING_S`` of the end of the interviewer's last words, and no coding check-in once time is up. Before, a
  candidate back from a drop of minutes heard the time warning or the time-up line and, at once, the check-in that
  fell due meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from livekit.agents import AgentSession
from livekit.agents.voice import SpeechHandle

from agent.candidate_asked import gives_time
from agent.clock import Clock
from agent.editor import EditorSnapshot
from agent.ending import conclude
from agent.own_lines import for_candidate
from agent.prompts import render
from agent.state import InterviewState, Phase
from agent.turns import reply_after_handoff

logger = logging.getLogger("shadows.agent.silence")


POLL_S = 1.0
# The least time between the end of the interviewer's last words and a line of the ladder: a check-in or a no-show
# line never follows a time warning, the time-up line or another line of the interviewer's own on its heels.
SPACING_S = 15.0
MAX_SPELLS = 100  # spells out of the room kept per quiet stretch (a connection that keeps dropping)
# The longest the record goes without a sign of a candidate who is being heard (a turn of theirs or a
# ``candidate_heard`` note, checked once a poll): a restarted job counts their quiet from at most this much too early.
HEARD_NOTE_S = 15.0


def _due(waited: float, stage: int, steps: tuple[float, ...], last_at: float | None, now: float) -> bool:
    """Whether step ``stage`` of a ladder whose steps come at ``steps`` seconds of silence is due after ``waited``
    seconds: its time reached and, after the first, as long since the step before it (said at ``last_at``; None: not
    by this job) as the ladder puts between the two. A step that fell due while the candidate was out of the room is
    said when they are back, and the next one does not follow on its heels."""
    if stage >= len(steps) or waited < steps[stage]:
        return False
    return stage == 0 or last_at is None or now - last_at >= steps[stage] - steps[stage - 1]


def _ends_all_the_same() -> None:
    """The no-show end's line said nothing: noted (agent.own_lines), and the interview ends without it."""


class SilenceMonitor:
    def __init__(self, session: AgentSession[Any], state: InterviewState, clock: Clock) -> None:
        self._session = session
        self._state = state
        self._clock = clock
        s = state.settings
        self._ladder = (s.coding_checkin_s, s.coding_checkin_offer_s)
        self._no_show = (s.no_show_ping_s, s.no_show_mic_s, s.no_show_end_s)
        self._started = clock.now()
        self._candidate_at = clock.now()  # last speech, turn or edit of the candidate
        self._interviewer_at = clock.now()  # the end of the interviewer's last words
        self._cut_at = float("-inf")  # when a line of the ladder was last cut off as the candidate left
        # A line of the ladder that ended with no words (its model call failed: ``_unsaid``) is tried again no sooner
        # than ``_retry_at``: ``SPACING_S`` after the first failure, twice as long after each failure in a row, up
        # to the ladder's own distance between its two steps.
        self._failures = 0
        self._retry_at = float("-inf")
        self._retry_cap = max(SPACING_S, s.coding_checkin_offer_s - s.coding_checkin_s)
        # Typing is per interview too: code the agent already holds (a resumed job's last recorded code, or a snapshot
        # that came before this monitor) that is not the starter code was typed by the candidate. A first snapshot is
        # compared with the starter code of its language (the page sends its editor on every connect; that code
        # unchanged is no sign of anyone there).
        held = state.editor.snapshot
        self._typed = held is not None and held.code != self._starter(held.language)
        self._first = held is None
        self.checkins = 0
        self._stage = 0  # check-ins given in the current quiet stretch
        self._step_at: float | None = None  # when this quiet stretch's latest check-in was asked for
        self.no_show_stage = 0
        self._no_show_at: float | None = None  # when the latest no-show line was asked for
        self._spells: list[tuple[float, float]] = []  # this quiet stretch's spells out of the room
        self._stretch = 0  # quiet stretches begun (a line taken back is taken back in its own stretch only)
        self.away_events = 0
        self._heard_at = float("-inf")  # when the candidate was last heard
        # The record's latest sign of them (a turn of theirs, a ``candidate_heard`` note).
        self._heard_noted_at = float("-inf")
        # The no-show end under way (its goodbye asked for, generated or playing: ``_end_no_show``), and whether the
        # candidate was heard or typed meanwhile (it is withdrawn).
        self._ending = False
        self._goodbye: SpeechHandle | None = None
        self._arrived = False
        state.return_listeners.append(self._spell_ended)
        state.turn_listeners.append(self._on_turn)
        session.on("user_state_changed", self._on_user_state)
        session.on("user_input_transcribed", self._on_candidate)
        session.on("conversation_item_added", self._on_item)
        state.editor.add_listener(self._on_snapshot)

    def resume(
        self,
        *,
        candidate_at: float | None,
        interviewer_at: float | None,
        stage: int,
        no_show_stage: int,
        step_at: float | None = None,
        spells: tuple[tuple[float, float], ...] = (),
    ) -> None:
        """Go on where a previous job left the ladder (agent.interview): times on this monitor's clock, the check-ins
        given in the current quiet stretch, when the latest was (``step_at``: the next keeps the ladder's distance
        from it, as in the job that said it), the spells out of the room in the stretch (``_spells``) and the no-show
        stage (its wait itself starts again)."""
        if candidate_at is not None:
            self._candidate_at = candidate_at
        if interviewer_at is not None:
            self._interviewer_at = interviewer_at
        self._stage = max(0, min(stage, len(self._ladder)))
        self._step_at = step_at if self._stage > 0 else None
        self._spells = [(left, back) for left, back in spells if left <= back][-MAX_SPELLS:]
        self.no_show_stage = max(0, min(no_show_stage, 2))

    # -- signals ----------------------------------------------------------------------------------------
    def candidate_active(self) -> None:
        self._candidate_at = self._clock.now()
        if self._ending and not self._state.ended:
            self._arrived = True  # the no-show end under way gives way (``_end_no_show``)
            self._cut_goodbye()
        self._stage = 0
        self._step_at = None
        self._spells.clear()
        self._stretch += 1

    def _spell_ended(self, left_at: float, back_at: float) -> None:
        """Keep each spell out of the room of this quiet stretch, as the candidate comes back (``_spells``; told by
        ``InterviewState.candidate_returned``, a room event: a spell shorter than the loop's poll counts too): the
        ladder's steps still fall due through them, but its words ("quiet for about N minutes") and notes count only
        the time the candidate was there to be quiet (``_present``)."""
        self._spells.append((left_at, back_at))
        del self._spells[:-MAX_SPELLS]

    def _present(self, since: float, now: float) -> float:
        """Seconds from ``since`` to ``now`` the candidate was in the room."""
        away = sum(max(0.0, end - max(start, since)) for start, end in self._spells)
        return max(0.0, now - since - away)

    def _heard(self) -> None:
        """The candidate was heard (a sound the VAD took for speech, its end, or words being transcribed): no no-show
        for this interview. The first time it is noted at once (``candidate_heard``) for a restarted job, which reads
        the record: a candidate heard but never transcribed (a speech-to-text outage, a language it could not follow)
        is no no-show to the job after a restart. Later hearings are noted by the loop (``_note_heard``)."""
        state = self._state
        self._heard_at = self._clock.now()
        if not state.ended and not state.candidate_spoke:
            self._record_heard()
        state.candidate_spoke = True
        self.candidate_active()

    def _record_heard(self) -> None:
        self._state.record("note", {"kind": "candidate_heard", "phase": self._state.phase.value})
        self._heard_noted_at = self._clock.now()

    def _note_heard(self) -> None:
        """Once a poll: the candidate heard ``HEARD_NOTE_S`` or more after the record's latest sign of them is noted
        (``candidate_heard``), so a restarted job counts their quiet from then (agent.resume), not from their last
        transcribed turn. A turn recorded at the end of their words is sign enough: a conversation adds no notes."""
        if not self._state.ended and self._heard_at - self._heard_noted_at >= HEARD_NOTE_S:
            self._record_heard()

    def _on_user_state(self, ev: Any) -> None:
        new = getattr(ev, "new_state", None)
        if new == "speaking" or getattr(ev, "old_state", None) == "speaking":
            self._heard()  # as they begin and as they stop: their quiet counts from the end of their words
        elif new == "away":
            self.away_events += 1
            self._state.record("note", {"kind": "candidate_away", "phase": self._state.phase.value})

    def _on_candidate(self, _ev: Any) -> None:
        self._heard()

    def _on_item(self, ev: Any) -> None:
        item = getattr(ev, "item", None)
        if getattr(item, "role", None) == "assistant":
            self._interviewer_at = self._clock.now()  # added once played
            self._failures = 0  # the model makes words again
        if getattr(item, "role", None) == "user":
            self._state.candidate_spoke = True
            self._heard_noted_at = self._clock.now()  # recorded as a transcript, read to its end
            self.candidate_active()

    def _on_turn(self, _message: Any) -> None:
        """A turn of the candidate's has just finished (spoken, or typed as it arrives), recorded now, before the
        conversation takes it (``InterviewState.turn_finished``): a typed message that comes as the no-show goodbye
        plays is an arrival then, not once the goodbye is over."""
        self._state.candidate_spoke = True
        self._heard_noted_at = self._clock.now()
        self.candidate_active()

    def _starter(self, language: str) -> str:
        """The starter code the page shows for ``language`` (the interview's own when the question has none for it)."""
        starters = self._state.question.starter_code
        return starters.get(language, starters.get(self._state.language, ""))

    def _on_snapshot(self, snap: EditorSnapshot, changed: bool) -> None:
        if self._first:
            self._first = False
            # The first snapshot: changed from the starter?
            changed = snap.code != self._starter(snap.language)
        if not changed:
            return
        self._typed = True
        self.candidate_active()
        with contextlib.suppress(RuntimeError):  # not started or closing
            self._session.reset_away_timer()

    # -- the loop ---------------------------------------------------------------------------------------
    def _quiet(self) -> bool:
        s = self._session
        return (
            s.user_state != "speaking"
            and s.agent_state not in ("speaking", "thinking")
            and s.current_speech is None
        )

    async def run(self) -> None:
        state = self._state
        while not state.ended:
            await self._clock.sleep(POLL_S)
            self._note_heard()
            if (
                state.ended
                or state.candidate_left_at is not None
                or state.time_line_waits
                or not self._quiet()
            ):
                continue
            now = self._clock.now()
            if now - max(self._interviewer_at, self._cut_at) < SPACING_S:
                continue  # nor on the heels of a line cut off (a connection that keeps dropping: one try per spacing)
            if not state.candidate_spoke:
                # Waiting to try a line that said nothing again does not hold the no-show end back (``_ends``).
                await self._no_show_step(now - self._started, retrying=now < self._retry_at)
            elif now < self._retry_at:
                continue
            elif state.phase == Phase.CODING:
                left = state.remaining_s()
                # Time up: the time-up line and wrap-up come next, not a check-in.
                if left is None or left > 0:
                    await self._checkin_step(now - self._candidate_at, self._present(self._candidate_at, now))
            else:
                since = max(self._candidate_at, self._interviewer_at)
                await self._quiet_step(now - since, self._present(since, now))

    async def _no_show_step(self, waited: float, *, retrying: bool = False) -> None:
        state = self._state
        stage = self.no_show_stage
        if self._ends(waited, stage, retrying=retrying):
            await self._end_no_show(waited)
            return
        if (
            retrying
            or stage >= 2
            or not _due(waited, stage, self._no_show, self._no_show_at, self._clock.now())
        ):
            return
        before = self.no_show_stage, self._no_show_at
        self.no_show_stage = stage + 1
        self._no_show_at = self._clock.now()
        take_back = self._take_back(stage + 1, before, no_show=True)
        kind, prompt = (
            ("no_show_ping", "no_show_ping") if stage == 0 else ("no_show_microphone", "no_show_mic")
        )
        state.record("note", {"kind": kind, "waited_s": round(waited)})
        handle = await reply_after_handoff(self._session, instructions=render(prompt))
        if handle is not None:
            for_candidate(state, handle, kind, on_unheard=take_back, on_unsaid=self._unsaid(take_back))

    def _ends(self, waited: float, stage: int, *, retrying: bool) -> bool:
        """Whether the no-show end is due after ``waited`` seconds with ``stage`` lines of its ladder given: never for
        a candidate who typed; its time reached and as long after the microphone hint as the ladder puts between
        them; or, while the interviewer cannot speak (the latest line it tried said nothing, ``_failures``, and its
        next try is not due yet: ``retrying``), at its time whatever lines are still owed. Before, a model down kept
        taking back the line it could not say, and only the session's time limit ended an interview nobody joined.
        A failure whose next try is due is no sign the model is still down: a candidate out of the room through it
        (no line is tried then) has the line tried again on their return, and the end waits for that try. Before, a
        blip of the model minutes earlier ended a candidate back from a dropped connection at once, unasked."""
        if self._typed or waited < self._no_show[2]:
            return False
        if stage < 2:
            return self._failures > 0 and retrying
        return _due(waited, stage, self._no_show, self._no_show_at, self._clock.now())

    def _take_back(
        self,
        stage: int,
        before: tuple[int, float | None],
        *,
        no_show: bool = False,
        then: Callable[[], None] | None = None,
    ) -> Callable[[], None]:
        """How a line of the ladder asked for at step ``stage`` is taken back (cut off as the candidate left,
        agent.own_lines, or said nothing: ``_unsaid``): the step (``no_show``: of the no-show ladder, else of this
        quiet stretch's) goes back to ``before`` (the stage and when its latest step was) if nothing moved it on
        meanwhile (the no-show ladder is the interview's; a quiet stretch's step is its own only), ``then`` does what
        else the line's kind undoes, and its next try keeps the spacing from now (``_cut_at``)."""
        stretch = self._stretch

        def take_back() -> None:
            if then is not None:
                then()
            if no_show:
                if self.no_show_stage == stage:
                    self.no_show_stage, self._no_show_at = before
            elif self._stretch == stretch and self._stage == stage:
                self._stage, self._step_at = before
            self._cut_at = self._clock.now()

        return take_back

    def _unsaid(self, take_back: Callable[[], None]) -> Callable[[], None]:
        """What to do when a line of the ladder ended with no words (agent.own_lines ``line_unsaid``: its model call
        failed): taken back as ``take_back`` does, due again, and tried again after ``_retry_at``. Before, it counted
        as given: a model down for a moment cost the candidate the check-in, and the hint offer came next."""

        def unsaid() -> None:
            take_back()
            self._failures += 1
            wait = min(SPACING_S * 2 ** min(self._failures - 1, 16), self._retry_cap)
            self._retry_at = self._clock.now() + wait
            logger.info(
                "a line of the ladder said nothing (%d in a row): tried again in %.0fs", self._failures, wait
            )

        return unsaid

    async def _end_no_show(self, waited: float) -> None:
        """The no-show end: its goodbye, then the ending. Until the ending is claimed (``conclude``), the candidate's
        arrival (heard, a turn, typing: ``candidate_active``) withdraws it: the goodbye is cut wherever it is (asked
        for, generated, playing), nothing ends, and the withdrawal is noted. The goodbye is interruptible so that their
        words reach the speech-to-text (livekit feeds it silence while an uninterruptible speech plays) and are
        answered as any turn is."""
        state = self._state
        logger.info("no word from the candidate in %.0fs: ending as no_show", waited)
        state.record("note", {"kind": "no_show", "waited_s": round(waited)})
        self._ending, self._arrived = True, False
        try:
            handle = await reply_after_handoff(self._session, instructions=render("no_show_end"))
            if handle is not None:
                # Noted when it makes no words (the model is down: ``line_unsaid``) or is cut off as the candidate
                # leaves: the record never holds a goodbye nobody heard. The interview ends after it all the same.
                for_candidate(state, handle, "no_show_end", on_unsaid=_ends_all_the_same)
                self._goodbye = handle
                if self._arrived:  # while the goodbye was asked for (a handoff in flight)
                    self._cut_goodbye()
                with contextlib.suppress(RuntimeError):
                    await handle.wait_for_playout()
        finally:
            self._ending, self._goodbye = False, None
        if self._arrived and not state.ended:
            self._arrived = False
            logger.info("the candidate arrived as the no-show end was under way: it is withdrawn")
            state.record("note", {"kind": "no_show_withdrawn", "phase": state.phase.value})
            return
        await conclude(state, "no_show")  # a no-op when another ending came first

    def _cut_goodbye(self) -> None:
        if self._goodbye is not None and not self._goodbye.done():
            with contextlib.suppress(RuntimeError):  # the session is closing
                self._goodbye.interrupt(force=True)

    async def _checkin_step(self, quiet_for: float, present: float) -> None:
        """The ladder's next check-in once due after ``quiet_for`` seconds of quiet, said and noted as ``present``
        seconds of it (the time the candidate was in the room: ``_present``)."""
        if not _due(quiet_for, self._stage, self._ladder, self._step_at, self._clock.now()):
            return
        before = self._stage, self._step_at
        self._stage += 1
        self._step_at = self._clock.now()
        self.checkins += 1
        stage = self._stage
        state = self._state

        def uncount() -> None:
            if state.pending_checkin == stage:
                state.pending_checkin = None  # not generated: the next reply is no check-in
            self.checkins -= 1

        take_back = self._take_back(stage, before, then=uncount)

        # The earlier check-ins are in the conversation the model sees; never copied into the instructions (they
        # are the model's words, and words it was led to say would come back to it as instructions).
        avoid = render("checkin_avoid") if state.checkins_said else ""
        state.pending_checkin = self._stage
        state.record("note", {"kind": "checkin", "stage": self._stage, "phase": state.phase.value,
                              "quiet_s": round(present), **self._away_note(quiet_for, present)})  # fmt: skip
        logger.info("coding check-in %d after %.0fs of quiet", stage, present)
        handle = await reply_after_handoff(
            self._session,
            instructions=render(f"checkin_{stage}", minutes=max(1, round(present / 60)), avoid=avoid),
        )
        if handle is not None:
            for_candidate(
                state, handle, "checkin", on_unheard=take_back, on_unsaid=self._unsaid(take_back), stage=stage
            )

    @staticmethod
    def _away_note(quiet_for: float, present: float) -> dict[str, int]:
        """The time out of the room in the stretch, when there was any: its step fell due through it."""
        away = round(quiet_for - present)
        return {"away_s": away} if away > 0 else {}

    def _quiet_after(self) -> float:
        """The quiet before each step outside coding: ``time_to_answer_factor`` times longer for a candidate who
        asked for time to answer (read at each poll: asked as the greeting ends, and a restarted job's from the
        record)."""
        s = self._state.settings
        return s.quiet_checkin_s * (s.time_to_answer_factor if gives_time(self._state.asked) else 1.0)

    async def _quiet_step(self, quiet_for: float, present: float) -> None:
        """Outside coding: the candidate was heard, then nothing for ``quiet_for`` seconds since both last spoke
        (``present`` of them in the room). "Still there?", then the microphone hint, once each per quiet stretch."""
        if self._stage >= 2 or quiet_for < self._quiet_after():
            return
        before = self._stage, self._step_at
        self._stage += 1
        stage = self._stage
        state = self._state
        take_back = self._take_back(stage, before)

        state.record("note", {"kind": "quiet_checkin", "stage": self._stage, "phase": state.phase.value,
                              "quiet_s": round(present), **self._away_note(quiet_for, present)})  # fmt: skip
        logger.info("quiet check %d after %.0fs outside coding", self._stage, present)
        if self._stage == 1:
            avoid = render("checkin_avoid") if state.checkins_said else ""
            instructions = render("quiet_checkin", minutes=max(1, round(present / 60)), avoid=avoid)
        else:
            instructions = render("no_show_mic")
        handle = await reply_after_handoff(self._session, instructions=instructions)
        if handle is not None:
            unsaid = self._unsaid(take_back)
            for_candidate(state, handle, "quiet_checkin", on_unheard=take_back, on_unsaid=unsaid, stage=stage)
