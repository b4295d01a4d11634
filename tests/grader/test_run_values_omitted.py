"""A run stored past the session's run report budget (api/db/runs_repo.py `without_values`) has its visible tests'
returned values, output and a custom run's own inputs null, and `values_omitted` on the report. The grading model
read such a run as "got null" (our words, quotable as the run: "the code returned null") and a custom run's inputs
as "args null", with the only explanation inside the message, quoted as the program's own text (grader/run_lines.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from grader.bundle import build_bundle
from grader.evidence import check
from grader.facts import compute_facts
from grader.run_lines import NOT_KEPT
from grader.schemas import BundleEvent, BundleInput, BundleRun, Evidence
from judge.verdict import VALUES_OMITTED
from tests.grader.bundles import START, interview, run_result


def _with_run(result: dict[str, Any]) -> BundleInput:
    source = interview()
    ran = BundleEvent(seq=40, type="test_run", t=500.0, payload={"submission_id": "r40", "by": "candidate"})
    run = BundleRun(id="r40", kind="run", language="python", code="def two_sum(nums, target):\n    return []\n",
                    verdict=result["verdict"], result=result, created_at=START + timedelta(seconds=500))  # fmt: skip
    return source.model_copy(update={"events": [*source.events, ran], "runs": [*source.runs, run]})


def _failed_rows(source: BundleInput) -> list[str]:
    text = build_bundle(source, compute_facts(source)).interview
    block = text[text.index("[40] ") :].split("\n\n", 1)[0]
    return [line for line in block.split("\n") if line.startswith("  failed ")]


def _omitted(result: dict[str, Any], custom: bool = False) -> dict[str, Any]:
    for t in result["tests"]:
        if t["verdict"] != "accepted":
            message = t.get("message")
            t |= {"actual": None, "stdout": None, "stderr": None}
            t["message"] = f"{message}; {VALUES_OMITTED}" if message else VALUES_OMITTED
            if custom:
                t["args"] = None
    return result | {"values_omitted": True}


def test_a_run_stored_without_its_values_says_so_in_our_words_never_got_null() -> None:
    source = _with_run(_omitted(run_result(0, None)))
    rows = _failed_rows(source)
    assert len(rows) == 2
    for row in rows:
        assert " got null" not in row and VALUES_OMITTED not in row
        assert f"; what it returned and printed: {NOT_KEPT}" in row
        assert row.endswith('; message "expected [0,1] but got []"')  # the judge's own message stays
    index = build_bundle(source, compute_facts(source)).index
    assert isinstance(check(Evidence(seq=40, quote="got null"), index), str)  # no finding of a returned null
    quote = f"what it returned and printed: {NOT_KEPT}"
    assert check(Evidence(seq=40, quote=quote), index) == Evidence(seq=40, quote=quote)


def test_a_custom_run_stored_without_its_values_does_not_show_null_inputs() -> None:
    result = run_result(0, None) | {"custom": True}
    for t in result["tests"]:
        t |= {"verdict": "runtime_error", "expected": None, "message": "ZeroDivisionError: division by zero"}
    result["verdict"] = "runtime_error"
    rows = _failed_rows(_with_run(_omitted(result, custom=True)))
    assert len(rows) == 2
    for row in rows:
        assert "args null" not in row and " got null" not in row
        assert row.startswith(f"  failed example-1 (runtime_error): args {NOT_KEPT}") or row.startswith(
            f"  failed example-2 (runtime_error): args {NOT_KEPT}"
        )
        assert row.endswith('; message "ZeroDivisionError: division by zero"')


def test_a_whole_run_still_shows_what_it_returned() -> None:
    rows = _failed_rows(_with_run(run_result(0, None)))
    assert rows and all(' got []; message "expected [0,1] but got []"' in row for row in rows)
