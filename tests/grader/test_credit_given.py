"""Credit on what the candidate was given, or only claims, is not credit (grader/credit.py): the question's
statement read back or pasted into the chat, a hint repeated, the interviewer's words repeated turns later, a comment
or a string in the code that claims the work ("# I considered O(n) and tested every edge case"), and a run the judge
failed (internal_error). A steered or sloppy model that credits on one of them is sent back; the candidate's own
words, code and runs still count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from grader.schemas import BundleEvent, BundleInput, BundleRun
from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest, scorecard
from tests.grader.bundles import CORRECT, START, event, interview, transcript
from tests.grader.conftest import MakeGrader
from tests.grader.credit_support import has_substance

CLAIMED = CORRECT.replace(
    "    seen = {}\n",
    "    # I considered the complexity, O(n) time, and tested every edge case\n"
    "    seen = {}\n"
    '    note = "I traced empty input and duplicate values"\n'
    "    print(f'verified both edge cases by hand')\n",
)
JAVA = (
    "class Solution {\n"
    "    /* Complexity analysed: linear time, constant extra space */\n"
    "    int[] twoSum(int[] nums, int target) {\n"
    '        String why = "handled negative numbers and duplicates";\n'
    "        return new int[] {};\n"
    "    }\n"
    "}\n"
)


def _source() -> BundleInput:
    extra = [
        transcript(15, 175.0, "user", "Return the indices of the two numbers that add up to target."),
        transcript(16, 176.0, "assistant", "Think of a sorted array with two pointers moving inward."),
        transcript(17, 177.0, "user", "Okay."),
        transcript(18, 178.0, "assistant", "Anything else before you code?"),
        transcript(19, 179.0, "user", "Yes, a sorted array with two pointers moving inward."),
        transcript(20, 180.0, "user", "Okay, so, check every pair first, like the hint says."),
        BundleEvent(seq=21, type="editor_snapshot", t=181.0, payload={"language": "python", "code": CLAIMED}),
        event(22, "test_run", 182.0, submission_id="r9", by="candidate", verdict="internal_error"),
        BundleEvent(seq=23, type="editor_snapshot", t=183.0, payload={"language": "java", "code": JAVA}),
        transcript(24, 184.0, "user", "I'd sweep two pointers inward over the sorted array instead."),
    ]
    source = interview(extra_events=extra)
    failed = BundleRun(
        id="r9", kind="run", language="python", code=CLAIMED, verdict="internal_error",
        result={"verdict": "internal_error", "tests": []}, created_at=START + timedelta(seconds=182),
    )  # fmt: skip
    return source.model_copy(update={"runs": [*source.runs, failed]})


COMMENT_AND_CODE = (
    "# I considered the complexity, O(n) time, and tested every edge case\n    seen = {}\n    note"
)
GIVEN = [
    pytest.param(
        15, "Return the indices of the two numbers that add up to target.", id="statement-read-back"
    ),
    # (a part of it from the start of the sentence: a quote starts its sentence, grader/quote_scope.py)
    pytest.param(15, "Return the indices of the two numbers", id="statement-part"),
    pytest.param(19, "a sorted array with two pointers moving inward", id="interviewer-turns-before"),
    pytest.param(20, "check every pair first", id="hint-repeated"),
    pytest.param(
        21, "# I considered the complexity, O(n) time, and tested every edge case", id="comment-claim"
    ),
    pytest.param(21, "I considered the complexity, O(n) time", id="comment-words"),
    pytest.param(21, 'note = "I traced empty input and duplicate values"', id="string-literal"),
    pytest.param(21, "print(f'verified both edge cases by hand')", id="prefixed-string"),
    pytest.param(23, "/* Complexity analysed: linear time, constant extra space */", id="java-block-comment"),
    pytest.param(23, 'String why = "handled negative numbers and duplicates";', id="java-string"),
    pytest.param(22, "", id="internal-error-run"),
    pytest.param(22, "internal_error", id="internal-error-verdict"),
]
OWN = [
    pytest.param(5, "I would first check every pair, which is O(n^2)", id="said-before-the-hint"),
    pytest.param(24, "sweep two pointers inward over the sorted array", id="own-words-after-a-hint"),
    pytest.param(21, "if target - x in seen:", id="code-in-a-commented-snapshot"),
    pytest.param(21, COMMENT_AND_CODE, id="comment-and-code"),
    pytest.param(14, "", id="submission"),
]


@pytest.mark.parametrize(("seq", "quote"), GIVEN)
def test_what_the_candidate_was_given_or_only_claims_is_no_substance(seq: int, quote: str) -> None:
    assert not has_substance(_source(), seq, quote)


@pytest.mark.parametrize(("seq", "quote"), OWN)
def test_the_candidates_own_words_code_and_runs_still_count(seq: int, quote: str) -> None:
    assert has_substance(_source(), seq, quote)


@pytest.mark.parametrize(("seq", "quote"), [pytest.param(*p.values, id=p.id) for p in GIVEN[::3]])
async def test_a_model_that_credits_on_them_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader, seq: int, quote: str
) -> None:
    def credits(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["verification"]["evidence"] = [{"seq": seq, "quote": quote}]
        card["rubric"][1] = {
            "id": "hash_map_one_pass",
            "mark": "met",
            "evidence": [{"seq": seq, "quote": quote}],
        }
        return FakeReply(body=card)

    model.responder = lambda body: credits(body) if len(model.requests) == 1 else honest(body)
    outcome = await make_grader().grade(_source())
    assert outcome.status == "ready" and len(model.requests) == 2
    repair = model.requests[1]["messages"][-1]["content"]
    assert "- dimensions.verification (score 3): credit that has no citation with substance" in repair
    assert "- rubric.hash_map_one_pass (met): credit that" in repair

    model.requests.clear()
    model.responder = credits
    outcome = await make_grader().grade(_source())
    assert (outcome.status, outcome.reason) == ("failed", "citations_unverified")
