"""Ending a session through the API: the final code (never lost, never cut silently) and a reason the API knows.

The final code also reaches the event log as the last ``editor_snapshot`` (flushed when the interview ends), so
even a completion that fails after its retries leaves the code stored; the caller then reports the failure
(``simulate`` exits non-zero) and the session stays ``in_progress`` for a later job to finish.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from agent.errors import ApiError
from agent.language import code_language
from agent.payloads import cap_code
from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.completion")

END_REASONS = ("completed", "candidate_request", "time_up", "no_show", "candidate_left", "agent_shutdown")


class CompletionClient(Protocol):
    async def complete(
        self, session_id: str, final_code: str | None, language: str | None, reason: str = "completed"
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class FinalCode:
    code: str | None
    language: str | None


def final_code(state: InterviewState) -> FinalCode:
    """The code to complete with, capped at the agreed size; a cut is recorded as a ``note`` event (call this
    before the recorder closes)."""
    state.editor.settle()
    if state.snapshots is not None:
        state.snapshots.flush()
    snap = state.editor.snapshot
    if snap is None:
        return FinalCode(None, code_language(state.language))
    capped = cap_code(snap.code)
    if capped.truncated or snap.original_bytes > capped.original_bytes:
        original = max(snap.original_bytes, capped.original_bytes)
        logger.warning(
            "final code of %d bytes is stored as its first %d", original, len(capped.code.encode())
        )
        state.record("note", {"kind": "code_truncated", "where": "final_code", "original_bytes": original,
                              "kept_bytes": len(capped.code.encode()), "sha256": capped.sha256})  # fmt: skip
    return FinalCode(capped.code, code_language(snap.language) or code_language(state.language))


def end_reason(state: InterviewState, shutdown_reason: str | None = None) -> str:
    if state.end_reason in END_REASONS:
        return state.end_reason
    if shutdown_reason in END_REASONS:
        return str(shutdown_reason)
    return "agent_shutdown"


async def complete(api: CompletionClient, session_id: str, final: FinalCode, reason: str) -> bool:
    """True once the API has the session completed. A refused language is dropped rather than losing the code."""
    try:
        await api.complete(session_id, final.code, final.language, reason)
        return True
    except ApiError as e:
        if e.status == 422 and final.language is not None:
            logger.error("completion refused (%s); retrying without the language", e.code)
            try:
                await api.complete(session_id, final.code, None, reason)
                return True
            except ApiError as again:
                e = again
        logger.error("could not mark session complete: %s (status %s)", e.code, e.status)
        return False
