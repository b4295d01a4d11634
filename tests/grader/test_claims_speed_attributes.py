"""Speed said as an attribute of the code must fit the runs' time limits too (grader/claim_speed.py): "the candidate
delivered an efficient O(n) solution", "a fast, correct implementation", "her performant code" or "the submission,
efficient and idiomatic, ..." where the last submission's hidden test hit the time limit is the finding "the solution
is efficient" is, said before the noun. The approach, the idea, the candidate's pace, a negation, a hypothesis, advice,
a question, another resource and the visible tests stay no claim, as they are for the predicative reading."""

from __future__ import annotations

from typing import Any

import pytest

from grader.claim_speed import speed_problems
from tests.fakes.grader_model import FakeGraderModel, FakeReply, scorecard
from tests.grader.conftest import MakeGrader
from tests.grader.repair_support import repaired_then_refused
from tests.grader.test_claims_precision import BUNDLES, CASES
from tests.grader.test_claims_speed import PASSED, SLOW_THEN_FAST, TOO_SLOW, _too_slow


def _problems(text: str, bundle: Any = TOO_SLOW) -> list[str]:
    return speed_problems([("dimensions.coding.justification", text)], bundle.index)


SAID_AS_ATTRIBUTE = [
    # before the noun, alone, in a list of adjectives, with modifiers and a big-O between
    "An efficient solution.",
    "The candidate delivered an efficient solution.",
    "The candidate delivered a fast, correct implementation.",
    "Her performant code was her last submission.",
    "The candidate delivered an optimal O(n) solution that passed.",
    "They wrote efficient code.",
    "Clean, efficient code.",
    "A clean, readable and efficient implementation.",
    "They finished with a correct and efficient solution.",
    "The candidate's efficient hash-map solution was submitted last.",
    "Wrote an efficient O(n log n) solution using sorting.",
    "They submitted an efficient, well-structured function.",
    "The candidate produced high-performance code.",
    "A blazing-fast implementation.",
    "Strong coding: a scalable, well-tested program.",
    "The candidate implemented the optimal solution.",
    "The most efficient solution of the day.",
    "The candidate wrote an efficient solution, but did not test edge cases.",
    # in apposition to the code
    "The final submission, efficient and idiomatic, was their last run.",
    "The final code, an efficient one-pass hash map, was submitted at the end.",
    "The submission (fast and clean) was their last run.",
    "Their final code - efficient, readable - was well structured.",
    # Spanish, the adjective after the noun, and in apposition
    "Entregó una solución eficiente.",
    "Un código claro y eficiente.",
    "La entrega, eficiente y clara, llegó al final.",
    "Escribió una solución óptima.",
    # as a person reads them
    "An eff\u200bicient solution.",
    "An **efficient** solution.",
]


@pytest.mark.parametrize("text", SAID_AS_ATTRIBUTE)
def test_the_code_called_fast_as_an_attribute_where_the_last_submission_timed_out_is_a_problem(
    text: str,
) -> None:
    assert _problems(text), text
    assert _problems(text, PASSED) == [], text  # nothing hit the time limit there
    assert _problems(text, SLOW_THEN_FAST) == [], text  # the submission passed: the code is fast now


NOT_SAID_OF_THE_CODE = [
    # a negation, a hypothesis, an aim, a report
    "This is not an efficient solution.",
    "It would be an efficient solution if it used a hash map.",
    "An efficient solution was never reached.",
    "An efficient solution, however, was never reached.",
    "The candidate never reached an efficient solution.",
    "The candidate could have written an efficient solution.",
    "An efficient solution would have used a hash map.",
    "Once an efficient solution was in place, the tests would pass.",
    "They tried to write an efficient solution.",
    "The candidate failed to produce an efficient solution.",
    "Without an efficient solution, the hidden test timed out.",
    "They lacked an efficient solution.",
    "Rather than an efficient solution, they submitted the brute force.",
    "The candidate aimed for an efficient solution.",
    "The interviewer pushed for an efficient solution.",
    "The hint pointed to an efficient solution.",
    "The candidate said it was an efficient solution.",
    "The candidate called it an efficient solution.",
    "The candidate believed their code was an efficient solution.",
    "Is this an efficient solution? No: it timed out.",
    # the approach, the idea, the problem's solution, someone else's
    "The candidate described an efficient solution but coded the brute force.",
    "Their explanation of an efficient solution was clear.",
    "An efficient version was discussed.",
    "The candidate proposed an efficient approach.",
    "The approach, an efficient solution in principle, was not what they coded.",
    "With an efficient solution in mind, they started coding.",
    "There is an efficient O(n) solution with a hash map.",
    "An efficient solution exists using a hash map.",
    "An efficient solution is possible with a hash map.",
    "The problem requires an efficient solution.",
    "The question expects an efficient solution.",
    "The optimal solution is O(n) with a hash map, which the candidate did not reach.",
    "The reference solution is an efficient one-pass hash map.",
    # a comparison, another resource, a thing named by the word
    "The candidate moved to a more efficient solution, but it still timed out.",
    "A space-efficient solution that timed out on the large input.",
    "The candidate's fast and slow pointers solution timed out.",
    "Good use of a hash map for fast lookups.",
    "The code path for small inputs is fast.",
    "The code is fast to write but slow to run.",
    "A correct but inefficient solution.",
    # the candidate's pace and work
    "A fast implementation, done in ten minutes.",
    "A quick solution.",
    "Fast typing, code timed out.",
    "Fast communication and clean code.",
    "Efficient debugging: they found the bug in one edit.",
    "A fast learner who reached an O(n^2) solution.",
    # the visible tests and small inputs
    "An efficient solution for the visible tests only.",
    "They wrote efficient code for the small inputs.",
    # advice
    "Write efficient code from the start.",
    "Next time, aim for an efficient solution first.",
    "Practise writing an efficient solution before optimising.",
    # Spanish
    "Una solución rápida.",
    "No es una solución eficiente.",
    "La solución sería eficiente con un mapa.",
    "Describió una solución eficiente pero programó la fuerza bruta.",
    "Una solución más eficiente que la fuerza bruta, aunque demasiado lenta.",
]


@pytest.mark.parametrize("text", NOT_SAID_OF_THE_CODE)
def test_the_idea_the_pace_a_negation_advice_or_the_visible_tests_are_no_attribute_of_the_code(
    text: str,
) -> None:
    assert _problems(text) == [], text


def test_the_true_sentences_of_the_precision_corpus_still_pass() -> None:
    refused = [(text, name) for text, name in CASES if speed_problems([("x", text)], BUNDLES[name].index)]
    assert refused == []


def test_a_long_text_of_near_attributes_is_read_in_bounded_time() -> None:
    """Each phrase's words around it are read in a bounded window, not to the text's end: a justification of the
    schema's largest size of phrases that are all refused, with a negation at its end, is read at once."""
    import time

    text = "the efficient code done in minutes " * 120 + " not."
    start = time.perf_counter()
    assert _problems(text) == []
    assert time.perf_counter() - start < 2.0


async def test_a_scorecard_that_calls_timed_out_code_an_efficient_solution_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    """The candidate's "it's O(n), so it's definitely fast" repeated as the model's finding, said as an attribute."""

    def gullible(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["coding"]["justification"] = "The candidate delivered an efficient O(n) solution."
        return FakeReply(body=card)

    repair = await repaired_then_refused(
        model, make_grader, _too_slow(), gullible, "an efficient O(n) solution"
    )
    assert "dimensions.coding.justification" in repair and "time limit" in repair
