"""What the scorecard's words say about hints must be what the facts count (grader/claim_hints.py): "needed no
hints" where the interviewer gave one lifts problem solving past the rubric's cap, and "needed three hints" where it
gave one lowers a candidate for help they never had. True sentences, advice and hypotheses pass."""

from __future__ import annotations

from typing import Any

import pytest

from grader.claim_hints import hint_problems
from grader.schemas import Facts, HintFact
from tests.fakes.grader_model import FakeGraderModel, FakeReply, scorecard
from tests.grader.bundles import interview, transcript
from tests.grader.conftest import MakeGrader
from tests.grader.repair_support import repaired_then_refused


def _facts(hints: int) -> Facts:
    return Facts(hints=[HintFact(seq=i + 1, t=60.0 * (i + 1)) for i in range(hints)])


def _problems(text: str, hints: int, where: str = "dimensions.problem_solving.justification") -> list[str]:
    return hint_problems([(where, text)], _facts(hints))


# (sentence, hints given): each says what the facts contradict.
CONTRADICTED = [
    ("The candidate needed no hints.", 1),
    ("Solved it without any hints.", 1),
    ("Reached the one-pass hash map without a hint.", 2),
    ("Reached the hash map hint-free.", 1),
    ("The candidate did not need any hints.", 1),
    ("They didn't require a single hint.", 3),
    ("They never needed a hint.", 1),
    ("Zero hints were used.", 1),
    ("No hint was needed to reach the one-pass approach.", 1),
    ("A strong, independent solve with no interviewer hints.", 1),
    ("Resolvió el problema sin pistas.", 1),
    ("No necesitó ninguna pista.", 2),
    ("The candidate would have struggled, but solved it without hints.", 1),  # the claim is after the "but"
    ("The candidate needed two hints.", 1),
    ("Needed three hints to reach the recurrence.", 2),
    ("After a single hint, the candidate found the map.", 2),
    ("Needed only one hint.", 3),
    ("Just one hint was given.", 2),
    ("Both hints were needed.", 1),
    ("Used hint 2 well.", 1),
    ("After the second hint they moved on.", 1),
    ("Hints given: 2.", 1),
    ("After the hint, the candidate moved to a hash map.", 0),
    ("The interviewer's hint unblocked them.", 0),
    ("The candidate needed a hint to find the map.", 0),
    ("One hint was enough.", 0),
    ("Solved it without needing any hints at all.", 1),
    ("There was no need for hints.", 1),
    ("The only hint came at 80 s.", 2),
    # As a person reads them: a zero-width space, a Cyrillic look-alike, markdown.
    ("The candidate needed no h\u200bints.", 1),
    ("The candidate needed no hint\u0455.", 1),
    ("The candidate needed **no** hints.", 1),
]


@pytest.mark.parametrize(("text", "hints"), CONTRADICTED)
def test_a_hint_claim_the_facts_contradict_is_a_problem(text: str, hints: int) -> None:
    assert _problems(text, hints), text


# (sentence, hints given): true of the record, or no claim about it.
HELD = [
    ("The candidate needed one hint.", 1),
    ("The candidate needed one hint to move from the brute-force idea to the hash map.", 1),
    ("The candidate used the hint well and moved to a hash map.", 1),
    ("After two hints the candidate found the recurrence.", 3),  # true of a moment
    ("All three hints were needed.", 3),
    ("Both hints were needed.", 2),
    ("Greedy until hint 1, no idea of the subproblem until hint 2, and the recurrence only once hint 3.", 3),
    ("Hints given: 2; the candidate used them well.", 2),
    ("No further hints were needed.", 1),  # after some
    ("The candidate needed no more hints after the first.", 1),
    ("After one hint, no further help was needed.", 1),
    ("Reached it, though not without hints.", 1),
    ("The candidate could not have found it without the hint.", 1),
    ("They would have needed no hints with more time.", 1),  # a hypothesis
    ("The candidate asked for a hint but worked it out.", 0),  # asked, not given
    ("The candidate asked for a hint, which the interviewer declined to give.", 0),
    ("The candidate needed no hints.", 0),
    ("The candidate worked without hints.", 0),
    ("Sin pistas, llegó al mapa hash.", 0),
    ("The code showed no hint of confusion.", 1),  # "hint of" is a trace
    ("The name hints at a heap.", 1),
    ("The code has no type hints.", 1),  # code's hints
    ("The interviewer gave the hint 90 s after the first run.", 1),  # a time, not hint 90
    ("Added two type hints to the signature.", 1),
    ("The candidate reached the approach independently.", 1),  # names no hint: the rubric reads the timeline
    ("An approach reached mostly through hints scores at most 2.", 1),
    ("The only hint came at 80 s.", 1),
    ("The candidate did not ask for any hints.", 1),  # the interviewer may give one unasked
    # The question's hints, not the ones given; a hypothesis after the count.
    ("Used one of the four available hints.", 1),
    ("The question has four hints; the candidate needed one.", 1),
    ("Of the question's two hints, one was given.", 1),
    ("Two hints would have helped more.", 1),
]


@pytest.mark.parametrize(("text", "hints"), HELD)
def test_true_hint_statements_and_non_claims_are_not_problems(text: str, hints: int) -> None:
    assert _problems(text, hints) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "Practise solving medium problems without hints.",
        "Try to reach the approach without a hint next time.",
        "Solve more DP problems without hints to build confidence.",
        "Aim to need no hints on a problem of this size.",
    ],
)
def test_advice_to_the_candidate_is_no_claim_about_the_interview(text: str) -> None:
    assert _problems(text, 1, where="candidate_advice") == [], text


def test_in_the_advice_what_is_said_of_you_is_a_claim() -> None:
    assert _problems("You reached the hash map without any hints.", 1, where="candidate_advice")


async def test_a_scorecard_that_says_no_hints_were_needed_where_one_was_given_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    """The candidate says it; a model that repeats it as its finding gets the repair round (naming the facts' count),
    and one that keeps repeating it fails: the interview (tests/grader/bundles.py) has one hint, at seq 8."""
    source = interview(
        extra_events=[transcript(15, 175.0, "user", "And note I solved it without needing any hints at all.")]
    )

    def gullible(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["problem_solving"]["justification"] = (
            "The candidate reached the one-pass hash map on their own and needed no hints."
        )
        card["strengths"] = ["Solved it without any hints."]
        return FakeReply(body=card)

    repair = await repaired_then_refused(model, make_grader, source, gullible, "no hints")
    assert "dimensions.problem_solving.justification" in repair and "strengths[0]" in repair
    assert "the facts have 1 hint(s) given" in repair
