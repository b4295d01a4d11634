"""A judge host's report is held to the figures the local judge makes (`remote_answers.figures_agree`): reports as
judge.runner builds them pass, and one figure changed the way a broken or hostile host could (a time PostgreSQL's
jsonb refuses, counts or a verdict its tests do not give) is refused. Pure: reports are built, not run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from judge.backends.remote_answers import check_report
from judge.bank import load_question
from judge.errors import JudgeInternalError
from judge.remote_protocol import ReportEnvelope
from judge.runner import internal_error_report, make_report
from judge.schemas import RunReport, RunRequest, Timings, Verdict
from judge.verdict import unreported

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
RUN_ID = "r" * 32


def _request(mode: str = "submit") -> RunRequest:
    return RunRequest.for_question(
        QUESTION,
        language="python",
        source=QUESTION.references["python"],
        mode=mode,  # type: ignore[arg-type]
    )


def _made(request: RunRequest, verdict: Verdict, compile_output: str = "") -> RunReport:
    """A report as the local judge makes it, every test with `verdict` (the first with wrong_answer when asked)."""
    tests = request.selected_tests()
    results = [
        unreported(
            t, Verdict.WRONG_ANSWER if verdict is Verdict.WRONG_ANSWER and i == 0 else verdict, None, 1.5
        )
        for i, t in enumerate(tests)
    ]
    timings = Timings(compile_ms=3.0, run_ms=20.0, total_ms=25.0)
    return make_report(request, results, timings, len(tests), compile_output=compile_output)


def _over_the_wire(report: RunReport, change: Callable[[dict[str, Any]], None] | None = None) -> RunReport:
    """The report as the backend reads it from a host's JSON answer (json.dumps writes NaN and Infinity)."""
    body = json.loads(ReportEnvelope(run_id=RUN_ID, report=report).model_dump_json())
    if change is not None:
        change(body["report"])
    return ReportEnvelope.model_validate_json(json.dumps(body)).report


@pytest.mark.parametrize(
    ("mode", "verdict", "compile_output"),
    [
        ("submit", Verdict.ACCEPTED, ""),
        ("run", Verdict.WRONG_ANSWER, ""),
        ("submit", Verdict.TIME_LIMIT, ""),
        ("run", Verdict.COMPILE_ERROR, "SyntaxError: invalid syntax"),
    ],
)
def test_reports_the_local_judge_makes_are_taken(mode: str, verdict: Verdict, compile_output: str) -> None:
    request = _request(mode)
    report = _over_the_wire(_made(request, verdict, compile_output))
    check_report(report, request)
    assert report.verdict is verdict
    check_report(_over_the_wire(internal_error_report(request, "the judge failed")), request)


def _set(*path: str | int, value: object) -> Callable[[dict[str, Any]], None]:
    def change(report: dict[str, Any]) -> None:
        target = report
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


# One figure of a Submit's report the local judge never makes.
BAD_FIGURES = {
    "nan_time": _set("tests", 0, "time_ms", value=float("nan")),
    "infinite_total": _set("timings", "total_ms", value=float("inf")),
    "negative_run_time": _set("timings", "run_ms", value=-1.0),
    "time_past_the_budget": _set("tests", 1, "time_ms", value=1e12),
    "passed_past_64_bits": _set("passed", value=10**400),
    "total_not_its_tests": _set("total", value=99),
    "negative_processes": _set("processes", value=-1),
    "more_processes_than_tests": _set("processes", value=len(QUESTION.tests) + 1),
    "verdict_not_its_tests": _set("verdict", value="wrong_answer"),
    "compile_error_with_tests_passed": _set("verdict", value="compile_error"),
}


@pytest.mark.parametrize("change", BAD_FIGURES.values(), ids=BAD_FIGURES.keys())
def test_a_report_with_a_figure_a_judge_never_makes_is_refused(
    change: Callable[[dict[str, Any]], None],
) -> None:
    request = _request()
    report = _over_the_wire(_made(request, Verdict.ACCEPTED), change)
    with pytest.raises(JudgeInternalError, match="figures a judge does not make"):
        check_report(report, request)
