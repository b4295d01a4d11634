"""A title right before the candidate's own name in a string literal or a program's output goes with the name
(grader/name_titles.py): `greet("Mrs. Lovelace")` reached the model as `greet("Mrs. [candidate]")`,
the candidate's gender beside their redacted name. A title before anyone else's name is test data and stays."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", None))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('print(greet("Mrs. Lovelace"))', 'print(greet("[title]. [candidate]"))'),
        ("msg = 'Dear Ms Ada Lovelace,'", "msg = 'Dear [title] [candidate],'"),
        ('System.out.println("Sra. Lovelace");', 'System.out.println("[title]. [candidate]");'),
    ],
)
def test_a_title_before_the_candidates_name_in_a_literal_is_neutral(code: str, expected: str) -> None:
    assert R.code(code, "python").text == expected


def test_a_title_before_the_candidates_name_a_program_printed_is_neutral() -> None:
    assert R.output("Welcome back, Miss Lovelace!").text == "Welcome back, [title] [candidate]!"


@pytest.mark.parametrize(
    "code",
    [
        'assert greet("Mrs. Smith") == "Hello, Mrs. Smith"',
        "titles = ['Mr', 'Mrs', 'Ms']",
        'label = "Sir Lancelot"',
        "if title == Title.MR:\n    pass",
    ],
)
def test_a_title_before_anyone_else_stays(code: str) -> None:
    assert R.code(code, "python").text == code
