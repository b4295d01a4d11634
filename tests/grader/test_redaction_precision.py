"""Redaction takes nothing that is not the candidate's: over every question in the bank, the reference solutions
and starters (as code) and every test's arguments and expected values (as program output, in each form a program
prints them) come through unchanged for candidates whose names are also everyday words, identifiers or numbers'
neighbours. A rule that over-reaches shows here as a changed line, before a grader reads "[candidate]" where the
candidate wrote `max` or printed a list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.db.bundle_repo import redaction_terms
from grader.bundle import REDACT_WINDOW_CHARS
from grader.redact import Redactor
from judge.bank import Question, load_bank

BANK = load_bank(Path(__file__).resolve().parents[2] / "questions")

# Names whose parts are also words, keywords, builtins or common identifiers in the bank's languages, with and
# without an e-mail (whose local part is a term of its own).
CANDIDATES = [
    ("Ada Lovelace", "ada.lovelace@example.com"),
    ("Will Max Turner", "will@example.com"),
    ("An Do", "ando@example.com"),
    ("Grace Park", "gpark@example.com"),
    ("Li Wu", "li.wu@example.com"),
    ("José Núñez", "jose@example.com"),
    ("Jean-Luc Picard", None),
    ("Sam Long", "sam.long@example.com"),
    ("Rich Lee Key", "key@example.com"),
    ("Mark Case", None),
    ("Amber Low", "low@example.com"),
    ("Wei Zhang", None),
    ("Priya Raman", "priya.r@example.com"),
]


def _printed(value: object) -> set[str]:
    # As the harness encodes a value and as a program would print it, in the windows the redactor reads of a long
    # text (its head and tail). A window with an "@" is left out: "@word" in what a program prints is a handle by
    # design (test_untrusted), and the bank's random printable strings are full of them.
    forms = {json.dumps(value), json.dumps(value, separators=(",", ":")), str(value), repr(value)}
    windows = {w for text in forms for w in (text[:REDACT_WINDOW_CHARS], text[-REDACT_WINDOW_CHARS:])}
    return {w for w in windows if "@" not in w}


def _changes(redactor: Redactor, question: Question) -> list[str]:
    changed: list[str] = []
    for kind, sources in (("reference", question.references), ("starter", question.starters)):
        for language, code in sources.items():
            if redactor.code(code, language).text != code:
                changed.append(f"{question.slug} {kind}.{language}")
    for test in question.tests:
        for value in (test.args, test.expected):
            for text in _printed(value):
                out = redactor.output(text).text
                if out != text:
                    changed.append(f"{question.slug} test {test.id}: {text[:80]!r} -> {out[:80]!r}")
    return changed


@pytest.mark.parametrize(("name", "email"), CANDIDATES, ids=[c[0] for c in CANDIDATES])
def test_the_banks_code_and_test_values_come_through_unchanged(name: str, email: str | None) -> None:
    redactor = Redactor(redaction_terms(name, email))
    changed = [c for q in BANK for c in _changes(redactor, q)]
    assert changed == []


def test_the_bank_is_what_the_check_reads() -> None:
    # The check above is only as wide as what it read: every question, each with code in every language and tests,
    # and nearly every test value (the "@" rule leaves out only a few random strings).
    assert len(BANK) >= 5
    assert all(q.references and q.starters and q.tests for q in BANK)
    assert {lang for q in BANK for lang in q.references} == {"python", "javascript", "java", "cpp"}
    values = [v for q in BANK for t in q.tests for v in (t.args, t.expected)]
    assert sum(1 for v in values if _printed(v)) >= 0.95 * len(values)
