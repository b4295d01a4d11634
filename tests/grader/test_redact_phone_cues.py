"""A phone number in code that a comment on its line, the comment line above it, or the name it is given in
another language calls one (grader/phone_forms.py `cued_number`, `phone_name`): `x = "415 555 0134"  # call me`,
`n = 4155550134  // my cell`, `mi_telefono = "612 345 678"`, `numero_de_contacto = 612345678`. A number whose
comment does not say so, or whose digits count or repeat, stays (a modulus, a keypad, a decimal)."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.phone_forms import cued_number
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("language", "code", "number"),
    [
        ("python", 'x = "415 555 0134"  # call me\n', "415 555 0134"),
        ("python", "n = 4155550134  # my cell\n", "4155550134"),
        ("python", "x = '4155550134'  # text me\n", "4155550134"),
        ("python", "x = 612345678  # mi móvil\n", "612345678"),
        ("python", "x = '612-345-678'  # mi celular\n", "612-345-678"),
        ("python", "x = '+34 612 345 678'  # whatsapp\n", "+34 612 345 678"),
        ("python", "x = '06 12 34 56 78'  # mon portable\n", "06 12 34 56 78"),
        ("python", "x = 1761234567  # meine Nummer\n", "1761234567"),
        ("javascript", 'const x = "4155550134"; // my phone\n', "4155550134"),
        ("java", 'String x = "(415) 555-0134"; /* reach me */\n', "(415) 555-0134"),
        ("cpp", "long long x = 4155550134LL;  // telefono\n", "4155550134"),
        ("python", "# my cell\nn = 4155550134\n", "4155550134"),
        ("javascript", "// llámame\nconst n = '612 345 678';\n", "612 345 678"),
        ("python", "digits = [4155550134]  # ring me\n", "4155550134"),
    ],
)
def test_a_number_a_comment_calls_a_phone_number_is_redacted(language: str, code: str, number: str) -> None:
    out = R.code(code, language).text
    assert number not in out
    assert "[phone]" in out


@pytest.mark.parametrize(
    "code",
    [
        'mi_telefono = "612 345 678"\n',
        'celular = "612345678"\n',
        "numero_de_contacto = 612345678\n",
        "telefone = '11 98765 4321'\n",
        "handynummer = 1761234567\n",
        "contact_no = 4155550134\n",
        "my_number = '415.555.0134'\n",
        "MOBILE = '+1 415 555 0134'\n",
        "PHONE = 415_555_0134\n",
        "long phone = 4_155_550_134L;\n",
        "phone = int('4155550134')\n",
        "phone = str(4155550134)\n",
    ],
)
def test_a_number_given_to_a_name_that_says_phone_in_any_language_is_redacted(code: str) -> None:
    out = R.code(code, "python").text
    assert "[phone]" in out
    assert not any(c.isdigit() for c in out.split("=", 1)[1])


@pytest.mark.parametrize(
    "code",
    [
        "MOD = 1000000007  # the number to take results modulo\n",
        "keys = '2345678'  # phone keypad digits\n",
        "x = 1111111  # my favourite\n",
        "pi = 3.1415926535  # call me maybe\n",
        "BIG = 10000000000  # number of cells\n",
        "x = 1234567  # the answer\n# call me later\n",
        'print("# call me", 4155550134)\n',
        "# phone keypad below\n# 2 -> abc\nx = 4155550134\n",
        "expected = 4155550134\n",
        "# my cell\nMOD = 1_000_000_007\n",
        "cell_count = 4155550134\n",
    ],
)
def test_numbers_no_comment_or_name_calls_a_phone_number_stay(code: str) -> None:
    assert R.code(code, "python").text == code


def test_a_number_inside_a_comment_is_left_to_the_rules_for_comments() -> None:
    # The comment line above labels a phone, but the number is in a comment of its own: the rules for comments judge
    # it there (grader/redact.py), not this one, which reads numbers in code.
    code = "# my phone\n# seed 4155550134\nx = 1\n"
    start = code.index("4155550134")
    assert cued_number(code, start, start + 10) == []
    code = "# my phone\nm = 4155550134\n"
    start = code.index("4155550134")
    assert cued_number(code, start, start + 10) == [(start, start + 10)]


def test_a_comment_line_above_that_only_mentions_a_phone_among_other_words_is_no_label() -> None:
    code = "# Author: Ada (@ada on Slack), tel. +1 (415) 555-0100 or 415-555-0101, see README\nSEED = 4155550134\n"
    assert "SEED = 4155550134" in R.code(code, "python").text


@pytest.mark.parametrize(
    ("language", "code", "number"),
    [
        ("javascript", "it('call me at 415 555 0134', () => {});\n", "415 555 0134"),
        ("python", "print('phone: 4155550134')\n", "4155550134"),
        ("python", "s = 'mi teléfono es 612 345 678'\n", "612 345 678"),
        ("java", 'String s = "text me: 415.555.0134";\n', "415.555.0134"),
    ],
)
def test_a_phone_number_a_cue_in_its_own_string_literal_gives_is_redacted(
    language: str, code: str, number: str
) -> None:
    out = R.code(code, language).text
    assert number not in out and "[phone]" in out


@pytest.mark.parametrize(
    "code",
    [
        "s = 'expected 1234567890 calls'\n",
        "s = 'the number is 1000000007'\n",
        "s = 'call 1 2 3 4 5 6 7 8 9'\n",
    ],
)
def test_a_string_literal_whose_digits_no_cue_calls_a_phone_number_stays(code: str) -> None:
    assert R.code(code, "python").text == code
