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
