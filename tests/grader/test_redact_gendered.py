"""Words that tell the candidate's gender beyond pronouns, honorifics and family words: a gendered job title or role
("as a chairwoman", "when I was a waitress"), a sorority or fraternity, a widow. Shown as neutral placeholders, in
speech and comments, unless the question's own statement uses the word."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", None))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("back when I was a waitress", "back when I was a [server]"),
        ("I was the chairwoman of the club", "I was the [chair] of the club"),
        ("I was in a sorority at school", "I was in a [society] at school"),
        ("my fraternity brothers taught me", "my [society] [siblings] taught me"),
        ("as a businesswoman and an actress", "as a [businessperson] and an [actor]"),
        ("I'm a widow", "I'm a [widowed]"),
        # A gender identity said of oneself; "a non-binary tree" is the code's.
        ("I'm a transwoman", "I'm a [person]"),
        ("I'm transgender, for context", "I'm [personal], for context"),
        ("as a genderqueer engineer", "as a [personal] engineer"),
        ("a non-binary tree has more children", "a non-binary tree has more children"),
    ],
)
def test_gendered_roles_and_groups_are_neutral(said: str, expected: str) -> None:
    assert R.speech(said).text == expected
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {expected}\nx = 1\n"


def test_a_gendered_role_the_question_uses_stays() -> None:
    r = Redactor(
        redaction_terms("Ada Lovelace", None), vocabulary="The chairman picks a waitress for each table."
    )
    said = "so the chairman picks the waitress first"
    assert r.speech(said).text == said


# Spanish sentences that use "he" (I have) and "son" (they are), as a candidate interviewed in Spanish says them.
SPANISH = [
    "Los índices son {n} y {m}, así que devuelvo esa lista.",
    "He probado con {n} números negativos y funciona.",
    "Creo que son {n} punteros; he usado un diccionario para los que ya vi.",
    "Ya he visto el caso de {n} elementos, pero no el de {m}.",
    "Los casos que faltan son los de {n} y {m} elementos.",
    "Bueno, he pensado que si son {n} valores iguales hay que devolver el primero.",
    "No he terminado todavía, son {n} líneas más.",
]
ENGLISH = [
    ("He said the {n} tests were enough.", "[they] said the {n} tests were enough."),
    ("My son wrote {n} of these at school.", "My [child] wrote {n} of these at school."),
    ("I think he is right about the {n} cases.", "I think [they] is right about the {n} cases."),
    ("When my son was {n}, he built a robot.", "When my [child] was {n}, [they] built a robot."),
]


@pytest.mark.parametrize("sentence", SPANISH)
@pytest.mark.parametrize(("n", "m"), [("0", "1"), ("dos", "tres")])
def test_spanish_he_and_son_stay_as_said(sentence: str, n: str, m: str) -> None:
    """English "he" and "son" are Spanish "I have" and "they are": a transcript in Spanish had every "son" as
    "[child]" and every "he" as "[they]", in what the grader read of the candidate's reasoning."""
    said = sentence.format(n=n, m=m)
    assert R.speech(said).text == said
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {said}\nx = 1\n"


@pytest.mark.parametrize(("sentence", "expected"), ENGLISH)
@pytest.mark.parametrize("n", ["2", "three"])
def test_english_he_and_son_are_still_neutral(sentence: str, expected: str, n: str) -> None:
    assert R.speech(sentence.format(n=n)).text == expected.format(n=n)
    # Beside Spanish in another sentence of the same line, still English.
    line = f"Vale, son dos casos. {sentence.format(n=n)}"
    assert R.speech(line).text == f"Vale, son dos casos. {expected.format(n=n)}"
