"""The interviewer-restart gap runs from the interviewer's last record before the `resumed` note: what the page and
the API record without an interviewer (integrity observations, the candidate's own runs and Submits) fall inside the
gap and do not shorten it (api/timeline_gaps.py)."""

from __future__ import annotations

from typing import Any

from api.timeline import build_items


def _row(seq: int, t: float, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"seq": seq, "t": t, "type": kind, "payload": payload, "run_code": None, "run_language": None}


def _restarts(rows: list[dict[str, Any]]) -> list[tuple[float, float]]:
    items = build_items(rows, "org", ended_s=300.0)
    return [
        (g["start"], g["end"]) for g in items if g["type"] == "gap" and g["kind"] == "interviewer_restart"
    ]


def test_events_recorded_without_an_interviewer_do_not_shorten_a_restart_gap() -> None:
    rows = [
        _row(1, 10.0, "transcript", {"role": "assistant", "text": "Go ahead.", "start": 10.0, "end": 11.0}),
        # The agent's job stops here; the page and the API go on recording:
        _row(2, 50.0, "integrity", {"kind": "focus_lost", "duration_ms": 1200, "source": "page"}),
        _row(3, 70.0, "test_run", {"by": "candidate", "mode": "run", "verdict": "accepted"}),
        _row(4, 80.0, "submission", {"by": "candidate", "mode": "submit", "verdict": "accepted"}),
        _row(5, 100.0, "note", {"kind": "resumed", "phase": "coding"}),
    ]
    assert _restarts(rows) == [(10.0, 100.0)]


def test_the_interviewers_own_run_still_counts_as_its_last_record() -> None:
    rows = [
        _row(
            1, 10.0, "transcript", {"role": "assistant", "text": "Let me run it.", "start": 10.0, "end": 11.0}
        ),
        _row(2, 40.0, "test_run", {"by": "agent", "mode": "run", "verdict": "accepted"}),
        _row(3, 60.0, "integrity", {"kind": "focus_lost", "duration_ms": 900, "source": "page"}),
        _row(4, 90.0, "note", {"kind": "resumed", "phase": "coding"}),
    ]
    assert _restarts(rows) == [(40.0, 90.0)]
