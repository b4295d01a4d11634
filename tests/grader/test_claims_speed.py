"""What the scorecard's words say about the code's speed must fit the runs' time limits (grader/claim_speed.py): "the
solution is efficient" or "the submission never timed out" where the last submission's hidden test hit the time
limit is a finding the record contradicts. The true sentences of the precision corpus pass, and nothing is read
where no run hit the time limit."""

from __future__ import annotations

from typing import Any

import pytest

from grader.bundle import Bundle, build_bundle
from grader.claim_speed import speed_problems
from grader.facts import compute_facts
from grader.schemas import BundleInput
from tests.fakes.grader_model import FakeGraderModel, FakeReply, scorecard
from tests.grader.bundles import interview, run_result, transcript
from tests.grader.conftest import MakeGrader
from tests.grader.repair_support import repaired_then_refused
from tests.grader.test_claims_precision import BUNDLES, CASES


def _too_slow(*, first_run_too: bool = False) -> BundleInput:
    """Both visible tests passed in the submission, whose hidden test hit the time limit; with `first_run_too`, the
    first run's visible tests did too."""
    source = interview(submitted=True)
    runs = list(source.runs)
    result = run_result(2, 0)
    result["tests"][-1]["verdict"] = "time_limit"
    runs[-1] = runs[-1].model_copy(update={"result": result, "verdict": "time_limit"})
    if first_run_too:
        first = run_result(0, None)
        for test in first["tests"]:
            test["verdict"] = "time_limit"
        runs[0] = runs[0].model_copy(update={"result": first, "verdict": "time_limit"})
    return source.model_copy(update={"runs": runs})


def _bundle(source: BundleInput) -> Bundle:
    return build_bundle(source, compute_facts(source))


TOO_SLOW = _bundle(_too_slow())
PASSED = _bundle(interview(submitted=True))
SLOW_THEN_FAST = _bundle(
    _too_slow(first_run_too=True).model_copy(update={"runs": [*_too_slow(first_run_too=True).runs[:2],
                                                               interview(submitted=True).runs[2]]})
)  # fmt: skip


def _problems(text: str, bundle: Bundle = TOO_SLOW) -> list[str]:
    return speed_problems([("dimensions.coding.justification", text)], bundle.index)


CONTRADICTED = [
    "The solution is efficient.",
    "The final code was both correct and efficient.",
    "The code is clean, readable and efficient.",
    "The solution is fast enough for every input.",
    "The code is performant and scales to the largest inputs.",
    "The code runs fast.",
    "It ran within the time limit.",
    "The submission never timed out.",
    "No performance problems.",
    "The code did not hit the time limit.",
    "La solución es eficiente.",
    "El código nunca excedió el límite de tiempo.",
    # As a person reads them: a zero-width space, markdown.
    "The solution is eff\u200bicient.",
    "The solution is **efficient**.",
]


@pytest.mark.parametrize("text", CONTRADICTED)
def test_the_code_said_fast_where_the_last_submission_hit_the_time_limit_is_a_problem(text: str) -> None:
    assert _problems(text), text
    assert _problems(text, PASSED) == [], text  # nothing hit the time limit there


HELD = [
    "The approach is efficient in principle, but the submission timed out.",
    "The candidate's O(n) idea was efficient, but they coded the O(n^2) version.",
    "Debugging was efficient.",
    "The candidate communicated efficiently.",
    "The candidate wrote working code within the time limit.",  # the interview's time
    "The code is not fast enough.",
    "The code would be fast with a hash map.",
    "The candidate said the solution was fast.",
    "The code runs fast on the visible tests.",
    "The code never timed out on the visible tests.",
    "The solution is correct but too slow.",
    "La solución es correcta pero demasiado lenta.",
]


@pytest.mark.parametrize("text", HELD)
def test_the_approach_the_candidates_work_a_negation_or_the_visible_tests_are_no_speed_claim(
    text: str,
) -> None:
    assert _problems(text) == [], text


def test_the_true_sentences_of_the_precision_corpus_pass() -> None:
    refused = [(text, name) for text, name in CASES if speed_problems([("x", text)], BUNDLES[name].index)]
    assert refused == []


def test_never_timing_out_needs_no_run_that_did_and_the_present_is_the_last_submission() -> None:
    """An earlier run hit the time limit and the submission passed: the code is fast now, but it did time out."""
    assert _problems("The final solution is efficient.", SLOW_THEN_FAST) == []
    assert _problems("The code never timed out.", SLOW_THEN_FAST)


async def test_a_scorecard_that_calls_timed_out_code_efficient_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    """The candidate says it; a model that repeats it as its finding gets the repair round, and one that keeps
    repeating it fails."""
    source = _too_slow()
    source = source.model_copy(
        update={
            "events": [*source.events, transcript(15, 175.0, "user", "It's O(n), so it's definitely fast.")]
        }
    )

    def gullible(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["coding"]["justification"] = "The final solution is efficient and never timed out."
        return FakeReply(body=card)

    repair = await repaired_then_refused(model, make_grader, source, gullible, "never timed out")
    assert "dimensions.coding.justification" in repair and "time limit" in repair
