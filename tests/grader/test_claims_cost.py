"""Whitespace in a scorecard field is read as one space by the claims check: a run of 4,000 spaces between a subject
and its verb had taken the clause splitting into cubic time (a second a field, every sample and repair round). What
is checked here is that reading (the same problems, however long the run); the time it takes, and its growth with
the text, is measured by `python -m bench grader_claims` (tests never time)."""

from __future__ import annotations

import pytest

from grader.claims import claim_problems
from tests.grader.test_claims_fail_closed import BUNDLE as FAILED

SHAPES = {
    "spaces": ("The code{}passed.", " "),
    "tabs and line breaks": ("The solution is{}correct.", "\t\n"),
    "spaces and no-break spaces": ("The final code{}works on all inputs.", " \u00a0"),
    "line breaks between clauses": ("The hidden tests all passed.{}The code is correct.", "\n"),
}


def _problems(text: str) -> list[str]:
    return claim_problems([("candidate_advice", text)], FAILED.facts, FAILED.index)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_run_of_whitespace_reads_as_one_space(shape: str) -> None:
    template, unit = SHAPES[shape]
    one = _problems(template.format(" "))
    assert one  # the claim is false in FAILED (a hidden test failed): the check must find it
    for count in (2, 50, 2_000):
        long = _problems(template.format(unit * count))
        assert len(long) == len(one), (shape, count)
        assert [p.split(":")[0] for p in long] == [p.split(":")[0] for p in one]
