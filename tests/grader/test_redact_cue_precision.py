"""Redaction's cues read as what they say, not as the words they share with code and talk about code: a comment about
a problem's phone numbers ("# phone numbers", "# check prefixes in the phone book") labels no number; "the number of"
counts; "author:" inside a sentence labels nothing; "Solution by Binary Search" names a method; an identifier's
predicate (`my_name_is_valid`, `callMeMaybe`) gives no name; INT_MAX is no phone number. The contact details the cues
are for are still replaced, and the German "geschrieben von" and Brazilian "meu zap" are read too."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "adal1815@gmail.com"))


@pytest.mark.parametrize(
    "code",
    [
        'phone_book = ["119", "97674223", "1195524421"]  # phone numbers\n',
        '# check prefixes in the phone book\nphone_book = ["119", "97674223", "1195524421"]\n',
        'numbers = ["911", "97625999", "91125426"]  # phone list\n',
        'cases = ["4155550134", "41555501"]  # phone validator cases\n',
        "# validate phone\nraw = 4155550134\n",
        "// the phones of the directory\nlong[] xs = {97674223L, 1195524421L};\n",
        "N = 2147483647  # call me if this overflows\nM = 4294967296  # my number of states\n",
    ],
)
def test_a_comment_about_the_problems_phone_numbers_labels_none(code: str) -> None:
    assert R.code(code, "python").text == code


@pytest.mark.parametrize(
    "code",
    [
        "x = 4155550134  # phone\n",
        "x = 4155550134  # Phone number:\n",
        "x = 4155550134  # work mobile (after 6)\n",
        "x = 4155550134  # tel.\n",
        "# Phone:\nx = 4155550134\n",
        "x = 4155550134  # my cell\n",
        "x = 4155550134  # call me\n",
        "x = 612345678  # mi móvil\n",
    ],
)
def test_a_comment_that_labels_a_number_or_makes_it_the_writers_still_does(code: str) -> None:
    out = R.code(code, "python").text
    assert "[phone]" in out and "555" not in out and "612345678" not in out


@pytest.mark.parametrize(
    "said",
    [
        "my number of tests is 4213587",
        "the number of nodes is 4213587",
        "meu número de testes é 4213587",
        "mi número de pruebas es 4213587",
        "mon numéro de test est 4213587",
        "meine Nummer von Versuchen ist 4213587",
    ],
)
def test_a_number_of_things_is_a_count(said: str) -> None:
    assert R.speech(said).text == said
    assert R.output(said).text == said


@pytest.mark.parametrize(
    "said",
    [
        "my number is 4213587",
        "mi número de casa es 612345678",
        "meu número de celular é 11 91234 5678",
        "meu zap é 11 91234-5678",
        "ligue para mim: 11 91234 5678",
    ],
)
def test_a_phone_number_after_its_cue_is_still_replaced(said: str) -> None:
    for out in (R.speech(said).text, R.output(said).text):
        assert "[phone]" in out and "4213587" not in out and "1234" not in out, out


@pytest.mark.parametrize(
    "code",
    [
        "# the author: Knuth, TAOCP vol 1\n",
        "# Solution by Binary Search\n",
        "# solved by Sorting\n",
        "# Solution by Dynamic Programming\n",
        "# code by Python, tests by pytest\n",
        "# solution by Recursion and Memoization\n",
        "# a JSON file written by save_tensors_data(), made by np.zeros(n)\n",
    ],
)
def test_a_method_or_a_books_author_is_no_signature(code: str) -> None:
    assert R.code(code, "python").text == code
    text = code.removeprefix("# ")
    assert R.output(text).text == text


@pytest.mark.parametrize(
    ("code", "gone"),
    [
        ("# Author: zqdev\n", "zqdev"),
        ("# Two pointers. Author: zqdev\n", "zqdev"),
        ("# solved by zq_dev\n", "zq_dev"),
        ("# written by Priya Raman\n", "Priya"),
        ("# geschrieben von Priya Raman\n", "Priya"),
        ("# erstellt von zq_dev\n", "zq_dev"),
        ("# programmiert von zqdev42\n", "zqdev42"),
    ],
)
def test_a_signature_is_still_replaced(code: str, gone: str) -> None:
    out = R.code(code, "python").text
    assert gone not in out and "[candidate]" in out


@pytest.mark.parametrize(
    "code",
    [
        "my_name_is_valid = check(s)\n",
        "my_name_is_empty = not s\n",
        "my_name_is_none = s is None\n",
        "my_name_is_the_key = k == s\n",
        "my_tag_is_open = True\n",
        "my_user_name_is_empty = False\n",
        "def callMeMaybe(): pass\n",
        "my_number_is_1000000007 = True\n",
    ],
)
def test_an_identifiers_predicate_gives_no_contact_detail(code: str) -> None:
    assert R.code(code, "python").text == code


@pytest.mark.parametrize(
    ("code", "gone"),
    [
        ("my_name_is_priya_raman = 1\n", "priya"),
        ("myNameIsPriyaRaman = 1\n", "Priya"),
        ("my_tag_is_zq_dev = 1\n", "zq_dev"),
        ("my_phone_is_4155550134 = 1\n", "4155550134"),
    ],
)
def test_an_identifier_that_gives_a_contact_detail_is_still_replaced(code: str, gone: str) -> None:
    assert gone not in R.code(code, "python").text
