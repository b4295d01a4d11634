"""A triple-quoted string keeps its quotes when a name in it is redacted (2026-12-06). The rule that reads a name
spelt across adjacent literals (`"Lo" "velace"`, grader/code_forms.py `LITERAL_RUN`) read a Python string in three
double quotes each side, holding `hello Ada`, as three literals (`""`, `"hello Ada"`, `""`) and rebuilt them as one:
`"hello [candidate]"`. The code the model was shown lost its quotes (a docstring became a plain string). Adjacent
literals, a name spelt in pieces and empty strings beside others are still read as before. The same for a name
after a cue at a string's end: a name's word took the closing quotes (an apostrophe ended it: grader/spoken.py).
"""

from __future__ import annotations

import itertools

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
CONTENTS = [
    "hello Ada Lovelace",
    "my name is Budi Santoso",
    "Submitted by Kwame Mensah",
    "Ada Lovelace <ada.lovelace@example.com>",
]
QUOTES = ['"""', "'''"]


@pytest.mark.parametrize(
    ("content", "quote", "shape"),
    list(
        itertools.product(
            CONTENTS, QUOTES, ["x = {q}{c}{q}\n", "def f():\n    {q}{c}{q}\n", "{q}\n{c}\n{q}\n"]
        )
    ),
)
def test_a_triple_quoted_string_keeps_its_quotes(content: str, quote: str, shape: str) -> None:
    code = shape.format(q=quote, c=content)
    shown = R.code(code, "python").text
    assert "[candidate]" in shown or "[email]" in shown, shown
    assert shown.count(quote) == 2, shown  # both delimiters, whole
    head, _, tail = shape.partition("{q}{c}{q}") if "{q}{c}{q}" in shape else shape.partition("{q}\n{c}\n{q}")
    assert shown.startswith(head.format(q=quote)) and shown.endswith(tail), shown


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ('x = "Lo" "velace"\n', 'x = "[candidate]"\n'),
        ('x = "Ada" + "" + "Lovelace"\n', 'x = "[candidate]"\n'),
        ("x = ['A', 'd', 'a']\n", "x = ['[candidate]']\n"),
        ('x = "" + "Love" + "lace"\n', 'x = "[candidate]"\n'),
        ('x = ""\ny = "n"\n', 'x = ""\ny = "n"\n'),
    ],
)
def test_adjacent_literals_and_empty_strings_are_read_as_before(code: str, shown: str) -> None:
    assert R.code(code, "python").text == shown


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("my name is Siobhan O'Brien, hi", "my name is [candidate], hi"),
        ("my name is Jean-Luc Picard.", "my name is [candidate]."),
        ("my name is D'Angelo", "my name is [candidate]"),
        ("call me Mary-Kate", "call me [candidate]"),
    ],
)
def test_a_name_with_an_apostrophe_or_hyphen_inside_still_goes_whole(said: str, shown: str) -> None:
    assert R.speech(said).text == shown
