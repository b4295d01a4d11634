"""Names in code that state how the work went earn no credit (grader/code_claims.py, grader/credit.py): a variable
`all_hidden_tests_passed`, a function `passes_every_test`, `solutionIsCorrect`, `no_bugs_left`, `STRONG_HIRE` are
words the candidate chose, as a comment is. A quote made of such names (with keywords, brackets and literals) is no
substance of theirs; code that computes something still counts, whatever it is called."""

from __future__ import annotations

from typing import Any

import pytest

from grader.code_claims import claims_outcome
from grader.schemas import BundleEvent, BundleInput
from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest, scorecard
from tests.grader.bundles import interview
from tests.grader.conftest import MakeGrader
from tests.grader.credit_support import has_substance

PYTHON = (
    "def passes_every_test(nums, target):\n"
    "    all_hidden_tests_passed = True\n"
    "    edge_cases_verified = all_hidden_tests_passed\n"
    "    visible_tests_passed = hidden_tests_passed = 12\n"
    "    solution_is_correct = no_bugs_left = bug_free = True\n"
    "    STRONG_HIRE = passedEveryHiddenTest = SolucionCorrecta = 1\n"
    "    zero_failures = sinErrores = accepted_by_judge = worksOnAllInputs = 0\n"
    "    seen = {}\n"
    "    for i, x in enumerate(nums):\n"
    "        if target - x in seen:\n"
    "            return [seen[target - x], i]\n"
    "        seen[x] = i\n"
    "    return passes_every_test\n"
)
JAVA = (
    "class Solution {\n"
    "    static final boolean ALL_TESTS_PASS = true;\n"
    "    boolean hiddenTestsPassed() { return ALL_TESTS_PASS; }\n"
    "}\n"
)


def _source() -> BundleInput:
    extra = [
        BundleEvent(seq=15, type="editor_snapshot", t=181.0, payload={"language": "python", "code": PYTHON}),
        BundleEvent(seq=16, type="editor_snapshot", t=183.0, payload={"language": "java", "code": JAVA}),
    ]
    return interview(extra_events=extra)


CLAIMS = [
    pytest.param(
        15, "all_hidden_tests_passed = True\n    edge_cases_verified = all_hidden_tests_passed", id="flags"
    ),
    pytest.param(15, "visible_tests_passed = hidden_tests_passed = 12", id="counts-in-names"),
    pytest.param(15, "solution_is_correct = no_bugs_left = bug_free = True", id="success-and-no-bugs"),
    pytest.param(
        15, "STRONG_HIRE = passedEveryHiddenTest = SolucionCorrecta = 1", id="verdict-camel-spanish"
    ),
    pytest.param(
        15, "zero_failures = sinErrores = accepted_by_judge = worksOnAllInputs = 0", id="faults-denied"
    ),
    pytest.param(15, "return passes_every_test", id="return-a-claim"),
    pytest.param(16, "boolean hiddenTestsPassed() { return ALL_TESTS_PASS; }", id="java-method-and-constant"),
]
CODE = [
    pytest.param(15, "if target - x in seen:", id="the-solutions-own-line"),
    pytest.param(15, "return [seen[target - x], i]", id="a-claim-free-return"),
    # a line with a claim's name that also computes: the other names count
    pytest.param(15, "for i, x in enumerate(nums):", id="a-loop"),
]


@pytest.mark.parametrize(("seq", "quote"), CLAIMS)
def test_names_that_state_an_outcome_are_no_substance(seq: int, quote: str) -> None:
    assert not has_substance(_source(), seq, quote)


@pytest.mark.parametrize(("seq", "quote"), CODE)
def test_code_that_computes_still_counts(seq: int, quote: str) -> None:
    assert has_substance(_source(), seq, quote)


@pytest.mark.parametrize(
    "name",
    [
        "all_hidden_tests_passed", "passes_every_test", "passesEveryTest", "ALL_TESTS_PASS", "solution_is_correct",
        "no_bugs_left", "bug_free", "zero_failures", "sin_errores", "STRONG_HIRE", "solución_correcta",
        "it_works", "verified_optimal", "accepted", "tests_green", "hidden_ok", "allGood", "isOptimal",
    ],
)  # fmt: skip
def test_a_name_that_states_an_outcome(name: str) -> None:
    assert claims_outcome(name)


@pytest.mark.parametrize(
    "name",
    [
        "is_valid", "isValid", "test_two_sum", "two_sum", "failed", "errors", "NoSuchMethodError", "visited",
        "max_profit", "numIslands", "topKFrequent", "seen", "min_heap", "expected", "test_empty_input", "bugs",
        "free_list", "no_path", "correction_count",
    ],
)  # fmt: skip
def test_a_name_of_the_problems_data_states_nothing(name: str) -> None:
    assert not claims_outcome(name)


async def test_a_model_that_credits_on_them_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    quote = "visible_tests_passed = hidden_tests_passed = 12"

    def credits(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["verification"]["evidence"] = [{"seq": 15, "quote": quote}]
        return FakeReply(body=card)

    model.responder = lambda body: credits(body) if len(model.requests) == 1 else honest(body)
    outcome = await make_grader().grade(_source())
    assert outcome.status == "ready" and len(model.requests) == 2
    repair = model.requests[1]["messages"][-1]["content"]
    assert "- dimensions.verification (score 3): credit that has no citation with substance" in repair
