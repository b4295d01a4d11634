"""The name written so that a reader of the text, or the grading model, can read it back: reversed, in ROT13, in
base64 or hex (in a string, a comment or what a program prints), and as a lowercase segment of an identifier or a
path (`solve_lovelace`, `/tmp/lovelace/`). Identifiers, constants and encodings that do not hold the name stay."""

from __future__ import annotations

import base64
import codecs

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    "encoded",
    [
        "ecalevoL adA",
        "ecalevol",
        codecs.encode("Ada Lovelace", "rot13"),
        base64.b64encode(b"Ada Lovelace").decode(),
        base64.b64encode(b"by lovelace, 2026").decode(),
        base64.urlsafe_b64encode(b"ada.lovelace@example.com").decode(),
        b"Ada Lovelace".hex(),
    ],
)
def test_the_name_reversed_or_encoded_is_redacted(encoded: str) -> None:
    for out in (
        R.speech(f"the key is {encoded} ok").text,
        R.output(f"key: {encoded}").text,
        R.code(f"KEY = '{encoded}'  # {encoded}\n", "python").text,
    ):
        assert "[candidate]" in out or "[email]" in out, out
        assert all(w not in out for w in encoded.split()), out


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def solve_lovelace(nums):\n", "def solve_[candidate](nums):\n"),
        ("lovelace_helper = 1\n", "[candidate]_helper = 1\n"),
        ("open('/tmp/lovelace/out.txt')\n", "open('/tmp/[candidate]/out.txt')\n"),
        ("def test_lovelace_edge_case(): ...\n", "def test_[candidate]_edge_case(): ...\n"),
    ],
)
def test_a_distinctive_name_as_a_lowercase_segment_of_an_identifier_or_path_is_redacted(
    code: str, expected: str
) -> None:
    assert R.code(code, "python").text == expected


@pytest.mark.parametrize(
    "code",
    [
        "MASK = 0xDEADBEEF\nh = 'e3b0c44298fc1c149afbf4c8996fb924'\n",
        "data = 'aGVsbG8gd29ybGQ='  # hello world\n",
        "minimumSubarrayLength = findMinimumSubarray(nums)\n",
        "nil = None\nlevel = 0\n",
    ],
)
def test_identifiers_and_encodings_that_do_not_hold_the_name_stay(code: str) -> None:
    assert R.code(code, "python").text == code
    assert R.output(code).text == code


def test_a_short_name_part_as_a_lowercase_identifier_stays() -> None:
    # Under five letters a lowercase segment is too often a word or an abbreviation of the code's own.
    code = "ada = 1\nx = ada + 2\n"
    assert R.code(code, "python").text == code


def test_an_algorithms_eponym_as_a_lowercase_identifier_stays_for_a_candidate_of_that_name() -> None:
    r = Redactor(redaction_terms("Robert Floyd", None))
    code = "def floyd_cycle(head):\n    return dijkstra_like(head)\n"
    assert r.code(code, "python").text == code
    assert (
        r.code("# Robert Floyd\nclass Floyd: pass\n", "python").text
        == "# [candidate]\nclass [candidate]: pass\n"
    )


@pytest.mark.parametrize("part", ["Priya", "priya", "RAMAN", "Raman", "Ravi"])
def test_a_short_part_in_padded_base64_is_redacted(part: str) -> None:
    # Four to five letters make a token of seven characters or fewer and its "=" padding: `cHJpeWE=` for "priya" was
    # neither a long token nor a short one (whose end could not be "=").
    redactor = Redactor(redaction_terms("Priya Raman Ravi", None))
    token = base64.b64encode(part.encode()).decode()
    assert token.endswith("=")
    for shown in (redactor.output(token).text, redactor.code(f'x = "{token}"  # {token}\n', "python").text):
        assert token not in shown and "[candidate]" in shown, shown
