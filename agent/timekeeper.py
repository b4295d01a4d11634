"""Interview time: warnings at the configured minutes left, wrap-up when time is up, a hard stop after."""

from __future__ import annotations

import logging
from typing import Any

from livekit.agents import AgentSession

from agent.clock import Clock
from agent.ending import conclude
from agent.phases import WrapUpAgent
from agent.prompts import render
from agent.state import PHASE_ORDER, InterviewState, Phase
from agent.turns import after_handoff, reply_after_handoff

logger = logging.getLogger("shadows.agent.timekeeper")


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
        left = state.remaining_s()
        if left is not None:
            # Resumed or late start: warnings already behind us are not given again.
            state.warned_minutes.update(m for m in self._warnings if left < m * 60 - 60)

    async def run(self) -> None:
        state = self._state
        while not state.ended:
            left = state.remaining_s()
            if left is None:
                return
            for minutes in self._warnings:
                if minutes not in state.warned_minutes and left <= minutes * 60:
                    state.warned_minutes.add(minutes)
                    await self._warn(minutes)
            if left <= 0:
                await self._time_up()
                return
            marks = [m * 60 for m in self._warnings if m not in state.warned_minutes and m * 60 < left]
            await self._clock.sleep(min(left - max(marks, default=0), 30.0))

    def _quiet(self) -> bool:
        s = self._session
        return s.user_state != "speaking" and s.agent_state not in ("speaking", "thinking")

    async def _wait_quiet(self) -> None:
        waited = 0.0
        while not self._quiet() and waited < self._quiet_wait_s:
            await self._clock.sleep(self._poll_s)
            waited += self._poll_s

    async def _warn(self, minutes: int) -> None:
        state = self._state
        state.record(
            "time_warning",
            {"minutes_left": minutes, "phase": state.phase.value},
            key=f"agent:time_warning:{minutes}",
        )
        await state.channel.send_event({"type": "time_warning", "minutes_left": minutes})
        if PHASE_ORDER.index(state.phase) >= PHASE_ORDER.index(Phase.WRAP_UP):
            return
        await self._wait_quiet()
        logger.info("time warning: %d minutes left", minutes)
        # Its own reply, in which the phase may still move on: the testing phase does when time is short.
        await reply_after_handoff(
            self._session, moves=True, instructions=render("time_warning", minutes=minutes)
        )

    async def _time_up(self) -> None:
        state = self._state
        await state.channel.send_event({"type": "time_up"})
        if PHASE_ORDER.index(state.phase) < PHASE_ORDER.index(Phase.WRAP_UP):
            await self._wait_quiet()
            # A handoff in flight (the wrap_up tool's, say) enters its phase first: the phase it leaves is still
            # current until then, and a second wrap-up after it was a second goodbye.
            await after_handoff(self._session)
        if not state.ended and PHASE_ORDER.index(state.phase) < PHASE_ORDER.index(Phase.WRAP_UP):
            current = self._session.current_agent
            self._session.update_agent(
                WrapUpAgent(state, chat_ctx=current.chat_ctx, entry_instructions=render("time_up"))
            )
        await self._clock.sleep(self._overtime_s)
        if not state.ended:
            logger.info("overtime elapsed; ending the interview")
            await conclude(state, "time_up")
