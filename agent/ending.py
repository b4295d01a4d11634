"""Ending the interview: the one path every ending takes, and the candidate's End button (`interview.end` RPC).

Every ending (the `end_interview` tool, the End button, time up, no-show) goes through ``conclude``: it claims the
end once (a second attempt is a no-op), flushes the code, enters the END phase, tells the client (`ended`) and
then runs the job's end callback, which flushes the event log and completes the session through the API.

The End button is an explicit, confirmed request of the candidate, so it ends the interview in any phase and
without the model's confirmation question: ``EndRequests`` answers the RPC at once, interrupts whatever the
interviewer was saying, has it say goodbye, and only then sends `ended` (the page hangs up on it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from livekit import rtc
from livekit.agents import AgentSession

from agent.after_end import hold_queued
from agent.prompts import render
from agent.state import InterviewState, Phase
from agent.turns import reply_after_handoff

logger = logging.getLogger("shadows.agent.ending")

RPC_INTERVIEW_END = "interview.end"
MAX_END_PAYLOAD_BYTES = 1024  # the page sends {"reason": "candidate_request"}; anything larger is refused
REQUEST_REASONS = ("candidate_request",)  # the only reason a client may give (never time_up, never no_show)
END_DELIVERY_MAX_WAIT_S = 2.5  # the longest `ended` waits for the END to reach the API (agent.recorder.flush)
# How often the End button looks whether the speech it interrupted has stopped playing (``stopped_playing``).
STOP_POLL_S = 0.05


def claim(state: InterviewState, reason: str) -> bool:
    """Mark the interview as ending with ``reason``; False when it already was (the first ending wins).

    The code is final from here, not only from the END phase (``enter_end``): the End button enters it once the
    interviewer's speech has stopped playing (``stopped_playing``), and it used to wait for a speech waiting for a
    tool (a run the judge is still at), which stops only when livekit gives up on it, 5 s later. The code the page
    sent in those seconds, after the candidate pressed End, was recorded and became the final code.

    No reply asked for before the end and not yet played is said after it (agent.after_end ``hold_queued``)."""
    if state.ended:
        return False
    state.ended = True
    state.end_reason = reason
    hold_queued(state)
    state.editor.freeze()
    if state.snapshots is not None:
        state.snapshots.flush()
    return True


async def enter_end(state: InterviewState) -> None:
    """The final code into the event log, then the END phase (recorded, published as event and attribute). The
    code is final from here: the editor takes no later snapshot (``EditorBridge.freeze``), so what the candidate
    types during the goodbye is neither recorded nor completed with."""
    state.editor.freeze()
    if state.snapshots is not None:
        state.snapshots.flush()
    if state.phase != Phase.END:
        await state.enter_phase(Phase.END)


async def announce_end(state: InterviewState) -> None:
    """`ended` to the client, once what was recorded up to here (the final code, the END) reached the API, or after
    at most ``END_DELIVERY_MAX_WAIT_S`` (an API outage does not hold the goodbye). The page's End button completes
    the session itself on `ended` (`POST /v1/sessions/{id}/end`, with the editor's code as it is then), and the API
    keeps that code only while no END is stored: sent before the END's delivery, `ended` let the page's code, typed
    during the goodbye, overtake the END and become the final code."""
    if not await state.recorder.flush(END_DELIVERY_MAX_WAIT_S):
        logger.warning(
            "the END was not delivered within %.1fs; announcing the end anyway", END_DELIVERY_MAX_WAIT_S
        )
    await state.channel.send_event({"type": "ended", "reason": state.end_reason or "completed"})


async def conclude(state: InterviewState, reason: str) -> bool:
    """Claim the end, enter END, tell the client and finish (complete the session). False if already ended."""
    if not claim(state, reason):
        return False
    await enter_end(state)
    await announce_end(state)
    await state.finish(reason)
    return True


class EndRequestError(Exception):
    """An `interview.end` request refused before anything happened (wrong caller, bad payload)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_end_request(payload: str) -> str:
    """The reason of an `interview.end` payload (bounded, JSON object, known reason); raises EndRequestError."""
    if len(payload.encode("utf-8", "replace")) > MAX_END_PAYLOAD_BYTES:
        raise EndRequestError("payload_too_large")
    if not payload.strip():
        return "candidate_request"
    try:
        data = json.loads(payload)
    except (json.JSONDecodeError, RecursionError):
        raise EndRequestError("invalid_payload") from None
    if not isinstance(data, dict):
        raise EndRequestError("invalid_payload")
    reason = data.get("reason", "candidate_request")
    if reason not in REQUEST_REASONS:
        raise EndRequestError("invalid_reason")
    return str(reason)


class EndRequests:
    """Answers `interview.end` from the candidate's page: the same ending as `end_interview`, with a spoken goodbye.

    ``candidate`` returns the identity of this room's candidate (None before they joined); any other caller is
    refused, and nothing happens. The RPC answers at once with a small JSON object; the goodbye and the completion
    run as an interview task.
    """

    def __init__(
        self,
        session: AgentSession[Any],
        state: InterviewState,
        candidate: Callable[[], str | None],
        *,
        goodbye_timeout_s: float = 15.0,
    ) -> None:
        self._session = session
        self._state = state
        self._candidate = candidate
        self._goodbye_timeout_s = goodbye_timeout_s
        self.task: asyncio.Task[Any] | None = None

    async def handle(self, data: rtc.RpcInvocationData) -> str:
        """The `interview.end` RPC handler: `{"ok": true, "status": "ending" | "already_ended", "reason": ...}`."""
        state = self._state
        candidate = self._candidate()
        if candidate is None or data.caller_identity != candidate:
            logger.warning("interview.end refused: the caller is not this room's candidate")
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR, "not_candidate")
        try:
            reason = parse_end_request(data.payload)
        except EndRequestError as e:
            logger.warning("interview.end refused: %s", e.code)
            raise rtc.RpcError(rtc.RpcError.ErrorCode.APPLICATION_ERROR, e.code) from None
        if not claim(state, reason):
            return _reply("already_ended", state.end_reason)
        state.record("note", {"kind": "end_requested", "via": "end_button", "phase": state.phase.value})
        logger.info("the candidate ended the interview (End button) in phase %s", state.phase.value)
        self.task = state.spawn(self._say_goodbye_and_finish(), "interview.end_request")
        return _reply("ending", reason)

    async def _say_goodbye_and_finish(self) -> None:
        state = self._state
        with contextlib.suppress(RuntimeError):  # nothing playing, or the session is closing
            await stopped_playing(self._session, self._session.interrupt(force=True))
        await enter_end(state)  # END before the goodbye: no turn decision can silence it
        await goodbye_and_finish(
            self._session, state, "the candidate chose to end it", self._goodbye_timeout_s
        )


