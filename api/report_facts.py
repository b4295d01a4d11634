"""Facts about an interview read from its timeline, for a report whose scorecard has none (pending, failed before
facts, or never graded). The grader's own facts win when a scorecard carries them: they are computed from the same
log and add what only the grader measures (talk time, claimed complexity)."""

from __future__ import annotations

from typing import Any

from grader.final_submit import JUDGE_FAILED
from grader.schemas import Facts, HintFact, PassRecord, PassTally


def _tally(counts: dict[str, int] | None) -> PassTally | None:
    if not counts or counts["total"] == 0:
        return None
    return PassTally(passed=counts["passed"], total=counts["total"])


def _custom(run: dict[str, Any]) -> bool:
    """A run of the candidate's own inputs (the timeline marks it `custom`: api.timeline.is_custom; its calls are
    numbered `custom-N`): with no expected values every call that returns is `accepted`, so it is no visible-test
    result (grader/facts.py leaves it out too)."""
    if run.get("custom") is True:
        return True
    tests = run.get("tests") or []
    return bool(tests) and all(str(t.get("id", "")).startswith("custom-") for t in tests)


def _judge_failed(run: dict[str, Any]) -> bool:
    """A run the judge failed on (`internal_error`: ours, never the candidate's): its tests carry that verdict, none
    `accepted`, so counted it would be a 0/N of the candidate's; grader/facts.py leaves it out of the tallies too."""
    return run.get("verdict") == JUDGE_FAILED


def _visible(run: dict[str, Any]) -> PassTally | None:
    if _custom(run) or _judge_failed(run):
        return None
    if run["visible"] is not None:
        return _tally(run["visible"])
    if run["kind"] == "run" and run["passed"] is not None and run["total"]:  # a run judges visible tests only
        return PassTally(passed=run["passed"], total=run["total"])
    return None


def _record(tallies: list[PassTally]) -> PassRecord:
    if not tallies:
        return PassRecord()
    best = max(tallies, key=lambda x: (x.passed / x.total if x.total else 0.0, x.passed))
    return PassRecord(best=best, final=tallies[-1])


def facts_from_timeline(
    items: list[dict[str, Any]], *, language: str, time_used_s: float | None, time_allowed_s: float
) -> Facts:
    runs = [i for i in items if i["type"] in ("test_run", "submission")]
    # The grader's own Submit of the last code, after the interview, is judged like any other but is not the
    # candidate's doing: it is not one of their runs, submissions or compile errors (grader/facts.py `by_candidate`).
    by_candidate = [r for r in runs if r.get("by") != "grader"]
    visible = [v for r in runs if (v := _visible(r)) is not None]
    hidden = [h for r in runs if not _judge_failed(r) and (h := _tally(r["hidden"])) is not None]
    # Nor is the time it passed every visible test a time the candidate got there.
    first_pass = next(
        (
            r["t"]
            for r in by_candidate
            if (v := _visible(r)) is not None and v.passed == v.total and r["t"] is not None
        ),
        None,
    )
    phases: list[str] = []
    for i in items:
        if i["type"] == "phase_change" and i["to"] and i["to"] not in phases:
            phases.append(i["to"])
    return Facts(
        language=language,
        visible_tests=_record(visible),
        hidden_tests=_record(hidden),
        runs=sum(1 for r in by_candidate if r["kind"] == "run"),
        submissions=sum(1 for r in by_candidate if r["kind"] == "submit"),
        first_all_visible_pass_s=first_pass,
        compile_errors=sum(1 for r in by_candidate if r["verdict"] == "compile_error"),
        hints=[HintFact(seq=i["seq"], t=i["t"]) for i in items if i["type"] == "hint"],
        time_used_s=time_used_s,
        time_allowed_s=time_allowed_s,
        phases_reached=phases,
        final_submit_by_grader=len(by_candidate) < len(runs),
    )
