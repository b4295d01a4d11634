"""Redaction keeps the candidate's identity out of the model's input without garbling what they said or wrote."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor


def test_name_email_phone_and_links_are_replaced_in_speech_and_mapped_back() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
    said = "I'm ada   LOVELACE; mail ada.lovelace@example.com or x@y.org, call +44 20 7946 0958, github.com/adal."
    out = r.speech(said)
    assert out.text == "I'm [candidate]; mail [email] or [email], call [phone], [link]."
    at = out.text.index("[phone]")
    start, end = out.original_span(at, at + len("[phone]"))
    assert said[start:end] == "+44 20 7946 0958"


def test_code_keeps_identifiers_that_merely_contain_or_equal_a_lowercase_name_part() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", "ada@example.com"))
    out = r.code("# Ada Lovelace\nada = lovelace_count = 1\nclass ADA: pass\n")
    assert out.text == "# [candidate]\nada = lovelace_count = 1\nclass [candidate]: pass\n"


@pytest.mark.parametrize(
    ("name", "said", "expected"),
    [
        ("An Do", "Hi An, welcome. An array is fine, so do it. Thanks, An Do!",
         "Hi [candidate], welcome. An array is fine, so do it. Thanks, [candidate]!"),
        ("Will Max Turner", "Hi Will. I will use a max heap. Max, thanks.",
         "Hi [candidate]. I will use a max heap. [candidate], thanks."),
        ("Grace Park", "So grace period is two. Grace, the park example works.",
         "So grace period is two. [candidate], the park example works."),
        ("Li Wu", "Li said the list is sorted, right Wu?", "Li said the list is sorted, right [candidate]?"),
    ],
)  # fmt: skip
def test_names_that_are_everyday_words_only_go_when_written_as_names(
    name: str, said: str, expected: str
) -> None:
    assert Redactor(redaction_terms(name, None)).speech(said).text == expected


def test_numbers_in_code_are_not_phone_numbers() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", None))
    code = "MOD = 1_000_000_007\nnums = [1000000007, 2, 3]\n"
    assert r.code(code).text == code


def test_a_file_header_with_the_name_joined_as_a_handle_and_a_phone_number_is_redacted_in_code() -> None:
    """An author line, a handle or an identifier spells the full name without a space; a contact line in a comment
    has a phone number written as one. Plain numbers in code stay numbers."""
    r = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
    code = (
        "# Author: AdaLovelace (@adalovelace, ada_lovelace on Slack), tel. +1 (415) 555-0100 or 415-555-0101\n"
        "MOD = 1_000_000_007\nnums = [1000000007, 2, 3]\nwhen = '2024-11-30'\n"
    )
    out = r.code(code)
    assert out.text == (
        "# Author: [candidate] (@[candidate], [candidate] on Slack), tel. [phone] or [phone]\n"
        "MOD = 1_000_000_007\nnums = [1000000007, 2, 3]\nwhen = '2024-11-30'\n"
    )
    at = out.text.index("[phone]")
    start, end = out.original_span(at, at + len("[phone]"))
    assert code[start:end] == "+1 (415) 555-0100"  # a quote across it still maps back to the original
    # A short name's parts joined make an everyday word, which stays.
    assert Redactor(redaction_terms("An Do", None)).speech("Yo ando bien, an_do.").text == (
        "Yo ando bien, [candidate]."
    )


def test_a_name_is_redacted_with_or_without_its_accents_and_in_full_width_letters() -> None:
    """Speech-to-text and ASCII comments often drop accents ("José Núñez" heard as "Jose Nunez"); a full-width
    name is the same name. The text the model sees keeps everything else as written."""
    r = Redactor(redaction_terms("José Núñez", "jose.nunez@example.com"))
    said = "Hola, soy Jose Nunez; bueno, NUNEZ. Ａｄｅｍáｓ, Ｊｏｓé aquí. Piñata stays."
    out = r.speech(said)
    assert (
        out.text == "Hola, soy [candidate]; bueno, [candidate]. Ａｄｅｍáｓ, [candidate] aquí. Piñata stays."
    )
    at = out.text.index("[candidate]")
    start, end = out.original_span(at, at + len("[candidate]"))
    assert said[start:end] == "Jose Nunez"
    assert r.code("# Author: Jose Nunez\nnunez = 1\n").text == "# Author: [candidate]\nnunez = 1\n"


def test_a_hyphenated_name_is_redacted_as_said_and_as_written() -> None:
    """Speech-to-text writes "Jean-Luc" as "Jean Luc"; code writes it joined."""
    r = Redactor(redaction_terms("Jean-Luc Picard", "jl@example.com"))
    said = "Hi, I'm Jean Luc Picard. Jean Luc is fine, or just Luc."
    assert r.speech(said).text == "Hi, I'm [candidate]. [candidate] is fine, or just [candidate]."
    assert r.code("# JeanLucPicard, jean_luc\n").text == "# [candidate], [candidate]\n"
