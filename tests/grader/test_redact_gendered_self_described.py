"""A candidate's own self-description in a string literal or a program's output reaches the model no more than in
speech or a comment (grader/redact_refine.py `self_described_rule`): gendered words there had been left alone so
that test data reads as it is, and `print("I am a woman")` or `pronouns = "she/her"` told the grader a gender. Only
after a cue of describing oneself; test data and the question's own words stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", None))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('print("I am a woman")', 'print("I am a [person]")'),
        ("pronouns = 'she/her'", "pronouns = '[they]/[them/their]'"),
        (
            'console.log("As a single mother, I code at night");',
            'console.log("As a single [parent], I code at night");',
        ),
        ('note = "soy mujer y programo en Python"', 'note = "soy [person] y programo en Python"'),
        ('msg = "My pronouns are he, him"', 'msg = "My pronouns are [they], [them]"'),
        # The words listed after the cue, not only the first ("wife" and "esposa" reached the model).
        ('print("As a mother and a wife, I code")', 'print("As a [parent] and a [partner], I code")'),
        ('print("soy madre y esposa")', 'print("soy [parent] y [partner]")'),
    ],
)
def test_a_self_description_in_a_string_literal_is_neutral(code: str, expected: str) -> None:
    assert R.code(code, "python").text == expected


def test_a_self_description_a_program_printed_is_neutral() -> None:
    assert R.output("I'm a woman and my pronouns are she/her").text == (
        "I'm a [person] and my pronouns are [they]/[them/their]"
    )


@pytest.mark.parametrize(
    "code",
    [
        'assert is_palindrome("A man, a plan, a canal: Panama")',
        'people = ["a woman", "a man", "a boy"]',
        'print("the girl scored", score)',
        'label = "as a list of values"',
    ],
)
def test_test_data_without_a_self_description_stays(code: str) -> None:
    assert R.code(code, "python").text == code


def test_the_questions_own_words_stay_in_a_self_description() -> None:
    r = Redactor(
        redaction_terms("Ada Lovelace", None), vocabulary="Each woman in the queue is served in order."
    )
    assert r.code('print("I am a woman")', "python").text == 'print("I am a woman")'


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("soy programadora desde hace cinco años", "soy [developer] desde hace cinco años"),
        ("trabajé como ingeniera de datos", "trabajé como [engineer] de datos"),
        ("cuando era becaria en una startup", "cuando era [intern] en una startup"),
    ],
)
def test_a_spanish_role_in_its_feminine_form_is_neutral(said: str, expected: str) -> None:
    """As French and German ones are ("je suis développeuse"): the masculine is the generic form, and stays."""
    assert R.speech(said).text == expected
    assert R.speech("soy programador desde hace cinco años").text == "soy programador desde hace cinco años"
    assert R.speech("comparo cada solución candidata").text == "comparo cada solución candidata"
