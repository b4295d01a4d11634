"""A quote may not end inside an expression the candidate said or wrote: "It's O(n" of "It's O(n^2) time", "It takes
2" of "2^n steps", "So it's O of n" of "O of n squared" each verified and were stored as what the candidate said, a
complexity or a number they did not state (2026-12-07). The whole expression still holds, and code may leave a
bracket open (a block closes in another quote)."""

from __future__ import annotations

import pytest

from grader.bundle import build_bundle
from grader.evidence import CitationIndex, check
from grader.facts import compute_facts
from grader.schemas import BundleEvent, Evidence
from tests.grader.bundles import interview, transcript

LINES = [
    "It's O(n^2) time overall.",
    "It runs in O(n log n) because we sort.",
    "It takes 2^n steps in the worst case.",
    "The array can hold 10**5 elements.",
    "So it's O of n squared in the worst case.",
    "I loop from zero to n-1 inclusive.",
    "We split the range at n/2 each time.",
    "The pairs cost n*m comparisons.",
    "It's O(n) time, O(1) space. So it's O of n, and O of 1 extra.",
    "I'd write seen[target - x] (the map) first, then it's O(n",
    "The grid costs n\u00d7m cells.",
]
SNAPSHOT = "def count(nums):\n    n = len(nums)\n    for j in range(n-1, 0, -1):\n        pass\n"
FIRST = 40  # the seq of LINES[0]; the snapshot follows the lines


@pytest.fixture(scope="module")
def index() -> CitationIndex:
    lines = [transcript(FIRST + i, 500.0 + 10 * i, "user", line) for i, line in enumerate(LINES)]
    snapshot = BundleEvent(
        seq=FIRST + len(LINES),
        type="editor_snapshot",
        t=600.0,
        payload={"language": "python", "code": SNAPSHOT},
    )
    source = interview(extra_events=[*lines, snapshot])
    return build_bundle(source, compute_facts(source)).index


@pytest.mark.parametrize(
    ("line", "quote"),
    [
        (0, "It's O(n"),  # the exponent and the bracket left open
        (0, "It's O(n^2"),  # the bracket left open
        (1, "It runs in O(n"),  # "log n)" left out
        (2, "It takes 2"),  # 2^n
        (3, "The array can hold 10"),  # 10**5
        (4, "So it's O of n"),  # "squared" left out
        (5, "I loop from zero to n"),  # n-1
        (6, "We split the range at n"),  # n/2
        (7, "The pairs cost n"),  # n*m
        (10, "The grid costs n"),  # n, a times sign, m
    ],
)
def test_a_quote_ending_inside_an_expression_is_refused(index: CitationIndex, line: int, quote: str) -> None:
    result = check(Evidence(seq=FIRST + line, quote=quote), index)
    assert isinstance(result, str), result
    assert f"seq {FIRST + line}" in result


@pytest.mark.parametrize(
    ("line", "quote"),
    [
        (0, "It's O(n^2) time overall."),
        (1, "It runs in O(n log n) because we sort."),
        (1, "It runs in O(n log n)"),
        (2, "It takes 2^n steps"),
        (3, "The array can hold 10**5 elements"),
        (4, "So it's O of n squared in the worst case"),
        (5, "I loop from zero to n-1"),
        (6, "We split the range at n/2 each time."),
        (7, "The pairs cost n*m comparisons"),
        (10, "The grid costs n\u00d7m cells."),
        (8, "It's O(n) time"),  # the bracket closed: the rest of the clause is not needed
        (8, "So it's O of n"),  # a comma ends the spoken big-O's clause
        (9, "I'd write seen[target - x]"),  # its brackets closed in it
        (9, "I'd write seen[target - x] (the map) first, then it's O(n"),  # the line never closes it
    ],
)
def test_the_whole_expression_still_holds(index: CitationIndex, line: int, quote: str) -> None:
    result = check(Evidence(seq=FIRST + line, quote=quote), index)
    assert isinstance(result, Evidence), result
    assert result.quote == quote


def test_a_code_quote_may_leave_a_bracket_open_but_not_cut_an_expression(index: CitationIndex) -> None:
    seq = FIRST + len(LINES)
    held = check(Evidence(seq=seq, quote="for j in range(n-1, 0, -1):\n        pass"), index)
    assert isinstance(held, Evidence), held
    opened = check(Evidence(seq=seq, quote="for j in range(n-1, 0"), index)
    assert isinstance(opened, Evidence), opened
    cut = check(Evidence(seq=seq, quote="for j in range(n"), index)
    assert isinstance(cut, str) and "not in the code of that snapshot" in cut
