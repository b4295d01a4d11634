"""How much of the typed `lk.chat` messages is kept: typing is not bounded by speaking time.

Whether a message starts a model turn is the interview's one budget of answered turns, shared with speech
(agent.turn_budget). What is kept is bounded here: every message kept is held in the job's memory (the conversation,
the history of every phase) and stored as an event, so a script sending thousands of full-size messages filled both
without limit. Each message costs its length in characters (at least ``MIN_COST_CHARS``) from a bucket
(``KEEP_BURST_CHARS``, refilled at ``KEEP_REFILL_CHARS_PER_S``); a message past that is dropped, neither answered nor
kept, and counted. Far more than anyone types, or pastes into a chat: about ten full-size messages at once, and a
message a second.
"""

from __future__ import annotations

from dataclasses import dataclass

KEEP_BURST_CHARS = 40_000
KEEP_REFILL_CHARS_PER_S = 100.0
MIN_COST_CHARS = 100  # what a message costs at least (its event and its place in the conversation)
MAX_DROP_NOTES = 5  # `chat_dropped` notes per interview; the log counts the rest


@dataclass
class ChatBudget:
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
