"""Gendered words in French and German (grader/gendered.py, 2026-12-06, graderI6): the redactor replaced English and
Spanish pronouns, titles, family words and roles named by gender, and "ich bin Entwicklerin", "je suis
développeuse", "ma femme est enceinte" reached the model as said ("Entwicklerin" was even taken for a name after "ich
bin" and redacted everywhere). Gender in grammar (an adjective's ending: "je suis ravie") stays, as in Spanish."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("ich bin Entwicklerin", "ich bin [developer]"),
        ("Ich bin Softwareentwicklerin bei Acme.", "Ich bin [developer] bei Acme."),
        ("je suis développeuse", "je suis [developer]"),
        ("je suis étudiante en informatique", "je suis [student] en informatique"),
        ("ich bin Ingenieurin und Teamleiterin", "ich bin [engineer] und [lead]"),
        ("als Praktikantin habe ich Python gelernt", "als [intern] habe ich Python gelernt"),
        ("ma femme est enceinte", "ma [person] est [personal]"),
        ("mein Mann und meine Tochter", "mein Mann und meine [child]"),
        ("Elle a écrit le code", "[they] a écrit le code"),
        ("Mein Vater ist Ingenieur", "Mein [parent] ist Ingenieur"),  # the masculine is the generic one
        ("merci Madame", "merci [title]"),
        ("ich bin in Mutterschutz", "ich bin in [parental]"),
        ("ich bin schwanger", "ich bin [personal]"),
    ],
)
def test_french_and_german_gendered_words_are_replaced(said: str, shown: str) -> None:
    assert R.speech(said).text == shown
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {shown}\nx = 1\n"


def test_a_gendered_word_after_i_am_is_no_name() -> None:
    assert self_introduced(["ich bin Entwicklerin"]) == []
    assert self_introduced(["ich bin Lukas"]) == ["Lukas"]


@pytest.mark.parametrize(
    "said",
    [
        "je suis ravie",  # gender in grammar: kept, as Spanish adjective endings are
        "a mere O(n) pass",  # "mère" folds to "mere"
        "in a manner of speaking",  # "Männer" folds to "manner"
        "the employee table",  # "employée" folds to "employee"
        "a Mann-Whitney test",
        "sie ist fertig",  # "sie" is also "they" and "you"
        "er, let me think",
        "il faut trier",
    ],
)
def test_words_that_are_also_other_words_stay(said: str) -> None:
    assert R.speech(said).text == said
