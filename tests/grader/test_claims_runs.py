"""Success said of the runs is held to the runs shown (grader/claim_runs.py): "All of their runs passed" and "Their
final run was accepted" had reached ready scorecards where every run the judge scored failed (a custom run of the
candidate's own inputs "ran", and judged nothing)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grader.bundle import Bundle, build_bundle
from grader.claims import claim_problems
from grader.facts import compute_facts
from grader.schemas import BundleEvent, BundleRun
from tests.grader.bundles import BUGGY, START, interview, run_result


def _every_run_failed() -> Bundle:
    """Both runs and the submission failed; a custom run of three of the candidate's own inputs came last."""
    source = interview(submitted=False)
    source.runs[1] = source.runs[1].model_copy(
        update={"result": run_result(1, None), "verdict": "wrong_answer"}
    )
    source.events.append(
        BundleEvent(seq=14, type="submission", t=170.0, payload={"submission_id": "s1", "by": "candidate"})
    )
    source.runs.append(
        BundleRun(id="s1", kind="submit", language="python", code=BUGGY, verdict="wrong_answer",
                  result=run_result(1, 0), created_at=START + timedelta(seconds=170))
    )  # fmt: skip
    custom = [{"id": f"custom-{i}", "verdict": "accepted", "hidden": False, "args": [[i], i], "actual": i}
              for i in range(3)]  # fmt: skip
    source.events.append(
        BundleEvent(seq=15, type="test_run", t=180.0, payload={"submission_id": "c1", "by": "candidate"})
    )
    source.runs.append(
        BundleRun(id="c1", kind="run", language="python", code=BUGGY, verdict="accepted",
                  result={"verdict": "accepted", "custom": True, "tests": custom, "passed": 3, "total": 3,
                          "compile_output": ""}, created_at=START + timedelta(seconds=180))
    )  # fmt: skip
    return build_bundle(source, compute_facts(source))


def _first_failed_then_passed() -> Bundle:
    """The candidate's run failed, the interviewer's run and the submission passed every test."""
    source = interview()
    return build_bundle(source, compute_facts(source))


def _problems(bundle: Bundle, text: str) -> list[str]:
    return claim_problems([("strengths[0]", text)], bundle.facts, bundle.index)


@pytest.mark.parametrize(
    "text",
    [
        "Every run the candidate made passed.",
        "Every run they made passed.",
        "All of their runs passed.",
        "Each of their runs succeeded.",
        "All runs came back green.",
        "By the end, every run passed.",
        "Their last run passed.",
        "The last run was accepted.",
        "Their final run passed.",
        "The candidate's final run was accepted with no failures.",
        "The most recent run passed cleanly.",
        "A later run passed.",
    ],
)
def test_success_said_of_the_runs_where_every_judged_run_failed_is_a_problem(text: str) -> None:
    problems = _problems(_every_run_failed(), text)
    assert problems, text
    assert "succeeded" in problems[0], problems


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("Every run passed.", True),  # the first failed
        ("All runs came back green.", True),
        ("Their last run passed.", False),
        ("The final run passed.", False),
        ("A later run passed.", False),
        ("The first run failed, but the second run passed.", False),
        ("After a failed first run, they fixed the bug and the next run passed.", False),
        ("They run the tests often and the code works.", False),
        ("It runs in O(n) and works.", False),
        ("They watched the run fail, and then it worked.", False),
        ("Their runs were deliberate and well chosen.", False),
        ("Each run was followed by a fix.", False),
        ("Every run taught them something.", False),
    ],
)
def test_success_said_of_the_runs_is_what_the_runs_shown_hold(text: str, wrong: bool) -> None:
    assert bool(_problems(_first_failed_then_passed(), text)) == wrong, text
