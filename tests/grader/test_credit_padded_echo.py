"""An echo with a word slipped into it is still an echo (grader/credit.py, `_Given.echoed`).

Credit on the candidate's words needs two content words that are not what they were given. An echo was only found
when the quote's content words were, with nothing but fillers between them, a run of the given text: one word of
the candidate's own anywhere in the run ("Yes, a hash map, obviously, from value to index" after "Would a hash map
from value to index help?"), or a plural for a singular ("hash maps from values to indexes"), made the interviewer's,
the statement's or a hint's words the candidate's substance. Now the quote is an echo when its words, one word aside,
are a run of three given words or more in their order, plurals read as their singulars. Two words of their own, or
the given words in another order, are still theirs."""

from __future__ import annotations

from typing import Any

import pytest

from grader.schemas import BundleInput
from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest, scorecard
from tests.grader.bundles import interview, transcript
from tests.grader.conftest import MakeGrader
from tests.grader.credit_support import has_substance

LINES = {
    15: ("assistant", "Would a hash map from value to index help?"),
    16: ("user", "Yes, a hash map, obviously, from value to index."),
    17: ("user", "Yes, a hash map from value to index, obviously."),
    18: ("user", "Return the indices of the two numbers that honestly add up to target."),
    19: ("user", "Hash maps from values to indexes."),
    20: ("user", "Check every single pair first."),
    21: ("assistant", "Anything else?"),
    22: ("user", "Sure. A hash map, clearly, from value to index."),
    23: ("user", "I'd keep a hash map from each value to its index, then look up the complement."),
    24: ("user", "That's a map, but from index back to value."),
    25: ("user", "Maybe a hash set of seen values instead."),
    26: ("user", "Pairs first, every pair checked."),
}


def _source() -> BundleInput:
    return interview(
        extra_events=[transcript(seq, 170.0 + seq, role, text) for seq, (role, text) in LINES.items()]
    )


PADDED = [
    pytest.param(16, "Yes, a hash map, obviously, from value to index.", id="interviewer-word-inside"),
    pytest.param(17, "Yes, a hash map from value to index, obviously.", id="interviewer-word-after"),
    pytest.param(18, "Return the indices of the two numbers that honestly add up to target.", id="statement"),
    pytest.param(19, "Hash maps from values to indexes.", id="plurals"),
    pytest.param(20, "Check every single pair first.", id="hint"),
    pytest.param(22, "A hash map, clearly, from value to index.", id="interviewer-turns-before"),
]
OWN = [
    pytest.param(
        23, "I'd keep a hash map from each value to its index, then look up the complement.", id="more"
    ),
    pytest.param(24, "That's a map, but from index back to value.", id="another-order"),
    pytest.param(25, "Maybe a hash set of seen values instead.", id="two-words-of-their-own"),
    pytest.param(26, "Pairs first, every pair checked.", id="hint-words-apart"),
]


@pytest.mark.parametrize(("seq", "quote"), PADDED)
def test_an_echo_with_a_word_slipped_in_is_no_substance(seq: int, quote: str) -> None:
    assert not has_substance(_source(), seq, quote)


@pytest.mark.parametrize(("seq", "quote"), OWN)
def test_the_candidates_own_sentence_with_given_words_still_counts(seq: int, quote: str) -> None:
    assert has_substance(_source(), seq, quote)


async def test_a_model_that_credits_on_a_padded_echo_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    quote = "Yes, a hash map, obviously, from value to index."

    def credits(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["problem_solving"]["evidence"] = [{"seq": 16, "quote": quote}]
        card["rubric"][1] = {
            "id": "hash_map_one_pass",
            "mark": "met",
            "evidence": [{"seq": 16, "quote": quote}],
        }
        return FakeReply(body=card)

    model.responder = lambda body: credits(body) if len(model.requests) == 1 else honest(body)
    outcome = await make_grader().grade(_source())
    assert outcome.status == "ready" and len(model.requests) == 2
    repair = model.requests[1]["messages"][-1]["content"]
    assert "- rubric.hash_map_one_pass (met): credit that has no citation with substance" in repair
