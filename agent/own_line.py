"""One line of the interviewer's own under way (agent.own_lines keeps them in the interview state), and its cut."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from livekit.agents import SpeechHandle

logger = logging.getLogger("shadows.agent.own_lines")


@dataclass
class OwnLine:
    """A line of the interviewer's own under way: its speech, what it is (``line``), the fields its note carries and
    what to do when it is cut."""

    line: str
    handle: SpeechHandle
    note: dict[str, Any] = field(default_factory=dict)
    on_unheard: Callable[[], None] | None = None
    on_unsaid: Callable[[], None] | None = None

    def cut(self) -> bool:
        """Interrupt the line if it is still under way, and whether it was: one played out, or cut off already by
        something else (the candidate talking over it), was heard, or theirs to cut."""
        if self.handle.done() or self.handle.interrupted:
            return False
        self.handle.interrupt(force=True)
        logger.info("the candidate left while the interviewer's %s was under way: cut off", self.line)
        return True
