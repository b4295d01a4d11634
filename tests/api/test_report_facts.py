"""The report's own facts (for a report without a scorecard) read from the timeline."""

from __future__ import annotations

from typing import Any

from api.report_facts import facts_from_timeline
from grader.schemas import PassTally


def _run(seq: int, t: float, ids: list[str], passed: int) -> dict[str, Any]:
    tests = [{"id": i, "verdict": "accepted" if n < passed else "wrong_answer"} for n, i in enumerate(ids)]
    tally = {"passed": passed, "total": len(ids)}
    return {"seq": seq, "t": t, "type": "test_run", "kind": "run", "verdict": "accepted", **tally,
            "visible": tally, "hidden": None, "tests": tests}  # fmt: skip


def test_a_custom_run_of_the_candidates_own_inputs_is_no_visible_test_result() -> None:
    """Custom input has no expected values (every call that returns is `accepted`): five calls of the candidate's
    own are not "visible tests 5/5", nor a first all-passing run."""
    items = [
        _run(1, 10.0, ["example-1", "example-2"], 0),
        _run(2, 20.0, [f"custom-{i}" for i in range(1, 6)], 5),
    ]
    facts = facts_from_timeline(items, language="python", time_used_s=100.0, time_allowed_s=2700.0)
    assert facts.visible_tests.best == PassTally(passed=0, total=2)
    assert facts.visible_tests.final == PassTally(passed=0, total=2)
    assert facts.first_all_visible_pass_s is None
    assert facts.runs == 2


def test_the_graders_final_submission_is_no_first_pass_of_the_candidate() -> None:
    """The grader's Submit of the last code, after the interview, passed every visible test: no time the candidate
    got there (grader/facts.py reads it so too)."""
    items = [
        _run(1, 10.0, ["example-1", "example-2"], 0),
        {**_run(2, 400.0, ["example-1", "example-2"], 2), "by": "grader"},
    ]
    facts = facts_from_timeline(items, language="python", time_used_s=100.0, time_allowed_s=2700.0)
    assert facts.visible_tests.best == PassTally(passed=2, total=2)  # the code's result stands
    assert facts.first_all_visible_pass_s is None
    assert facts.final_submit_by_grader is True


def test_a_line_the_candidate_typed_into_the_chat_is_marked_typed_in_the_timeline() -> None:
    """The report showed a message typed (or pasted) into the chat as a line the candidate said; only a `typed` that
    is exactly true marks it (the field is the agent's, checked like any other)."""
    from api.timeline import timeline_item

    def row(seq: int, **payload: Any) -> dict[str, Any]:
        return {
            "seq": seq,
            "t": 1.0,
            "type": "transcript",
            "payload": {"role": "user", "text": "hi", **payload},
        }

    assert timeline_item(row(1, typed=True))["typed"] is True  # type: ignore[index]
    assert "typed" not in timeline_item(row(2))  # type: ignore[operator]
    assert "typed" not in timeline_item(row(3, typed="yes"))  # type: ignore[operator]
    assert "typed" not in timeline_item(
        {**row(4, typed=True), "payload": {"role": "assistant", "text": "x", "typed": True}}
    )  # type: ignore[operator]
