"""A Latin name written in another script (Cyrillic, Greek, Arabic, Devanagari) is the candidate's name too: a
candidate can write it in a comment or say it to a speech-to-text set to another language. Words of those scripts
that are not the name stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Ada Lovelace", "Ада Лавлейс"),
        ("Ada Lovelace", "Ада Ловелас"),
        ("Ada Lovelace", "Άντα Λάβλεϊς"),
        ("Ada Lovelace", "Лав" + "\u200b" + "лейс"),  # an invisible character inside
        ("Dmitry Petrov", "Дмитрий Петров"),
        ("Nikos Papadopoulos", "Νίκος Παπαδόπουλος"),
        ("Priya Raman", "प्रिया रमन"),
        ("Priya Raman", "Прия Раман"),
        ("Priya Raman", "بريا"),
        ("Mohammed Al-Farsi", "محمد الفارسي"),
        ("Ahmed Khan", "أحمد خان"),
    ],
)
def test_a_latin_name_written_in_another_script_is_redacted(name: str, written: str) -> None:
    r = Redactor(redaction_terms(name, None))
    said = f"Меня зовут {written}, here"
    expected = "Меня зовут " + " ".join(["[candidate]"] * len(written.split())) + ", here"
    assert r.speech(said).text == expected
    assert r.output(said).text == expected
    comment = r.code(f"# {written}\nx = 1\n", "python").text
    assert comment.startswith("# [candidate]") and comment.endswith("\nx = 1\n")
    out = r.speech(said)
    at = out.text.index("[candidate]")
    start, _ = out.original_span(at, at + len("[candidate]"))
    assert start == said.index(written)


@pytest.mark.parametrize(
    "name", ["Ada Lovelace", "Priya Raman", "Dmitry Petrov", "Mohammed Al-Farsi", "Ivan Petrov"]
)
def test_words_of_those_scripts_that_are_not_the_name_stay(name: str) -> None:
    r = Redactor(redaction_terms(name, None))
    texts = [
        "это сортировка слиянием: массив делим пополам, индекс середины, не он и не она",
        "πρώτα ταξινομούμε τον πίνακα και μετά δυαδική αναζήτηση",
        "نستخدم جدول التجزئة للبحث عن العنصر في المصفوفة",
        "हम हैश मैप का उपयोग करेंगे और सूची को क्रमबद्ध करेंगे",
    ]
    for text in texts:
        assert r.speech(text).text == text
