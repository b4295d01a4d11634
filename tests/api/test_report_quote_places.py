"""Which place of a quote a citation stands for, when its words occur more than once in what it cites: the first where
the grader's rule holds, counted as the replay's `findQuote` finds places (api/report_quotes.py). The browser test
is tests/web/test_report_quote_places.py."""

from __future__ import annotations

import pytest

from api.report_quotes import quote_place, replay_place, replay_places
from grader.evidence import CitableEvent, CitationIndex, check
from grader.redact import Redacted
from grader.schemas import Evidence


@pytest.mark.parametrize(
    ("text", "quote", "speech", "place"),
    [
        # Inside a word, then a word of its own.
        ("That is incorrect. Correct, it stops at the end.", "Correct", True, 1),
        # Inside a number ("0/5"), then a number of its own.
        ("It was 0/5 passed. 5 passed now.", "5 passed", True, 1),
        # Denied ("I don't think"), then said.
        (
            "I don't think my code handles duplicates. Now it does. My code handles duplicates.",
            "My code handles duplicates",
            True,
            1,
        ),
        # Asked, then said.
        ("Can I assume the input is sorted? The input is sorted.", "The input is sorted", True, 1),
        # Code: inside a longer name, then the call.
        ("def checksum(nums):\n    return sum(nums)\n", "sum(nums)", False, 1),
        # Once, or the first place holds: the first, as before.
        ("I keep a hash map.", "hash map", True, 0),
        ("A hash map. A hash map.", "hash map", True, 0),
        # Nowhere the rule holds: the first.
        ("incorrect, incorrect", "correct", True, 0),
    ],
)
def test_a_quote_stands_for_the_first_place_where_the_graders_rule_holds(
    text: str, quote: str, speech: bool, place: int
) -> None:
    assert quote_place(text, quote, speech=speech) == place
    places = replay_places(text, quote)
    start, end = places[place]
    assert text[start:end].lower() == quote.lower()


def test_places_are_counted_as_the_replay_counts_them() -> None:
    # JavaScript's `\s` (a line separator is one, U+001C is not), line breaks as one space, a capital lower-cased one
    # character at a time (a final sigma as U+03C3), a character past U+FFFF as it is.
    text = "ΟΔΟΣ\u2028a\r\nb ΟΔΟΣ a b \U00010400x \U00010428x"
    assert len(replay_places(text, "οδοσ a b")) == 2
    assert len(replay_places(text, "\U00010400x")) == 1
    assert replay_places("a\x1cb a b", "a b") == [(4, 7)]


def test_the_place_is_one_the_grader_verifies() -> None:
    """The grader verifies "correct" of this line as "Correct" (its sentence), and stores those words only."""
    text = "That is incorrect. Correct, it stops at the end."
    line = CitableEvent(1, "transcript", (Redacted(text, text),), speaker="candidate")
    verified = check(
        Evidence(seq=1, quote="correct"), CitationIndex(types={1: "transcript"}, citable={1: line})
    )
    assert isinstance(verified, Evidence) and verified.quote == "Correct"
    start, end = replay_places(text, verified.quote)[quote_place(text, verified.quote, speech=True)]
    assert text[start:end] == "Correct" and text[:start] == "That is incorrect. "


def test_places_are_read_past_invisible_characters_as_the_grader_reads_them() -> None:
    """The grader verifies "hash map" of a line that holds a zero-width space, a byte-order mark or a tag character
    inside or between its words (it reads past them: the model never sees them); the replay reads past them too, so
    that it marks the words verified (web/src/replay/model.test.ts holds the same places)."""
    text = "ha\u200bsh \ufeffmap, hash\U000e0041 map. A hash map."
    places = [(0, 10), (12, 21), (25, 33)]  # code points (the replay's UTF-16 offsets count the tag as two)
    assert replay_places(text, "hash map") == places
    assert replay_places(text, "\u200bHASH\u2066 map") == places
    assert replay_places("\u200b\u200d", "hash") == []
    line = CitableEvent(1, "transcript", (Redacted(text, text),), speaker="candidate")
    verified = check(
        Evidence(seq=1, quote="hash map"), CitationIndex(types={1: "transcript"}, citable={1: line})
    )
    assert isinstance(verified, Evidence) and verified.where is not None
    place = replay_place(text, verified.quote, speech=True, where=verified.where)
    assert place.where is not None
    assert replay_places(text, verified.quote)[place.occurrence] == (verified.where.start, verified.where.end)
