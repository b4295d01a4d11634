"""Coding-mode attention: whether an utterance addresses the interviewer, and the silence check-in."""

from __future__ import annotations

import logging
import re
from typing import Any

from livekit.agents import AgentSession

from agent.clock import Clock
from agent.editor import EditorSnapshot
from agent.prompts import render
from agent.state import InterviewState, Phase

logger = logging.getLogger("shadows.agent.attention")

# Thinking aloud ("so this loop goes to n minus one") must not get a reply; these mark a turn aimed at us.
_ADDRESSED = re.compile(
    r"\b("
    r"can you|could you|would you|will you|do you|did you|are you|have you|"
    r"can i|could i|should i|may i|am i|is it ok|is that (right|ok|okay|correct|fine)|"
    r"does (that|this) (look|make|work)|"
    r"what do you think|any (hint|hints|tips?|suggestions?)|hint|help me|i'?m stuck|i am stuck|"
    r"run (the |my )?(tests?|code)|test (it|this|my code)|"
    r"i'?m done|i am done|i'?m finished|i am finished|i think (that'?s|this is) it|ready to test|"
    r"excuse me|sorry,? (what|can)|hello|hey|interviewer|question for you|quick question|"
    r"how much time|time left|let'?s (test|move on|stop)|i'?d like to stop|end the interview"
    r")\b",
    re.IGNORECASE,
)


def is_addressed(text: str) -> bool:
    """True when a coding-phase utterance is aimed at the interviewer rather than thinking aloud."""
    text = text.strip()
    if not text:
        return False
    return "?" in text or _ADDRESSED.search(text) is not None


class CodingAttention:
    """Checks in once after `checkin_s` of coding with no speech (either side) and no editor edits."""

    def __init__(
        self, session: AgentSession[Any], state: InterviewState, clock: Clock, *, checkin_s: float
    ) -> None:
        self._session = session
        self._state = state
        self._clock = clock
        self._checkin_s = checkin_s
        self._last_activity = clock.now()
        self.checkins = 0
        session.on("user_state_changed", self._on_state)
        session.on("agent_state_changed", self._on_state)
        session.on("user_input_transcribed", self._on_state)
        session.on("conversation_item_added", self._on_state)
        state.editor.add_listener(self._on_snapshot)

    def mark_activity(self) -> None:
        self._last_activity = self._clock.now()

    def _on_state(self, _ev: object) -> None:
        self.mark_activity()

    def _on_snapshot(self, _snap: EditorSnapshot, changed: bool) -> None:
        if changed:
            self.mark_activity()

    def _quiet(self) -> bool:
        s = self._session
        return (
            s.user_state != "speaking"
            and s.agent_state not in ("speaking", "thinking")
            and s.current_speech is None
        )

    async def run(self) -> None:
        while not self._state.ended:
            now = self._clock.now()
            due = self._last_activity + self._checkin_s
            if self._state.phase != Phase.CODING:
                self.mark_activity()
            elif now >= due and self._quiet():
                self.checkins += 1
                self.mark_activity()
                self._state.record("note", {"kind": "checkin", "phase": Phase.CODING.value})
                logger.info("coding check-in after %.0fs of quiet", self._checkin_s)
                self._session.generate_reply(instructions=render("checkin"))
            await self._clock.sleep(max(0.25, min(due - now, 5.0)))
