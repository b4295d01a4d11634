"""A name of three words or more, or with a particle inside, after a cue that says a name follows
(grader/name_particles.py): the slots had stopped at the second word or at the particle, so "my name is Sanne de
Vries" kept "de Vries" and "tên tôi là Nguyễn Văn An" kept "An". Generated over names of several cultures, cues and
positions (speech, a comment, a string literal, a program's output); what talk about code says after a name
stays."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))

NAMES = [
    "Sanne de Vries",
    "Ludwig van der Berg",
    "Maria del Carmen Lopez",
    "Nguyen Van An",
    "Nguyễn Văn An",
    "Kofi Annan Boateng",
    "Chiamaka Ngozi Okafor",
    "Ahmad bin Yusuf",
    "Omar ibn Rashid",
    "Giulia della Rocca",
    "Joao da Silva Santos",
    "Kwame Nkrumah Mensah",
    "Siobhan Aoife Kelly",
    "Ana Garcia y Lopez",
]
CUES = [
    "my name is",
    "My full name is",
    "call me",
    "I go by",
    "I'm",
    "Hi, this is",
    "mi nombre es",
    "tên tôi là",
]


@pytest.mark.parametrize("cue", CUES)
@pytest.mark.parametrize("name", NAMES)
def test_every_word_of_the_name_goes_in_speech(cue: str, name: str) -> None:
    shown = R.speech(f"{cue} {name}, nice to meet you").text
    assert shown == f"{cue} [candidate], nice to meet you", shown


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("template", "language"),
    [
        ("# my name is {}\nx = 1\n", "python"),
        ('print("my name is {}")\n', "python"),
        ("// I'm {}.\nint x;\n", "cpp"),
        ('const who = "Hi, this is {}";\n', "javascript"),
    ],
)
def test_every_word_of_the_name_goes_in_code(name: str, template: str, language: str) -> None:
    shown = R.code(template.format(name), language).text
    assert shown == template.format("[candidate]"), shown


@pytest.mark.parametrize("name", NAMES)
def test_every_word_of_the_name_goes_in_output(name: str) -> None:
    assert R.output(f"Hello! My name is {name}.").text == "Hello! My name is [candidate]."


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("my name is sanne de vries, hi", "my name is [candidate], hi"),
        ("my name is Priya Raman and I work at Acme", "my name is [candidate] and I work at [company]"),
        ("my name is Priya Raman I think", "my name is [candidate] I think"),
        ("call me Sasha y Trabajo", "call me [candidate]"),
        ("mi nombre es ana y trabajo en Madrid", "mi nombre es [candidate] y trabajo en Madrid"),
        ("my name is Priya de", "my name is [candidate] de"),
        ("my name is Priya Raman de la cola", "my name is [candidate] de la cola"),
    ],
)
def test_what_follows_a_name_and_is_no_part_of_it_stays(said: str, shown: str) -> None:
    assert R.speech(said).text == shown


def test_a_particle_is_no_name_of_its_own() -> None:
    terms = self_introduced(["my name is Sanne de Vries"])
    assert "Sanne de Vries" in terms and "Vries" in terms and "de" not in terms
    other = Redactor([*redaction_terms("Ada Lovelace", "a@example.com"), *terms])
    assert other.speech("we insert de node").text == "we insert de node"
    assert other.speech("Vries said so").text != "Vries said so"
