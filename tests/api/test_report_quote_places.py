"""Which place of a quote a citation stands for, when its words occur more than once in what it cites: the first where
the grader's rule holds, counted as the replay's `findQuote` finds places (api/report_quotes.py). The browser test
is tests/web/test_report_quote_places.py."""

from __future__ import annotations

import re

import pytest

from api.report_lines import said_lines
from api.report_quotes import ReplayPlace, quote_place, replay_place, replay_places
from api.templating import MAX_MARKERS_PER_TEXT
from grader.evidence import CitableEvent, CitationIndex, check
from grader.redact import Redacted
from grader.schemas import Evidence, QuoteWhere


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


def test_places_after_more_hidden_characters_than_the_page_marks_are_the_replays() -> None:
    """A candidate typed thousands of hidden characters before the words cited (and one inside them): past the page's
    first MAX_MARKERS_PER_TEXT markers they print as plain `U+XXXX`, which the replay, reading the words from the page,
    could not read back, so it marked the wrong place or none. The replay reads the line as stored
    (web/src/replay/transcript.ts), where these are its places (web/src/replay/model.test.ts holds the same), and
    the page stays bounded: markers up to the cap, then six plain characters a hidden character."""
    text = "\u202e" * 2500 + " I said it. ha\u200bsh map, then a hash map."
    assert replay_places(text, "hash map") == [(2512, 2521), (2530, 2538)]
    line = CitableEvent(1, "transcript", (Redacted(text, text),), speaker="candidate")
    verified = check(
        Evidence(seq=1, quote="hash map"), CitationIndex(types={1: "transcript"}, citable={1: line})
    )
    assert isinstance(verified, Evidence) and verified.where is not None
    assert replay_place(text, verified.quote, speech=True, where=verified.where) == ReplayPlace(
        0, (2512, 2521)
    )
    tags = "\U000e0041" * 2100 + " a hash map"
    assert replay_places(tags, "hash map") == [(2103, 2111)]
    where = QuoteWhere(start=2103, end=2111)
    assert replay_place(tags, "hash map", speech=True, where=where) == ReplayPlace(0, (4203, 4211))

    hostile = "\u202e" * 5_000 + " I said it. ha\u200bsh map."
    shown = str(said_lines(hostile))
    assert shown.count('class="hidden-char"') == MAX_MARKERS_PER_TEXT
    plain = re.sub(r'<span class="hidden-char"[^>]*>U\+202E</span>', "", shown)
    assert plain.count("U+202E") == 5_000 - MAX_MARKERS_PER_TEXT
    assert len(shown) < 100 * MAX_MARKERS_PER_TEXT + 6 * len(hostile)
