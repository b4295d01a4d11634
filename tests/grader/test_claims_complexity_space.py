"""A space complexity is no claim of the final code's time (grader/claim_complexity.py).

Only a space word right after the big-O ("O(n) extra space") was read as space; "the final solution has a space
complexity of O(n)" or "their code is O(n) in space" were held as bare time complexities, and a true sentence about
memory went to the repair round, then was refused, where the candidate had stated another time."""

from __future__ import annotations

import pytest

from grader.claim_complexity import complexity_problems

STATED = {"o(n^2)"}  # the candidate's stated time complexity, in `notation`


@pytest.mark.parametrize(
    "text",
    [
        "The final solution has a space complexity of O(n).",
        "Their code is O(n) in space.",
        "The code is O(n) in terms of memory.",
        "The code's memory use is O(n).",
        "The final code uses O(1) extra space.",
    ],
)
def test_space_is_not_time(text: str) -> None:
    assert complexity_problems([("x", text)], STATED) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "The final code runs in O(n) time.",
        "The solution is O(n) time and O(1) space.",
        "The final code runs in O(n) time and uses O(n) space.",
    ],
)
def test_a_bare_time_complexity_is_still_held(text: str) -> None:
    assert complexity_problems([("x", text)], STATED), text
