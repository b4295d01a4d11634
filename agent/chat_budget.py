"""How many typed `lk.chat` messages may start a model turn: typing is not bounded by speaking time.

Each answered message costs a model request (and, while coding, a classifier call first), and a new message
interrupts the reply in progress: a script flooding the chat would start one paid request per message. A person
types far slower than the budget allows (a burst of ``BURST``, then one more every ``REFILL_S`` seconds). A message
past it stays in the conversation and the transcript, unanswered; the next answered turn sees it.

What is kept is bounded too: every message kept is held in the job's memory (the conversation, the history of every
phase) and stored as an event, so a script sending thousands of full-size messages filled both without limit. Each
message costs its length in characters (at least ``MIN_COST_CHARS``) from a second bucket (``KEEP_BURST_CHARS``,
refilled at ``KEEP_REFILL_CHARS_PER_S``); a message past that is dropped, neither answered nor kept, and counted.
Far more than anyone types, or pastes into a chat: about ten full-size messages at once, and a message a second.
"""

from __future__ import annotations

from dataclasses import dataclass

BURST = 8
REFILL_S = 4.0
KEEP_BURST_CHARS = 40_000
KEEP_REFILL_CHARS_PER_S = 100.0
MIN_COST_CHARS = 100  # what a message costs at least (its event and its place in the conversation)
MAX_DROP_NOTES = 5  # `chat_dropped` notes per interview; the log counts the rest


@dataclass
class ChatBudget:
    tokens: float = BURST
    last: float | None = None
    limited: bool = False  # the latest message was over the budget (a note is recorded once per stretch)
    kept_chars: float = KEEP_BURST_CHARS
    kept_last: float | None = None
    dropping: bool = (
        False  # the latest message was dropped (a note is recorded once per stretch, a few times)
    )
    dropped: int = 0  # messages dropped so far
    drop_notes: int = 0  # stretches of dropping so far

    def keep(self, now: float, chars: int) -> bool:
        """Whether a message of ``chars`` characters arriving at ``now`` is kept at all (else it is dropped)."""
        if self.kept_last is not None:
            refill = max(0.0, now - self.kept_last) * KEEP_REFILL_CHARS_PER_S
            self.kept_chars = min(KEEP_BURST_CHARS, self.kept_chars + refill)
        self.kept_last = now
        cost = max(chars, MIN_COST_CHARS)
        if self.kept_chars >= cost:
            self.kept_chars -= cost
            self.dropping = False
            return True
        self.dropped += 1
        return False

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
