"""Resuming an interview: the conversation and interview state rebuilt from the session's stored events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from livekit.agents import llm

from agent.context import EventIn, SessionEvent
from agent.language import SUPPORTED

MAX_ITEMS = 400  # the tail of a very long conversation is enough context to continue it


@dataclass
class ResumePoint:
    """Where a restarted job picks up (``agent.interview.ResumePoint``)."""

    chat_ctx: llm.ChatContext
    phase: str
    hints_given: int
    last_t: float | None
    transcript_items: int
    editor_code: str | None = None
    editor_language: str | None = None
    paste_noted: bool = False  # the interviewer already had its one large-paste note
    warned_minutes: frozenset[int] = frozenset()  # time warnings already given (recorded), never given again
    # The language question (agent.language ``LanguageWatch``), asked once per interview (``language_mismatch``, with
    # the language heard), never asked again; the language the candidate chose (``language_switched``), which the
    # speech-to-text, the instructions and the scripted lines follow instead of the session's.
    language_asked: bool = False
    languages_heard: tuple[str, ...] = ()
    switched_language: str | None = None


def build_resume(events: Sequence[SessionEvent], *, max_items: int = MAX_ITEMS) -> ResumePoint | None:
    """The resume point for a session whose log already has a conversation; ``None`` to start fresh.

    A session is resumed once anything was said in it (a stored ``transcript`` event): the greeting
    has happened and must not happen again. Items are rebuilt in ``seq`` order with their original
    item ids; tool calls are restored as call/output pairs so the model remembers test results. What the live job
    derived from its own notes comes back too: the large-paste note given, the language question asked and the
    language the candidate switched to.
    """
    ordered = sorted(events, key=lambda e: e.seq)
    if not any(e.type == "transcript" for e in ordered):
        return None
    items: list[llm.ChatItem] = []
    phase = "greeting"
    hints_given = 0
    transcript_items = 0
    editor_code: str | None = None
    editor_language: str | None = None
    seen: set[str] = set()
    paste_noted = False
    warned: set[int] = set()
    language_asked = False
    heard: list[str] = []
    switched: str | None = None
    for event in ordered:
        p = event.payload
        if event.type == "transcript":
            text, role = p.get("text"), p.get("role")
            item_id = str(p.get("item_id") or f"resumed_{event.seq}")
            if not text or role not in ("user", "assistant") or item_id in seen:
                continue
            seen.add(item_id)
            transcript_items += 1
            items.append(
                llm.ChatMessage(
                    id=item_id, role=role, content=[str(text)], interrupted=bool(p.get("interrupted", False))
                )
            )
        elif event.type == "tool_call" and p.get("call_id") and p.get("name"):
            call_id = str(p["call_id"])
            if call_id in seen:
                continue
            seen.add(call_id)
            args = p.get("arguments", {})
            items.append(
                llm.FunctionCall(
                    call_id=call_id, name=str(p["name"]),
                    arguments=args if isinstance(args, str) else json.dumps(args),
                )
            )  # fmt: skip
            items.append(
                llm.FunctionCallOutput(
                    call_id=call_id, name=str(p["name"]), output=str(p.get("output", "")),
                    is_error=bool(p.get("is_error", False)),
                )
            )  # fmt: skip
        elif event.type == "phase_change" and p.get("to"):
            phase = str(p["to"])
        elif event.type == "hint":
            hints_given = max(hints_given, int(p.get("index", hints_given + 1)))
        elif event.type == "editor_snapshot" and p.get("code_omitted") is True:
            # The API did not keep this snapshot's code (the session's recording budget): an older snapshot is
            # not the candidate's code now, so none stands in until the client's next snapshot.
            editor_code, editor_language = None, None
        elif event.type == "editor_snapshot" and isinstance(p.get("code"), str):
            editor_code, editor_language = p["code"], p.get("language")
        elif event.type == "note" and p.get("kind") == "paste_noted":
            paste_noted = True
        elif event.type == "note" and p.get("kind") == "language_mismatch":
            language_asked = True
            if isinstance(p.get("heard"), str):
                heard.append(p["heard"])
        elif event.type == "note" and p.get("kind") == "language_switched" and p.get("to") in SUPPORTED:
            switched = str(p["to"])
        elif event.type == "time_warning" and isinstance(p.get("minutes_left"), int):
            warned.add(p["minutes_left"])
    if len(items) > max_items:
        items = items[-max_items:]
        # Never start on a dangling tool output: the model API rejects an output without its call.
        while items and isinstance(items[0], llm.FunctionCallOutput):
            items.pop(0)
    return ResumePoint(
        chat_ctx=llm.ChatContext(items),
        phase=phase,
        hints_given=hints_given,
        last_t=max((e.t for e in ordered if e.t is not None), default=None),
        transcript_items=transcript_items,
        editor_code=editor_code,
        editor_language=editor_language,
        paste_noted=paste_noted,
        warned_minutes=frozenset(warned),
        language_asked=language_asked,
        languages_heard=tuple(heard),
        switched_language=switched,
    )


def merge_spooled(stored: Sequence[SessionEvent], spooled: Sequence[EventIn]) -> list[SessionEvent]:
    """The session's log as the API has it, followed by the events a dead worker left in this host's spool and
    the API has not stored yet (same idempotency key = same event), in their recording order."""
    known = {e.idempotency_key for e in stored}
    top = max((e.seq for e in stored), default=0)
    merged = list(stored)
    for event in spooled:
        if event.idempotency_key in known:
            continue
        known.add(event.idempotency_key)
        top += 1
        merged.append(SessionEvent(seq=top, type=event.type, t=event.t, idempotency_key=event.idempotency_key,
                                   payload=event.payload))  # fmt: skip
    return merged
