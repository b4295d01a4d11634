"""Credit for what the candidate did in the interview never rests on the grader's final submission (grader/credit.py
`OF_THE_INTERVIEW`): that submission is made by the grading job after the interview, when the candidate never
submitted. It shows how their code does (coding, problem solving, the question's rubric), not their testing,
debugging or explanation: verification at 3 on it alone credited testing nobody did."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from grader.bundle import Bundle, build_bundle
from grader.credit import credit_problems
from grader.evidence import check
from grader.facts import compute_facts
from grader.schemas import BundleEvent, BundleInput, BundleRun, Evidence
from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest, scorecard
from tests.grader.bundles import CORRECT, START, interview, run_result
from tests.grader.conftest import MakeGrader

GRADERS = 15  # the seq of the grader's final submission, 400 s in: after the interview's end (200 s)


def _graded_after_the_end() -> BundleInput:
    """The candidate ran their code twice and never submitted; the grading job submitted it after the end."""
    source = interview(submitted=False)
    run = BundleRun(id="s9", kind="submit", language="python", code=CORRECT, verdict="accepted",
                    result=run_result(2, 1), created_at=START + timedelta(seconds=400))  # fmt: skip
    event = BundleEvent(
        seq=GRADERS, type="submission", t=400.0, payload={"submission_id": "s9", "by": "grader"}
    )
    return source.model_copy(update={"events": [*source.events, event], "runs": [*source.runs, run]})


def _bundle() -> Bundle:
    source = _graded_after_the_end()
    return build_bundle(source, compute_facts(source))


def _verified(bundle: Bundle, seq: int, quote: str = "") -> Evidence:
    verified = check(Evidence(seq=seq, quote=quote), bundle.index)
    assert isinstance(verified, Evidence), verified
    return verified


def test_verification_or_communication_on_the_graders_submission_alone_is_a_problem() -> None:
    bundle = _bundle()
    assert bundle.index.citable[GRADERS].by == "grader"
    graders = [_verified(bundle, GRADERS)]
    for where in ("dimensions.verification (score 3)", "dimensions.communication (score 4)"):
        problems = credit_problems({where: graders}, bundle.index)
        assert len(problems) == 1 and "grader's own final submission" in problems[0], problems


def test_the_graders_submission_still_shows_the_code_and_the_candidates_own_runs_count() -> None:
    bundle = _bundle()
    graders = [_verified(bundle, GRADERS)]
    for where in (
        "dimensions.coding (score 3)",
        "dimensions.problem_solving (score 3)",
        "rubric.hash_map_one_pass (met)",
    ):
        assert credit_problems({where: graders}, bundle.index) == [], where
    # Verification on the candidate's own run (seq 7, wrong_answer: they ran it and read it), beside the grader's.
    theirs = [*graders, _verified(bundle, 7)]
    assert credit_problems({"dimensions.verification (score 3)": theirs}, bundle.index) == []


async def test_a_scorecard_crediting_testing_with_the_graders_submission_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    def after_the_end(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["verification"]["evidence"] = [{"seq": GRADERS, "quote": ""}]
        return FakeReply(body=card)

    model.responder = lambda body: after_the_end(body) if len(model.requests) == 1 else honest(body)
    outcome = await make_grader().grade(_graded_after_the_end())
    assert outcome.status == "ready"
    repair = model.requests[1]["messages"][-1]["content"]
    assert "dimensions.verification (score 3)" in repair and "after the interview" in repair

    model.requests.clear()
    model.responder = after_the_end
    outcome = await make_grader().grade(_graded_after_the_end())
    assert (outcome.status, outcome.reason) == ("failed", "citations_unverified")
