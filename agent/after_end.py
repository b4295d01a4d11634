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
- ``may_ask_model``: the llm_node's guard (agent.phase_agent). After the end the model is asked only for the
  ending's own replies: the speech in which ``end_interview`` claimed the end (its goodbye is generated into that
  speech, ``ending_speech``), and a reply of the interviewer's own asked for after the end (agent.turns
  ``reply_after_handoff``: after the end only the ending's goodbye, or the scripted line) in its first step. Anything
  else (a deferred tool reply, a tool reply in a speech the end overtook, a reply of its own asked for before the end)
  asks nothing and says nothing.
- ``hold_queued``: the claim's. livekit-agents asks the model for a reply as soon as it is asked for and plays it
  when its turn comes, so a reply queued before the end had passed the guard: every speech asked of the model
  before the end that has not played a step to its end nor begun a tool is interrupted, the one playing at that
  moment included (the speech the end came in excepted), and the own
  replies asked for before it are marked for the guard. Before, a check-in queued behind the reply in which
  ``end_interview`` ended the interview, or behind a reply waiting for a run when time ran out, was said after the
  end.
- ``record_ending_call``: ``end_interview`` records its own call (its arguments and the goodbye instruction it
  answers) before it records the END, so the END is the last of the record but for the goodbye's words. livekit
  reports a call once the step returns, after the END: recorded then, the ending's own call followed the END.
  So the capture (agent.capture) records no tool call livekit reports once the END is recorded: the ending's own
  is in the record already, and a call the end overtook (begun before it, returned after it, its outcome withheld)
  is not recorded after the END.
"""

from __future__ import annotations

import contextlib
import json
import logging
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from livekit.agents import StopResponse

if TYPE_CHECKING:
    from livekit.agents import SpeechHandle, llm

    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.after_end")

# The speeches in which end_interview claimed the end (held weakly: a speech of a closed session goes with it).
_ENDING_SPEECHES: weakref.WeakSet[SpeechHandle] = weakref.WeakSet()


@dataclass
class _Speeches:
    """One interview's speeches as the end sees them (``hold_queued``)."""

    # The speeches asked of the model before the end; the ids of its own replies asked for before the end.
    asked: weakref.WeakSet[SpeechHandle] = field(default_factory=weakref.WeakSet)
    own_before_end: frozenset[str] = frozenset()


# Per interview, by the state's id while the state lives.
_BY_STATE: dict[int, _Speeches] = {}
MAX_CALL_ARGUMENTS = 1024  # end_interview's arguments are one reason; anything longer is not the model's call


def ended_meanwhile(state: InterviewState) -> None:
    """Raise ``StopResponse`` when the interview ended while the calling tool waited: nothing more is sent to the
    page, recorded or said for it (an empty output livekit asks no reply for, deferred or not)."""
    if state.ended:
        logger.info("the interview ended while a tool waited: its outcome is not sent, recorded or answered")
        raise StopResponse()


def _speeches(state: InterviewState) -> _Speeches:
    key = id(state)
    found = _BY_STATE.get(key)
    if found is None:
        found = _BY_STATE[key] = _Speeches()
        weakref.finalize(state, _BY_STATE.pop, key, None)
    return found


def hold_queued(state: InterviewState) -> None:
    """At the claim of the end: no speech asked for before it and not yet played is said. livekit-agents asks the
    model for a reply as soon as it is asked for, queued or not, and plays it when its turn comes (the guard had
    passed it): those asked of the model that have neither played a step to its end nor begun a tool are
    interrupted (never played, nor added to the conversation), and the interviewer's own replies asked for so far
    (``state.own_replies``) are not asked of the model after the end. livekit-agents 1.8.9 adds a step's words to
    ``chat_items`` only once they have played out, so a reply playing at the claim (time up after overtime) is
    interrupted too, where it is: the session's close, a moment later, cut it before."""
    speeches = _speeches(state)
    speeches.own_before_end = frozenset(state.own_replies)
    here = current_speech()  # end_interview's: the ending's own speech
    held = 0
    for speech in list(speeches.asked):
        if speech.done() or speech is here or speech in _ENDING_SPEECHES or speech.chat_items:
            # Done, the ending's, or a step played out or a tool begun (livekit adds a call to ``chat_items`` as it
            # starts): the reply the end came in, which may be waiting for a tool (its outcome is withheld:
            # ``ended_meanwhile``).
            continue
        with contextlib.suppress(RuntimeError):
            speech.interrupt(force=True)
            held += 1
    if held:
        logger.info("the interview has ended: %d speech(es) asked for before it are not played", held)


def ending_speech(speech: SpeechHandle) -> None:
    """``speech`` is the one in which ``end_interview`` claimed the end: its goodbye is generated into it."""
    _ENDING_SPEECHES.add(speech)


def may_ask_model(state: InterviewState) -> bool:
    """Whether the model may be asked for the reply being generated now (called from the llm_node): always before
    the end; after it, only for the ending's own replies (see the module's docstring)."""
    speech = current_speech()
    if not state.ended:
        if speech is not None:
            _speeches(state).asked.add(speech)
        return True
    if speech is not None and speech in _ENDING_SPEECHES:
        return True
    if speech is not None and speech.id in state.own_replies and speech.num_steps == 1:
        if speech.id not in _speeches(state).own_before_end:
            return True
        logger.info("the interview has ended: a reply asked for before the end is not asked of the model")
        return False
    logger.info("the interview has ended: no model request for a reply that is not the goodbye")
    return False


def record_ending_call(state: InterviewState, call: llm.FunctionCall, output: str) -> None:
    """Record ``end_interview``'s own ``call`` as a `tool_call` (the shape agent.capture gives one)
    answering ``output``, before the END: called between the claim and ``enter_end``."""
    arguments: Any = {}
    if call.arguments and len(call.arguments) <= MAX_CALL_ARGUMENTS:
        try:
            arguments = json.loads(call.arguments)
        except ValueError:
            arguments = {}
    payload = {"name": call.name, "call_id": call.call_id, "arguments": arguments, "output": output}
    state.record("tool_call", {**payload, "is_error": False})


def current_speech() -> SpeechHandle | None:
    """The speech the running llm_node generates for. livekit-agents 1.8.9 keeps it in a context variable of its
    ``agent_activity`` module, set for the tasks of a speech (its own ``AgentTask`` reads it the same way)."""
    try:
        from livekit.agents.voice import agent_activity
    except ImportError:  # pragma: no cover -- the framework moved it
        return None
    var = getattr(agent_activity, "_SpeechHandleContextVar", None)
    return None if var is None else var.get(None)
