"""The interviewer's own lines (a check-in, a quiet check, a no-show line, a time warning, the time-up line, the AI
notice) are for the candidate to hear: one under way when they leave the room is cut off there, not said to the empty
room.

A line is registered with its speech (``for_candidate``) once asked for. When the candidate's participant leaves
(agent.presence, a room event: ``InterviewState.candidate_left`` calls ``cut_own_line``), every registered line not yet
played out is interrupted, noted (``line_unheard``: which line, the phase and its own fields) and its caller told
(``on_unheard``), which takes it back: the check-in ladder's step is due again and said on their return, the time-up
line is said again when they are back (a restarted job reads the note and owes it too, agent.resume), and so is the AI
notice (agent.ai_notice). A line that ends with no words at all (its model call failed) is noted ``line_unsaid`` and
its caller told (``on_unsaid``, for the lines that pass one): a step of the silence ladder and the time-up line are not
given and are tried again after a growing wait (agent.silence, agent.timekeeper); the no-show end's goodbye is not
said. A line asked for while they are already out (they left during the wait for a handoff) is cut at once. The
transcript keeps of a cut line only what was played before the cut, marked ``interrupted``; a line the candidate talked
over (interrupted already, not yet done as they leave) is theirs to have cut and is not taken back; a restarted job
counts a step of the ladder only once its words were recorded uninterrupted (agent.resume). Before, a line asked for
as the candidate dropped (or in a moment's presence between two polls of the ladder) was said into the empty room, and
the record held it as said to them: a check-in counted as given (the ladder went on to the hint offer they never had
the question before), the time-up line as told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.own_line import OwnLine

if TYPE_CHECKING:
    from livekit.agents import SpeechHandle

    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.own_lines")


def for_candidate(
    state: InterviewState,
    handle: SpeechHandle,
    line: str,
    *,
    on_unheard: Callable[[], None] | None = None,
    on_unsaid: Callable[[], None] | None = None,
    **note: Any,
) -> None:
    """``handle`` says ``line`` to the candidate: cut off and taken back (``on_unheard``) if they leave before it has
    played out, or at once when they are out of the room already; taken back too (``on_unsaid``) when it ends with
    no words of the interviewer's at all (the model call failed)."""
    own = OwnLine(line, handle, dict(note), on_unheard, on_unsaid)
    if handle.done():
        _ended(state, own)
        return
    state.own_lines[handle.id] = own
    handle.add_done_callback(lambda h: _played(state, own))
    if state.candidate_left_at is not None:
        state.cut_own_line(own)


def _played(state: InterviewState, own: OwnLine) -> None:
    if state.own_lines.get(own.handle.id) is own:
        del state.own_lines[own.handle.id]
        _ended(state, own)


def _ended(state: InterviewState, own: OwnLine) -> None:
    """``own`` has ended, not cut off as the candidate left: when it said nothing at all (its model call failed, or
    made no text), it is noted (``line_unsaid``) and its caller told (``on_unsaid``). An interrupted line (the
    candidate talked over it) was theirs to cut and stays said."""
    if own.on_unsaid is None or own.handle.interrupted or _spoke(own.handle):
        return
    logger.warning("the interviewer's %s ended with no words: not said", own.line)
    if not state.ended:
        state.record(
            "note", {"kind": "line_unsaid", "line": own.line, "phase": state.phase.value, **own.note}
        )
    own.on_unsaid()


def _spoke(handle: SpeechHandle) -> bool:
    """Whether ``handle`` made any words of the interviewer's (a message of the assistant with text)."""
    return any(
        isinstance(item, llm.ChatMessage) and item.role == "assistant" and (item.text_content or "").strip()
        for item in handle.chat_items
    )
