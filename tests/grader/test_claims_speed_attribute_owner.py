"""Speed as an attribute (grader/claim_speed.py) is a claim about the candidate's code only where the noun phrase is
theirs: owned ("her performant code"), made or handed in ("delivered an efficient solution"), said to be their code
("it is an efficient solution"), or the clause alone ("An efficient solution."). The same phrase related to their
code in any other way is the idea of such code: true sentences of a scorecard whose last submission timed out, which
the attribute rule sent back for repair (and refused) before."""

from __future__ import annotations

import pytest

from grader.claim_speed import speed_problems
from tests.grader.test_claims_speed import TOO_SLOW


def _problems(text: str) -> list[str]:
    return speed_problems([("dimensions.coding.justification", text)], TOO_SLOW.index)


THE_IDEA_OF_SUCH_CODE = [
    "Efficient code matters for this problem.",
    "The interviewer hinted that an efficient solution uses two pointers.",
    "They understood what an efficient solution looks like but their code timed out.",
    "The candidate explored an efficient solution with the interviewer.",
    "The candidate understood that the efficient solution uses a hash map.",
    "They got close to an efficient solution.",
    "The gap between their code and an efficient solution was large.",
    "Their final code timed out, unlike an efficient solution.",
    "Compared with an efficient solution, the final code was too slow.",
    "Una solución eficiente usa un mapa; la suya excedió el límite de tiempo.",
]


@pytest.mark.parametrize("text", THE_IDEA_OF_SUCH_CODE)
def test_an_attribute_of_code_that_is_not_theirs_is_no_claim(text: str) -> None:
    assert _problems(text) == [], text


THEIRS = [
    "It's an efficient solution.",
    "Their code is an efficient solution.",
    "They ended up with an efficient, idiomatic solution.",
    "Overall: an efficient solution.",
    "El código entregado: una solución eficiente.",
    "Their efficient code was submitted last.",
]


@pytest.mark.parametrize("text", THEIRS)
def test_an_attribute_of_their_own_code_is_still_read(text: str) -> None:
    assert _problems(text), text