async def stopped_playing(session: AgentSession[Any], interrupted: asyncio.Future[None]) -> None:
    """Return once what ``session.interrupt()`` stopped has stopped playing: ``interrupted`` is done, or no speech
    is current any more (its words stopped and are in the conversation).

    livekit-agents 1.8.9 completes ``interrupted`` only when every interrupted speech is done, and a reply waiting
    for a tool (a run the judge is still at) is done only when livekit gives up on it (``INTERRUPTION_TIMEOUT``,
    5 s): the End button's goodbye came 5 s late whenever a run was in flight. Such a reply is no longer current (it
    waits in the background); the goodbye, queued after the current speech, plays as soon as it stopped."""
    interrupted.add_done_callback(_read_outcome)  # it may end after this returns: its error is read, not lost
    while not interrupted.done() and session.current_speech is not None:
        await asyncio.wait({interrupted}, timeout=STOP_POLL_S)


def _read_outcome(interrupted: asyncio.Future[None]) -> None:
    """The interruption's outcome, read whenever it comes (else asyncio warns that its error was never retrieved):
    a session closing meanwhile (RuntimeError) is expected, anything else is logged."""
    if interrupted.cancelled():
        return
    error = interrupted.exception()
    if error is not None and not isinstance(error, RuntimeError):
        logger.warning("interrupting the speech for the goodbye failed: %s", type(error).__name__)


async def goodbye_and_finish(
    session: AgentSession[Any], state: InterviewState, why: str, timeout_s: float
) -> None:
    """An ended interview's goodbye (no tools, not interrupted), then `ended` to the client and the job's end."""
    reason = state.end_reason or "candidate_request"
    try:
        handle = await reply_after_handoff(
            session,
            ending=True,
            instructions=render("goodbye", reason=why),
            tool_choice="none",
            allow_interruptions=False,
        )
        if handle is not None:
            await asyncio.wait_for(handle.wait_for_playout(), timeout_s)
    except TimeoutError:
        logger.warning("the goodbye did not finish in %.0fs; ending anyway", timeout_s)
    except RuntimeError as e:  # the session is closing: the ending still completes
        logger.warning("no goodbye: %s", type(e).__name__)
    await announce_end(state)
    await state.finish(reason)


async def finish_resumed(
    session: AgentSession[Any], state: InterviewState, *, timeout_s: float = 15.0
) -> None:
    """The ending a previous job began and did not complete (the session is still running): END (published; recorded
    if the log lacks it), a short goodbye, then the completion, as the first job would have."""
    recorded = state.phase == Phase.END
    state.phase_entered = True  # by the previous job: END is recorded as leaving it
    await enter_end(state)
    if recorded:  # in the log already: the client's phase attribute and event only
        await state.enter_phase(Phase.END, record=False)
    reason = state.end_reason or "completed"
    why = "the candidate chose to end it" if reason == "candidate_request" else reason.replace("_", " ")
    await goodbye_and_finish(session, state, why, timeout_s)


def _reply(status: str, reason: str | None) -> str:
    return json.dumps({"ok": True, "status": status, "reason": reason}, separators=(",", ":"))
