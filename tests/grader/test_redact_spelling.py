"""A name spelled with words for its letters, as people spell a name over the phone: "A as in apple, D as in dog",
"L for London", or the phonetic alphabet ("alpha delta alpha"). The letters those words stand for are the name, as
in a name spelled letter by letter (`A-D-A`); words that do not spell it stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", None))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("it's A as in apple, D as in dog, A as in apple", "it's [candidate]"),
        ("that's a for apple d for dog a for apple, then lovelace", "that's [candidate], then [candidate]"),
        ("alpha delta alpha", "[candidate]"),
        ("Lima Oscar Victor Echo Lima Alpha Charlie Echo.", "[candidate]."),
        (
            "spelled A like apple, D like delta, A like apple and that's it",
            "spelled [candidate] and that's it",
        ),
    ],
)
def test_a_name_spelled_with_words_for_its_letters_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected


@pytest.mark.parametrize(
    "said",
    [
        "i for index, j for the inner loop, k for the window",
        "alpha beta pruning, then delta encoding and echo the result",
        "B as in binary, F as in first, S as in search",
        "use a for loop, a dict and a set",
    ],
)
def test_words_for_letters_that_do_not_spell_the_name_stay(said: str) -> None:
    assert R.speech(said).text == said
