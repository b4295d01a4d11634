"""A hint counted and being said, not yet heard: what the reply that says it generated (agent.hints settles it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PendingHint:
    index: int
    total: int
    text: str
    phase: str
    turn: int
    call_id: str
    generated: int = 0  # the words of the reply that says it, as the model generated them
    tallied: bool = False
    generated_text: str = ""  # that reply's text as generated
