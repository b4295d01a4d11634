"""Capture of an AgentSession's own events into the event log: transcript, tool calls, turn latency, usage."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from livekit.agents import (
    AgentSession,
    ChatMessage,
    CloseEvent,
    ConversationItemAddedEvent,
    FunctionToolsExecutedEvent,
    SessionUsageUpdatedEvent,
)

from agent.fence import cut
from agent.phases import INTERVIEWER_TOOLS
from agent.speech_budget import TYPED
from agent.state import InterviewState, Phase

logger = logging.getLogger(__name__)

UNKNOWN_TOOL = "unknown_tool"  # how a call to a tool no interviewer has is recorded
MAX_TOOL_TEXT = 8_000  # tool arguments/outputs can carry code; the log keeps a bounded prefix
USAGE_EVERY_S = 30.0  # cumulative usage snapshots at most this often, plus a final one
MAX_EARLY_TURNS = 64  # candidate turns recorded when finished and awaiting the conversation (a few at most)

# ChatMessage.metrics keys worth keeping per turn, by the name we store them under.
_USER_METRICS = {
    "end_of_turn_delay": "end_of_turn_delay",
    "transcription_delay": "transcription_delay",
    "on_user_turn_completed_delay": "on_user_turn_completed_delay",
}
_ASSISTANT_METRICS = {
    "llm_node_ttft": "llm_ttft",
    "llm_node_ttfs": "llm_ttfs",
    "tts_node_ttfb": "tts_ttfb",
    "e2e_latency": "e2e_latency",
    "llm_node_tps": "llm_tps",
}


class Recorder(Protocol):
    def record(
        self, type: str, payload: dict[str, Any], *, key: str | None = None, t: float | None = None
    ) -> str: ...


class SessionCapture:
    """Subscribed to one session; ``detach()`` unsubscribes and records the final usage snapshot."""

    def __init__(self, session: AgentSession[Any], recorder: Recorder, clock: Callable[[], float]) -> None:
        self._session = session
        self._recorder = recorder
        self._clock = clock
        self._capture_id = uuid.uuid4().hex[:12]
        self._user_metrics: dict[str, float] = {}
        self._usage: list[dict[str, Any]] | None = None
        self._usage_recorded_at: float | None = None
        self._usage_dirty = False
        self._attached = True
        # Candidate turns recorded when they were finished, not yet taken by the conversation (oldest first).
        self._early: dict[str, ChatMessage] = {}
        self._state = _interview_state(session)
        if self._state is not None:
            self._state.turn_listeners.append(self.record_turn)
        session.on("conversation_item_added", self._on_item)
        session.on("function_tools_executed", self._on_tools)
        session.on("session_usage_updated", self._on_usage)
        session.on("close", self._on_close)

    def detach(self) -> None:
        if not self._attached:
            return
        self._attached = False
        if self._state is not None and self.record_turn in self._state.turn_listeners:
            self._state.turn_listeners.remove(self.record_turn)
        self._session.off("conversation_item_added", self._on_item)
        self._session.off("function_tools_executed", self._on_tools)
        self._session.off("session_usage_updated", self._on_usage)
        self._session.off("close", self._on_close)
        self._record_usage(final=True)

    def _t(self, epoch: float) -> float:
        """livekit stamps items with time.time(); events use interview seconds. Converting through "how
        long ago" keeps times right when the interview clock is not wall time (simulations jump it)."""
        return round(max(0.0, self._clock() - max(0.0, time.time() - epoch)), 3)

    # -- handlers (sync: EventEmitter callbacks; record() never blocks) -------------------------------

    def record_turn(self, message: ChatMessage) -> None:
        """Record a candidate's turn now, the moment it was finished (InterviewState.turn_finished); when the
        conversation takes it later, it is not recorded again."""
        known = message.id in self._early
        if self._attached and message.role == "user" and not known and self._record_message(message):
            self._early[message.id] = message
            while len(self._early) > MAX_EARLY_TURNS:  # never taken (a turn the framework dropped after all)
                del self._early[next(iter(self._early))]

    def _recorded_early(self, item: ChatMessage) -> bool:
        """Whether the conversation's ``item`` is a turn recorded when it was finished (and is now taken). With
        preemptive generation (on by default outside coding) livekit puts in the conversation not the message it
        handed to ``on_user_turn_completed`` but the preemptive attempt's own, given the same content and the same
        metrics object: the same turn under another id, which was recorded twice."""
        if item.role != "user":
            return False
        found = item.id if item.id in self._early else None
        if found is None:
            found = next((k for k, m in self._early.items() if m.metrics is item.metrics), None)
        if found is None:
            found = next((k for k, m in self._early.items() if m.text_content == item.text_content), None)
        if found is None:
            return False
        del self._early[found]
        return True

    def _on_item(self, ev: ConversationItemAddedEvent) -> None:
        item = ev.item
        if not isinstance(item, ChatMessage) or item.role not in ("user", "assistant"):
            return
        if not self._recorded_early(item) and not self._record_message(item):
            return
        m = item.metrics
        end = self._t(m.get("stopped_speaking_at", item.created_at))
        if item.role == "user":
            self._user_metrics = _pick(m, _USER_METRICS)
            return
        metrics = {**self._user_metrics, **_pick(m, _ASSISTANT_METRICS)}
        self._user_metrics = {}
        if metrics:
            self._recorder.record("turn_metrics", {"item_id": item.id, **metrics}, key=item.id, t=end)

    def _record_message(self, item: ChatMessage) -> bool:
        """The `transcript` event of one message (its key is the message's id); False when it has no text."""
        text = item.text_content
        if not text:
            return False
        m = item.metrics
        start = self._t(m.get("started_speaking_at", item.created_at))
        end = self._t(m.get("stopped_speaking_at", item.created_at))
        payload: dict[str, Any] = {
            "role": item.role,
            "text": text,
            "start": start,
            "end": max(start, end),
            "interrupted": item.interrupted,
            "item_id": item.id,
        }
        if item.role == "user" and (item.extra or {}).get("input") == TYPED:
            payload["typed"] = True  # typed (or pasted) into the chat, not said aloud: the grader is told
        self._recorder.record("transcript", payload, key=item.id, t=start)
        return True

    def _on_tools(self, ev: FunctionToolsExecutedEvent) -> None:
        if self._state is not None and self._state.phase == Phase.END:
            # The END is recorded: a call the end overtook (begun before it, returned after it, its outcome withheld:
            # agent.after_end) is not recorded after the END; end_interview recorded its own call before the END.
            logger.info("tool calls that returned after the end are not recorded: %d", len(ev.function_calls))
            return
        for call, output in ev.zipped():
            payload: dict[str, Any] = {
                "name": call.name,
                "call_id": call.call_id,
                "arguments": _args(call.arguments),
            }
            if output is not None:
                payload["output"] = cut(output.output, MAX_TOOL_TEXT)  # a fence cut open is closed again
                payload["is_error"] = output.is_error
            if call.name not in INTERVIEWER_TOOLS:
                # A tool no interviewer has (the framework refused it): its name and arguments are the model's
                # words, which a candidate can dictate, never the name of one of our tools (a stable API).
                logger.warning("a call to a tool the interviewer does not have was refused")
                payload = {"name": UNKNOWN_TOOL, "call_id": call.call_id, "arguments": {}, "output": "",
                           "is_error": True}  # fmt: skip
            # Some OpenAI-compatible servers number calls per process ("call_0"); scope the key to
            # this capture so a resumed session's calls are never taken for earlier ones.
            key = f"{self._capture_id}:{call.call_id}"
            self._recorder.record("tool_call", payload, key=key, t=self._t(call.created_at))

    def _on_usage(self, ev: SessionUsageUpdatedEvent) -> None:
        # Zero counters are dropped: most fields do not apply to a given model kind.
        self._usage = [
            {k: v for k, v in u.model_dump().items() if v not in (0, 0.0)} for u in ev.usage.model_usage
        ]
        self._usage_dirty = True
        now = time.monotonic()
        if self._usage_recorded_at is None or now - self._usage_recorded_at >= USAGE_EVERY_S:
            self._record_usage(final=False)

    def _on_close(self, _: CloseEvent) -> None:
        self._record_usage(final=True)

    def _record_usage(self, *, final: bool) -> None:
        if self._usage is None or not self._usage_dirty:
            return
        self._usage_dirty = False
        self._usage_recorded_at = time.monotonic()
        self._recorder.record("model_usage", {"models": self._usage, "final": final}, t=self._clock())


def attach_capture(
    session: AgentSession[Any], recorder: Recorder, clock: Callable[[], float]
) -> SessionCapture:
    """Record the session's transcript, tool calls, per-turn latency and model usage.

    ``clock()`` returns seconds since the interview started (``InterviewState.elapsed_s``); item
    timestamps are converted to that scale. Idempotency keys derive from livekit item and call ids, so
    a message is stored once however often its batch is retried.
    """
    return SessionCapture(session, recorder, clock)


def _pick(metrics: Any, names: dict[str, str]) -> dict[str, float]:
    return {ours: round(float(metrics[lk]), 4) for lk, ours in names.items() if metrics.get(lk) is not None}


def _args(raw: str) -> Any:
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        return raw[:MAX_TOOL_TEXT]
    if len(raw) > MAX_TOOL_TEXT:
        return {"truncated": raw[:MAX_TOOL_TEXT]}
    return parsed


def _interview_state(session: AgentSession[Any]) -> InterviewState | None:
    try:
        state = session.userdata
    except ValueError:  # no userdata
        return None
    return state if isinstance(state, InterviewState) else None
