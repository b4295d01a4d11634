"""One-shot notes for the model (a large paste, the language question): given once a reply shown them is said.

A note waits in ``InterviewState.pending_notes`` and is shown to every generation until one that was shown it ends
in a reply said to its end; then it leaves the list. It was cleared by the first generation shown it, whatever became
of that generation: a tool call's step used it up (a paste note asks for a walk-through when they run the code, and
the words about the run come in the step after the call, which never had it), and so did a preemptive attempt
livekit discarded or a reply the candidate cut off before it was said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from livekit.agents import llm

from agent.after_end import current_speech

if TYPE_CHECKING:
    from livekit.agents.voice import SpeechHandle

    from agent.state import InterviewState


def shown_notes(state: InterviewState) -> list[str]:
    """The notes to show the generation under way (called from its ``llm_node``); they are given, and leave the
    pending list, when its speech ends with a reply said to its end. With no speech to watch (a realtime reply's
    preparation), they are given now."""
    shown = list(state.pending_notes)
    if not shown:
        return shown
    speech = current_speech()
    if speech is None or speech.done():
        _give(state, shown)
        return shown

    def on_done(handle: SpeechHandle) -> None:
        if any(
            isinstance(item, llm.ChatMessage) and item.role == "assistant" and not item.interrupted
            for item in handle.chat_items
        ):
            _give(state, shown)

    speech.add_done_callback(on_done)
    return shown


def _give(state: InterviewState, shown: list[str]) -> None:
    state.pending_notes[:] = [note for note in state.pending_notes if note not in shown]
