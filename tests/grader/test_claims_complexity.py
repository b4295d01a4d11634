"""A bare complexity of the final code in the scorecard's words must be what the candidate stated, or come with its
reason (grader/claim_complexity.py): "the final solution is O(n)" where the candidate claimed O(n^2), or claimed
nothing, reads as a finding nobody checked. Attributed, reasoned, hypothetical claims and the approach's pass."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bench._calibration import load_cases
from grader.claim_complexity import complexity_problems, notation, stated
from grader.facts import compute_facts
from grader.graded_lines import graded_candidate_lines
from grader.schemas import BundleInput
from tests.fakes.grader_model import FakeGraderModel, FakeReply, scorecard
from tests.grader import test_claims_precision as precision
from tests.grader.bundles import interview
from tests.grader.conftest import MakeGrader
from tests.grader.repair_support import repaired_then_refused

# The base interview: the interviewer recorded "O(n)", and the candidate said "O(n^2)" (the brute force) and "O(n)".
CLAIMED_O_N = {notation("O(n)")}


def _problems(text: str, said: set[str]) -> list[str]:
    return complexity_problems([("dimensions.problem_solving.justification", text)], said)


def test_what_the_candidate_stated_is_their_last_claim_else_their_lines() -> None:
    source = interview()
    assert stated(compute_facts(source).complexity_claimed, graded_candidate_lines(source)) == CLAIMED_O_N
    assert stated(None, ["first O(n^2), then O(n log n)"]) == {"o(n^2)", "o(nlogn)"}
    assert notation("O(n * log(n))") == notation("O(n log n)") == notation("O(nlogn)")
    assert notation("O(n²)") == notation("O(n**2)") == notation("O(n^2)")


# (sentence, what the candidate stated): a bare claim the record does not hold.
CONTRADICTED = [
    ("The final solution is O(n).", set()),
    ("The final solution is O(n log n).", CLAIMED_O_N),
    ("Their code runs in O(n^2) time.", CLAIMED_O_N),
    ("The submitted code has O(1) time complexity.", CLAIMED_O_N),
    ("It is O(n).", set()),
    ("The final implementation achieves O(log n).", CLAIMED_O_N),
    ("La solución final es O(n).", set()),
    ("The final solution is **O(n)**.", set()),
    ("The final solution is O(n\u200b).", set()),
]


@pytest.mark.parametrize(("text", "said"), CONTRADICTED)
def test_a_bare_complexity_the_record_does_not_hold_is_a_problem(text: str, said: set[str]) -> None:
    assert _problems(text, said), text


HELD = [
    ("The final solution is O(n).", CLAIMED_O_N),
    ("The final solution is O(N).", CLAIMED_O_N),
    ("The final code is O(n^2) because of the nested loops.", CLAIMED_O_N),  # the grader's reading, reasoned
    ("The final solution is O(n log n) since it sorts first.", set()),
    ("Their code runs in O(n) time with one pass over a hash map.", set()),
    ("The candidate said the final code is O(n).", set()),  # a report
    ("The approach is O(n).", set()),  # the approach, not the final code
    ("They described the O(n^2) brute force before the map.", set()),
    ("The final solution would be O(n) with a hash set.", set()),  # a hypothesis
    ("The solution uses O(n) extra space.", set()),  # space
    ("Is the final code O(n)?", set()),
    ("The code is clean and well named.", set()),
]


@pytest.mark.parametrize(("text", "said"), HELD)
def test_stated_reasoned_reported_and_other_complexities_are_not_problems(text: str, said: set[str]) -> None:
    assert _problems(text, said) == [], text


def test_no_true_sentence_of_the_precision_corpus_or_the_calibration_interviews_is_refused() -> None:
    def said_of(source: BundleInput) -> set[str]:
        return stated(compute_facts(source).complexity_claimed, graded_candidate_lines(source))

    sources = {
        "pass": interview(submitted=True),
        "hidden_failed": precision._submitted("wrong_answer"),
        "unsubmitted": interview(submitted=False),
        "too_slow": precision._submitted("time_limit"),
    }
    said = {name: said_of(source) for name, source in sources.items()}
    assert [t for t, case in precision.CASES if complexity_problems([("x", t)], said[case])] == []
    for case in load_cases():
        lines = [str(e.payload.get("text")) for e in case.bundle.events if e.type == "transcript"]
        for text in [case.reasoning, *lines]:
            assert complexity_problems([("x", text)], said_of(case.bundle)) == [], (case.name, text[:200])


@pytest.mark.parametrize("unit", ["the final code is O(n) ", "it is O(", "the solution is ", "O(n) O(n) "])
def test_the_reading_is_linear_in_the_text(unit: str) -> None:
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    started = time.process_time()
    complexity_problems([("x", text)], set())
    stated(None, [text])
    assert time.process_time() - started < 2.0


async def test_a_scorecard_that_states_a_complexity_nobody_stated_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    """The interviewer recorded O(n); a model that writes "The final solution is O(log n)." with no reason gets the
    repair round, and one that keeps writing it fails."""
    source = interview()

    def gullible(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["problem_solving"]["justification"] = "The final solution is O(log n)."
        return FakeReply(body=card)

    repair = await repaired_then_refused(model, make_grader, source, gullible, "O(log n)")
    assert "dimensions.problem_solving.justification" in repair and "the candidate stated o(n)" in repair
