"""One-shot notes for the model (a large paste, the language question): given once a reply shown them is said.

A note waits in ``InterviewState.pending_notes`` and is shown to every generation until one that was shown it ends
in a reply said to its end; then it leaves the list. It was cleared by the first generation shown it, whatever became
of that generation: a tool call's step used it up (a paste note asks for a walk-through when they run the code, and
the words about the run come in the step after the call, which never had it), and so did a preemptive attempt
livekit discarded or a reply the candidate cut off before it was said.

While a reply shown a note is under way, the note is held for it (``InterviewState.notes_held``): the steps of that
reply are shown it, no other reply is. livekit generates a reply as soon as it is asked for, before the one ahead of it
is said (a check-in or a time warning asked for while the answer to the candidate is being generated), and both
replies, shown the note, asked its question. A reply that ends unsaid lets it go for the next one.
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
    preparation), they are given now. A note held for another reply under way is not shown, and none once the
    interview has ended: the goodbye after ``end_interview`` is a step of the reply that called it, and a paste note
    held by that reply had it asking for a walk-through as it said goodbye."""
    if state.ended:
        return []
    speech = current_speech()
    if speech is None or speech.done():
        shown = [note for note in state.pending_notes if note not in state.notes_held]
        _give(state, shown)
        return shown
    shown = [note for note in state.pending_notes if state.notes_held.get(note, speech.id) == speech.id]
    held = [note for note in shown if note not in state.notes_held]
    if not held:
        return shown  # nothing, or a later step of the reply that holds them (its first step watches it)
    for note in held:
        state.notes_held[note] = speech.id

    def on_done(handle: SpeechHandle) -> None:
        for note in held:
            if state.notes_held.get(note) == handle.id:
                del state.notes_held[note]
        if any(
            isinstance(item, llm.ChatMessage) and item.role == "assistant" and not item.interrupted
            for item in handle.chat_items
        ):
            _give(state, held)

    speech.add_done_callback(on_done)
    return shown


def _give(state: InterviewState, shown: list[str]) -> None:
    state.pending_notes[:] = [note for note in state.pending_notes if note not in shown]
