"""The writer's own family in a string literal or a program's output reaches the model no more than in speech or a
comment (grader/redact_refine.py `AUTHOR_CUE`): a test string "Happy birthday, my wife" or a printed "for my
daughter" told the grader the candidate's family and its genders, where only a self-description had been read.
Only after "my" ("mi"); test data naming nobody's family, and the question's own words, stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", None))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            'assert greet("Happy birthday, my wife Maria") == "Hi"',
            'assert greet("Happy birthday, my [partner] Maria") == "Hi"',
        ),
        (
            "def test_gift():\n    assert wrap('for my daughter') == 1",
            "def test_gift():\n    assert wrap('for my [child]') == 1",
        ),
        ('console.log("my big brother taught me");', 'console.log("my big [sibling] taught me");'),
        ('String s = "mi madre y mi esposa";', 'String s = "mi [parent] y mi [partner]";'),
        ('x = "My Husband and a son"', 'x = "My [partner] and a [child]"'),
    ],
)
def test_the_writers_family_in_a_string_literal_is_neutral(code: str, expected: str) -> None:
    assert R.code(code, "python").text == expected


def test_the_writers_family_a_program_printed_is_neutral() -> None:
    assert R.output("Thanks to my mom for the coffee").text == "Thanks to my [parent] for the coffee"


@pytest.mark.parametrize(
    "code",
    [
        'assert parent_of("the mother node") == root',
        'people = ["a woman", "a man", "his sister"]',
        'assert is_palindrome("A man, a plan, a canal: Panama")',
        'print("my score:", score)',
        'label = "mine and the father node"',
        # "my" and "mi" as variables before a keyword, not the writer's family
        "for my in mother:\n    pass",
        "return mi if hijo else None",
        "if my and wife:\n    x = 1",
    ],
)
def test_test_data_naming_nobodys_family_stays(code: str) -> None:
    assert R.code(code, "python").text == code


def test_the_questions_own_words_stay() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", None), vocabulary="Each mother node points to its children.")
    assert r.code('print("my mother")', "python").text == 'print("my mother")'
