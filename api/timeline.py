"""The interview as one timeline for the report's replay: transcript turns, phases, editor snapshots (full code),
runs and submissions (verdict, counts, code), hints, time warnings, integrity observations and gaps in the record
(the candidate away or out of the room, no interviewer: `api/timeline_gaps.py`), in time order.

Items are built from the stored payloads field by field (known fields, checked types), never passed through, so
whatever an agent or a page wrote into a payload beyond them never reaches a report. Hidden tests appear only as
counts. Served as `{"session": {...}, "events": [...]}` by `GET /v1/sessions/{id}/timeline` and its share-link
equivalent (docs/reports.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from api.scheduling import allowed_minutes
from api.timeline_gaps import after_interview, gap_items
from grader.answer import LANGUAGES

View = Literal["org", "coach"]
ROLES = {"user": "candidate", "assistant": "interviewer"}


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _language(value: Any) -> str | None:
    """A snapshot's language, when it is one the API runs; else null. The candidate's page names it, and the agent
    keeps any one-word name ("cobol", or "All_tests_passed"): the replay's code heading printed it as its own words
    ("Code at 3:20, in All_tests_passed"). The session dump keeps what was named."""
    return value if isinstance(value, str) and value in LANGUAGES else None


def _tally(tests: list[dict[str, Any]], hidden: bool) -> dict[str, int]:
    chosen = [t for t in tests if bool(t.get("hidden")) == hidden]
    return {"passed": sum(1 for t in chosen if t.get("verdict") == "accepted"), "total": len(chosen)}


def is_custom(p: dict[str, Any]) -> bool:
    """A run of the candidate's own inputs (custom input, `api/custom_input.py`): the API marks its event `custom`
    (`api/db/runs_repo.py`); its calls are numbered `custom-N` (`api/run_flow.py` tells them so), which also tells one
    stored without the mark. With no expected values, every call that returns is `accepted`."""
    if p.get("custom") is True:
        return True
    tests = p.get("tests")
    return (
        isinstance(tests, list)
        and bool(tests)
        and all(isinstance(t, dict) and str(t.get("id", "")).startswith("custom-") for t in tests)
    )


def _custom_run(row: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    """A custom run as the report shows it: the code ran on the candidate's own inputs, and nothing was checked. Its
    `accepted` says only that the calls returned, so it carries no verdict (a failure, an error or a limit, stays: that
    is what the code did), no tests and no counts of passed tests; `calls` and `returned` say what happened. Shown as a
    run with "accepted" and "5/5 tests passed", any candidate could put a passing run on the report at will (a
    starter function that returns anything, called on five inputs of their choosing)."""
    verdict = _str(p.get("verdict"), 40)
    return {
        "kind": "run",
        "custom": True,
        "by": _str(p.get("by"), 20),
        "verdict": None if verdict == "accepted" else verdict,
        "passed": None,
        "total": None,
        "visible": None,
        "hidden": None,
        "tests": [],
        "calls": _int(p.get("total")),
        "returned": _int(p.get("passed")),
        "language": row["run_language"] or _str(p.get("language"), 20),
        "code": row["run_code"],
    }


def _judged_run(row: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    tests = [t for t in p.get("tests", []) if isinstance(t, dict)] if isinstance(p.get("tests"), list) else []
    visible = [
        {"id": _str(t.get("id"), 100), "verdict": _str(t.get("verdict"), 40)}
        for t in tests
        if not t.get("hidden")
    ]
    return {
        "kind": "submit" if row["type"] == "submission" else "run",
        "by": _str(p.get("by"), 20),
        "verdict": _str(p.get("verdict"), 40),
        "passed": _int(p.get("passed")),
        "total": _int(p.get("total")),
        "visible": _tally(tests, hidden=False) if tests else None,
        "hidden": _tally(tests, hidden=True) if tests else None,
        "tests": visible,
        "language": row["run_language"] or _str(p.get("language"), 20),
        "code": row["run_code"],
    }


def _run(row: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    # A Submit always judges the question's tests (custom input is a Run): only a `test_run` can be custom.
    item = _custom_run(row, p) if row["type"] == "test_run" and is_custom(p) else _judged_run(row, p)
    # Stored past the session's run code budget: judged and recorded, its code not kept.
    if row.get("run_code_omitted"):
        item |= {"code_omitted": True, "code_bytes": _int(row.get("run_code_bytes"))}
    return item


def timeline_item(row: dict[str, Any]) -> dict[str, Any] | None:
    """One stored event as a timeline item, or None when it is not one the report shows."""
    p = row["payload"] if isinstance(row["payload"], dict) else {}
    kind = row["type"]
    item: dict[str, Any] = {"seq": row["seq"], "t": row["t"], "type": kind}
    if kind == "transcript":
        start = _num(p.get("start"))
        item |= {
            "role": ROLES.get(_text(p.get("role")), "interviewer"),
            "text": _text(p.get("text")),
            "start": start,
            "end": _num(p.get("end")),
        }
        if item["role"] == "candidate" and p.get("typed") is True:
            item["typed"] = True  # typed (or pasted) into the chat, not said aloud
    elif kind == "phase_change":
        item |= {"from": _str(p.get("from"), 40), "to": _str(p.get("to"), 40)}
    elif kind == "editor_snapshot":
        item |= {"language": _language(p.get("language")), "code": _text(p.get("code"))}
        if p.get("code_omitted") is True:  # stored past the session's code budget: its code was not kept
            item |= {"code_omitted": True, "code_bytes": _int(p.get("code_bytes"))}
    elif kind in ("test_run", "submission"):
        item |= _run(row, p)
    elif kind == "hint":
        item |= {"index": _int(p.get("index")), "total": _int(p.get("total")), "text": _text(p.get("text"))}
    elif kind == "time_warning":
        item |= {"minutes_left": _num(p.get("minutes_left"))}
    elif kind == "integrity":
        item |= {
            "kind": _str(p.get("kind"), 40),
            "chars": _int(p.get("chars")),
            "lines": _int(p.get("lines")),
            "duration_ms": _int(p.get("duration_ms")),
            "source": _str(p.get("source"), 40),
        }
    else:
        return None
    return item


def build_items(
    rows: list[dict[str, Any]],
    view: View,
    *,
    ended_s: float | None = None,
    gap_rows: list[dict[str, Any]] | None = None,
    cut_s: float | None = None,
) -> list[dict[str, Any]]:
    """The timeline's items of `rows`. Presence notes among `gap_rows` (`api.timeline_gaps.gap_rows`; `rows` when
    not given) become gap steps (`api/timeline_gaps.py`), an open one closed at the record's end: the later of the
    last event and `ended_s`; none runs past `cut_s`, when the record is incomplete from (`record_full_s`)."""
    items = [item for row in rows if (item := timeline_item(row)) is not None]
    if view == "coach":  # the candidate's own coaching report: observations about them are for the company
        items = [i for i in items if i["type"] != "integrity"]
    end = max(_last(items), ended_s or 0.0)
    gaps = gap_items(rows if gap_rows is None else gap_rows, end, pages=view == "org", cut=cut_s)
    if gaps:
        items = sorted(items + gaps, key=lambda i: (i["t"] is not None, i["t"] or 0.0, i["seq"]))
    return items


def elapsed_s(session: dict[str, Any]) -> float | None:
    """Seconds from the start to the end (or None while it has not both started and ended)."""
    started: datetime | None = session["started_at"]
    ended: datetime | None = session["ended_at"]
    if started is None or ended is None:
        return None
    return max(0.0, (ended - started).total_seconds())


def _last(items: list[dict[str, Any]]) -> float:
    """The time of the last item of the interview: the grader's Submit after it is none (`after_interview`)."""
    return max(
        (i["t"] for i in items if i["t"] is not None and not after_interview(i["type"], i.get("by"))),
        default=0.0,
    )


def session_header(session: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    last = _last(items)
    ended = elapsed_s(session)
    return {
        "id": session["id"],
        "status": session["status"],
        "language": session["language"],
        # The candidate's own time: the scheduled duration plus any extra time granted (an accommodation).
        "time_allowed_s": allowed_minutes(session) * 60,
        "ended_s": ended,
        # The replay's scrubber runs from 0 to here: the end of the interview, or the last event if later (the
        # grader's Submit after the interview, stored when the grading job ran, is none: the replay shows it here).
        "duration_s": max(last, ended or 0.0),
        # When retention deleted the interview record (its events are then empty), else null.
        "record_deleted_at": _iso(session.get("retention_applied_at")),
    }


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


class TimelineSession(BaseModel):
    id: str
    status: str
    language: str
    time_allowed_s: int
    ended_s: float | None
    duration_s: float
    record_deleted_at: datetime | None = None


class Timeline(BaseModel):
    """For the OpenAPI document: each event has `seq`, `t` (seconds from the start), `type` and the fields of its
    type (docs/reports.md)."""

    session: TimelineSession
    events: list[dict[str, Any]]
