"""Gaps in the record as timeline steps: while the candidate was away, and while the interview had no interviewer.

The agent records two notes about presence (docs/protocol.md): `candidate_away` when the framework's away state
begins (neither side has spoken for `user_away_timeout_s`, 20 s, and the editor has not changed), and `resumed` when
a new agent job takes over an interview whose job stopped. Neither note has an end of its own, so the gap is read
from the record around it:

- `candidate_away`: from the note to the candidate's next sign of presence (a turn of theirs, an editor snapshot, a
  run or Submit of theirs), or to the end of the record when none follows (`closed_by: "record_end"`). Notes inside
  an open gap add nothing.
- `interviewer_restart`: from the interviewer's last record before the `resumed` note (or the start) to the note:
  the interviewer records the turns, snapshots, hints and notes. What is recorded without it falls inside the gap
  and does not shorten it: the page's integrity observations and the candidate's own runs and Submits (the API
  records those).

Each gap is `{"seq", "t", "type": "gap", "kind", "start", "end", "duration_s", "closed_by"}`: times and fixed words
only, never a payload's text, so nothing the candidate said or typed reaches the labels built from it. At most
MAX_GAPS per timeline (the first ones in time order).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

AWAY = "candidate_away"
RESUMED = "resumed"
RESTART = "interviewer_restart"
GAP_NOTES = (AWAY, RESUMED)
MAX_GAPS = 500


def _t(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _note_kind(row: dict[str, Any]) -> str | None:
    payload = row["payload"] if isinstance(row["payload"], dict) else {}
    kind = payload.get("kind")
    return kind if row["type"] == "note" and kind in GAP_NOTES else None


def _present(item: dict[str, Any]) -> bool:
    """An item that shows the candidate there: their turn, a snapshot of the editor, a run or Submit of theirs."""
    kind = item["type"]
    if kind == "transcript":
        return bool(item.get("role") == "candidate")
    if kind == "editor_snapshot":
        return True
    return kind in ("test_run", "submission") and item.get("by") == "candidate"


def _by_interviewer(row: dict[str, Any]) -> bool:
    """A row the interviewer (the agent's job) recorded: not the page's integrity observations, nor a run or Submit
    the API recorded for the candidate or the grader."""
    if row["type"] == "integrity":
        return False
    if row["type"] in ("test_run", "submission"):
        payload = row["payload"] if isinstance(row["payload"], dict) else {}
        return payload.get("by") == "agent"
    return True


def _gap(seq: int, kind: str, start: float, end: float, closed_by: str) -> dict[str, Any]:
    end = max(start, end)
    return {
        "seq": seq,
        "t": start,
        "type": "gap",
        "kind": kind,
        "start": start,
        "end": end,
        "duration_s": round(end - start, 3),
        "closed_by": closed_by,
    }


def _away_gaps(
    notes: list[tuple[float, int]], items: list[dict[str, Any]], end: float
) -> list[dict[str, Any]]:
    back = sorted(t for i in items if _present(i) and (t := _t(i["t"])) is not None)
    gaps: list[dict[str, Any]] = []
    open_until = -1.0
    for start, seq in notes:
        if start < open_until:
            continue  # inside the gap already open
        at = bisect_right(back, start)  # the first sign of them strictly after the note
        returned = back[at] if at < len(back) else None
        if returned is None or returned > end:
            gaps.append(_gap(seq, AWAY, start, end, "record_end"))
            open_until = end
        else:
            gaps.append(_gap(seq, AWAY, start, returned, "candidate_back"))
            open_until = returned
    return gaps


def gap_items(rows: list[dict[str, Any]], items: list[dict[str, Any]], end: float) -> list[dict[str, Any]]:
    """The gaps the presence notes among `rows` (stored events, in time order) mark, as timeline items; `items` are
    the timeline's other items, `end` the end of the record (an open gap is closed there)."""
    away: list[tuple[float, int]] = []
    gaps: list[dict[str, Any]] = []
    last_before: float = 0.0  # the time of the interviewer's last record so far, in time order
    for row in rows:
        t = _t(row["t"])
        kind = _note_kind(row)
        if t is not None and kind == AWAY:
            away.append((t, row["seq"]))
        elif t is not None and kind == RESUMED:
            gaps.append(_gap(row["seq"], RESTART, last_before, t, "resumed"))
        if t is not None and _by_interviewer(row):
            last_before = max(last_before, t)
    gaps += _away_gaps(away, items, end)
    gaps.sort(key=lambda g: (g["t"], g["seq"]))
    return gaps[:MAX_GAPS]
