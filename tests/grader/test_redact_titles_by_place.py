"""A title right before the candidate's name is recognised by where it stands, not by a list (grader/name_titles.py):
"Lady", "Lord", "Dame", "Master", and any other honorific a list misses, had reached the model beside the hidden name
in what was said and in code, telling it a gender, a rank or a faith."""

from __future__ import annotations

import re

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada@example.com"))
TITLES = ["Lady", "Lord", "Dame", "Master", "Countess", "Sheikh", "Rev.", "Mx.", "Fräulein", "Signora", "Mme"]


@pytest.mark.parametrize("title", TITLES)
def test_any_title_before_the_candidates_name_is_neutral_in_speech_code_and_output(title: str) -> None:
    said = R.speech(f"Nice to meet you, {title} Lovelace. Let's start.")
    assert re.fullmatch(r"Nice to meet you, \[(?:title|person)\]\.? \[candidate\]\. Let's start\.", said.text)
    assert title.rstrip(".") not in said.text
    code = R.code(f'print("Welcome, {title} Lovelace")  # by {title} Ada', "python")
    assert title.rstrip(".") not in code.text and code.text.count("[candidate]") == 2
    assert title.rstrip(".") not in R.output(f"Hello {title} Lovelace!").text


def test_a_title_maps_back_to_its_own_words_for_a_verified_quote() -> None:
    said = "Thanks, Master Lovelace, the map works."
    out = R.speech(said)
    assert out.text == "Thanks, [title] [candidate], the map works."
    at = out.text.index("[title]")
    assert said[slice(*out.original_span(at, at + len("[title]")))] == "Master"
    start, end = out.original_span(0, len(out.text))
    assert said[start:end] == said
    assert said[slice(*out.original_span(out.text.index("the map"), len(out.text)))] == "the map works."


@pytest.mark.parametrize(
    "said",
    [
        "Hi Lovelace, thanks. Hello Ada. Dear Ada, welcome.",
        "Lord of the rings uses the Master branch, says Dr Smith.",
        "I asked Lady Smith and Master Yoda.",
    ],
)
def test_a_words_grammar_before_the_name_and_titles_before_other_names_stay(said: str) -> None:
    out = R.speech(said).text
    assert "[title]" not in out
    assert out.replace("[candidate]", "X") == said.replace("Lovelace", "X").replace("Ada", "X").replace(
        "Lady", "[person]"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lady\u200bLovelace", "[title]\u200b[candidate]"),  # an invisible character between hides no title
        ("Master-Lovelace", "[title]-[candidate]"),
        ("Countess of Lovelace", "[title] of [candidate]"),
        ("Her Majesty Lovelace", "[title] [title] [candidate]"),
        (
            "We use Python. Lovelace, go on.",
            "We use Python. [candidate], go on.",
        ),  # a sentence's end is no title
    ],
)
def test_a_title_joined_to_the_name_or_in_a_chain_is_neutral_in_output(text: str, expected: str) -> None:
    assert R.output(text).text == expected
