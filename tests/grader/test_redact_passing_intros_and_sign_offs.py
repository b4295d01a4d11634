"""A name not on file said in passing or signing off (2026-12-05): "this is <Name> again" and "it's <Name>, by the
way" with no greeting before it (grader/introductions.py), a closing valediction with the name in lower case, with
its sentence going on after the name, or a thanks with the name before "from" an organisation (grader/bylines.py
`SAID_SIGN_OFF`). What talk about code says in the same words stays."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("this is Priya again", "this is [candidate] again"),
        ("ok so it's Wei Chen again, can you hear me?", "ok so it's [candidate] again, can you hear me?"),
        ("it's Priya, by the way", "it's [candidate], by the way"),
        ("so it's Zanele btw", "so it's [candidate] btw"),
        ("cheers, priya", "cheers, [candidate]"),
        ("Best regards, wei chen.", "Best regards, [candidate]."),
        ("Cheers, Priya. See you", "Cheers, [candidate]. See you"),
        ("thanks, Priya from the Lisbon office", "thanks, [candidate] from the Lisbon office"),
        ("Thanks, priya from the data team!", "Thanks, [candidate] from the data team!"),
        ("Best, Siobhan Kelly from Acme", "Best, [candidate] from Acme"),
    ],
)
def test_a_name_said_in_passing_or_signing_off(said: str, shown: str) -> None:
    assert R.speech(said).text == shown
    assert R.output(said).text == shown


def test_a_name_said_in_passing_is_redacted_everywhere() -> None:
    assert self_introduced(["it's Zanele, by the way", "let me share my screen"]) == ["Zanele"]


@pytest.mark.parametrize(
    "said",
    [
        "oh it's Redis again",
        "this is Python again",
        "it's Python, by the way",
        "It's Friday, by the way",
        "it's Dijkstra again",
        "it's Sorted again",
        "it's TLE again",
        "it's O(n) by the way",
        "cheers, mate",
        "cheers, bro",
        "cheers, everyone",
        "cheers, appreciated",
        "cheers, done.",
        "thanks, mike",
        "Thanks, Mike.",
        "best, then worst case",
        "Cheers, Python. See you",
        "that is the best, Priya. Really",
        "thanks, Counter from collections",
        "Thanks, Python from the standard library",
    ],
)
def test_the_same_words_about_code_stay(said: str) -> None:
    assert R.speech(said).text == said
