"""The grader's final Submit when the organisation allows resubmission (grader.final_submit): the final answer is
the last Submit. An earlier Submit that was judged must not stand in for a last one the judge failed on
(`internal_error`, ours): that final code would never be judged, and the facts would give the earlier code's
verdict as the final answer's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grader.facts import compute_facts
from grader.final_submit import final_submission
from grader.schemas import BundleEvent, BundleInput, BundleRun
from tests.grader.bundles import BUGGY, CORRECT, START, interview, run_result


def _submit(sid: str, seq: int, at: float, code: str, verdict: str, result: dict | None, by: str) -> tuple:
    run = BundleRun(id=sid, kind="submit", language="python", code=code, verdict=verdict, result=result,
                    created_at=START + timedelta(seconds=at))  # fmt: skip
    event = BundleEvent(seq=seq, type="submission", t=at, payload={"submission_id": sid, "by": by})
    return run, event


def _resubmitted(first_verdict: str, *, graders: int = 0) -> BundleInput:
    """The candidate submitted code once (judged `first_verdict`), changed it and submitted again; the judge
    failed on the second (its tests all `internal_error`). With `graders`, the grader's own Submit(s) follow."""
    source = interview(submitted=False)
    first_ok = first_verdict == "accepted"
    first = run_result(2 if first_ok else 0, 1 if first_ok else 0) | {"verdict": first_verdict}
    failed = {
        "verdict": "internal_error",
        "tests": [
            {"id": t["id"], "verdict": "internal_error", "hidden": t["hidden"]} for t in first["tests"]
        ],
        "passed": 0,
        "total": 3,
    }
    code_one, code_two = (CORRECT, BUGGY) if first_ok else (BUGGY, CORRECT)
    parts = [
        _submit("s1", 20, 170.0, code_one, first_verdict, first, "candidate"),
        _submit("s2", 21, 185.0, code_two, "internal_error", failed, "candidate"),
    ]
    for i in range(graders):
        parts.append(_submit(f"g{i}", 30 + i, 400.0 + i, code_two, "internal_error", failed, "grader"))
    return source.model_copy(
        update={
            "runs": [*source.runs, *(r for r, _ in parts)],
            "events": [*source.events, *(e for _, e in parts)],
        }
    )


@pytest.mark.parametrize("first", ["accepted", "wrong_answer", "compile_error", "time_limit"])
def test_the_last_submit_the_judge_failed_on_is_judged_whatever_an_earlier_one_got(first: str) -> None:
    source = _resubmitted(first)
    chosen = final_submission(source)
    assert chosen is not None, "the final answer was never judged"
    assert chosen.code == source.runs[-1].code and chosen.language == "python"


def test_an_earlier_verdict_is_not_given_as_the_final_answers_once_it_is_judged_again() -> None:
    """A candidate whose wrong final code the judge failed on kept their earlier accepted answer as 'final'."""
    source = _resubmitted("accepted")
    chosen = final_submission(source)
    assert chosen is not None and chosen.code == BUGGY  # the last Submit's own code, not the accepted one
    # The grader's Submit of it, judged: the facts' final answer is that verdict.
    judged = run_result(0, 0)
    grader_run, grader_event = _submit("g1", 40, 400.0, chosen.code, judged["verdict"], judged, "grader")
    after = source.model_copy(
        update={"runs": [*source.runs, grader_run], "events": [*source.events, grader_event]}
    )
    facts = compute_facts(after)
    assert facts.hidden_tests.final is not None and facts.hidden_tests.final.passed == 0
    assert facts.final_submit_by_grader and facts.submissions == 2
    assert final_submission(after) is None  # never a second grader Submit


@pytest.mark.parametrize("graders", [1, 2])
def test_the_grader_never_submits_twice_even_when_its_own_submit_failed(graders: int) -> None:
    assert final_submission(_resubmitted("accepted", graders=graders)) is None


def test_a_judged_last_submit_is_never_submitted_again_after_one_the_judge_failed_on() -> None:
    """The judge failed on the first Submit, and the candidate submitted again (judged): nothing to do."""
    source = _resubmitted("accepted")
    runs = list(source.runs)
    first, last = runs[-2], runs[-1]
    swapped = [
        *runs[:-2],
        last.model_copy(update={"created_at": first.created_at}),
        first.model_copy(update={"created_at": last.created_at}),
    ]
    assert final_submission(source.model_copy(update={"runs": swapped})) is None
