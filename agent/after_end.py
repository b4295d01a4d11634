"""After the end: once the interview has ended, the interviewer says its goodbye and nothing else.

Two things outlive the moment the end is claimed (agent.ending ``claim``) and used to add to the interview after it:
a tool still waiting (a run at the judge, the editor, the classifier), and a reply livekit-agents asks the model for
on its own. livekit-agents 1.8.9 hands a tool that an interrupted reply waited for longer than its 5 s
``INTERRUPTION_TIMEOUT`` to its background runner, and asks the model for a reply once the tool returns (a "deferred
reply", ``session.generate_reply`` from its tool executor); a reply that was not interrupted (time up, no-show) asks
for its tool reply as usual. So a run returning after the End button sent its `test_report` to a page already told
`ended`, and its result was spoken after the goodbye: a model request after the end.

- ``ended_meanwhile``: each tool calls it after each of its waits, before it sends, records or answers anything. Once
  the interview has ended it answers nothing (``StopResponse``: livekit asks no reply for it), whatever the wait
  brought (a report, an error).
- ``may_ask_model``: the llm_node's guard (agent.phases). After the end the model is asked only for the ending's own
  replies: the speech in which ``end_interview`` claimed the end (its goodbye is generated into that speech,
  ``ending_speech``), and a reply of the interviewer's own asked for after its waits (agent.turns
  ``reply_after_handoff``: after the end only the ending's goodbye, or the scripted line) in its first step. Anything
  else (a deferred tool reply, a tool reply in a speech the end overtook) asks nothing and says nothing.
- ``in_ending_speech``: the capture's rule for the record (agent.capture). Once the END is recorded, a tool call
  livekit reports is recorded only in the ending's own speech (``end_interview``'s call, which recorded the END
  itself); a call the end overtook (begun before it, returned after it, its outcome withheld) is not recorded after
  the END.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

from livekit.agents import StopResponse

if TYPE_CHECKING:
    from livekit.agents import SpeechHandle

    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.after_end")

# The speeches in which end_interview claimed the end (held weakly: a speech of a closed session goes with it).
_ENDING_SPEECHES: weakref.WeakSet[SpeechHandle] = weakref.WeakSet()


def ended_meanwhile(state: InterviewState) -> None:
    """Raise ``StopResponse`` when the interview ended while the calling tool waited: nothing more is sent to the
    page, recorded or said for it (an empty output livekit asks no reply for, deferred or not)."""
    if state.ended:
        logger.info("the interview ended while a tool waited: its outcome is not sent, recorded or answered")
        raise StopResponse()


def ending_speech(speech: SpeechHandle) -> None:
    """``speech`` is the one in which ``end_interview`` claimed the end: its goodbye is generated into it."""
    _ENDING_SPEECHES.add(speech)


def may_ask_model(state: InterviewState) -> bool:
    """Whether the model may be asked for the reply being generated now (called from the llm_node): always before
    the end; after it, only for the ending's own replies (see the module's docstring)."""
    if not state.ended:
        return True
    speech = current_speech()
    if speech is not None and (
        speech in _ENDING_SPEECHES or (speech.id in state.own_replies and speech.num_steps == 1)
    ):
        return True
    logger.info("the interview has ended: no model request for a reply that is not the goodbye")
    return False


def in_ending_speech() -> bool:
    """Whether the running task belongs to the speech in which ``end_interview`` claimed the end."""
    speech = current_speech()
    return speech is not None and speech in _ENDING_SPEECHES


def current_speech() -> SpeechHandle | None:
    """The speech the running llm_node generates for. livekit-agents 1.8.9 keeps it in a context variable of its
    ``agent_activity`` module, set for the tasks of a speech (its own ``AgentTask`` reads it the same way)."""
    try:
        from livekit.agents.voice import agent_activity
    except ImportError:  # pragma: no cover -- the framework moved it
        return None
    var = getattr(agent_activity, "_SpeechHandleContextVar", None)
    return None if var is None else var.get(None)
