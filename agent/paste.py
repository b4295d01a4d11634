"""Large pastes in the editor, as the page reports them (`editor.paste`: sizes only): at most one neutral note.

The first paste of at least ``paste_note_min_chars`` characters while the candidate writes code (coding, testing)
gives the next model turn one note, so the interviewer may ask them to walk through that part of their code, as it
would for any code. It is an observation, never a verdict: the note carries the size and the time, never the pasted
text (the page does not send it), it is given once per interview (resumes included), and nothing scores, rejects
or ends anything on it. The page reports every paste to the API's event log independently (`integrity` events).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from livekit import rtc

from agent.prompts import render
from agent.senders import close_reader
from agent.state import InterviewState, Phase

logger = logging.getLogger("shadows.agent.paste")

TOPIC_EDITOR_PASTE = "editor.paste"
WRITING_PHASES = (Phase.CODING, Phase.TESTING)
MAX_CHARS = 10_000_000  # the API's bound on an integrity event's size; larger claims are nonsense
MAX_LINES = 1_000_000
NOTE_KEY = "agent:paste_noted"  # one idempotency key: the log can hold the note once, whatever happens


def _count(value: Any, limit: int) -> int | None:
    """A non-negative integer attribute up to ``limit``; None for anything else (text, signs, floats, huge)."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    number = int(value)
    return number if number <= limit else None


class PasteWatch:
    """Turns the page's paste reports into at most one note for the model (``state.pending_notes``)."""

    def __init__(self, state: InterviewState, candidate: Callable[[], str | None] = lambda: None) -> None:
        self._state = state
        self._candidate = candidate

    def observe(self, chars: int, lines: int) -> bool:
        """A paste of ``chars`` characters on ``lines`` lines; True when it produced the interview's one note."""
        state = self._state
        threshold = state.settings.paste_note_min_chars
        if state.paste_noted or state.ended or chars < threshold or state.phase not in WRITING_PHASES:
            return False
        state.paste_noted = True
        minute = int(state.elapsed_s() // 60)
        state.record("note", {"kind": "paste_noted", "chars": chars, "lines": lines, "phase": state.phase.value,
                              "threshold": threshold}, key=NOTE_KEY)  # fmt: skip
        state.pending_notes.append(render("paste_note", chars=chars, lines=lines, minute=minute))
        logger.info("large paste noted for the interviewer (%d chars)", chars)
        return True

    def on_text_stream(self, reader: rtc.TextStreamReader, participant_identity: str) -> None:
        """`room.register_text_stream_handler("editor.paste", watch.on_text_stream)`. Reads the attributes only:
        the body is never read, so nothing the candidate typed or pasted reaches the model through here. The reader is
        closed at once: one left open keeps the body's chunks and its FFI subscription for the life of the job."""
        attributes = dict(reader.info.attributes or {})
        close_reader(reader)
        if participant_identity != self._candidate():
            return
        chars = _count(attributes.get("chars"), MAX_CHARS)
        lines = _count(attributes.get("lines"), MAX_LINES)
        if chars is None or lines is None:
            logger.info("editor.paste without valid sizes ignored")
            return
        self.observe(chars, lines)
