"""The webhook event types an endpoint can subscribe to (rows of `webhook_event_types`, same order)."""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal[
    "session.scheduled",
    "session.started",
    "session.completed",
    "session.abandoned",
    "scorecard.ready",
    "scorecard.failed",
    "session.consent_given",
    "session.accommodation_requested",
    "session.cancelled",
    "session.expired",
    "session.erased",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
