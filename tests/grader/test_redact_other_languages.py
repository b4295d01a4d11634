"""Contact details and a name said or typed in a language other than the interview's (French, Portuguese, German):
an address with "arobase", "arroba", "at-Zeichen" and "point", "ponto", "Punkt"; a phone number read out in those
languages' digits; a name after "mi nombre es", "me llamo", "je m'appelle", "mein Name ist", "meu nome é"
(grader/spoken.py). Words those languages share with English, Spanish and code ("um", "un", "null", "point") keep
their ordinary meaning."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))

MODES: dict[str, Callable[[str], str]] = {
    "speech": lambda s: R.speech(s).text,
    "comment": lambda s: R.code(f"x = 1  # {s}\n", "python").text,
    "output": lambda s: R.output(s).text,
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("said", "gone"),
    [
        ("mon email c'est zqdev arobase gmail point com", ("zqdev", "gmail")),
        ("jean point dupont arobase orange point fr", ("jean", "dupont", "orange")),
        ("zq tiret bas dev arobase proton point me", ("zq", "dev", "proton")),
        ("meu email é zqdev arroba gmail ponto com", ("zqdev", "gmail")),
        ("zq traço dev arroba uol ponto com ponto br", ("zq", "dev", "uol")),
        ("meine E-Mail ist zqdev at-Zeichen gmx Punkt de", ("zqdev", "gmx")),
        ("zq Unterstrich dev Klammeraffe web Punkt de", ("zq", "dev", "web")),
        ("zqdev (arobase) proton (point) me", ("zqdev", "proton")),
    ],
)
def test_an_address_said_in_french_portuguese_or_german_is_redacted(
    mode: str, said: str, gone: tuple[str, ...]
) -> None:
    out = MODES[mode](said)
    assert "[email]" in out
    assert not any(word in out for word in gone)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "number",
    [
        "zéro six un deux trois quatre cinq six sept huit",
        "null eins sieben sechs, eins zwei drei, vier fünf sechs sieben",
        "null zwo eins eins, neun acht sieben sechs",
        "nove um dois três quatro cinco seis sete oito",
        "un deux trois quatre cinq six sept",
    ],
)
def test_a_phone_number_read_out_in_french_portuguese_or_german_digits_is_redacted(
    mode: str, number: str
) -> None:
    out = MODES[mode](f"mon numéro: {number}")
    assert out.rstrip("\n").endswith("[phone]")
    for word in ("deux", "eins", "zwo", "dois", "sete"):
        assert word not in out


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("mi nombre es Priya Raman", "mi nombre es [candidate]"),
        ("mi apellido es Raman", "mi apellido es [candidate]"),
        ("me llamo Priya", "me llamo [candidate]"),
        ("llámame Sasha", "llámame [candidate]"),
        ("je m'appelle Priya Raman", "je m'appelle [candidate]"),
        ("mon nom est Raman", "mon nom est [candidate]"),
        ("mein Name ist Priya Raman", "mein Name ist [candidate]"),
        ("ich heiße Priya", "ich heiße [candidate]"),
        ("meu nome é Priya Raman", "meu nome é [candidate]"),
        ("my surname is Raman", "my surname is [candidate]"),
    ],
)
def test_a_name_introduced_in_another_language_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected


@pytest.mark.parametrize(
    "said",
    [
        "um, one, two, um, three, um four five six seven eight nine",
        "the tree is 1 2 3 null null 4 5 null null 6 7",
        "it prints null null null null null null null null null",
        "the output is null, null, null, 4, 5, 6, 7, 8, 9",
        "tengo un array de uno dos tres cuatro cinco seis siete ocho",
        "un uno un dos un tres un cuatro",
        "at some point I'll use a set",
        "look at the point com era, at point com",
        "I point at node dot next then at point dot x",
        "me llamó mucho la atención el problema",
        "me llamo la atención, perdón",
        "llámame mañana si quieres",
        "sept huit neuf dix",
    ],
)
def test_words_other_languages_share_with_english_spanish_and_code_stay(said: str) -> None:
    assert R.speech(said).text == said


@pytest.mark.parametrize(
    "printed", ["[1, 2, 3, null, null, 4, 5, null, null, 6, 7]", "1 2 3 null null 4 5 null null 6 7 8"]
)
def test_a_level_order_tree_printed_with_null_stays(printed: str) -> None:
    assert R.output(printed).text == printed
