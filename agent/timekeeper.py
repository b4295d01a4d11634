"""Interview time: warnings at the configured minutes left, wrap-up when time is up, a hard stop after.

Each pass reads the time once and acts on the one mark due then (``TimeKeeper.due``), never on a list of marks found
due together: a clock that jumped, a loop that stalled or a process paused and resumed can bring several at once. The
latest mark reached is the only one that may be said, the earlier ones are passed over unsaid, and none is said
more than ``LATE_S`` after its time or once time is up. Whether the interview has ended is checked in the same step
as the record (no await between them), so nothing is recorded or said after the end but the goodbye."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from livekit.agents import AgentSession

from agent.clock import Clock
from agent.ending import conclude
from agent.own_lines import for_candidate
from agent.phases import WrapUpAgent
from agent.prompts import render
from agent.state import PHASE_ORDER, InterviewState, Phase
from agent.turns import after_handoff, reply_after_handoff

if TYPE_CHECKING:
    from livekit.agents.voice import SpeechHandle

logger = logging.getLogger("shadows.agent.timekeeper")

LATE_S = 60.0  # a warning found due later than this after its mark is passed over (a resumed job's rule too)
RESAY_GAP_S = 10.0  # the least time between a time-up line cut off as the candidate left and its next try
# A time-up line that made no words (its model call failed) is tried again RESAY_GAP_S after, then twice as long after
# each further failure in a row, up to this: a model that is down is not asked at every poll of the overtime.
RESAY_MAX_GAP_S = 60.0


class TimeKeeper:
    """Watches `state.remaining_s()`; speaks warnings only when nobody is speaking (waits up to `quiet_wait_s`)."""

    def __init__(
        self,
        session: AgentSession[Any],
        state: InterviewState,
        clock: Clock,
        *,
        warnings_min: tuple[int, ...] = (10, 5),
        overtime_s: float = 180.0,
        quiet_wait_s: float = 20.0,
        poll_s: float = 0.5,
    ) -> None:
        self._session = session
        self._state = state
        self._clock = clock
        self._warnings = sorted(set(warnings_min), reverse=True)
        self._overtime_s = overtime_s
        self._quiet_wait_s = quiet_wait_s
        self._poll_s = poll_s
        # The time-up line was cut off as the candidate left (agent.own_lines), at this time: said again on return.
        # A restarted job owes it when the record says so (agent.resume ``time_up_owed``).
        self._time_up_owed = state.resumed_time_up_owed
        self._time_up_cut_at = float("-inf")
        self._resay_gap = RESAY_GAP_S  # the wait from ``_time_up_cut_at`` to its next try
        self._time_up_unsaid_in_a_row = 0
        left = state.remaining_s()
        if left is not None:
            # Resumed or late start: warnings already behind us are not given again.
            state.warned_minutes.update(m for m in self._warnings if left <= m * 60 - LATE_S)

    async def run(self) -> None:
        state = self._state
        while not state.ended:
            left = state.remaining_s()
            if left is None:
                return
            if left <= 0:
                await self._time_up()
                return
            minutes = self.due(left)
            if minutes is not None:
                await self._warn(minutes)
                continue  # the time is read again: the warning may have waited, and the clock moved on
            marks = [m * 60 for m in self._warnings if m not in state.warned_minutes and m * 60 < left]
            await self._clock.sleep(min(left - max(marks, default=0), 30.0))

    def due(self, left: float) -> int | None:
        """The one warning to give with ``left`` seconds remaining, or None; every mark reached is passed from here.

        Only the latest mark reached (the fewest minutes) may be said, once, and only within ``LATE_S`` of its time:
        a pass that finds 10 and 5 minutes both reached with 4:50 left says "5" alone, with 3:30 left neither, and
        none once time is up (the time-up line says it). A mark is never said after a later one was (a clock that
        went back does not bring "10 minutes" after "5")."""
        state = self._state
        if left <= 0:
            return None
        reached = [m for m in self._warnings if left <= m * 60]
        if not reached:
            return None
        minutes = min(reached)
        if minutes in state.warned_minutes:
            return None  # given already (or passed over), and so is every mark before it
        said_later = any(w < minutes for w in state.warned_minutes)
        state.warned_minutes.update(reached)
        if said_later or left <= minutes * 60 - LATE_S:
            logger.info("time warning for %d minutes passed over (%.0fs left)", minutes, left)
            return None
        return minutes

    def _still_current(self, minutes: int) -> bool:
        """Whether the warning for ``minutes`` may still be said now: not ended, not in wrap-up (as when recorded
        there), the candidate in the room (said to an empty room, it reached nobody and its reply could move the
        phase on without them), time not up, no later mark reached, not more than ``LATE_S`` past its mark."""
        state = self._state
        if state.ended or PHASE_ORDER.index(state.phase) >= PHASE_ORDER.index(Phase.WRAP_UP):
            return False
        if state.candidate_left_at is not None:
            return False
        left = state.remaining_s()
        if left is None:
            return True
        if left <= max(0.0, minutes * 60 - LATE_S):
            return False
        return not any(left <= m * 60 for m in self._warnings if m < minutes)

    def _quiet(self) -> bool:
        """Nobody speaking, and the candidate in the room (a warning waits for them a while: a reload is short)."""
        s = self._session
        return (
            s.user_state != "speaking"
            and s.agent_state not in ("speaking", "thinking")
            and self._state.candidate_left_at is None
        )

    async def _wait_quiet(self) -> None:
        waited = 0.0
        while not self._quiet() and waited < self._quiet_wait_s:
            await self._clock.sleep(self._poll_s)
            waited += self._poll_s

    async def _wait_back(self, limit_s: float) -> float:
        """Wait, at most ``limit_s``, while the candidate is out of the room; the seconds waited."""
        state = self._state
        start = self._clock.now()
        while state.candidate_left_at is not None and not state.ended and self._clock.now() - start < limit_s:
            await self._clock.sleep(self._poll_s)
        return self._clock.now() - start

    async def _warn(self, minutes: int) -> None:
        state = self._state
        left = state.remaining_s()
        # Checked in the step that records, with no await between: nothing is recorded after the end or time up.
        if state.ended or (left is not None and left <= 0):
            return
        state.record(
            "time_warning",
            {"minutes_left": minutes, "phase": state.phase.value},
            key=f"agent:time_warning:{minutes}",
        )
        await state.channel.send_event({"type": "time_warning", "minutes_left": minutes})
        if PHASE_ORDER.index(state.phase) >= PHASE_ORDER.index(Phase.WRAP_UP):
            return
        state.time_line_pending = True  # the silence ladder waits for it (agent.silence)
        try:
            await self._say_warning(minutes)
        finally:
            state.time_line_pending = False

    async def _say_warning(self, minutes: int) -> None:
        await self._wait_quiet()
        await after_handoff(self._session)
        if not self._still_current(minutes):
            # While it waited the interview ended or reached wrap-up, or (a stalled loop, a paused process) time is
            # up or a later mark is due. The page has the event; the words would be wrong, or after the end.
            logger.info("time warning for %d minutes recorded, not said: it is no longer current", minutes)
            return
        logger.info("time warning: %d minutes left", minutes)
        # Its own reply, in which the phase may still move on: the testing phase does when time is short.
        handle = await reply_after_handoff(
            self._session, moves=True, instructions=render("time_warning", minutes=minutes)
        )
        self._state.time_line_speech = handle  # the silence ladder waits for it to be played out (or cut off)
        if handle is not None:
            # Cut off and noted if the candidate leaves before it has played out; not said again (the page has it).
            for_candidate(self._state, handle, "time_warning", minutes_left=minutes)

    async def _time_up(self) -> None:
        state = self._state
        if state.ended:  # the End button, say, in the same instant: `ended` is the last event
            return
        await state.channel.send_event({"type": "time_up"})
        state.time_line_pending = True  # from here the time-up line, not a check-in, is the next thing said
        waited = 0.0
        if PHASE_ORDER.index(state.phase) < PHASE_ORDER.index(Phase.WRAP_UP):
            # The time-up line is the candidate's to hear: a candidate out of the room (a reload) hears it when
            # back. Before, it was said to the empty room and they came back to a wrap-up nobody had announced.
            # The overtime still counts from here; still gone at its end, the interview ends without it. Back, then
            # gone again before the line could be said (it waits for a quiet moment), they are waited for again:
            # before, the line was dropped for good and a candidate back a few seconds later went on coding past
            # time up, never told, until the overtime ended the interview.
            start = self._clock.now()
            while not state.ended:
                await self._wait_back(self._overtime_s - (self._clock.now() - start))
                await self._wait_quiet()
                # A handoff in flight (the wrap_up tool's, say) enters its phase first: the phase it leaves is still
                # current until then, and a second wrap-up after it was a second goodbye.
                await after_handoff(self._session)
                if state.candidate_left_at is None or self._clock.now() - start >= self._overtime_s:
                    break
            waited = self._clock.now() - start
        if (
            not state.ended
            and state.candidate_left_at is None
            and PHASE_ORDER.index(state.phase) < PHASE_ORDER.index(Phase.WRAP_UP)
        ):
            self._time_up_owed = False  # the wrap-up's entry says it
            current = self._session.current_agent
            self._session.update_agent(
                WrapUpAgent(
                    state,
                    chat_ctx=current.chat_ctx,
                    entry_instructions=render("time_up"),
                    on_entry_reply=self._time_up_said,
                )
            )
        state.time_line_pending = self._time_up_owed  # owed: said before any line of the silence ladder
        await self._overtime(self._clock.now() + max(0.0, self._overtime_s - waited))
        if not state.ended:
            logger.info("overtime elapsed; ending the interview")
            await conclude(state, "time_up")

    def _time_up_said(self, handle: SpeechHandle) -> None:
        """The time-up line is under way: cut off if the candidate leaves before it has played out (agent.own_lines),
        or ended with no words at all (its model call failed), and then owed to them (``_overtime``)."""
        self._state.time_line_speech = handle  # the silence ladder waits for it to be played out (or cut off)
        for_candidate(
            self._state, handle, "time_up", on_unheard=self._time_up_unheard, on_unsaid=self._time_up_unsaid
        )

    def _time_up_unheard(self) -> None:
        self._time_up_unsaid_in_a_row = 0
        self._owe_time_up(RESAY_GAP_S)

    def _time_up_unsaid(self) -> None:
        """The time-up line made no words (noted ``line_unsaid``): owed, and tried again after a growing wait. Before,
        it was neither noted nor tried again, and the candidate was never told time was up."""
        self._time_up_unsaid_in_a_row += 1
        gap = min(RESAY_GAP_S * 2 ** min(self._time_up_unsaid_in_a_row - 1, 16), RESAY_MAX_GAP_S)
        logger.info(
            "the time-up line said nothing (%d in a row): tried again in %.0fs",
            self._time_up_unsaid_in_a_row,
            gap,
        )
        self._owe_time_up(gap)

    def _owe_time_up(self, gap: float) -> None:
        self._time_up_owed = True
        self._time_up_cut_at = self._clock.now()
        self._resay_gap = gap
        self._state.time_line_pending = True  # said again before any check-in (agent.silence)

    async def _overtime(self, until: float) -> None:
        """Wait out the overtime (to ``until`` on the clock); a time-up line cut off as the candidate left is said
        again once they are back and nobody is speaking, not sooner than ``RESAY_GAP_S`` after the cut (a connection
        that keeps dropping gets one try per gap); one that made no words, after its growing wait
        (``_time_up_unsaid``). Said whole once, it is owed no more: never said twice. Before, a line begun as they
        dropped was said to the empty room, and the record held it as said: back, they were in the wrap-up, never told
        time was up."""
        state = self._state
        while not state.ended and (left := until - self._clock.now()) > 0:
            if (
                self._time_up_owed
                and self._quiet()
                and self._clock.now() - self._time_up_cut_at >= self._resay_gap
            ):
                await self._say_time_up_again()
                continue
            await self._clock.sleep(min(self._poll_s, left))

    async def _say_time_up_again(self) -> None:
        state = self._state
        self._time_up_owed = False
        if not state.ended:
            # Its words come next: a restarted job reads the pair as the line said (agent.resume ``time_up_owed``).
            state.record("note", {"kind": "time_up_again", "phase": state.phase.value})
        handle = await reply_after_handoff(self._session, instructions=render("time_up"))
        if handle is not None:
            self._time_up_said(handle)  # cut off again if they leave again meanwhile
        if not self._time_up_owed:
            state.time_line_pending = False
