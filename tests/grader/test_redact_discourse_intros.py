"""A self-introduction after the discourse words that open a spoken clause (grader/introductions.py `_OPENS_SAID`):
"so this is Priya from Acme", "okay, um, this is Wei Chen from the data team", "so Priya here, hi". The weaker forms
("this is <Name> from <organisation>", "<Name> here, hi") were read only where a clause opens at punctuation or a
line's start, and speech-to-text opens most turns with "so", "okay" or "um". What the same words say of code, a
state or a source still stays ("so this is fine", "so this is Counter from collections", "ok Node here, hi")."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("so this is Priya from Acme", "so this is [candidate] from Acme"),
        ("So this is Zanele from Acme", "So this is [candidate] from Acme"),
        (
            "so this is Priya from Acme Corp, I work on payments",
            "so this is [candidate] from [company], I work on payments",
        ),
        ("okay, um, this is Wei Chen from the data team", "okay, um, this is [candidate] from the data team"),
        (
            "Hello. So yeah this is Olusegun, from the Lagos office",
            "Hello. So yeah this is [candidate], from the Lagos office",
        ),
        ("and this is Siobh\u00e1n from Dublin", "and this is [candidate] from Dublin"),
        ("so Priya here, hi", "so [candidate] here, hi"),
        ("okay Wei Chen here from Acme", "okay [candidate] here from Acme"),
        ("um, Zanele here, I work at Acme", "um, [candidate] here, I work at [company]"),
    ],
)
def test_an_introduction_after_discourse_words_is_redacted(said: str, shown: str) -> None:
    assert R.speech(said).text == shown


@pytest.mark.parametrize(
    "said",
    [
        "so this is fine",
        "so this is Python",
        "okay this is Python from the docs",
        "so this is Counter from collections",
        "and this is Spark from Apache",
        "well this is Adapted from Stack Overflow",
        "yeah this is Array from the problem",
        "um this is Request from FastAPI",
        "so this is Dijkstra from the textbook",
        "so this is Monday from the schedule",
        "so this is different from Java",
        "ok Node here, hi",
        "so Fixed here, hello",
        "and Priya here.",
        "so Alice here is the input",
        "so the reason this is Fine from Acme's view",  # "this is" inside a clause: no introduction
    ],
)
def test_the_same_words_about_code_or_a_source_stay(said: str) -> None:
    assert R.speech(said).text == said
