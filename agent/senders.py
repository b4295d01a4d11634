"""Who may send into the interview: the candidate this job serves, and no other participant of the room.

Code snapshots, paste reports, typed messages and the End button reach the event log, the model and the grader,
so each is taken only from the candidate. A scheduled session's candidate has the identity the API mints into the
invite's token (``candidate_identity``, the same as ``api.tokens``): a second token for the room, an observer or
another agent is someone else. A practice job (no session metadata) has no minted identity: its candidate is the
first person the agent links to (``RoomChannel``). A refused stream is closed unread (its chunks never reach the
job's memory) and noted without its content, a bounded number of times.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from livekit import rtc

logger = logging.getLogger("shadows.agent.senders")

MAX_REFUSAL_NOTES = 5  # per topic and interview: after that a refusal is only counted in the log


def candidate_identity(session_id: str) -> str:
    """The identity the API gives a scheduled session's candidate in the room token (``api.tokens``)."""
    return f"candidate-{session_id}"


class Recorder(Protocol):
    def record(self, type: str, payload: dict[str, object], *, key: str | None = None) -> str: ...


class _Reader(Protocol):
    def close(self) -> None: ...


TextStreamHandler = Callable[[rtc.TextStreamReader, str], None]


class CandidateSenders:
    """Admits client streams only from the candidate (``is_candidate``); refuses the rest with a bounded note."""

    def __init__(
        self, is_candidate: Callable[[str], bool], recorder: Recorder, *, noted: dict[str, int] | None = None
    ) -> None:
        self._is_candidate = is_candidate
        self._recorder = recorder
        self.refused: dict[str, int] = {}  # by this job
        self._before = dict(noted or {})  # refusal notes a previous job gave, per topic (agent.resume)

    def admits(self, topic: str, identity: str) -> bool:
        """Whether ``identity`` may send on ``topic``; a refusal is logged and noted (never the identity or content)."""
        if self._is_candidate(identity):
            return True
        count = self.refused.get(topic, 0) + 1
        self.refused[topic] = count
        logger.warning("%s from a participant other than the candidate refused (%d so far)", topic, count)
        count += self._before.get(topic, 0)  # the interview's count, as far as the notes tell
        if count <= MAX_REFUSAL_NOTES:
            self._recorder.record(
                "note",
                {"kind": "sender_refused", "topic": topic, "count": count},
            )  # a key of its own: a key made of the count was a restarted job's note refused
        return False

    def text_stream(self, topic: str, handler: TextStreamHandler) -> TextStreamHandler:
        """``handler`` for the candidate's streams on ``topic``; anyone else's reader is closed unread."""

        def guarded(reader: rtc.TextStreamReader, participant_identity: str) -> None:
            if not self.admits(topic, participant_identity):
                close_reader(reader)
                return
            handler(reader, participant_identity)

        return guarded


def close_reader(reader: _Reader | rtc.TextStreamReader) -> None:
    """Stop a stream we will not read: its chunks are dropped, its FFI subscription released (an unclosed reader
    keeps both for the life of the process)."""
    close = getattr(reader, "close", None)
    if callable(close):
        close()
