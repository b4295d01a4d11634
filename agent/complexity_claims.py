"""The complexity the candidate has claimed so far, as recorded (`complexity_claimed` notes), for the phases after.

A claim stated while coding ("this is O(n) time and O(n) space because of the hash map") is recorded then; the
complexity phase is told it as a fact of ours, so that the interviewer does not ask for it again from scratch.
Only the recorded big-O notation is kept (agent.complexity_words `big_o`), never the candidate's sentence: it goes
into the status note, outside any fence.

Kept on the interview's state (`InterviewState.complexity_claims`); a job restarted after the claim rebuilds it from
the notes in the log (agent.resume), so it does not ask again either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.complexity_words import Part, big_o

if TYPE_CHECKING:
    from agent.state import InterviewState

PARTS: tuple[Part, ...] = ("time", "space")
PHASES = frozenset({"coding", "testing", "complexity"})  # where a claim is recorded

Claims = dict[Part, tuple[str, str]]  # part -> (big-O notation, the phase it was said in)


def add(claims: Claims, claimed: dict[Part, str | None], phase: str) -> None:
    """A claim just recorded: each part stated replaces what was known of it; a part not stated keeps it."""
    for part in PARTS:
        value = claimed.get(part)
        if value:
            claims[part] = (value, phase)


def remember(state: InterviewState, claimed: dict[Part, str | None], phase: str) -> None:
    add(state.complexity_claims, claimed, phase)


def from_note(claims: Claims, payload: dict[str, Any]) -> None:
    """A `complexity_claimed` note of the log, read back on a restart (agent.resume). The log holds only this
    interviewer's events; what record_complexity would not keep (agent.complexity_words `big_o`) is skipped
    all the same."""
    phase = payload.get("phase")
    if not isinstance(phase, str) or phase not in PHASES:
        return
    claimed: dict[Part, str | None] = {}
    for part in PARTS:
        value = payload.get(part)
        if isinstance(value, str) and (notation := big_o(value)) is not None:
            claimed[part] = notation
    add(claims, claimed, phase)


def known_line(state: InterviewState) -> str | None:
    """The status line saying what is recorded ("time O(n) (said in the coding phase); space not stated yet"), or
    None when nothing is."""
    claims = state.complexity_claims
    if not claims:
        return None
    parts = []
    for part in PARTS:
        if part in claims:
            value, phase = claims[part]
            parts.append(f"{part} {value} (said in the {phase.replace('_', ' ')} phase)")
        else:
            parts.append(f"{part} not stated yet")
    return "Complexity the candidate already stated, as recorded: " + "; ".join(parts) + "."
