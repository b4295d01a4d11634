"""A short aside the candidate says right after a line takes it back across the line break: speech-to-text cuts a
turn where the speaker pauses, so "My code handles duplicates correctly." then "Not." are two lines, and the first
had verified as the candidate's statement though "... correctly. Not." in one line is refused (2026-12-07). A
longer next line, a question, or a line of someone else's in between leaves it quotable."""

from __future__ import annotations

import pytest

from grader.bundle import build_bundle
from grader.evidence import CitationIndex, check
from grader.facts import compute_facts
from grader.schemas import BundleEvent, Evidence
from tests.grader.bundles import BUGGY, interview, transcript

CLAIM = "My code handles duplicates correctly."
PAIRS = [  # (the line quoted, the same speaker's next line)
    (CLAIM, "Not."),
    ("my code handles negative numbers", "just kidding"),
    ("It runs in linear time.", "I think."),
    ("Maneja los duplicados.", "Es broma."),
    (CLAIM, "Right?"),  # a question alone is not read across lines
    (CLAIM, "No sorting is needed because the map keeps every index we have seen."),  # a thought of its own
    (f"{CLAIM} Then I return the pair of indices from the map.", "Not."),  # a long sentence between
]
TAKEN_BACK = [0, 1, 2, 3]
FIRST = 40


@pytest.fixture(scope="module")
def index() -> CitationIndex:
    extra: list[BundleEvent] = []
    seq, t = FIRST, 500.0
    for quoted, after in PAIRS:
        extra += [transcript(seq, t, "user", quoted), transcript(seq + 1, t + 3, "user", after)]
        seq, t = seq + 2, t + 10
    # A snapshot between the line and the aside does not part them; the interviewer's line does.
    extra += [
        transcript(seq, t, "user", CLAIM),
        BundleEvent(
            seq=seq + 1, type="editor_snapshot", t=t + 1, payload={"language": "python", "code": BUGGY}
        ),
        transcript(seq + 2, t + 3, "user", "Just kidding."),
        transcript(seq + 3, t + 10, "user", CLAIM),
        transcript(seq + 4, t + 12, "assistant", "Okay."),
        transcript(seq + 5, t + 14, "user", "Not."),
    ]
    source = interview(extra_events=extra)
    return build_bundle(source, compute_facts(source)).index


@pytest.mark.parametrize("pair", range(len(PAIRS)))
def test_a_short_denial_on_the_next_line_takes_the_quote_back(index: CitationIndex, pair: int) -> None:
    quoted = PAIRS[pair][0].split(" Then")[0]
    result = check(Evidence(seq=FIRST + 2 * pair, quote=quoted), index)
    if pair in TAKEN_BACK:
        assert isinstance(result, str), result
        assert "taken back by the same speaker's next line" in result and PAIRS[pair][1] in result
    else:
        assert isinstance(result, Evidence), result
        assert result.quote == quoted


def test_a_snapshot_between_does_not_part_the_aside_but_another_speaker_does(index: CitationIndex) -> None:
    seq = FIRST + 2 * len(PAIRS)
    parted = check(Evidence(seq=seq, quote=CLAIM), index)
    assert isinstance(parted, str) and "Just kidding." in parted
    answered = check(Evidence(seq=seq + 3, quote=CLAIM), index)
    assert isinstance(answered, Evidence), answered


def test_the_aside_itself_is_still_quotable(index: CitationIndex) -> None:
    result = check(Evidence(seq=FIRST + 1, quote="Not."), index)
    assert isinstance(result, Evidence), result
