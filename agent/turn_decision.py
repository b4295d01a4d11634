"""The decision on one finished candidate turn: whether it gets a reply, and why (agent.turns decides it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TurnDecision:
    reply: bool
    # explicit | answering_question | classifier | classifier_unavailable | not_coding | empty | ended | rate_limited
    reason: str
    kind: str | None = None  # the explicit request's kind

    @property
    def explicit(self) -> bool:
        return self.reason == "explicit"

    def payload(self, item_id: str) -> dict[str, Any]:
        return {"kind": "turn_decision", "item_id": item_id, "reply": self.reply, "reason": self.reason,
                "request": self.kind}  # fmt: skip
