"""The report's facts before grading (api.report_facts, read from the timeline) agree with the grader's own facts
(grader.facts) on the same record. A run or Submit the judge failed on (`internal_error`: ours, never the
candidate's) carries no `accepted` test: counted, it was a 0/N the candidate never earned on the report (and its
PDF) while grading was pending or had failed, where the grader's facts leave it out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.report_facts import facts_from_timeline
from api.timeline import timeline_item
from grader.facts import compute_facts
from grader.schemas import BundleEvent, BundleInput, BundleRun, BundleSession, Facts
from tests.grader.bundles import question

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _tests(visible: int, hidden: int | None, verdict: str | None = None) -> list[dict[str, Any]]:
    """Two visible tests (`visible` of them accepted) and, for a Submit, one hidden; every test `verdict` if set."""
    tests = [
        {"id": f"example-{i + 1}", "verdict": verdict or ("accepted" if i < visible else "wrong_answer"),
         "hidden": False, "time_ms": 1.0}
        for i in range(2)
    ]  # fmt: skip
    if hidden is not None:
        tests.append({"id": "h1", "verdict": verdict or ("accepted" if hidden else "wrong_answer"), "hidden": True,
                      "time_ms": 1.0})  # fmt: skip
    return tests


Spec = tuple[str, str, str, list[dict[str, Any]]]  # kind, by, verdict, tests


def _record(specs: list[Spec]) -> tuple[BundleInput, list[dict[str, Any]]]:
    """The same runs as the grader's bundle and as the report's timeline items."""
    runs: list[BundleRun] = []
    events: list[BundleEvent] = []
    items: list[dict[str, Any]] = []
    for n, (kind, by, verdict, tests) in enumerate(specs, start=1):
        sid, t = f"x{n}", 60.0 * n
        passed = sum(x["verdict"] == "accepted" for x in tests)
        payload = {"submission_id": sid, "by": by, "mode": kind, "language": "python", "verdict": verdict,
                   "passed": passed, "total": len(tests), "tests": tests, "timings": {}}  # fmt: skip
        type_ = "submission" if kind == "submit" else "test_run"
        runs.append(BundleRun(id=sid, kind=kind, language="python", code="pass\n", verdict=verdict,  # type: ignore[arg-type]
                              result={"verdict": verdict, "tests": tests, "passed": passed, "total": len(tests)},
                              created_at=START + timedelta(seconds=t)))  # fmt: skip
        events.append(BundleEvent(seq=n, type=type_, t=t, payload=payload))
        item = timeline_item({"seq": n, "t": t, "type": type_, "payload": payload, "run_code": "pass\n",
                              "run_language": "python"})  # fmt: skip
        assert item is not None
        items.append(item)
    session = BundleSession(
        id="ses_x",
        status="completed",
        language="python",
        duration_minutes=45,
        started_at=START,
        ended_at=START + timedelta(minutes=45),
        end_reason="completed",
        practice=False,
    )
    bundle = BundleInput(session=session, question=question(), events=events, runs=runs, final_code="pass\n")
    return bundle, items


def _agree(grader: Facts, report: Facts) -> None:
    fields = ("visible_tests", "hidden_tests", "runs", "submissions", "compile_errors", "first_all_visible_pass_s",
              "final_submit_by_grader")  # fmt: skip
    for name in fields:
        assert getattr(report, name) == getattr(grader, name), name


FAILED = "internal_error"
CASES: dict[str, list[Spec]] = {
    "failed-submit-last": [
        ("run", "candidate", "wrong_answer", _tests(1, None)),
        ("run", "candidate", "accepted", _tests(2, None)),
        ("submit", "candidate", FAILED, _tests(0, 0, FAILED)),
    ],
    "failed-run-last": [
        ("run", "candidate", "accepted", _tests(2, None)),
        ("run", "agent", FAILED, _tests(0, None, FAILED)),
    ],
    "failed-then-grader": [
        ("run", "candidate", "wrong_answer", _tests(0, None)),
        ("submit", "candidate", FAILED, _tests(0, 0, FAILED)),
        ("submit", "grader", "accepted", _tests(2, 1)),
    ],
    "failed-first": [
        ("run", "candidate", FAILED, _tests(0, None, FAILED)),
        ("run", "candidate", "wrong_answer", _tests(1, None)),
        ("submit", "candidate", "wrong_answer", _tests(1, 0)),
    ],
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_reports_facts_before_grading_agree_with_the_graders(name: str) -> None:
    bundle, items = _record(CASES[name])
    report = facts_from_timeline(items, language="python", time_used_s=2700.0, time_allowed_s=2700.0)
    _agree(compute_facts(bundle), report)


def test_a_submit_the_judge_failed_on_is_no_final_result_of_the_candidates() -> None:
    """All visible tests passed in a run; the judge then failed on the Submit: the report said final 0/2 and hidden
    0/1, a failing final answer the candidate never gave."""
    _, items = _record(CASES["failed-submit-last"])
    facts = facts_from_timeline(items, language="python", time_used_s=2700.0, time_allowed_s=2700.0)
    assert facts.visible_tests.final is not None and facts.visible_tests.final.passed == 2
    assert facts.hidden_tests.final is None and facts.hidden_tests.best is None
    assert facts.submissions == 1  # it was submitted: a submission, with no result
