"""How many of the candidate's turns may start a model turn: one budget per interview, spoken and typed together.

Each answered turn costs a model request (and, while coding, a classifier call first), and a new turn interrupts
the reply in progress. A person's turns come far slower than the budget allows (a burst of ``BURST``, then one more
every ``REFILL_S`` seconds): the interviewer speaks between them. Past it a turn is kept in the conversation and the
transcript, unanswered (its decision is ``rate_limited``), and the next answered turn sees it.

Speech and the page's typed chat draw on this one budget. With a budget each, a candidate (or a script) alternating a
spoken phrase and a typed message got twice the answered turns. What each channel keeps of a message stays bounded
by its own rules (agent.speech_budget for speech, agent.chat and agent.chat_budget for typing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BURST = 8
REFILL_S = 4.0

Channel = Literal["speech", "chat"]


@dataclass
class TurnBudget:
    """A token bucket of answered turns (interview clock seconds)."""

    tokens: float = BURST
    last: float | None = None
    limited: bool = False  # the latest turn was over the budget (a note is recorded once per stretch)
    withheld: int = 0  # preemptive generations not started because the budget was spent (agent.speech_budget)

    def _refill(self, now: float) -> None:
        if self.last is not None:
            self.tokens = min(BURST, self.tokens + max(0.0, now - self.last) / REFILL_S)
        self.last = now

    def available(self, now: float) -> bool:
        """Whether a turn finished at ``now`` would be answered (takes nothing)."""
        self._refill(now)
        return self.tokens >= 1

    def take(self, now: float) -> bool:
        """Whether a turn finished at ``now`` may start a model turn (taking its share if so)."""
        self._refill(now)
        if self.tokens >= 1:
            self.tokens -= 1
            self.limited = False
            return True
        return False
