"""How many typed `lk.chat` messages may start a model turn: typing is not bounded by speaking time.

Each answered message costs a model request (and, while coding, a classifier call first), and a new message
interrupts the reply in progress: a script flooding the chat would start one paid request per message. A person
types far slower than the budget allows (a burst of ``BURST``, then one more every ``REFILL_S`` seconds). A message
past it stays in the conversation and the transcript, unanswered; the next answered turn sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

BURST = 8
REFILL_S = 4.0


@dataclass
class ChatBudget:
    tokens: float = BURST
    last: float | None = None
    limited: bool = False  # the latest message was over the budget (a note is recorded once per stretch)

    def take(self, now: float) -> bool:
        """Whether a message arriving at ``now`` (seconds, the interview's clock) may start a model turn."""
        if self.last is not None:
            self.tokens = min(BURST, self.tokens + max(0.0, now - self.last) / REFILL_S)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.limited = False
            return True
        return False
